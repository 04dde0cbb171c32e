"""Adapters to the outside systems (platforms, couriers, the back-office ERP).

Only this package speaks HTTP. Each platform is one module behind the interface in
``base.py``; each speaks the platform's real wire protocol.
"""
