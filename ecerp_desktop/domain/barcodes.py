"""Barcodes on goods: EAN-13 check digits, computed by our own code.

python-barcode silently replaces a wrong check digit with the right one, which would let a
mistyped barcode into the catalogue and make the packing station reject the real item; the
importer validates with these functions instead.
"""

from __future__ import annotations


def ean13_check_digit(first12: str) -> str:
    """The check digit of the twelve digits *first12* (GS1: weights 1,3,1,3… from the left)."""
    if len(first12) != 12 or not first12.isascii() or not first12.isdigit():
        raise ValueError("EAN-13 needs exactly twelve digits before the check digit")
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return str((10 - total % 10) % 10)


def is_valid_ean13(code: str) -> bool:
    """True for thirteen ASCII digits whose last one is the right check digit."""
    if len(code) != 13 or not code.isascii() or not code.isdigit():
        return False
    return ean13_check_digit(code[:12]) == code[12]


def make_ean13(prefix: str, number: int) -> str:
    """A valid EAN-13 from a GS1 company prefix and an item number (for demo data)."""
    body = f"{prefix}{number:0{12 - len(prefix)}d}"
    return body + ean13_check_digit(body)
