"""Buyer-typed text at the edge: keep everything a person could have meant, drop what no
database can hold the same way.

PostgreSQL refuses NUL in text and no UTF-8 codec takes a lone surrogate, while SQLite would
keep either; to store and read back the same on both, both become U+FFFD.
"""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def storable(text: str) -> str:
    """*text* with NUL and lone surrogates replaced by U+FFFD; anything else untouched."""
    return _UNSTORABLE.sub(REPLACEMENT, text) if text else text


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A text cell a spreadsheet will not run (CSV or XLSX export, RELIABILITY rule 8): a
    leading ``= + - @ TAB CR`` gets a ``'``, so the cell stays text."""
    return "'" + value if value.startswith(_FORMULA_START) else value
