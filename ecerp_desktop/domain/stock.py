"""Stock as a ledger (DESIGN.md): immutable moves, balances derived from them.

available = on hand − reserved. A move changes on hand, reserved and in transit by deltas;
the balance row is their running sum, and a checker can rebuild it from the moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class MoveKind(StrEnum):
    RECEIPT = "receipt"  # 入库: on hand +, in transit − when against a PO
    SHIPMENT = "shipment"  # 出库: on hand −, reserved −
    ADJUSTMENT = "adjustment"  # on hand ±, with a reason
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    RESERVE = "reserve"  # reserved +
    RELEASE = "release"  # reserved −
    RETURN = "return"  # buyer return back into stock
    IN_TRANSIT = "in_transit"  # PO placed / transfer under way: in transit ±
    COUNT = "count"  # stocktake posting
    OPENING = "opening"  # stock import / opening balance


@dataclass(frozen=True, slots=True)
class Balance:
    on_hand: int = 0
    reserved: int = 0
    in_transit: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def apply(self, d_on_hand: int, d_reserved: int, d_in_transit: int) -> Balance:
        return Balance(self.on_hand + d_on_hand, self.reserved + d_reserved,
                       self.in_transit + d_in_transit)

    def is_valid(self) -> bool:
        return (self.on_hand >= 0 and 0 <= self.reserved <= self.on_hand
                and self.in_transit >= 0)


def rebuild(deltas: Iterable[tuple[int, int, int]]) -> Balance:
    """The balance that a sequence of move deltas adds up to."""
    b = Balance()
    for d in deltas:
        b = b.apply(*d)
    return b


def shop_share(available: int, share_pct: int, safety_buffer: int,
               max_shown: int | None = None, zero_below: int = 0) -> int:
    """What one shop is shown: its share of (available − buffer), never negative."""
    base = max(available - safety_buffer, 0)
    qty = base * share_pct // 100
    if max_shown is not None:
        qty = min(qty, max_shown)
    if qty < zero_below:
        return 0
    return qty
