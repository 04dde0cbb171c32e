"""Bulk helpers that give seeded (demo, benchmark) orders a history after ingest.

Seeded orders go in through the shared ingest path like any platform's; these helpers then
place them where a real history would have left them (mapped lines, warehouse, courier,
review status, holds) in a few set-based statements instead of thousands of use cases.
Not for live orders: they skip the order state machine on purpose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from ecerp_desktop.store.schema import (
    OrderHistoryRow,
    OrderHoldRow,
    OrderLineRow,
    OrderRow,
    SkuRow,
)


@dataclass(frozen=True, slots=True)
class SeededStatus:
    order_id: int
    from_status: str
    status: str
    warehouse_id: int | None = None
    courier_id: int | None = None
    hold_reason: str = ""


def map_lines_by_code(s: Session, order_ids: Sequence[int]) -> int:
    """Point order lines at the SKU whose code is the line's merchant code."""
    sku = (select(SkuRow.id).where(SkuRow.code == OrderLineRow.merchant_sku_code)
           .scalar_subquery())
    total = 0
    for start in range(0, len(order_ids), 500):
        chunk = list(order_ids[start:start + 500])
        total += s.execute(update(OrderLineRow).where(
            OrderLineRow.order_id.in_(chunk), OrderLineRow.sku_id.is_(None)
        ).values(sku_id=sku)).rowcount or 0
    return total


def set_statuses(s: Session, items: Sequence[SeededStatus], now: datetime,
                 actor: str = "demo") -> None:
    """Set status, warehouse and courier of many orders, with a history row each and a
    hold row for held ones."""
    if not items:
        return
    table = OrderRow.__table__
    s.execute(update(table).where(table.c.id == bindparam("oid")).values(
        status=bindparam("st"), warehouse_id=bindparam("wh"), courier_id=bindparam("co"),
        updated_at=now),
        [{"oid": i.order_id, "st": i.status, "wh": i.warehouse_id, "co": i.courier_id}
         for i in items])
    s.execute(insert(OrderHistoryRow), [
        {"order_id": i.order_id, "at": now, "actor": actor, "action": "seeded",
         "from_status": i.from_status, "to_status": i.status, "rule": "",
         "reason": i.hold_reason} for i in items if i.status != i.from_status])
    holds = [{"order_id": i.order_id, "reason": i.hold_reason, "detail": "",
              "created_at": now} for i in items if i.hold_reason]
    if holds:
        s.execute(insert(OrderHoldRow), holds)


def order_lines(s: Session, order_ids: Sequence[int]) -> list[tuple[int, int | None, int]]:
    """(order id, SKU id, qty) of the lines of *order_ids*."""
    out: list[tuple[int, int | None, int]] = []
    for start in range(0, len(order_ids), 500):
        chunk = list(order_ids[start:start + 500])
        out.extend((o, k, q) for o, k, q in s.execute(
            select(OrderLineRow.order_id, OrderLineRow.sku_id, OrderLineRow.qty)
            .where(OrderLineRow.order_id.in_(chunk)).order_by(OrderLineRow.id)))
    return out


def count_orders_by_status(s: Session) -> dict[str, int]:
    return {st: int(n) for st, n in s.execute(
        select(OrderRow.status, func.count()).group_by(OrderRow.status))}
