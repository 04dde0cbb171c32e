"""Queries of the order review screen (订单审核): keyset pages of orders under a filter and a
sort, counts per status, one order's detail, and the small writes of the batch actions.

Paging is by keyset — ``(sort value, id)`` after the last row shown — so page 5,000 costs
what page 1 costs. Sorting is only by a column of :data:`SORT_KEYS` (each backed by an
index); anything else is refused with ``SORT_KEY_NOT_ALLOWED`` before any SQL is built.
Search text is bound, never spliced, and ``%``, ``_`` and ``\\`` in it are escaped, so it
matches literally. Rows whose sort value is NULL (an unpaid order has no paid time) come
after all others in both directions, ordered by id.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Select,
    String,
    and_,
    cast,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session, aliased

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.store.schema import (
    CourierRow,
    OrderHistoryRow,
    OrderHoldRow,
    OrderLineRow,
    OrderRow,
    ShopRow,
    SkuRow,
    StockBalanceRow,
    WarehouseRow,
)

Ord = OrderRow
SORT_KEYS: dict[str, Any] = {
    "id": Ord.id,
    "paid_at": Ord.paid_at,
    "modified_at": Ord.modified_at,
    "paid_amount": Ord.paid_amount,
}
_NULLABLE = {"paid_at"}
_IN = 900


def escape_like(text: str) -> str:
    """*text* as a LIKE pattern that matches only itself (escape character ``\\``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(col: Any, text: str) -> Any:
    return col.like(f"%{escape_like(text)}%", escape="\\")


@dataclass(frozen=True, slots=True)
class ReviewFilter:
    """What the clerk narrowed the list to; empty fields do not filter.

    ``phone_hash`` is the hash of the digits the clerk typed (never the number itself);
    ``buyer`` matches the buyer nick or the receiver name; ``sku`` our SKU code or the
    merchant code of an unmapped line; ``tag`` one tag exactly.
    """

    statuses: tuple[str, ...] = ()
    held_reason: str = ""
    shop_ids: tuple[int, ...] = ()
    platform: str = ""
    paid_from: datetime | None = None
    paid_to: datetime | None = None
    modified_from: datetime | None = None
    modified_to: datetime | None = None
    buyer: str = ""
    phone_hash: str = ""
    sku: str = ""
    province: str = ""
    city: str = ""
    courier_id: int | None = None
    warehouse_id: int | None = None
    tag: str = ""
    has_message: bool | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    order_no: str = ""


@dataclass(frozen=True, slots=True)
class Sort:
    key: str = "id"
    descending: bool = True

    def __post_init__(self) -> None:
        if self.key not in SORT_KEYS:
            raise DomainError(ErrorCode.SORT_KEY_NOT_ALLOWED, key=str(self.key)[:64],
                              allowed=", ".join(SORT_KEYS))


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page ended: the last row's sort value and id; ``in_nulls`` once the NULL
    tail is being read."""

    value: Any
    id: int
    in_nulls: bool = False


@dataclass(frozen=True, slots=True)
class ReviewRow:
    id: int
    platform_order_id: str
    shop: str
    platform: str
    status: str
    platform_status: str
    hold_reasons: tuple[str, ...]
    paid_at: datetime | None
    modified_at: datetime
    paid_amount: Decimal
    buyer_nick: str
    receiver_name: str
    receiver_phone: str
    province: str
    city: str
    district: str
    courier: str
    warehouse: str
    tags: tuple[str, ...]
    has_message: bool
    merged_into_id: int | None


@dataclass(frozen=True, slots=True)
class Page:
    rows: tuple[ReviewRow, ...]
    next: Cursor | None  # None: this was the last page


def apply_filter(q: Select[Any], f: ReviewFilter, *, with_status: bool = True) -> Select[Any]:
    """*q* (over ``orders``) narrowed by *f*; every value bound, every pattern escaped."""
    conds: list[Any] = []
    if with_status and f.statuses:
        conds.append(Ord.status.in_(list(f.statuses)))
    if f.held_reason:
        conds.append(exists().where(OrderHoldRow.order_id == Ord.id,
                                    OrderHoldRow.released_at.is_(None),
                                    OrderHoldRow.reason == f.held_reason))
    if f.shop_ids:
        conds.append(Ord.shop_id.in_(list(f.shop_ids)))
    if f.platform:
        conds.append(Ord.shop_id.in_(select(ShopRow.id).where(ShopRow.platform == f.platform)))
    for col, lo, hi in ((Ord.paid_at, f.paid_from, f.paid_to),
                        (Ord.modified_at, f.modified_from, f.modified_to)):
        if lo is not None:
            conds.append(col >= lo)
        if hi is not None:
            conds.append(col < hi)
    if f.buyer:
        conds.append(or_(_contains(Ord.buyer_nick, f.buyer), _contains(Ord.receiver_name, f.buyer)))
    if f.phone_hash:
        conds.append(Ord.phone_hash == f.phone_hash)
    if f.sku:
        # our SKU on mapped lines, the platform's merchant code on unmapped ones: both
        # through the sku_id index (unmapped lines are few), then the orders by id
        ln = OrderLineRow
        conds.append(Ord.id.in_(select(ln.order_id).where(or_(
            ln.sku_id.in_(select(SkuRow.id).where(SkuRow.code == f.sku)),
            and_(ln.sku_id.is_(None), ln.merchant_sku_code == f.sku)))))
    if f.province:
        conds.append(Ord.province == f.province)
    if f.city:
        conds.append(Ord.city == f.city)
    if f.courier_id is not None:
        conds.append(Ord.courier_id == f.courier_id)
    if f.warehouse_id is not None:
        conds.append(Ord.warehouse_id == f.warehouse_id)
    if f.tag:
        # tags are a JSON list: look for the tag as a whole JSON string inside it
        # (written with or without ASCII escapes, depending on the writer)
        text = cast(Ord.tags, String)
        forms = {json.dumps(f.tag), json.dumps(f.tag, ensure_ascii=False)}
        conds.append(or_(*(_contains(text, form) for form in sorted(forms))))
    if f.has_message is not None:
        conds.append(Ord.buyer_message != "" if f.has_message else Ord.buyer_message == "")
    if f.amount_min is not None:
        conds.append(Ord.paid_amount >= f.amount_min)
    if f.amount_max is not None:
        conds.append(Ord.paid_amount <= f.amount_max)
    if f.order_no:
        conds.append(_contains(Ord.platform_order_id, f.order_no))
    return q.where(and_(*conds)) if conds else q


def _after(col: Any, desc: bool, cur: Cursor) -> Any:
    # a row value, so both databases walk the (value, id) index from the cursor on
    here = tuple_(col, Ord.id)
    there = tuple_(literal(cur.value, col.type), literal(cur.id, Ord.id.type))
    return here < there if desc else here > there


def page_ids(s: Session, f: ReviewFilter, sort: Sort, after: Cursor | None,
             limit: int) -> tuple[list[tuple[int, Any]], Cursor | None]:
    """(id, sort value) of the next *limit* orders after *after*, and the cursor after them
    (None when nothing follows)."""
    col = SORT_KEYS[sort.key]
    desc = sort.descending
    out: list[tuple[int, Any]] = []
    if after is None or not after.in_nulls:
        q = apply_filter(select(Ord.id, col), f)
        if sort.key in _NULLABLE:
            q = q.where(col.is_not(None))
        if after is not None:
            q = q.where(_after(col, desc, after) if sort.key != "id"
                        else (Ord.id < after.id if desc else Ord.id > after.id))
        order = (col.desc(), Ord.id.desc()) if desc else (col.asc(), Ord.id.asc())
        if sort.key == "id":
            order = order[:1]
        out = [(int(i), v) for i, v in s.execute(q.order_by(*order).limit(limit + 1))]
        if len(out) > limit:
            last = out[limit - 1]
            return out[:limit], Cursor(last[1], last[0])
        if sort.key not in _NULLABLE:
            return out, None
        after = None
    # the NULL tail, by id in the same direction
    q = apply_filter(select(Ord.id, col), f).where(col.is_(None))
    if after is not None:
        q = q.where(Ord.id < after.id if desc else Ord.id > after.id)
    rest = limit - len(out)
    tail = [(int(i), v) for i, v in s.execute(
        q.order_by(Ord.id.desc() if desc else Ord.id.asc()).limit(rest + 1))]
    out += tail[:rest]
    if len(tail) > rest:
        return out, Cursor(None, out[-1][0], True)
    return out, None


def rows_for(s: Session, ids: Sequence[int]) -> list[ReviewRow]:
    """The list rows of *ids*, in that order (open hold reasons fetched in bulk)."""
    if not ids:
        return []
    c, w = aliased(CourierRow), aliased(WarehouseRow)
    q = (select(Ord.id, Ord.platform_order_id, ShopRow.name, ShopRow.platform, Ord.status,
                Ord.platform_status, Ord.paid_at, Ord.modified_at, Ord.paid_amount, Ord.buyer_nick,
                Ord.receiver_name, Ord.receiver_phone, Ord.province, Ord.city, Ord.district,
                c.name.label("courier"), w.name.label("warehouse"), Ord.tags,
                (Ord.buyer_message != "").label("has_message"), Ord.merged_into_id)
         .join(ShopRow, ShopRow.id == Ord.shop_id)
         .outerjoin(c, c.id == Ord.courier_id).outerjoin(w, w.id == Ord.warehouse_id)
         .where(Ord.id.in_(list(ids))))
    found = {r.id: r for r in s.execute(q)}
    holds: dict[int, list[str]] = {}
    for oid, reason in s.execute(
            select(OrderHoldRow.order_id, OrderHoldRow.reason)
            .where(OrderHoldRow.order_id.in_(list(ids)), OrderHoldRow.released_at.is_(None))
            .order_by(OrderHoldRow.id)):
        holds.setdefault(oid, []).append(reason)
    out = []
    for i in ids:
        r = found.get(i)
        if r is None:
            continue
        out.append(ReviewRow(
            r.id, r.platform_order_id, r.name, r.platform, r.status, r.platform_status,
            tuple(holds.get(r.id, ())), r.paid_at, r.modified_at, r.paid_amount,
            r.buyer_nick, r.receiver_name, r.receiver_phone, r.province, r.city, r.district,
            r.courier or "", r.warehouse or "", tuple(str(t) for t in (r.tags or ())),
            bool(r.has_message), r.merged_into_id))
    return out


def page(s: Session, f: ReviewFilter, sort: Sort, after: Cursor | None = None,
         limit: int = 200) -> Page:
    """One keyset page of rows."""
    keys, nxt = page_ids(s, f, sort, after, limit)
    return Page(tuple(rows_for(s, [i for i, _ in keys])), nxt)


def status_counts(s: Session, f: ReviewFilter) -> dict[str, int]:
    """How many orders of each status match *f* (its own status choice left out, so the
    navigation shows what each status would give)."""
    q = apply_filter(select(Ord.status, func.count()), f, with_status=False).group_by(Ord.status)
    return {str(st): int(n) for st, n in s.execute(q)}


def count(s: Session, f: ReviewFilter) -> int:
    return int(s.scalar(apply_filter(select(func.count()).select_from(Ord), f)) or 0)


# --- one order in detail ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StockAt:
    warehouse: str
    on_hand: int
    reserved: int


@dataclass(frozen=True, slots=True)
class DetailLine:
    id: int
    title: str
    platform_sku_id: str
    merchant_sku_code: str
    sku: str | None
    sku_name: str | None
    qty: int
    price: Decimal
    paid_amount: Decimal
    refund_state: str
    is_gift: bool
    bundle_line_id: int | None
    stock: tuple[StockAt, ...]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class HoldEntry:
    reason: str
    detail: str
    rule_id: int | None
    created_at: datetime
    released_at: datetime | None


@dataclass(frozen=True, slots=True)
class RelatedOrder:
    id: int
    platform_order_id: str
    shop: str
    status: str
    paid_at: datetime | None
    paid_amount: Decimal


@dataclass(frozen=True, slots=True)
class OrderDetail:
    row: ReviewRow
    town: str
    address_detail: str
    zip_code: str
    buyer_message: str
    seller_memo: str
    total_amount: Decimal
    post_fee: Decimal
    discount_amount: Decimal
    created_at: datetime
    is_cod: bool
    is_presale: bool
    lines: tuple[DetailLine, ...]
    history: tuple[HistoryEntry, ...]
    holds: tuple[HoldEntry, ...]
    related: tuple[RelatedOrder, ...]
    raw_status: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def detail(s: Session, order_id: int, related_limit: int = 20) -> OrderDetail | None:
    rows = rows_for(s, [order_id])
    if not rows:
        return None
    o = s.execute(select(Ord.town, Ord.address_detail, Ord.zip_code, Ord.buyer_message, Ord.seller_memo,
                         Ord.total_amount, Ord.post_fee, Ord.discount_amount, Ord.created_at,
                         Ord.is_cod, Ord.is_presale, Ord.phone_hash, Ord.customer_id, Ord.raw)
                  .where(Ord.id == order_id)).one()
    lines = s.execute(
        select(OrderLineRow.id, OrderLineRow.title, OrderLineRow.platform_sku_id,
               OrderLineRow.merchant_sku_code, SkuRow.code, SkuRow.name, OrderLineRow.sku_id,
               OrderLineRow.qty, OrderLineRow.price, OrderLineRow.paid_amount,
               OrderLineRow.refund_state, OrderLineRow.is_gift, OrderLineRow.bundle_line_id)
        .outerjoin(SkuRow, SkuRow.id == OrderLineRow.sku_id)
        .where(OrderLineRow.order_id == order_id).order_by(OrderLineRow.id)).all()
    sku_ids = {ln.sku_id for ln in lines if ln.sku_id is not None}
    stock: dict[int, list[StockAt]] = {}
    if sku_ids:
        for sku, wh, on_hand, reserved in s.execute(
                select(StockBalanceRow.sku_id, WarehouseRow.name, StockBalanceRow.on_hand,
                       StockBalanceRow.reserved)
                .join(WarehouseRow, WarehouseRow.id == StockBalanceRow.warehouse_id)
                .where(StockBalanceRow.sku_id.in_(sku_ids)).order_by(WarehouseRow.id)):
            stock.setdefault(sku, []).append(StockAt(wh, on_hand, reserved))
    history = tuple(HistoryEntry(h.at, h.actor, h.action, h.from_status, h.to_status, h.rule,
                                 h.reason) for h in s.execute(
        select(OrderHistoryRow).where(OrderHistoryRow.order_id == order_id)
        .order_by(OrderHistoryRow.id)).scalars())
    holds = tuple(HoldEntry(h.reason, h.detail, h.rule_id, h.created_at, h.released_at)
                  for h in s.execute(select(OrderHoldRow).where(
                      OrderHoldRow.order_id == order_id).order_by(OrderHoldRow.id)).scalars())
    same_buyer = []
    if o.phone_hash:
        same_buyer.append(Ord.phone_hash == o.phone_hash)
    if o.customer_id is not None:
        same_buyer.append(Ord.customer_id == o.customer_id)
    related: tuple[RelatedOrder, ...] = ()
    if same_buyer:
        related = tuple(RelatedOrder(r.id, r.platform_order_id, r.name, r.status, r.paid_at,
                                     r.paid_amount) for r in s.execute(
            select(Ord.id, Ord.platform_order_id, ShopRow.name, Ord.status, Ord.paid_at,
                   Ord.paid_amount).join(ShopRow, ShopRow.id == Ord.shop_id)
            .where(or_(*same_buyer), Ord.id != order_id).order_by(Ord.id.desc())
            .limit(related_limit)))
    raw = o.raw if isinstance(o.raw, dict) else {}
    raw_status = str(raw.get("status", raw.get("order_state", raw.get("trade_status", ""))))
    return OrderDetail(
        rows[0], o.town, o.address_detail, o.zip_code, o.buyer_message, o.seller_memo,
        o.total_amount, o.post_fee, o.discount_amount, o.created_at, bool(o.is_cod),
        bool(o.is_presale),
        tuple(DetailLine(ln.id, ln.title, ln.platform_sku_id, ln.merchant_sku_code, ln.code,
                         ln.name, ln.qty, ln.price, ln.paid_amount, ln.refund_state,
                         bool(ln.is_gift), ln.bundle_line_id,
                         tuple(stock.get(ln.sku_id, ())) if ln.sku_id else ())
              for ln in lines),
        history, holds, related, raw_status[:64])


# --- small writes of the batch actions ------------------------------------------------------

def heads(s: Session, ids: Sequence[int]) -> dict[int, tuple[str, tuple[str, ...]]]:
    """id → (status, tags) of *ids*."""
    out: dict[int, tuple[str, tuple[str, ...]]] = {}
    for i in range(0, len(ids), _IN):
        for oid, st, tags in s.execute(select(Ord.id, Ord.status, Ord.tags)
                                       .where(Ord.id.in_(list(ids[i:i + _IN])))):
            out[int(oid)] = (str(st), tuple(str(t) for t in (tags or ())))
    return out


def add_holds(s: Session, order_ids: Iterable[int], reason: str, detail: str,
              now: datetime) -> None:
    rows = [{"order_id": i, "reason": reason[:64], "detail": detail[:255], "rule_id": None,
             "created_at": now, "released_at": None} for i in order_ids]
    if rows:
        s.execute(insert(OrderHoldRow), rows)


def set_fields(s: Session, order_ids: Sequence[int], now: datetime, **values: Any) -> None:
    for i in range(0, len(order_ids), _IN):
        s.execute(update(Ord).where(Ord.id.in_(list(order_ids[i:i + _IN])))
                  .values(updated_at=now, **values))


def set_tags(s: Session, order_id: int, tags: Sequence[str], now: datetime) -> None:
    s.execute(update(Ord).where(Ord.id == order_id).values(tags=list(tags), updated_at=now))


def line_titles(s: Session, line_ids: Sequence[int]) -> dict[int, str]:
    """Line id → "SKU code title" for showing parcel lines."""
    out: dict[int, str] = {}
    for i in range(0, len(line_ids), _IN):
        for lid, title, code in s.execute(
                select(OrderLineRow.id, OrderLineRow.title, SkuRow.code)
                .outerjoin(SkuRow, SkuRow.id == OrderLineRow.sku_id)
                .where(OrderLineRow.id.in_(list(line_ids[i:i + _IN])))):
            out[int(lid)] = f"{code or ''} {title}".strip()
    return out


def exists_id(s: Session, table: str, key: int) -> bool:
    """Whether courier or warehouse *key* exists (for assignments)."""
    row = {"courier": CourierRow, "warehouse": WarehouseRow}[table]
    return s.scalar(select(row.id).where(row.id == key)) is not None


@dataclass(frozen=True, slots=True)
class Choice:
    id: int
    name: str


def choices(s: Session) -> dict[str, list[Choice]]:
    """The shops, couriers and warehouses the filter combo boxes offer."""
    return {
        "shops": [Choice(i, n) for i, n in s.execute(
            select(ShopRow.id, ShopRow.name).order_by(ShopRow.id))],
        "couriers": [Choice(i, n) for i, n in s.execute(
            select(CourierRow.id, CourierRow.name).order_by(CourierRow.id))],
        "warehouses": [Choice(i, n) for i, n in s.execute(
            select(WarehouseRow.id, WarehouseRow.name).order_by(WarehouseRow.id))],
        "platforms": [Choice(0, str(p)) for (p,) in s.execute(
            select(ShopRow.platform).distinct().order_by(ShopRow.platform))],
    }
