"""The catalogue: SKUs with their barcodes and bundle components, warehouses, couriers with
their rate tables, shops and their listings.

Writes are bulk upserts by natural key (SKU code, warehouse code, courier code, shop name,
listing key), so importing the same data twice changes nothing: a row is only rewritten
when a value differs. Reads hand back frozen records, never ORM rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ecerp_desktop.store.schema import (
    BundleComponentRow,
    CourierRateRow,
    CourierRow,
    ListingRow,
    ShopRow,
    SkuBarcodeRow,
    SkuRow,
    WarehouseRow,
)

_CHUNK = 500


def _insert(s: Session, table: Any) -> Any:
    return (pg_insert(table) if s.get_bind().dialect.name == "postgresql"
            else sqlite_insert(table))


def _upsert(s: Session, table: Any, rows: list[dict[str, Any]], keys: Sequence[str],
            update_cols: Sequence[str], touch: Sequence[str] = ()) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE only the rows whose values differ (*touch*
    columns, such as updated_at, are written with them but never compared)."""
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start:start + _CHUNK]
        stmt = _insert(s, table)
        if update_cols:
            cols = table.__table__.c
            changed = or_(*[cols[c].is_distinct_from(stmt.excluded[c]) for c in update_cols])
            stmt = stmt.on_conflict_do_update(
                index_elements=list(keys),
                set_={c: stmt.excluded[c] for c in [*update_cols, *touch]}, where=changed)
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        s.execute(stmt, chunk)


# --- SKUs ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SkuInput:
    code: str
    name: str
    # None: keep what is stored (a new SKU gets 0 g, ¥0.00 and an unknown volume), so an
    # import file without that column, or with the cell empty, changes nothing of it
    weight_g: int | None = 0
    cost: Decimal | None = Decimal("0.00")
    barcodes: tuple[str, ...] = ()
    is_bundle: bool = False
    is_gift: bool = False
    volume_cm3: int | None = None


@dataclass(frozen=True, slots=True)
class SkuRecord:
    id: int
    code: str
    name: str
    weight_g: int
    cost: Decimal
    is_bundle: bool
    is_gift: bool
    active: bool
    barcodes: tuple[str, ...] = field(default=())
    volume_cm3: int | None = None


def upsert_skus(s: Session, items: Sequence[SkuInput], now: datetime) -> dict[str, int]:
    """Insert or update SKUs by code (barcodes are added separately); returns code → id."""
    optional = ("weight_g", "cost", "volume_cm3")  # None: keep the stored value
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for i in items:
        given = tuple(c for c in optional if getattr(i, c) is not None)
        groups.setdefault(given, []).append({
            "code": i.code, "name": i.name, "weight_g": i.weight_g or 0,
            "cost": Decimal("0.00") if i.cost is None else i.cost, "is_bundle": i.is_bundle,
            "is_gift": i.is_gift, "active": True, "volume_cm3": i.volume_cm3,
            "created_at": now, "updated_at": now})
    for given, rows in sorted(groups.items()):
        _upsert(s, SkuRow, rows, ["code"], ["name", "is_bundle", *given],
                touch=["updated_at"])
    return sku_ids_by_code(s, [i.code for i in items])


def sku_ids_by_code(s: Session, codes: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    codes = list(dict.fromkeys(codes))
    for start in range(0, len(codes), _CHUNK):
        out.update(s.execute(select(SkuRow.code, SkuRow.id)
                             .where(SkuRow.code.in_(codes[start:start + _CHUNK]))).all())
    return out


def barcode_owners(s: Session, barcodes: Iterable[str]) -> dict[str, int]:
    """barcode → SKU id, for the barcodes that are already taken."""
    out: dict[str, int] = {}
    items = list(dict.fromkeys(barcodes))
    for start in range(0, len(items), _CHUNK):
        out.update(s.execute(select(SkuBarcodeRow.barcode, SkuBarcodeRow.sku_id).where(
            SkuBarcodeRow.barcode.in_(items[start:start + _CHUNK]))).all())
    return out


def add_barcodes(s: Session, pairs: Sequence[tuple[str, int]]) -> None:
    """Attach (barcode, SKU id) pairs; a barcode already stored is left as it is (callers
    check :func:`barcode_owners` first to report one that belongs to another SKU)."""
    rows = [{"barcode": b, "sku_id": k} for b, k in pairs]
    _upsert(s, SkuBarcodeRow, rows, ["barcode"], [])


def set_bundle(s: Session, bundle_sku_id: int, components: Sequence[tuple[int, int]]) -> None:
    """Replace a bundle's components with (component SKU id, qty) pairs."""
    s.execute(delete(BundleComponentRow).where(
        BundleComponentRow.bundle_sku_id == bundle_sku_id))
    if components:
        s.execute(_insert(s, BundleComponentRow), [
            {"bundle_sku_id": bundle_sku_id, "component_sku_id": c, "qty": q}
            for c, q in components])


def bundle_components(s: Session, bundle_ids: Iterable[int] | None = None
                      ) -> dict[int, tuple[tuple[int, int], ...]]:
    """bundle SKU id → ((component SKU id, qty), …)."""
    q = select(BundleComponentRow.bundle_sku_id, BundleComponentRow.component_sku_id,
               BundleComponentRow.qty).order_by(BundleComponentRow.bundle_sku_id,
                                                BundleComponentRow.component_sku_id)
    if bundle_ids is not None:
        q = q.where(BundleComponentRow.bundle_sku_id.in_(list(bundle_ids)))
    out: dict[int, list[tuple[int, int]]] = {}
    for b, c, n in s.execute(q):
        out.setdefault(b, []).append((c, n))
    return {b: tuple(v) for b, v in out.items()}


def _sku_records(s: Session, rows: Sequence[SkuRow]) -> list[SkuRecord]:
    ids = [r.id for r in rows]
    codes: dict[int, list[str]] = {}
    for start in range(0, len(ids), _CHUNK):
        for b, k in s.execute(select(SkuBarcodeRow.barcode, SkuBarcodeRow.sku_id)
                              .where(SkuBarcodeRow.sku_id.in_(ids[start:start + _CHUNK]))
                              .order_by(SkuBarcodeRow.barcode)):
            codes.setdefault(k, []).append(b)
    return [SkuRecord(r.id, r.code, r.name, r.weight_g, r.cost, r.is_bundle, r.is_gift,
                      r.active, tuple(codes.get(r.id, ())), r.volume_cm3) for r in rows]


def sku_by_code(s: Session, code: str) -> SkuRecord | None:
    row = s.scalar(select(SkuRow).where(SkuRow.code == code))
    return None if row is None else _sku_records(s, [row])[0]


def sku_by_barcode(s: Session, barcode: str) -> SkuRecord | None:
    row = s.scalar(select(SkuRow).join(SkuBarcodeRow, SkuBarcodeRow.sku_id == SkuRow.id)
                   .where(SkuBarcodeRow.barcode == barcode))
    return None if row is None else _sku_records(s, [row])[0]


def skus(s: Session, *, after_code: str | None = None, limit: int | None = None,
         ids: Sequence[int] | None = None) -> list[SkuRecord]:
    """SKUs ordered by code, keyset-paged with *after_code*."""
    q = select(SkuRow).order_by(SkuRow.code)
    if after_code is not None:
        q = q.where(SkuRow.code > after_code)
    if ids is not None:
        q = q.where(SkuRow.id.in_(list(ids)))
    if limit is not None:
        q = q.limit(limit)
    return _sku_records(s, list(s.scalars(q)))


def count_skus(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(SkuRow)) or 0)


# --- warehouses ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class WarehouseRecord:
    id: int
    code: str
    name: str
    province: str
    address: str
    active: bool


def _wh(r: WarehouseRow) -> WarehouseRecord:
    return WarehouseRecord(r.id, r.code, r.name, r.province, r.address, r.active)


def upsert_warehouse(s: Session, *, code: str, name: str, province: str = "",
                     address: str = "") -> WarehouseRecord:
    """Insert or update a warehouse by code."""
    _upsert(s, WarehouseRow, [{"code": code, "name": name, "province": province,
                               "address": address, "active": True}],
            ["code"], ["name", "province", "address"])
    found = warehouse_by_key(s, code)
    assert found is not None
    return found


def warehouse_by_key(s: Session, key: str) -> WarehouseRecord | None:
    """A warehouse by its code or its name."""
    row = s.scalar(select(WarehouseRow).where(
        or_(WarehouseRow.code == key, WarehouseRow.name == key)).order_by(
        WarehouseRow.code != key).limit(1))
    return None if row is None else _wh(row)


def warehouses(s: Session, *, active_only: bool = False) -> list[WarehouseRecord]:
    q = select(WarehouseRow).order_by(WarehouseRow.code)
    if active_only:
        q = q.where(WarehouseRow.active.is_(True))
    return [_wh(r) for r in s.scalars(q)]


def next_warehouse_code(s: Session) -> str:
    """WH01, WH02 … the first free one (for warehouses added without a code)."""
    taken = set(s.scalars(select(WarehouseRow.code)))
    n = 1
    while f"WH{n:02d}" in taken:
        n += 1
    return f"WH{n:02d}"


# --- couriers and rate tables ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RateInput:
    province: str  # '*' = the default rate
    first_price: Decimal
    step_price: Decimal
    first_weight_g: int = 1000
    step_weight_g: int = 1000
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class CourierRecord:
    id: int
    code: str
    name: str
    waybill_source: str
    active: bool


def upsert_courier(s: Session, *, code: str, name: str, waybill_source: str = "range",
                   settings: dict[str, Any] | None = None) -> int:
    _upsert(s, CourierRow, [{"code": code, "name": name, "waybill_source": waybill_source,
                             "settings": settings or {}, "active": True}],
            ["code"], ["name", "waybill_source"])
    return int(s.scalar(select(CourierRow.id).where(CourierRow.code == code)) or 0)


def upsert_rates(s: Session, courier_id: int, rates: Sequence[RateInput]) -> None:
    rows = [{"courier_id": courier_id, "province": r.province,
             "first_weight_g": r.first_weight_g, "first_price": r.first_price,
             "step_weight_g": r.step_weight_g, "step_price": r.step_price,
             "excluded": r.excluded} for r in rates]
    _upsert(s, CourierRateRow, rows, ["courier_id", "province"],
            ["first_weight_g", "first_price", "step_weight_g", "step_price", "excluded"])


def couriers(s: Session) -> list[CourierRecord]:
    return [CourierRecord(r.id, r.code, r.name, r.waybill_source, r.active)
            for r in s.scalars(select(CourierRow).order_by(CourierRow.code))]


def rates(s: Session, courier_id: int) -> list[RateInput]:
    return [RateInput(r.province, r.first_price, r.step_price, r.first_weight_g,
                      r.step_weight_g, r.excluded)
            for r in s.scalars(select(CourierRateRow).where(
                CourierRateRow.courier_id == courier_id).order_by(CourierRateRow.province))]


# --- shops and listings ----------------------------------------------------------------------

def upsert_shop(s: Session, *, platform: str, name: str, now: datetime, endpoint: str = "",
                app_key: str = "", credential_ref: str = "",
                settings: dict[str, Any] | None = None) -> int:
    """Insert a shop by name (an existing shop keeps its own settings); returns its id."""
    _upsert(s, ShopRow, [{"platform": platform, "name": name, "endpoint": endpoint,
                          "app_key": app_key, "credential_ref": credential_ref,
                          "active": True, "allow_merge": True, "backfill_days": 3,
                          "stock_share_pct": 100, "stock_safety_buffer": 0,
                          "stock_zero_below": 0, "settings": settings or {},
                          "created_at": now}], ["name"], [])
    return int(s.scalar(select(ShopRow.id).where(ShopRow.name == name)) or 0)


@dataclass(frozen=True, slots=True)
class ListingInput:
    platform_item_id: str
    platform_sku_id: str
    merchant_code: str
    title: str
    sku_id: int | None


def upsert_listings(s: Session, shop_id: int, items: Sequence[ListingInput]) -> None:
    """Insert listings by (shop, item, platform SKU); an existing mapping is kept."""
    rows = [{"shop_id": shop_id, "platform_item_id": i.platform_item_id,
             "platform_sku_id": i.platform_sku_id, "merchant_code": i.merchant_code,
             "title": i.title, "sku_id": i.sku_id} for i in items]
    _upsert(s, ListingRow, rows, ["shop_id", "platform_item_id", "platform_sku_id"],
            ["merchant_code", "title"])


def replace_listings(s: Session, shop_id: int, items: Sequence[ListingInput]) -> None:
    """The shop's listings become exactly *items* (a shop re-read from its platform)."""
    s.execute(delete(ListingRow).where(ListingRow.shop_id == shop_id))
    if items:
        upsert_listings(s, shop_id, items)


def count_listings(s: Session, *, mapped: bool | None = None) -> int:
    q = select(func.count()).select_from(ListingRow)
    if mapped is True:
        q = q.where(ListingRow.sku_id.is_not(None))
    elif mapped is False:
        q = q.where(ListingRow.sku_id.is_(None))
    return int(s.scalar(q) or 0)


def listing_skus(s: Session, keys: Sequence[tuple[int, str, str]]) -> dict[tuple[int, str, str],
                                                                         int | None]:
    """(shop, item, platform SKU) → mapped SKU id, for the listings that exist."""
    out: dict[tuple[int, str, str], int | None] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        for shop, item, psku, sku in s.execute(
                select(ListingRow.shop_id, ListingRow.platform_item_id,
                       ListingRow.platform_sku_id, ListingRow.sku_id).where(
                    tuple_(ListingRow.shop_id, ListingRow.platform_item_id,
                           ListingRow.platform_sku_id).in_(chunk))):
            out[(shop, item, psku)] = sku
    return out
