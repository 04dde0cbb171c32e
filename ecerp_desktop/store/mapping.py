"""The mapping screen's queries (商品对应关系): the platform lines that hold orders because
they map to no SKU, the held orders a listing would free, the mapping table (listings)
paged and filtered, and writing one listing's SKU.

Set-based and keyset-paged: a page is one grouped query over the held orders' lines, never
a query per line. Reads hand back frozen records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, exists, func, null, or_, select, tuple_
from sqlalchemy.orm import Session

from ecerp_desktop.domain.mapping import SkuInfo
from ecerp_desktop.domain.orders import HoldReason, OrderStatus, RefundState
from ecerp_desktop.store.catalog import _insert
from ecerp_desktop.store.review import escape_like
from ecerp_desktop.store.schema import (
    ListingRow,
    OrderHoldRow,
    OrderLineRow,
    OrderRow,
    ShopRow,
    SkuBarcodeRow,
    SkuRow,
)

_IN = 900
_REFUNDED = (RefundState.REQUESTED.value, RefundState.REFUNDED.value)
_L, _O = OrderLineRow, OrderRow


def _held_unmapped() -> Any:
    """Conditions on (orders, order_lines) for a line that holds its order unmapped."""
    hold = exists().where(OrderHoldRow.order_id == _O.id,
                          OrderHoldRow.released_at.is_(None),
                          OrderHoldRow.reason == HoldReason.UNMAPPED_SKU.value)
    return and_(_O.status == OrderStatus.HELD.value, hold, _L.sku_id.is_(None),
                _L.is_gift.is_(False), _L.bundle_line_id.is_(None),
                _L.refund_state.not_in(_REFUNDED))


def _contains(cols: Sequence[Any], text: str) -> Any:
    pattern = f"%{escape_like(text)}%"
    return or_(*[c.ilike(pattern, escape="\\") for c in cols])


# --- unmapped lines --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PlatformLine:
    """A platform item/SKU of one shop as the platform describes it."""

    shop_id: int
    shop: str
    platform_item_id: str
    platform_sku_id: str
    merchant_code: str
    title: str


@dataclass(frozen=True, slots=True)
class UnmappedRecord(PlatformLine):
    orders: int = 0  # held orders waiting on this line
    units: int = 0

    @property
    def key(self) -> tuple[int, int, str, str, str]:
        """The keyset position of this row (orders descending, then the line's identity)."""
        return (self.orders, self.shop_id, self.platform_item_id, self.platform_sku_id,
                self.merchant_code)


def unmapped(s: Session, *, shop_id: int | None = None, text: str = "",
             after: tuple[int, int, str, str, str] | None = None,
             limit: int = 200) -> list[UnmappedRecord]:
    """The distinct platform lines (shop, item, platform SKU, merchant code) that hold
    orders as "unmapped SKU", most waiting orders first."""
    n_orders = func.count(func.distinct(_O.id))
    q = (select(_O.shop_id, _L.platform_item_id, _L.platform_sku_id, _L.merchant_sku_code,
                func.max(_L.title), n_orders, func.sum(_L.qty))
         .select_from(_L).join(_O, _O.id == _L.order_id)
         .where(_held_unmapped())
         .group_by(_O.shop_id, _L.platform_item_id, _L.platform_sku_id,
                   _L.merchant_sku_code))
    if shop_id is not None:
        q = q.where(_O.shop_id == shop_id)
    if text.strip():
        q = q.where(_contains([_L.title, _L.merchant_sku_code, _L.platform_item_id,
                               _L.platform_sku_id], text.strip()))
    if after is not None:
        n, shop, item, psku, code = after
        ident = tuple_(_O.shop_id, _L.platform_item_id, _L.platform_sku_id,
                       _L.merchant_sku_code)
        q = q.having(or_(n_orders < n, and_(n_orders == n,
                                            ident > tuple_(shop, item, psku, code))))
    q = q.order_by(n_orders.desc(), _O.shop_id, _L.platform_item_id, _L.platform_sku_id,
                   _L.merchant_sku_code).limit(limit)
    rows = list(s.execute(q))
    names = shop_names(s)
    return [UnmappedRecord(int(shop), names.get(int(shop), ""), item, psku, code, title or "",
                           int(n), int(units or 0))
            for shop, item, psku, code, title, n, units in rows]


def count_unmapped(s: Session) -> tuple[int, int]:
    """(distinct unmapped lines, held orders waiting on them)."""
    inner = (select(_O.shop_id, _L.platform_item_id, _L.platform_sku_id,
                    _L.merchant_sku_code)
             .select_from(_L).join(_O, _O.id == _L.order_id).where(_held_unmapped())
             .group_by(_O.shop_id, _L.platform_item_id, _L.platform_sku_id,
                       _L.merchant_sku_code).subquery())
    lines = int(s.scalar(select(func.count()).select_from(inner)) or 0)
    orders = int(s.scalar(select(func.count(func.distinct(_O.id))).select_from(_L)
                          .join(_O, _O.id == _L.order_id).where(_held_unmapped())) or 0)
    return lines, orders


def held_unmapped_lines(s: Session, items: set[str] | None = None
                        ) -> list[tuple[int, int, str, str]]:
    """(order id, shop, item, platform SKU) of every line holding its order unmapped (of
    the platform items *items* when few are given)."""
    q = (select(_O.id, _O.shop_id, _L.platform_item_id, _L.platform_sku_id).select_from(_L)
         .join(_O, _O.id == _L.order_id).where(_held_unmapped()))
    if items is not None and len(items) <= _IN:
        q = q.where(_L.platform_item_id.in_(sorted(items)))
    return [(int(a), int(b), c, d) for a, b, c, d in s.execute(q)]


def sku_codes(s: Session, ids: Sequence[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    keys = sorted(set(ids))
    for start in range(0, len(keys), _IN):
        out.update((int(a), b) for a, b in s.execute(
            select(SkuRow.id, SkuRow.code).where(SkuRow.id.in_(keys[start:start + _IN]))))
    return out


def held_line_text(s: Session, shop_id: int, item: str, psku: str) -> tuple[str, str] | None:
    """(merchant code, title) of one unmapped held line of this listing, if any."""
    q = (select(_L.merchant_sku_code, _L.title).select_from(_L)
         .join(_O, _O.id == _L.order_id)
         .where(_held_unmapped(), _O.shop_id == shop_id, _L.platform_item_id == item))
    if psku:
        q = q.where(_L.platform_sku_id == psku)
    r = s.execute(q.limit(1)).first()
    return None if r is None else (r[0], r[1])


def shop_names(s: Session) -> dict[int, str]:
    return {int(a): b for a, b in s.execute(select(ShopRow.id, ShopRow.name))}


# --- the mapping table -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ListingRecord(PlatformLine):
    id: int = 0
    sku_id: int | None = None
    sku_code: str = ""  # "" when unmapped
    sku_name: str = ""

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.shop_id, self.platform_item_id, self.platform_sku_id)


def listings(s: Session, *, shop_id: int | None = None, text: str = "",
             mapped: bool | None = None, after: tuple[int, str, str] | None = None,
             limit: int | None = 200) -> list[ListingRecord]:
    """The listings ordered by (shop, item, platform SKU), keyset-paged with *after*."""
    L = ListingRow
    q = (select(L.id, L.shop_id, L.platform_item_id, L.platform_sku_id, L.merchant_code,
                L.title, L.sku_id, SkuRow.code, SkuRow.name)
         .select_from(L).outerjoin(SkuRow, SkuRow.id == L.sku_id))
    if shop_id is not None:
        q = q.where(L.shop_id == shop_id)
    if mapped is True:
        q = q.where(L.sku_id.is_not(None))
    elif mapped is False:
        q = q.where(L.sku_id.is_(None))
    if text.strip():
        q = q.where(_contains([L.title, L.merchant_code, L.platform_item_id,
                               L.platform_sku_id, SkuRow.code, SkuRow.name], text.strip()))
    if after is not None:
        q = q.where(tuple_(L.shop_id, L.platform_item_id, L.platform_sku_id)
                    > tuple_(*after))
    q = q.order_by(L.shop_id, L.platform_item_id, L.platform_sku_id)
    if limit is not None:
        q = q.limit(limit)
    names = shop_names(s)
    return [ListingRecord(int(r[1]), names.get(int(r[1]), ""), r[2], r[3], r[4], r[5],
                          int(r[0]), r[6], r[7] or "", r[8] or "") for r in s.execute(q)]


def listing(s: Session, shop_id: int, item: str, psku: str) -> ListingRecord | None:
    """One listing by its key, its SKU read (for an update's before/after)."""
    L = ListingRow
    r = s.execute(select(L.id, L.sku_id, L.merchant_code, L.title, SkuRow.code, SkuRow.name)
                  .select_from(L).outerjoin(SkuRow, SkuRow.id == L.sku_id)
                  .where(L.shop_id == shop_id, L.platform_item_id == item,
                         L.platform_sku_id == psku)).first()
    if r is None:
        return None
    return ListingRecord(shop_id, "", item, psku, r[2], r[3], int(r[0]), r[1], r[4] or "",
                         r[5] or "")


@dataclass(frozen=True, slots=True)
class ListingWrite:
    shop_id: int
    platform_item_id: str
    platform_sku_id: str
    sku_id: int | None
    merchant_code: str = ""
    title: str = ""


def set_listings(s: Session, rows: Sequence[ListingWrite]) -> None:
    """Create each listing or change its SKU, and fill in a merchant code or title it
    lacks; one upsert per 500 rows. A new SKU forgets the quantity last pushed to the
    shop, so stock sync pushes the new one."""
    t = ListingRow.__table__
    c = t.c
    for start in range(0, len(rows), 500):
        stmt = _insert(s, t)
        ex = stmt.excluded
        new_sku = c.sku_id.is_distinct_from(ex.sku_id)
        stmt = stmt.on_conflict_do_update(
            index_elements=["shop_id", "platform_item_id", "platform_sku_id"],
            set_={"sku_id": ex.sku_id,
                  "last_pushed_qty": case((new_sku, null()), else_=c.last_pushed_qty),
                  "merchant_code": case((c.merchant_code == "", ex.merchant_code),
                                        else_=c.merchant_code),
                  "title": case((c.title == "", ex.title), else_=c.title)},
            where=or_(new_sku, and_(c.merchant_code == "", ex.merchant_code != ""),
                      and_(c.title == "", ex.title != "")))
        s.execute(stmt, [{"shop_id": r.shop_id, "platform_item_id": r.platform_item_id,
                          "platform_sku_id": r.platform_sku_id, "sku_id": r.sku_id,
                          "merchant_code": r.merchant_code, "title": r.title}
                         for r in rows[start:start + 500]])


# --- SKUs ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SkuChoice:
    id: int
    code: str
    name: str
    active: bool


def sku_by_code_ci(s: Session, codes: Sequence[str]) -> dict[str, SkuChoice]:
    """Upper-cased code → SKU, for the codes given (codes compare without case)."""
    out: dict[str, SkuChoice] = {}
    keys = sorted({c.strip().upper() for c in codes if c.strip()})
    for start in range(0, len(keys), _IN):
        part = keys[start:start + _IN]
        for r in s.execute(select(SkuRow.id, SkuRow.code, SkuRow.name, SkuRow.active)
                           .where(func.upper(SkuRow.code).in_(part))):
            out[r.code.upper()] = SkuChoice(r.id, r.code, r.name, r.active)
        # a barcode is as good as a code when typed or scanned
        for r in s.execute(select(SkuBarcodeRow.barcode, SkuRow.id, SkuRow.code, SkuRow.name,
                                  SkuRow.active)
                           .join(SkuRow, SkuRow.id == SkuBarcodeRow.sku_id)
                           .where(func.upper(SkuBarcodeRow.barcode).in_(part))):
            out.setdefault(r.barcode.upper(), SkuChoice(r.id, r.code, r.name, r.active))
    return out


def sku_matches(s: Session, text: str, limit: int = 20) -> list[SkuChoice]:
    """Active SKUs whose code or a barcode starts with *text*, or whose name contains it
    (codes first), for the search field's completion."""
    pattern = escape_like(text.strip())
    if not pattern:
        return []
    by_code = (select(SkuRow.id, SkuRow.code, SkuRow.name, SkuRow.active)
               .where(SkuRow.active.is_(True), or_(
                   SkuRow.code.ilike(f"{pattern}%", escape="\\"),
                   SkuRow.id.in_(select(SkuBarcodeRow.sku_id).where(
                       SkuBarcodeRow.barcode.like(f"{pattern}%", escape="\\")))))
               .order_by(SkuRow.code).limit(limit))
    out = [SkuChoice(r.id, r.code, r.name, r.active) for r in s.execute(by_code)]
    if len(out) < limit:
        seen = {c.id for c in out}
        by_name = (select(SkuRow.id, SkuRow.code, SkuRow.name, SkuRow.active)
                   .where(SkuRow.active.is_(True),
                          SkuRow.name.ilike(f"%{pattern}%", escape="\\"))
                   .order_by(SkuRow.code).limit(limit))
        out += [SkuChoice(r.id, r.code, r.name, r.active) for r in s.execute(by_name)
                if r.id not in seen][:limit - len(out)]
    return out


def catalog_stamp(s: Session) -> tuple[Any, ...]:
    """Changes whenever a SKU is added, removed, renamed or switched on or off (the
    suggestion index is rebuilt then)."""
    r = s.execute(select(func.count(), func.max(SkuRow.id), func.max(SkuRow.updated_at),
                         func.sum(SkuRow.id * func.length(SkuRow.name)))).one()
    return tuple(r)


def suggestable_skus(s: Session) -> list[SkuInfo]:
    """The active SKUs' codes and names (what likely matches are chosen from)."""
    return [SkuInfo(r.id, r.code, r.name) for r in s.execute(
        select(SkuRow.id, SkuRow.code, SkuRow.name).where(SkuRow.active.is_(True)))]
