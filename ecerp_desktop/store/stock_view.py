"""Queries of the stock screen (库存): keyset pages of balances, of the ledger and of SKUs.

Balances are paged by keyset — ``(sort value, sku id, warehouse id)`` after the last row
shown — so page 1,000 costs what page 1 costs. Sorting is only by a key of
:data:`BALANCE_SORT_KEYS`; anything else is refused with ``SORT_KEY_NOT_ALLOWED`` before
any SQL is built. Search text is bound, never spliced, and ``%``, ``_`` and ``\\`` in it are
escaped (``store.review.escape_like``), so it matches literally.

Value is on hand × the SKU's cost, summed in integer fen (exact on both databases).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Select,
    and_,
    func,
    literal,
    or_,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import Session

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.money import from_fen
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.store.review import escape_like
from ecerp_desktop.store.schema import SkuBarcodeRow, SkuRow, UserRow, WarehouseRow
from ecerp_desktop.store.schema import StockBalanceRow as B
from ecerp_desktop.store.schema import StockMoveRow as M
from ecerp_desktop.store.schema_purchasing import StockAlertRuleRow as R
from ecerp_desktop.store.stock_metrics import _SOLD

_COST_FEN = type_coerce(SkuRow.cost, BigInteger)
_VALUE_FEN = type_coerce(B.on_hand * _COST_FEN, BigInteger)
_AVAILABLE = B.on_hand - B.reserved

BALANCE_SORT_KEYS: dict[str, Any] = {
    "code": SkuRow.code,
    "name": SkuRow.name,
    "warehouse": B.warehouse_id,
    "on_hand": B.on_hand,
    "reserved": B.reserved,
    "available": _AVAILABLE,
    "in_transit": B.in_transit,
    "value": _VALUE_FEN,
}


def _text_match(text: str) -> Any:
    """SKU code or barcode starting with *text*, or a name containing it (any case)."""
    pattern = escape_like(text.strip())
    barcode = select(SkuBarcodeRow.sku_id).where(
        SkuBarcodeRow.barcode.like(f"{pattern}%", escape="\\"))
    return or_(SkuRow.code.ilike(f"{pattern}%", escape="\\"),
               SkuRow.name.ilike(f"%{pattern}%", escape="\\"),
               SkuRow.id.in_(barcode))


def _below_minimum() -> Any:
    """Available under the SKU's alert minimum: the purchasing screen's rule for this
    warehouse, else its rule for every warehouse (``warehouse_id`` 0); as its
    ``Suggestion.below_min``. Driven from the (few) SKUs that have a rule."""
    def rule(warehouse: Any) -> Any:
        return (select(R.min_qty).where(R.sku_id == B.sku_id, R.warehouse_id == warehouse)
                .scalar_subquery())

    return and_(B.sku_id.in_(select(R.sku_id)),
                _AVAILABLE < func.coalesce(rule(B.warehouse_id), rule(0), 0))


@dataclass(frozen=True, slots=True)
class BalanceFilter:
    """What the user narrowed the balances to; empty fields do not filter."""

    warehouse_id: int | None = None
    text: str = ""  # SKU code / barcode prefix, or part of the name
    available_max: int | None = None  # only rows with available ≤ this
    below_minimum: bool = False  # available under the alert minimum (库存预警 rules)
    with_reserved: bool = False
    in_transit: bool = False


@dataclass(frozen=True, slots=True)
class BalanceSort:
    key: str = "code"
    descending: bool = False

    def __post_init__(self) -> None:
        if self.key not in BALANCE_SORT_KEYS:
            raise DomainError(ErrorCode.SORT_KEY_NOT_ALLOWED, key=str(self.key)[:64],
                              allowed=", ".join(BALANCE_SORT_KEYS))


@dataclass(frozen=True, slots=True)
class BalanceCursor:
    """Where a page ended: the last row's sort value, SKU id and warehouse id."""

    value: Any
    sku_id: int
    warehouse_id: int


@dataclass(frozen=True, slots=True)
class BalanceRow:
    warehouse_id: int
    sku_id: int
    code: str
    name: str
    warehouse: str
    on_hand: int
    reserved: int
    in_transit: int
    cost: Decimal
    sold_30d: int = 0  # shipped minus returned in the last 30 days (filled by the service)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def value(self) -> Decimal:
        return self.cost * self.on_hand


@dataclass(frozen=True, slots=True)
class BalanceTotals:
    rows: int
    on_hand: int
    value: Decimal


def _balances(q: Select[Any], f: BalanceFilter) -> Select[Any]:
    q = q.join(SkuRow, SkuRow.id == B.sku_id)
    conds: list[Any] = []
    if f.warehouse_id is not None:
        conds.append(B.warehouse_id == f.warehouse_id)
    if f.text.strip():
        conds.append(_text_match(f.text))
    if f.available_max is not None:
        conds.append(_AVAILABLE <= f.available_max)
    if f.below_minimum:
        conds.append(_below_minimum())
    if f.with_reserved:
        conds.append(B.reserved > 0)
    if f.in_transit:
        conds.append(B.in_transit > 0)
    return q.where(and_(*conds)) if conds else q


def balance_page(s: Session, f: BalanceFilter, sort: BalanceSort,
                 after: BalanceCursor | None, limit: int
                 ) -> tuple[list[BalanceRow], BalanceCursor | None]:
    """The next *limit* balance rows after *after*, and the cursor after them (None when
    nothing follows)."""
    col = BALANCE_SORT_KEYS[sort.key]
    q = _balances(select(B.warehouse_id, B.sku_id, SkuRow.code, SkuRow.name, B.on_hand,
                         B.reserved, B.in_transit, _COST_FEN, col.label("k")), f)
    keys = (col, B.sku_id, B.warehouse_id)
    if after is not None:
        here = tuple_(*keys)
        there = tuple_(literal(after.value, col.type), literal(after.sku_id, B.sku_id.type),
                       literal(after.warehouse_id, B.warehouse_id.type))
        q = q.where(here < there if sort.descending else here > there)
    order = [k.desc() if sort.descending else k.asc() for k in keys]
    rows = s.execute(q.order_by(*order).limit(limit + 1)).all()
    names = _warehouse_names(s)
    out = [BalanceRow(r.warehouse_id, r.sku_id, r.code, r.name, names.get(r.warehouse_id, ""),
                      r.on_hand, r.reserved, r.in_transit, from_fen(int(r[7] or 0)))
           for r in rows[:limit]]
    if len(rows) > limit:
        last = rows[limit - 1]
        return out, BalanceCursor(last.k, last.sku_id, last.warehouse_id)
    return out, None


def balance_totals(s: Session, f: BalanceFilter) -> BalanceTotals:
    """Rows, units on hand and their value (at cost) over everything *f* matches."""
    n, units, fen = s.execute(_balances(
        select(func.count(), func.sum(B.on_hand), func.sum(_VALUE_FEN)), f)).one()
    return BalanceTotals(int(n or 0), int(units or 0), from_fen(int(fen or 0)))


def _warehouse_names(s: Session) -> dict[int, str]:
    return {i: n for i, n in s.execute(select(WarehouseRow.id, WarehouseRow.name))}


def sold_since(s: Session, keys: Sequence[tuple[int, int]], since: datetime
               ) -> dict[tuple[int, int], int]:
    """Units sold (shipped minus returned) per (warehouse, SKU) of *keys* since *since*,
    through the (warehouse, SKU) index of the ledger."""
    if not keys:
        return {}
    whs = sorted({w for w, _ in keys})
    skus = sorted({k for _, k in keys})
    q = (select(M.warehouse_id, M.sku_id, func.sum(_SOLD))
         .where(M.warehouse_id.in_(whs), M.sku_id.in_(skus), M.at >= since,
                M.kind.in_([MoveKind.SHIPMENT.value, MoveKind.RETURN.value]))
         .group_by(M.warehouse_id, M.sku_id))
    wanted = set(keys)
    return {(w, k): int(n or 0) for w, k, n in s.execute(q) if (w, k) in wanted}


# --- the ledger ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LedgerFilter:
    """Moves of one SKU (code or barcode), warehouse, period, kind or document."""

    sku: str = ""
    warehouse_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    kind: str = ""
    doc_type: str = ""
    doc_id: str = ""


@dataclass(frozen=True, slots=True)
class LedgerRow:
    id: int
    at: datetime
    warehouse: str
    code: str
    name: str
    kind: str
    d_on_hand: int
    d_reserved: int
    d_in_transit: int
    doc_type: str
    doc_id: str
    user: str
    note: str


def sku_id_for(s: Session, key: str) -> int | None:
    """The SKU whose code (or one of whose barcodes) is *key*."""
    found = s.scalar(select(SkuRow.id).where(SkuRow.code == key))
    if found is None:
        found = s.scalar(select(SkuBarcodeRow.sku_id).where(SkuBarcodeRow.barcode == key))
    return found


def ledger_page(s: Session, f: LedgerFilter, before_id: int | None, limit: int
                ) -> tuple[list[LedgerRow], int | None]:
    """The next *limit* moves, newest first, with an id below *before_id*; and the id to
    continue below (None when nothing follows)."""
    conds: list[Any] = []
    if f.sku.strip():
        sku_id = sku_id_for(s, f.sku.strip())
        if sku_id is None:
            return [], None
        conds.append(M.sku_id == sku_id)
    if f.warehouse_id is not None:
        conds.append(M.warehouse_id == f.warehouse_id)
    if f.since is not None:
        conds.append(M.at >= f.since)
    if f.until is not None:
        conds.append(M.at < f.until)
    if f.kind:
        conds.append(M.kind == f.kind)
    if f.doc_type.strip():
        conds.append(M.doc_type == f.doc_type.strip())
    if f.doc_id.strip():
        conds.append(M.doc_id == f.doc_id.strip())
    if before_id is not None:
        conds.append(M.id < before_id)
    q = (select(M.id, M.at, M.warehouse_id, SkuRow.code, SkuRow.name, M.kind, M.d_on_hand,
                M.d_reserved, M.d_in_transit, M.doc_type, M.doc_id, UserRow.username, M.note)
         .join(SkuRow, SkuRow.id == M.sku_id).outerjoin(UserRow, UserRow.id == M.user_id)
         .where(*conds).order_by(M.id.desc()).limit(limit + 1))
    rows = s.execute(q).all()
    names = _warehouse_names(s)
    out = [LedgerRow(r.id, r.at, names.get(r.warehouse_id, ""), r.code, r.name, r.kind,
                     r.d_on_hand, r.d_reserved, r.d_in_transit, r.doc_type, r.doc_id,
                     r.username or "", r.note) for r in rows[:limit]]
    return out, (out[-1].id if len(rows) > limit else None)


# --- SKUs ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SkuListRow:
    id: int
    code: str
    name: str
    barcodes: tuple[str, ...]
    cost: Decimal
    active: bool


def sku_page(s: Session, text: str, after_code: str | None, limit: int
             ) -> tuple[list[SkuListRow], str | None]:
    """SKUs by code after *after_code*, narrowed by *text* (as the balances' text filter)."""
    q = select(SkuRow.id, SkuRow.code, SkuRow.name, _COST_FEN, SkuRow.active)
    if text.strip():
        q = q.where(_text_match(text))
    if after_code is not None:
        q = q.where(SkuRow.code > after_code)
    rows = s.execute(q.order_by(SkuRow.code).limit(limit + 1)).all()[:limit + 1]
    page = rows[:limit]
    codes: dict[int, list[str]] = {}
    if page:
        for sku, code in s.execute(select(SkuBarcodeRow.sku_id, SkuBarcodeRow.barcode)
                                   .where(SkuBarcodeRow.sku_id.in_([r.id for r in page]))
                                   .order_by(SkuBarcodeRow.barcode)):
            codes.setdefault(sku, []).append(code)
    out = [SkuListRow(r.id, r.code, r.name, tuple(codes.get(r.id, ())),
                      from_fen(int(r[3] or 0)), bool(r.active)) for r in page]
    return out, (out[-1].code if len(rows) > limit else None)


def barcodes_of(s: Session, codes: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Every barcode of the SKUs with these codes (codes not found are left out)."""
    out: dict[str, list[str]] = {}
    for code, barcode in s.execute(
            select(SkuRow.code, SkuBarcodeRow.barcode)
            .outerjoin(SkuBarcodeRow, SkuBarcodeRow.sku_id == SkuRow.id)
            .where(SkuRow.code.in_(list(codes))).order_by(SkuBarcodeRow.barcode)):
        out.setdefault(code, [])
        if barcode is not None:
            out[code].append(barcode)
    return {k: tuple(v) for k, v in out.items()}


def sku_names(s: Session, sku_ids: Sequence[int] | None = None) -> dict[int, tuple[str, str]]:
    """(code, name) per SKU id (all SKUs when *sku_ids* is None)."""
    q = select(SkuRow.id, SkuRow.code, SkuRow.name)
    if sku_ids is not None:
        q = q.where(SkuRow.id.in_(list(sku_ids)))
    return {i: (c, n) for i, c, n in s.execute(q)}


def matching_sku_ids(s: Session, text: str) -> set[int]:
    return set(s.scalars(select(SkuRow.id).where(_text_match(text))))


def warehouse_names(s: Session) -> dict[int, str]:
    """Every warehouse's name by id."""
    return _warehouse_names(s)
