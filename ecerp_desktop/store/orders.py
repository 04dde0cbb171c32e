"""Orders in bulk: upsert what the platforms send, guarded by the platform's modified time.

An order is unique per (shop, platform order id) by constraint; an older copy never
overwrites a newer one; inserts are Core statements in bulk, not row-by-row ORM.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ecerp_desktop.domain.orders import (
    RESERVED_STATUSES,
    OrderStatus,
    RefundState,
    closes_reserved,
    follow_platform,
    initial_status,
)
from ecerp_desktop.domain.platform_order import PlatformOrder, PlatformOrderLine
from ecerp_desktop.domain.text import storable
from ecerp_desktop.store import bulk
from ecerp_desktop.store.schema import (
    OrderHistoryRow,
    OrderLineRow,
    OrderRow,
    ParcelLineRow,
    ParcelRow,
)

_CHUNK = 1000
PLATFORM_CLOSED = "platform_closed"  # history action: the platform closed a reserved order
# Inserts go to the tables through store.bulk (one driver executemany per chunk): the ORM's
# bulk path splits into many executemany calls and SQLAlchemy's per-row parameter
# processing costs more than the insert itself.
_ORDERS = OrderRow.__table__
_LINES = OrderLineRow.__table__
_HISTORY = OrderHistoryRow.__table__


def phone_hash(phone: str) -> str:
    """A stable hash of the digits, to find a buyer's orders without showing the number."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return hashlib.sha256(digits.encode()).hexdigest() if digits else ""


@dataclass(slots=True)
class UpsertResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0  # same or older copy than the stored one
    order_ids: dict[str, int] = field(default_factory=dict)  # platform id → our id

    def merge(self, other: UpsertResult) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.order_ids.update(other.order_ids)


def _order_values(shop_id: int, o: PlatformOrder, now: datetime) -> dict[str, Any]:
    a = o.address
    values = {
        "shop_id": shop_id, "platform_order_id": o.platform_order_id,
        "platform_status": o.platform_status, "buyer_nick": o.buyer_nick,
        "receiver_name": a.name, "receiver_phone": a.phone, "phone_hash": phone_hash(a.phone),
        "country": a.country, "province": a.province, "city": a.city,
        "district": a.district, "town": a.town, "address_detail": a.detail,
        "zip_code": a.zip_code, "buyer_message": o.buyer_message,
        "seller_memo": o.seller_memo, "seller_flag": o.seller_flag, "is_cod": o.is_cod,
        "is_presale": o.is_presale, "currency": o.currency, "total_amount": o.total_amount,
        "paid_amount": o.paid_amount, "post_fee": o.post_fee,
        "discount_amount": o.discount_amount, "created_at": o.created_at,
        "paid_at": o.paid_at, "modified_at": o.modified_at, "pulled_at": now,
        "updated_at": now, "raw": o.raw,
    }
    for key in _BUYER_TEXT:
        values[key] = _fit(storable(values[key]), _ORDER_LIMITS.get(key))
    return values


_BUYER_TEXT = ("buyer_nick", "receiver_name", "receiver_phone", "province", "city", "district",
               "town", "address_detail", "zip_code", "buyer_message", "seller_memo")


def _limits(table: Any) -> dict[str, int]:
    return {c.name: c.type.length for c in table.c
            if isinstance(c.type, String) and c.type.length}


# Free text longer than its column is cut (PostgreSQL refuses it, SQLite would keep it: the
# two must agree); identifiers are never cut, a too-long one is the connector's to refuse.
_ORDER_LIMITS = _limits(OrderRow.__table__)
_TITLE_LIMIT = _limits(OrderLineRow.__table__)["title"]


def _fit(text: str, limit: int | None) -> str:
    return text[:limit] if limit and len(text) > limit else text


def _line_values(order_id: int, lines: Sequence[PlatformOrderLine]) -> list[dict[str, Any]]:
    return [{
        "order_id": order_id, "platform_line_id": ln.platform_line_id,
        "platform_item_id": ln.platform_item_id, "platform_sku_id": ln.platform_sku_id,
        "merchant_sku_code": ln.merchant_sku_code, "title": _fit(storable(ln.title), _TITLE_LIMIT), "qty": ln.qty,
        "price": ln.price, "paid_amount": ln.paid_amount,
        "refund_state": ln.refund_state.value, "is_gift": False,
    } for ln in lines]


def _insert_ignore(s: Session, table: Any) -> Any:
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        return pg_insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing()
    return insert(table)


def upsert_orders(s: Session, shop_id: int, orders: Sequence[PlatformOrder], now: datetime,
                  actor: str = "sync") -> UpsertResult:
    """Store *orders* of one shop: insert new ones, update those the platform changed since.

    Within the batch the newest copy of each order wins, so one order repeated across
    pages is stored once.
    """
    newest: dict[str, PlatformOrder] = {}
    for o in orders:
        seen = newest.get(o.platform_order_id)
        if seen is None or o.modified_at >= seen.modified_at:
            newest[o.platform_order_id] = o
    result = UpsertResult()
    items = list(newest.values())
    for start in range(0, len(items), _CHUNK):
        result.merge(_upsert_chunk(s, shop_id, items[start:start + _CHUNK], now, actor))
    return result


def _upsert_chunk(s: Session, shop_id: int, chunk: list[PlatformOrder], now: datetime,
                  actor: str) -> UpsertResult:
    result = UpsertResult()
    ids = [o.platform_order_id for o in chunk]
    existing = {
        r.platform_order_id: r for r in s.execute(
            select(OrderRow.id, OrderRow.platform_order_id, OrderRow.modified_at,
                   OrderRow.status).where(OrderRow.shop_id == shop_id,
                                          OrderRow.platform_order_id.in_(ids)))
    }
    fresh = [o for o in chunk if o.platform_order_id not in existing]
    history: list[dict[str, Any]] = []
    if fresh:
        rows = []
        for o in fresh:
            values = _order_values(shop_id, o, now)
            values["status"] = initial_status(o.status).value
            rows.append(values)
        bulk.insert_rows(s, _ORDERS, rows, ignore_conflicts=True)
        new_ids = dict(s.execute(
            select(OrderRow.platform_order_id, OrderRow.id).where(
                OrderRow.shop_id == shop_id,
                OrderRow.platform_order_id.in_([o.platform_order_id for o in fresh]))).all())
        lines: list[dict[str, Any]] = []
        for o, row in zip(fresh, rows, strict=True):
            oid = new_ids[o.platform_order_id]
            result.order_ids[o.platform_order_id] = oid
            lines.extend(_line_values(oid, o.lines))
            history.append({"order_id": oid, "at": now, "actor": actor, "action": "pulled",
                            "from_status": None, "to_status": row["status"],
                            "reason": o.platform_status})
        if lines:
            bulk.insert_rows(s, _LINES, lines, ignore_conflicts=True)
        result.inserted += len(fresh)
    for o in chunk:
        old = existing.get(o.platform_order_id)
        if old is None:
            continue
        result.order_ids[o.platform_order_id] = old.id
        if o.modified_at <= old.modified_at:
            result.unchanged += 1
            continue
        values = _order_values(shop_id, o, now)
        del values["shop_id"], values["platform_order_id"]
        current = OrderStatus(old.status)
        if closes_reserved(current, o.status):
            history.append({"order_id": old.id, "at": now, "actor": actor,
                            "action": PLATFORM_CLOSED, "from_status": current.value,
                            "to_status": current.value, "reason": o.platform_status})
        target = follow_platform(current, o.status)
        if target is not None and target != current:
            values["status"] = target.value
            history.append({"order_id": old.id, "at": now, "actor": actor,
                            "action": "platform_status", "from_status": current.value,
                            "to_status": target.value, "reason": o.platform_status})
        s.execute(update(OrderRow).where(OrderRow.id == old.id).values(**values))
        _refresh_lines(s, old.id, o)
        result.updated += 1
    if history:
        bulk.insert_rows(s, _HISTORY, history)
    return result


def _refresh_lines(s: Session, order_id: int, o: PlatformOrder) -> None:
    """Follow refund states per line and add lines the platform added; never drop a line
    (a removed line is a refund on the platform, and our parcels may point at it)."""
    known = dict(s.execute(select(OrderLineRow.platform_line_id, OrderLineRow.refund_state)
                           .where(OrderLineRow.order_id == order_id)).all())
    added = []
    for ln in o.lines:
        state = known.get(ln.platform_line_id)
        if state is None:
            added.append(ln)
        elif state != ln.refund_state.value:
            s.execute(update(OrderLineRow).where(
                OrderLineRow.order_id == order_id,
                OrderLineRow.platform_line_id == ln.platform_line_id,
            ).values(refund_state=ln.refund_state.value))
    if added:
        s.execute(insert(OrderLineRow), _line_values(order_id, added))


@dataclass(frozen=True, slots=True)
class InterceptDue:
    """An order holding stock that a platform change says must stop (截单)."""

    order_id: int
    reason: str
    line_ids: tuple[int, ...] | None  # None: the whole order


def intercepts_due(s: Session) -> list[InterceptDue]:
    """Orders holding stock that the platform closed, and refunded lines still in a live
    parcel. Read from the database, so a crash between the pull and the intercept loses
    nothing: the next round finds them again."""
    held = [v.value for v in RESERVED_STATUSES]
    closed = select(OrderRow.id).join(OrderHistoryRow, OrderHistoryRow.order_id == OrderRow.id)\
        .where(OrderRow.status.in_(held), OrderHistoryRow.action == PLATFORM_CLOSED).distinct()
    due = [InterceptDue(oid, "platform closed", None) for oid in s.scalars(closed)]
    closed_ids = {d.order_id for d in due}
    refunded = (
        select(OrderLineRow.order_id, OrderLineRow.id)
        .join(ParcelLineRow, ParcelLineRow.order_line_id == OrderLineRow.id)
        .join(ParcelRow, ParcelRow.id == ParcelLineRow.parcel_id)
        .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
        .where(OrderLineRow.refund_state.in_([RefundState.REQUESTED.value,
                                              RefundState.REFUNDED.value]),
               ParcelRow.status.not_in(_DEAD_PARCELS), OrderRow.status.in_(held))
        .distinct())
    lines: dict[int, list[int]] = {}
    for order_id, line_id in s.execute(refunded):
        if order_id not in closed_ids:
            lines.setdefault(order_id, []).append(line_id)
    due.extend(InterceptDue(oid, "refund requested", tuple(sorted(ids)))
               for oid, ids in sorted(lines.items()))
    return due


_DEAD_PARCELS = ("intercepted", "cancelled", "shipped")
