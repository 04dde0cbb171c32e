"""Barcode data rules per symbology, checked by our own code before anything is printed.

python-barcode silently "fixes" a wrong EAN-13 check digit and printers do what they are
told, so a wrong code would print as a different, valid-looking product. Data that breaks a
rule is refused with ``BARCODE_INVALID``; it is never altered.
"""

from __future__ import annotations

import re

from ecerp_desktop.domain.barcodes import ean13_check_digit, is_valid_ean13
from ecerp_desktop.domain.errors import DomainError, ErrorCode

CODE128 = "code128"
EAN13 = "ean13"
QR = "qr"
SYMBOLOGIES = (CODE128, EAN13, QR)
__all__ = ["CODE128", "EAN13", "QR", "SYMBOLOGIES", "ean13_check_digit", "is_valid_ean13",
           "validate"]

# Code 128 subset B covers printable ASCII. We also refuse the characters that have a
# meaning in a printer's command language around barcode data (ZPL ^ ~ and the ^BC
# invocation prefix >, TSPL quotes and backslash), so the data can be sent verbatim.
_CODE128_OK = re.compile(r"[ !#-=?-\[\]_`-}]+")
_CODE128_MAX = 80
# QR: anything printable (URLs, IDs, Chinese text) but no control characters or quotes.
_QR_BAD = re.compile(r"[\x00-\x1f\x7f\"\\\u2028\u2029]")
_QR_MAX = 700


def validate(symbology: str, value: str) -> str:
    """*value* unchanged when it can be printed as *symbology*, else ``BARCODE_INVALID``."""
    def bad(reason: str) -> DomainError:
        return DomainError(ErrorCode.BARCODE_INVALID, symbology=symbology,
                           value=value[:80], reason=reason)

    if not value:
        raise bad("empty")
    if symbology == EAN13:
        if len(value) != 13 or not value.isascii() or not value.isdigit():
            raise bad("an EAN-13 has exactly 13 digits")
        expected = ean13_check_digit(value[:12])  # shared with the catalogue importer
        if expected != value[12]:
            raise bad(f"wrong check digit {value[12]}, expected {expected}")
        return value
    if symbology == CODE128:
        if len(value) > _CODE128_MAX:
            raise bad(f"longer than {_CODE128_MAX} characters")
        if not _CODE128_OK.fullmatch(value):
            raise bad("only printable ASCII letters, digits and punctuation "
                      "(no ^ ~ > \" \\) can be printed as Code 128")
        return value
    if symbology == QR:
        if len(value) > _QR_MAX:
            raise bad(f"longer than {_QR_MAX} characters")
        if _QR_BAD.search(value):
            raise bad("control characters, quotes and backslashes cannot be printed in a QR code")
        return value
    raise bad("unknown symbology")
