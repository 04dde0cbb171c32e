"""The business rules as plain Python: no Qt, no SQL, no I/O.

Everything here is testable in microseconds and imports only the standard library.
"""
