"""Money: Decimal with two places, never float.

Amounts are held as Decimal in code and as integer fen (分) in the database, so SQLite and
PostgreSQL store them exactly and sums never drift.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import DomainError, ErrorCode

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

_STRIP = re.compile(r"[\s,¥￥$]|CNY|RMB|元", re.IGNORECASE)


def money(value: Decimal | int | str) -> Decimal:
    """Return *value* as a Decimal rounded half-up to the fen.

    Floats are refused: a float has already lost the amount it was meant to hold.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise DomainError(ErrorCode.INVALID_MONEY, value=repr(value))
    if isinstance(value, str):
        return parse_money(value)
    try:
        d = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise DomainError(ErrorCode.INVALID_MONEY, value=repr(value)) from exc
    if not d.is_finite():
        raise DomainError(ErrorCode.INVALID_MONEY, value=repr(value))
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(text: str) -> Decimal:
    """Parse amounts as platforms and statements write them.

    Accepts ``1,234.00``, ``¥12``, ``12元``, ``-3.5`` and accountants' ``(12.00)`` for a
    negative amount. Anything else raises ``DomainError(INVALID_MONEY)``.
    """
    s = _STRIP.sub("", text.strip())
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", s):
        raise DomainError(ErrorCode.INVALID_MONEY, value=text)
    d = Decimal(s).quantize(CENT, rounding=ROUND_HALF_UP)
    return -d if negative else d


def to_fen(amount: Decimal) -> int:
    """Decimal yuan → integer fen, exact (the amount is rounded to the fen first)."""
    return int(money(amount) * 100)


def from_fen(fen: int) -> Decimal:
    """Integer fen → Decimal yuan with two places."""
    return (Decimal(fen) / 100).quantize(CENT)


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split *total* over *weights* in fen, largest remainders first, summing exactly.

    Used to spread an order-level discount or fee over its lines.
    """
    if not weights:
        return []
    total_fen = to_fen(total)
    wsum = sum(weights, Decimal(0))
    if wsum == 0:
        weights = [Decimal(1)] * len(weights)
        wsum = Decimal(len(weights))
    raw = [Decimal(total_fen) * w / wsum for w in weights]
    floors = [int(r.to_integral_value(rounding="ROUND_FLOOR")) for r in raw]
    rest = total_fen - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: raw[i] - floors[i], reverse=True)
    for i in order[:rest]:
        floors[i] += 1
    return [from_fen(f) for f in floors]
