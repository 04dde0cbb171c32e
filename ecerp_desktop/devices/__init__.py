"""Scanners, scales and printers as profile + driver (profiles in drivers/)."""
