"""Transfers between warehouses (调拨): the document's life and the decisions on its lines.

    DRAFT ─▶ SHIPPED (调拨出库) ─▶ RECEIVED (调拨入库, everything received or written off)
      │         │   └──────────▶ PARTIAL (some still in transit) ─▶ PARTIAL … ─▶ RECEIVED
      └─────────┴─▶ CANCELLED (from draft: nothing moved; from shipped: the stock in transit
                    goes back to the source)

Shipping takes the quantity off the source's on hand (it must be AVAILABLE there, not merely
on hand) and shows it as in transit at the destination. Receiving puts what arrived on the
destination's on hand; a shortfall stays in transit for a later receipt, or is written off
as lost with a reason. Pure decisions: the ledger moves are made by services/transfers.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .errors import DomainError, ErrorCode

DOC_TYPE = "transfer"  # stock_moves.doc_type of every move a transfer posts


class TransferStatus(StrEnum):
    DRAFT = "draft"
    SHIPPED = "shipped"
    PARTIAL = "partial"  # received in part; the rest still in transit
    RECEIVED = "received"
    CANCELLED = "cancelled"


T = TransferStatus
TRANSITIONS: dict[TransferStatus, frozenset[TransferStatus]] = {
    T.DRAFT: frozenset({T.SHIPPED, T.CANCELLED}),
    T.SHIPPED: frozenset({T.PARTIAL, T.RECEIVED, T.CANCELLED}),
    T.PARTIAL: frozenset({T.PARTIAL, T.RECEIVED}),
    T.RECEIVED: frozenset(),
    T.CANCELLED: frozenset(),
}


def check_transition(number: str, current: TransferStatus, target: TransferStatus) -> None:
    """Raise TRANSFER_ILLEGAL_TRANSITION unless *current* → *target* is declared above."""
    if target not in TRANSITIONS[current]:
        raise DomainError(ErrorCode.TRANSFER_ILLEGAL_TRANSITION, number=number,
                          status=current.value, action=target.value)


def number_for(transfer_id: int) -> str:
    """The document number shown and scanned: TR + eight digits of the id."""
    return f"TR{transfer_id:08d}"


def _qty(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=value)
    return value


def merge_lines(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    """(SKU code, qty) pairs → one quantity per SKU (a SKU typed twice is added up), in
    the order first seen. Every quantity must be a positive integer; at least one line."""
    out: dict[str, int] = {}
    for code, qty in lines:
        code = code.strip()
        if not code:
            raise DomainError(ErrorCode.REQUIRED, what="SKU")
        out[code] = out.get(code, 0) + _qty(qty)
    if not out:
        raise DomainError(ErrorCode.REQUIRED, what="lines")
    return out


def parse_line(text: str) -> tuple[str, int]:
    """``SKU:QTY`` (the CLI's --line) → (code, qty). The code may itself hold colons: the
    quantity is after the last one."""
    code, sep, qty = text.rpartition(":")
    if not sep or not code.strip():
        raise DomainError(ErrorCode.REQUIRED, what="SKU:QTY")
    try:
        return code.strip(), _qty(int(qty.strip()))
    except ValueError:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=qty[:32]) from None


@dataclass(frozen=True, slots=True)
class LineState:
    """One line as stored: shipped quantity, received so far, written off so far."""

    sku_id: int
    qty: int
    received: int = 0
    lost: int = 0
    code: str = ""  # the SKU's code, for messages

    @property
    def outstanding(self) -> int:
        """Still in transit at the destination."""
        return self.qty - self.received - self.lost


@dataclass(frozen=True, slots=True)
class LineReceipt:
    """What one receipt does to one line."""

    sku_id: int
    received: int  # onto the destination's on hand (and off its in transit)
    lost: int  # written off: off the destination's in transit, onto nothing
    still_in_transit: int  # after this receipt


@dataclass(frozen=True, slots=True)
class ReceiptPlan:
    lines: tuple[LineReceipt, ...]
    status: TransferStatus

    @property
    def shortage(self) -> dict[int, int]:
        """SKU → units not received by this receipt (lost or still in transit)."""
        return {ln.sku_id: ln.lost + ln.still_in_transit for ln in self.lines
                if ln.lost + ln.still_in_transit}


def plan_receipt(number: str, status: TransferStatus, lines: Iterable[LineState],
                 counted: Mapping[int, int] | None, *, write_off: bool,
                 reason: str = "") -> ReceiptPlan:
    """Decide one receipt of a shipped transfer.

    *counted* maps SKU id → units that arrived now; None means "everything outstanding
    arrived". A SKU left out of *counted* arrived with none. More than outstanding of a
    SKU, or a SKU not on the transfer, is refused. With *write_off* the shortfall is lost
    (a *reason* is required); otherwise it stays in transit for a later receipt. A receipt
    that receives and writes off nothing is refused.
    """
    if status not in (T.SHIPPED, T.PARTIAL):
        raise DomainError(ErrorCode.TRANSFER_ILLEGAL_TRANSITION, number=number,
                          status=status.value, action=T.RECEIVED.value)
    states = {ln.sku_id: ln for ln in lines}
    if counted is not None:
        for sku, qty in counted.items():
            if sku not in states:
                raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=str(sku))
            if isinstance(qty, bool) or not isinstance(qty, int) or qty < 0:
                raise DomainError(ErrorCode.INVALID_QUANTITY, value=qty)
            if qty > states[sku].outstanding:
                raise DomainError(ErrorCode.TRANSFER_OVER_RECEIPT, number=number, qty=qty,
                                  limit=states[sku].outstanding,
                                  sku=states[sku].code or str(sku))
    if write_off and not reason.strip():
        raise DomainError(ErrorCode.REQUIRED, what="reason")
    out: list[LineReceipt] = []
    for sku in sorted(states):
        ln = states[sku]
        got = ln.outstanding if counted is None else counted.get(sku, 0)
        short = ln.outstanding - got
        lost = short if write_off else 0
        out.append(LineReceipt(sku, got, lost, short - lost))
    if not any(ln.received or ln.lost for ln in out):
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=0)
    done = all(ln.still_in_transit == 0 for ln in out)
    return ReceiptPlan(tuple(out), T.RECEIVED if done else T.PARTIAL)
