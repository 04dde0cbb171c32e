"""SKU mapping (商品对应关系) as use cases: the platform lines that hold orders because
they map to no SKU (with likely matches), the mapping table (listings) to browse and
edit, mapping or unmapping a listing one by one or in bulk, and importing or exporting
the table as CSV or XLSX.

A mapping is written in its own transaction (audited); then the orders held "unmapped
SKU" that the new mapping concerns are run through the pipeline at once
(:func:`ecerp_desktop.services.pipeline.process_orders`). Should that run fail, the
mapping stays and the orders stay held: the next pipeline run takes them, as
"unmapped SKU" is a hold the pipeline lifts by itself.

Likely matches come from :class:`ecerp_desktop.domain.mapping_suggest.SuggestIndex`,
built once per catalogue state and kept while no SKU changes.

Any thread but the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.mapping import LineRef
from ecerp_desktop.domain.mapping_suggest import SuggestIndex
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.domain.text import safe_cell, storable
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import pipeline
from ecerp_desktop.services.imports import (
    ImportReport,
    RowError,
    _columns,
    _data_rows,
    read_table,
)
from ecerp_desktop.services.stock_export import ExportResult, write_table
from ecerp_desktop.store import Store, audit
from ecerp_desktop.store import mapping as ms
from ecerp_desktop.store.catalog import listing_skus
from ecerp_desktop.store.mapping import (
    ListingRecord,
    PlatformLine,
    SkuChoice,
    UnmappedRecord,
)

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
UnmappedKey = tuple[int, int, str, str, str]
ListingKey = tuple[int, str, str]

_FIELD_LIMIT = 64  # item id, platform SKU id, merchant code (the listings columns)
_TITLE_LIMIT = 255
_AUDIT_ITEMS = 100  # changes named in one bulk audit row


@dataclass(frozen=True, slots=True)
class Suggestion:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class UnmappedLine(UnmappedRecord):
    """A platform line holding orders, the orders and units waiting on it, and up to three
    likely SKUs; its ``key`` is the ``after`` of the next page."""

    suggestions: tuple[Suggestion, ...] = ()


@dataclass(frozen=True, slots=True)
class Mapping:
    """One row of the mapping table to write: this shop's item (and platform SKU; "" maps
    the whole item) → our SKU code ("" unmaps)."""

    shop_id: int
    platform_item_id: str
    platform_sku_id: str = ""
    sku_code: str = ""
    merchant_code: str = ""
    title: str = ""


@dataclass(slots=True)
class MapResult:
    """What a mapping changed and what the re-run of the held orders did."""

    changed: int = 0  # listings written with a different SKU
    unchanged: int = 0
    rerun: int = 0  # held orders run through the pipeline again
    approved: int = 0
    still_held: int = 0
    held_reasons: dict[str, int] = field(default_factory=dict)
    order_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.changed} mapping(s) changed; {self.rerun} order(s) re-run: "
                f"{self.approved} approved, {self.still_held} still held")


# --- the unmapped lines ----------------------------------------------------------------------

_index_lock = threading.Lock()
_index: dict[str, tuple[tuple[Any, ...], SuggestIndex]] = {}


def suggest_index(store: Store) -> SuggestIndex:
    """The suggestion index of the catalogue as it is now (rebuilt when a SKU changed)."""
    with store.read() as s:
        stamp = ms.catalog_stamp(s)
    with _index_lock:
        hit = _index.get(store.url)
        if hit is not None and hit[0] == stamp:
            return hit[1]
    with store.read() as s:
        stamp = ms.catalog_stamp(s)
        skus = ms.suggestable_skus(s)
    index = SuggestIndex(skus)
    with _index_lock:
        _index.clear()  # one database at a time; never grows
        _index[store.url] = (stamp, index)
    return index


def unmapped(store: Store, actor: Actor, *, shop: int | None = None, text: str | None = None,
             after: UnmappedKey | None = None, limit: int = 200,
             suggestions: bool = True) -> list[UnmappedLine]:
    """The distinct platform lines that hold orders as "unmapped SKU" right now, most
    waiting orders first, keyset-paged (*after*: the last row's ``key``)."""
    actor.require(Permission.ORDERS_VIEW)
    with store.read() as s:
        rows = ms.unmapped(s, shop_id=shop, text=storable(text or ""), after=after,
                           limit=max(1, min(limit, 1000)))
    found = suggest(store, actor, rows) if suggestions else [()] * len(rows)
    return [_line(r, sug) for r, sug in zip(rows, found, strict=True)]


def suggest(store: Store, actor: Actor, lines: Sequence[PlatformLine]
            ) -> list[tuple[Suggestion, ...]]:
    """Up to three likely SKUs for each of *lines* (a screen shows the lines first and
    asks this afterwards: the first call after a SKU changed builds the index)."""
    actor.require(Permission.ORDERS_VIEW)
    if not lines:
        return []
    index = suggest_index(store)
    picked = [index.suggest(LineRef(r.platform_item_id, r.platform_sku_id, r.merchant_code,
                                    r.title)) for r in lines]
    names = dict.fromkeys((c for codes in picked for c in codes), "")
    if names:
        with store.read() as s:
            for k in ms.sku_by_code_ci(s, list(names)).values():
                names[k.code] = k.name
    return [tuple(Suggestion(c, names.get(c, "")) for c in codes) for codes in picked]


def _line(r: UnmappedRecord, sug: tuple[Suggestion, ...]) -> UnmappedLine:
    return UnmappedLine(r.shop_id, r.shop, r.platform_item_id, r.platform_sku_id,
                        r.merchant_code, r.title, r.orders, r.units, sug)


def unmapped_totals(store: Store, actor: Actor) -> tuple[int, int]:
    """(distinct unmapped lines, held orders waiting on them), for a badge or a title."""
    actor.require(Permission.ORDERS_VIEW)
    with store.read() as s:
        return ms.count_unmapped(s)


def find_skus(store: Store, actor: Actor, text: str, limit: int = 20) -> list[SkuChoice]:
    """Active SKUs by code or barcode prefix, or by a part of the name (the search field's
    completion)."""
    actor.require(Permission.ORDERS_VIEW)
    with store.read() as s:
        return ms.sku_matches(s, storable(text), limit)


# --- the mapping table -----------------------------------------------------------------------

def listings(store: Store, actor: Actor, shop: int | None = None, text: str | None = None,
             mapped: bool | None = None, after: ListingKey | None = None,
             limit: int = 200) -> list[ListingRecord]:
    """The mapping table ordered by shop, item and platform SKU, keyset-paged (*after*: the
    last row's ``key``)."""
    actor.require(Permission.ORDERS_VIEW)
    with store.read() as s:
        return ms.listings(s, shop_id=shop, text=storable(text or ""), mapped=mapped,
                           after=after, limit=max(1, min(limit, 5000)))


def map_listing(store: Store, actor: Actor, shop_id: int, platform_item_id: str,
                platform_sku_id: str, sku_code: str, *, merchant_code: str = "",
                title: str = "", progress: Progress | None = None,
                cancel: Cancel | None = None) -> MapResult:
    """Map this shop's platform item/SKU (*platform_sku_id* "": every SKU of the item) to
    the SKU *sku_code* (a code or a barcode), then re-run the orders it frees. The
    listing's merchant code and title, when not given, come from a held line."""
    actor.require(Permission.ORDERS_REVIEW)
    if not (merchant_code and title):
        with store.read() as s:
            found = ms.held_line_text(s, shop_id, storable(platform_item_id.strip()),
                                      storable(platform_sku_id.strip()))
        if found is not None:
            merchant_code, title = merchant_code or found[0], title or found[1]
    return map_many(store, actor, [Mapping(shop_id, platform_item_id, platform_sku_id,
                                           sku_code, merchant_code, title)],
                    progress=progress, cancel=cancel, refuse_empty=True)


def unmap_listing(store: Store, actor: Actor, shop_id: int, platform_item_id: str,
                  platform_sku_id: str = "") -> MapResult:
    """Take the SKU off a listing (the listing stays, unmapped). Orders already mapped
    keep their SKU; new ones are mapped by merchant code or barcode, or held."""
    actor.require(Permission.ORDERS_REVIEW)
    item, psku = _ident(platform_item_id, "item id"), _ident(platform_sku_id, "SKU id")
    with store.write() as s:
        before = ms.listing(s, shop_id, item, psku)
        if before is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="listing",
                              key=f"{item}/{psku or '-'}")
        if before.sku_id is None:
            return MapResult(unchanged=1)
        ms.set_listings(s, [ms.ListingWrite(shop_id, item, psku, None)])
        audit.append(s, at=utcnow(), user_id=actor.user_id, username=actor.username,
                     action="mapping.remove", entity="listing", entity_id=str(before.id),
                     detail={"shop_id": shop_id, "item": item, "sku": psku,
                             "from": before.sku_code})
    return MapResult(changed=1)


def _ident(value: str, what: str, required: bool = False) -> str:
    value = storable((value or "").strip())
    if required and not value:
        raise DomainError(ErrorCode.REQUIRED, what=what)
    if len(value) > _FIELD_LIMIT:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, what=what, limit=_FIELD_LIMIT)
    return value


@dataclass(frozen=True, slots=True)
class _Checked:
    shop_id: int
    item: str
    psku: str
    sku_id: int | None
    code: str
    merchant_code: str
    title: str


def _check(m: Mapping, skus: dict[str, SkuChoice], shops: dict[int, str]) -> _Checked:
    if m.shop_id not in shops:
        raise DomainError(ErrorCode.NOT_FOUND, what="shop", key=str(m.shop_id))
    item = _ident(m.platform_item_id, "item id", required=True)
    psku = _ident(m.platform_sku_id, "SKU id")
    code = storable(m.sku_code.strip())
    sku_id = None
    if code:
        found = skus.get(code.upper())
        if found is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=code[:64])
        if not found.active:
            raise DomainError(ErrorCode.SKU_INACTIVE, sku=found.code)
        sku_id, code = found.id, found.code
    merchant = storable(m.merchant_code.strip())[:_FIELD_LIMIT]
    title = storable(m.title.strip())[:_TITLE_LIMIT]
    return _Checked(m.shop_id, item, psku, sku_id, code, merchant, title)


def map_many(store: Store, actor: Actor, items: Sequence[Mapping], *,
             progress: Progress | None = None, cancel: Cancel | None = None,
             refuse_empty: bool = False, rerun: bool = True) -> MapResult:
    """Write every mapping in one transaction (all or none: the first bad one is raised),
    then re-run the held orders they concern. An empty ``sku_code`` unmaps (refused with
    *refuse_empty*)."""
    actor.require(Permission.ORDERS_REVIEW)
    if refuse_empty and any(not m.sku_code.strip() for m in items):
        raise DomainError(ErrorCode.REQUIRED, what="SKU")
    with store.read() as s:
        skus = ms.sku_by_code_ci(s, [m.sku_code for m in items])
        shops = ms.shop_names(s)
    checked = [_check(m, skus, shops) for m in items]
    result, affected = _write(store, actor, checked, "mapping.set" if len(checked) == 1
                              else "mapping.bulk")
    if rerun and affected:
        _rerun(store, actor, affected, result, progress, cancel)
    return result


def _write(store: Store, actor: Actor, checked: Sequence[_Checked], action: str
           ) -> tuple[MapResult, list[int]]:
    result = MapResult()
    affected: dict[int, None] = {}
    changes: list[dict[str, Any]] = []
    with store.write() as s:
        before = listing_skus(s, [(c.shop_id, c.item, c.psku) for c in checked])
        codes = ms.sku_codes(s, [v for v in before.values() if v is not None])
        mapped: set[ListingKey] = set()
        for c in checked:
            key = (c.shop_id, c.item, c.psku)
            if key in before and before[key] == c.sku_id:
                result.unchanged += 1
            else:
                result.changed += 1
                old = before.get(key)
                changes.append({"shop_id": c.shop_id, "item": c.item, "sku": c.psku,
                                "from": "" if old is None else codes.get(old, f"#{old}"),
                                "to": c.code})
            if c.sku_id is not None:
                mapped.add(key)
        ms.set_listings(s, [ms.ListingWrite(c.shop_id, c.item, c.psku, c.sku_id,
                                            c.merchant_code, c.title) for c in checked])
        if mapped:
            # a whole-item mapping (platform SKU "") frees every SKU of the item
            for oid, shop, item, psku in ms.held_unmapped_lines(s, {k[1] for k in mapped}):
                if (shop, item, psku) in mapped or (shop, item, "") in mapped:
                    affected[oid] = None
        if changes:
            audit.append(s, at=utcnow(), user_id=actor.user_id, username=actor.username,
                         action=action, entity="listing",
                         entity_id=f"{changes[0]['shop_id']}:{changes[0]['item']}"[:64],
                         detail={"changed": len(changes), "unchanged": result.unchanged,
                                 "changes": changes[:_AUDIT_ITEMS]})
    return result, list(affected)


def _rerun(store: Store, actor: Actor, order_ids: list[int], result: MapResult,
           progress: Progress | None, cancel: Cancel | None) -> None:
    run = pipeline.process_orders(store, actor, order_ids, progress=progress, cancel=cancel)
    result.order_ids = sorted(run.statuses)
    result.rerun = len(run.statuses)
    result.approved = sum(1 for st in run.statuses.values()
                          if st == OrderStatus.APPROVED.value)
    result.still_held = sum(1 for st in run.statuses.values() if st == OrderStatus.HELD.value)
    result.held_reasons = dict(run.held)


# --- import and export -----------------------------------------------------------------------

EXPORT_HEADERS = ("Shop", "Item ID", "Platform SKU ID", "Merchant code", "Title", "SKU",
                  "SKU name")
# Header names accepted on import: the export's own (compared without case and blanks)
# and the usual Chinese ones.
IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "shop": ("shop", "店铺", "店铺名称"),
    "item": ("itemid", "item", "商品id", "平台商品id", "宝贝id"),
    "psku": ("platformskuid", "skuid", "平台skuid", "规格id"),
    "merchant": ("merchantcode", "商家编码", "外部编码"),
    "title": ("title", "标题", "商品标题", "商品名称"),
    "sku": ("sku", "skucode", "系统编码", "对应商品编码", "商品编码"),
}


def export_table(store: Store, actor: Actor, path: str | Path, *, shop: int | None = None,
                 text: str | None = None, mapped: bool | None = None,
                 progress: Progress | None = None, cancel: Cancel | None = None
                 ) -> ExportResult:
    """The mapping table (as filtered) to *path*: XLSX when it ends in .xlsx, else CSV
    (UTF-8 with BOM). Text cells are formula-safe; the export is audited."""
    actor.require(Permission.ORDERS_VIEW)
    with store.read() as s:
        total = len(ms.listings(s, shop_id=shop, text=storable(text or ""), mapped=mapped,
                                limit=None))

    def pages() -> Iterable[list[list[Any]]]:
        after: ListingKey | None = None
        while True:
            page = listings(store, actor, shop, text, mapped, after, limit=2000)
            if not page:
                return
            yield [[r.shop, r.platform_item_id, r.platform_sku_id, r.merchant_code, r.title,
                    r.sku_code, r.sku_name] for r in page]
            after = page[-1].key

    result = write_table(path, EXPORT_HEADERS, pages(), total=total, progress=progress,
                         cancel=cancel, sheet="Mapping")
    with store.write() as s:
        audit.append(s, at=utcnow(), user_id=actor.user_id, username=actor.username,
                     action="mapping.export", entity="listing", entity_id="",
                     detail={"rows": result.rows, "cancelled": result.cancelled,
                             "file": Path(path).name[:128]})
    return result


def _unquote(value: str) -> str:
    """A cell as it was before our export made it formula-safe ("'=x" was "=x"), so an
    exported table imports back unchanged."""
    return value[1:] if value.startswith("'") and safe_cell(value[1:]) != value[1:] else value


@dataclass(slots=True)
class ImportResult:
    """The rows read and refused, and what writing the good ones did."""

    report: ImportReport
    mapped: MapResult


def import_table(store: Store, actor: Actor, path: str | Path, *,
                 progress: Progress | None = None, cancel: Cancel | None = None
                 ) -> ImportResult:
    """Read a mapping table (the export's columns: shop name, item ID, platform SKU ID,
    SKU code; merchant code and title optional). Each bad row is reported with its row
    number and the good ones written; an empty SKU cell unmaps. Then the held orders the
    new mappings free are re-run. Importing the same file twice changes nothing."""
    actor.require(Permission.ORDERS_REVIEW)
    path = Path(path)
    header, rows = read_table(path)
    cols = _columns(path, header, IMPORT_COLUMNS, ["shop", "item", "sku"])
    report = ImportReport(str(path))
    with store.read() as s:
        shop_ids = {name: sid for sid, name in ms.shop_names(s).items()}
    parsed: list[tuple[int, Mapping]] = []
    for n, row in _data_rows(rows, cols):
        report.rows += 1
        shop_id = shop_ids.get(row["shop"])
        if shop_id is None:
            report.errors.append(RowError(n, "shop", DomainError(
                ErrorCode.NOT_FOUND, what="shop", key=row["shop"][:64])))
            continue
        cell = {k: _unquote(v) for k, v in row.items()}
        parsed.append((n, Mapping(shop_id, cell["item"], cell.get("psku", ""), cell["sku"],
                                  cell.get("merchant", ""), cell.get("title", ""))))
    with store.read() as s:
        skus = ms.sku_by_code_ci(s, [m.sku_code for _, m in parsed])
        shops = ms.shop_names(s)
    good: dict[ListingKey, _Checked] = {}
    for n, m in parsed:
        try:
            c = _check(m, skus, shops)
        except DomainError as exc:
            column = {ErrorCode.SKU_INACTIVE: "sku", ErrorCode.NOT_FOUND: "sku"}.get(
                exc.code, "item")
            report.errors.append(RowError(n, column, exc))
            continue
        good[(c.shop_id, c.item, c.psku)] = c  # a later row of the same listing wins
    result, affected = _write(store, actor, list(good.values()), "mapping.import")
    report.changed = result.changed
    report.unchanged = result.unchanged
    if affected:
        _rerun(store, actor, affected, result, progress, cancel)
    report.errors.sort(key=lambda e: e.row)
    return ImportResult(report, result)
