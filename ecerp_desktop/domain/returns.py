"""Buyer returns (退货入库): what may come back and where each unit goes.

A return is taken against a SHIPPED order found by our order number, the platform order id
or the waybill number on the parcel. What may come back per order line is what left in
shipped parcels minus what earlier returns already brought back (gifts too: a gift that
comes back is stock again). Each returned quantity has a condition:

- ``good``: back onto the on hand of the warehouse the parcel left from (MoveKind.RETURN);
- ``damaged``: onto that warehouse's damaged-goods warehouse (次品仓), "<name>-次品",
  created on first use, inactive so routing never ships from it;
- ``written_off``: recorded, no stock (the goods are thrown away).

A parcel that matches no order (无头件) is recorded with its tracking number and SKUs and
moves no stock until a clerk matches it to an order; then it is planned like any return.
The order's own status never changes (domain/orders.py has no transition out of SHIPPED or
DONE for a return): the return lives in its own table and the order history.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .errors import DomainError, ErrorCode
from .transfers import parse_line as parse_sku_qty

DOC_TYPE = "return"  # stock_moves.doc_type of every move a return posts
DAMAGED_SUFFIX = "-次品"


class Condition(StrEnum):
    GOOD = "good"
    DAMAGED = "damaged"
    WRITTEN_OFF = "written_off"


class ReturnStatus(StrEnum):
    RECEIVED = "received"  # matched to an order when it arrived
    UNMATCHED = "unmatched"  # 无头件: waiting for a clerk to find its order
    MATCHED = "matched"  # an unknown parcel matched later


def number_for(return_id: int) -> str:
    """The document number: RT + eight digits of the id."""
    return f"RT{return_id:08d}"


def damaged_name(name: str) -> str:
    """The damaged-goods warehouse of warehouse *name*: "<name>-次品"."""
    return (name[: 128 - len(DAMAGED_SUFFIX)] + DAMAGED_SUFFIX)


def damaged_code(code: str, attempt: int = 0) -> str:
    """A code for the damaged-goods warehouse of *code* (fits warehouses.code's 32)."""
    tail = "-DMG" if attempt == 0 else f"-DMG{attempt}"
    return code[: 32 - len(tail)] + tail


def parse_condition(text: str) -> Condition:
    t = text.strip().lower()
    aliases = {"": Condition.GOOD, "good": Condition.GOOD, "ok": Condition.GOOD,
               "damaged": Condition.DAMAGED, "bad": Condition.DAMAGED,
               "written_off": Condition.WRITTEN_OFF, "writeoff": Condition.WRITTEN_OFF,
               "write_off": Condition.WRITTEN_OFF, "scrap": Condition.WRITTEN_OFF}
    found = aliases.get(t)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="condition", key=text[:32])
    return found


def parse_line(text: str) -> tuple[str, int, Condition]:
    """``SKU:QTY`` or ``SKU:QTY:damaged`` (the CLI's --line) → (code, qty, condition)."""
    rest, cond = text, Condition.GOOD
    head, sep, last = text.rpartition(":")
    if sep and last.strip() and not last.strip().isdigit():
        rest, cond = head, parse_condition(last)
    code, qty = parse_sku_qty(rest)
    return code, qty, cond


@dataclass(frozen=True, slots=True)
class ShippedLine:
    """One order line as far as returns care: shipped from where, returned so far."""

    order_line_id: int
    order_id: int
    sku_id: int
    code: str
    name: str
    shipped: int
    returned: int
    is_gift: bool
    warehouse_id: int | None  # where its parcel left from
    refund_state: str = "none"

    @property
    def returnable(self) -> int:
        return max(self.shipped - self.returned, 0)


@dataclass(frozen=True, slots=True)
class Requested:
    """What the clerk says came back: a SKU (by id) or one order line, qty, condition."""

    sku_id: int
    qty: int
    condition: Condition = Condition.GOOD
    order_line_id: int | None = None


@dataclass(frozen=True, slots=True)
class PlannedLine:
    order_line_id: int
    order_id: int
    sku_id: int
    qty: int
    condition: Condition
    source_warehouse_id: int | None  # the parcel's warehouse
    refund_state: str


def plan_return(shipped: Sequence[ShippedLine], requested: Iterable[Requested]
                ) -> list[PlannedLine]:
    """Spread each requested quantity over the order lines of its SKU that can still take
    it (paid lines before gifts, then by line id); refused with RETURN_OVER_SHIPPED when
    more of a SKU comes back than left minus what came back before, and NOT_FOUND for a
    SKU that was never shipped on the order. Quantities must be positive integers."""
    left = {ln.order_line_id: ln.returnable for ln in shipped}
    by_sku: dict[int, list[ShippedLine]] = {}
    for ln in sorted(shipped, key=lambda x: (x.is_gift, x.order_line_id)):
        by_sku.setdefault(ln.sku_id, []).append(ln)
    by_line = {ln.order_line_id: ln for ln in shipped}
    out: list[PlannedLine] = []
    reqs = list(requested)
    if not reqs:
        raise DomainError(ErrorCode.REQUIRED, what="lines")
    for r in reqs:
        if isinstance(r.qty, bool) or not isinstance(r.qty, int) or r.qty <= 0:
            raise DomainError(ErrorCode.INVALID_QUANTITY, value=r.qty)
        if r.order_line_id is not None:
            ln = by_line.get(r.order_line_id)
            if ln is None or ln.sku_id != r.sku_id:
                raise DomainError(ErrorCode.NOT_FOUND, what="order line",
                                  key=str(r.order_line_id))
            candidates = [ln]
        else:
            candidates = by_sku.get(r.sku_id, [])
            if not candidates:
                raise DomainError(ErrorCode.NOT_FOUND, what="SKU on this order",
                                  key=str(r.sku_id))
        limit = sum(left[c.order_line_id] for c in candidates)
        if r.qty > limit:
            raise DomainError(ErrorCode.RETURN_OVER_SHIPPED, sku=candidates[0].code,
                              qty=r.qty, limit=limit)
        need = r.qty
        for c in candidates:
            take = min(need, left[c.order_line_id])
            if take:
                left[c.order_line_id] -= take
                need -= take
                out.append(PlannedLine(c.order_line_id, c.order_id, c.sku_id, take,
                                       r.condition, c.warehouse_id, c.refund_state))
            if not need:
                break
    return out


def refund_summary(states: Iterable[str]) -> str:
    """One refund state for a return: refunded beats requested beats none/rejected."""
    seen = set(states)
    for s in ("refunded", "requested", "rejected"):
        if s in seen:
            return s
    return "none"
