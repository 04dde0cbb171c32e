"""Counts, their scope and their scan entries (tables in schema_stocktake.py).

Stations only INSERT entries; a SKU's counted quantity is always a SUM over its entries, so
two stations scanning the same SKU at the same moment both count. A scan first takes a
shared lock on its count row (``FOR SHARE`` on PostgreSQL; SQLite's write transaction holds
the database), and posting flips the status with a conditional UPDATE that waits for those
scans and blocks later ones: a scan is either in the posting or refused, never lost.

All functions take the caller's session and hand back frozen records.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, literal, select, union, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ecerp_desktop.domain.stocktake import EntryFlag, Scope, Status, Uncounted, VarianceLine
from ecerp_desktop.store.schema import (
    LocationRow,
    SkuBarcodeRow,
    SkuRow,
    StockBalanceRow,
    WarehouseRow,
)
from ecerp_desktop.store.schema_stocktake import StocktakeEntryRow, StocktakeRow, StocktakeSkuRow

T = StocktakeRow
K = StocktakeSkuRow
E = StocktakeEntryRow
B = StockBalanceRow
KT = StocktakeSkuRow.__table__
ET = StocktakeEntryRow.__table__


@dataclass(frozen=True, slots=True)
class CountRecord:
    id: int
    number: str
    warehouse_id: int
    warehouse: str
    scope: Scope
    location: str
    blind: bool
    frozen: bool
    status: Status
    note: str
    created_at: datetime
    created_by: str
    posted_at: datetime | None
    uncounted: str
    skus_in_scope: int = 0
    skus_counted: int = 0


@dataclass(frozen=True, slots=True)
class SkuRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class CountedLine:
    """A counted SKU: the sum of its entries over all stations (book only when not blind)."""

    sku_id: int
    code: str
    name: str
    counted: int
    entries: int
    stations: str
    last_at: datetime
    book: int | None


@dataclass(frozen=True, slots=True)
class EntryRecord:
    id: int
    sku_id: int | None
    barcode: str
    qty: int
    flag: EntryFlag
    station: str
    zone: str
    username: str
    at: datetime
    reset_at: datetime | None


@dataclass(frozen=True, slots=True)
class FlaggedLine:
    """Scans that were kept but not counted: an unknown barcode, or a SKU out of scope."""

    barcode: str
    flag: EntryFlag
    qty: int
    stations: str
    last_at: datetime


def _is_pg(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def _insert_ignore(s: Session, table: Any) -> Any:
    return (pg_insert(table) if _is_pg(s) else sqlite_insert(table)).on_conflict_do_nothing()


# --- counts --------------------------------------------------------------------------------

def create(s: Session, *, warehouse_id: int, scope: Scope, now: datetime,
           sku_ids: Sequence[int] = (), location_id: int | None = None, blind: bool = False,
           frozen: bool = False, note: str = "", user_id: int | None = None,
           username: str = "") -> int:
    """A new open count; its SKUs in scope are written at once (ALL: the active non-bundle
    catalogue plus every SKU with a balance in the warehouse, in one INSERT … SELECT), and
    when *frozen* their book quantities too (one UPDATE). Returns its id; the number is
    ``ST<yyyymmdd>-<id>``."""
    cid = s.scalar(insert(T).values(
        number=uuid.uuid4().hex[:32], warehouse_id=warehouse_id, scope=scope.value,
        location_id=location_id, blind=blind, frozen=frozen, status=Status.OPEN.value,
        note=note[:255],
        created_at=now, created_by=user_id, created_by_name=username[:64], uncounted="",
    ).returning(T.id))
    assert cid is not None
    s.execute(update(T).where(T.id == cid).values(number=f"ST{now:%Y%m%d}-{cid:05d}"))
    if scope is Scope.ALL:
        ids = union(
            select(SkuRow.id).where(SkuRow.active.is_(True), SkuRow.is_bundle.is_(False)),
            select(B.sku_id).where(B.warehouse_id == warehouse_id)).subquery()
        s.execute(insert(KT).from_select(["stocktake_id", "sku_id"],
                                         select(literal(cid), ids.c[0])))
    elif sku_ids:
        s.execute(insert(KT), [{"stocktake_id": cid, "sku_id": k}
                               for k in sorted(set(sku_ids))])
    if frozen:
        on_hand = (select(B.on_hand).where(B.warehouse_id == warehouse_id,
                                           B.sku_id == K.sku_id).scalar_subquery())
        s.execute(update(K).where(K.stocktake_id == cid)
                  .values(book_qty=func.coalesce(on_hand, 0), book_at=now))
    return int(cid)


def _record(row: Any, in_scope: int = 0, counted: int = 0) -> CountRecord:
    t, wh, loc = row
    return CountRecord(t.id, t.number, t.warehouse_id, wh, Scope(t.scope), loc or "",
                       t.blind, t.frozen, Status(t.status), t.note, t.created_at, t.created_by_name,
                       t.posted_at, t.uncounted, in_scope, counted)


def _base() -> Any:
    return (select(T, WarehouseRow.name, LocationRow.code)
            .join(WarehouseRow, WarehouseRow.id == T.warehouse_id)
            .outerjoin(LocationRow, LocationRow.id == T.location_id))


def by_number(s: Session, number: str, *, totals: bool = True) -> CountRecord | None:
    """A count by its number; *totals* adds how many SKUs it covers and has counted (a
    count over the scope: skipped on the scan path)."""
    row = s.execute(_base().where(T.number == number)).first()
    if row is None:
        return None
    if not totals:
        return _record(row)
    in_scope = int(s.scalar(select(func.count()).select_from(K)
                            .where(K.stocktake_id == row[0].id)) or 0)
    return _record(row, in_scope, _counted_skus(s, row[0].id))


def by_id(s: Session, cid: int) -> CountRecord:
    number = s.scalar(select(T.number).where(T.id == cid))
    found = by_number(s, number or "")
    assert found is not None
    return found


def _counted_skus(s: Session, cid: int) -> int:
    return int(s.scalar(select(func.count(func.distinct(E.sku_id))).where(
        E.stocktake_id == cid, E.reset_at.is_(None), E.flag == "")) or 0)


def counts(s: Session, *, status: Status | None = None, limit: int = 200) -> list[CountRecord]:
    """The newest counts first, with how many SKUs each covers and has counted."""
    q = _base().order_by(T.id.desc()).limit(limit)
    if status is not None:
        q = q.where(T.status == status.value)
    rows = s.execute(q).all()
    ids = [r[0].id for r in rows]
    in_scope = dict(s.execute(select(K.stocktake_id, func.count()).where(
        K.stocktake_id.in_(ids)).group_by(K.stocktake_id)).all()) if ids else {}
    counted = dict(s.execute(select(E.stocktake_id, func.count(func.distinct(E.sku_id))).where(
        E.stocktake_id.in_(ids), E.reset_at.is_(None), E.flag == "")
        .group_by(E.stocktake_id)).all()) if ids else {}
    return [_record(r, int(in_scope.get(r[0].id, 0)), int(counted.get(r[0].id, 0)))
            for r in rows]


@dataclass(frozen=True, slots=True)
class ScanTarget:
    id: int
    number: str
    warehouse_id: int
    scope: Scope
    status: Status
    frozen: bool


def for_scan(s: Session, number: str, *, exclusive: bool = False) -> ScanTarget | None:
    """What a scan needs of its count, in one read that holds a shared lock on the count's
    row (PostgreSQL ``FOR SHARE``; SQLite's write transaction holds the database) until the
    scan's transaction ends, so posting cannot slip between this check and the entry.
    *exclusive* (``FOR UPDATE``): for a reset or an assignment, which rewrite entries and
    books and so wait for the scans in flight and hold new ones for their short while."""
    q = select(T.id, T.number, T.warehouse_id, T.scope, T.status, T.frozen).where(
        T.number == number)
    if _is_pg(s):
        q = q.with_for_update(read=not exclusive)
    row = s.execute(q).first()
    return None if row is None else ScanTarget(row[0], row[1], row[2], Scope(row[3]),
                                               Status(row[4]), row[5])


def set_status(s: Session, cid: int, *, from_: Status, to: Status, now: datetime,
               user_id: int | None = None, uncounted: Uncounted | None = None) -> bool:
    """Move a count from *from_* to *to* with one conditional UPDATE; False when it was not
    in *from_* (posted twice, cancelled meanwhile)."""
    values: dict[str, Any] = {"status": to.value}
    if to is Status.POSTED:
        values.update(posted_at=now, posted_by=user_id,
                      uncounted=(uncounted or Uncounted.ZERO).value)
    return s.execute(update(T).where(T.id == cid, T.status == from_.value)
                     .values(**values)).rowcount == 1


# --- scanning ------------------------------------------------------------------------------

def resolve(s: Session, code: str) -> SkuRef | None:
    """The SKU a scanned code names: a barcode first, then a SKU code."""
    cols = (SkuRow.id, SkuRow.code, SkuRow.name)
    row = s.execute(select(*cols).join(SkuBarcodeRow, SkuBarcodeRow.sku_id == SkuRow.id)
                    .where(SkuBarcodeRow.barcode == code)).first()
    if row is None:
        row = s.execute(select(*cols).where(SkuRow.code == code)).first()
    return None if row is None else SkuRef(*row)


_CHUNK = 500  # codes or ids per IN list


def resolve_many(s: Session, codes: Sequence[str]) -> dict[str, SkuRef]:
    """:func:`resolve` for many codes, a few hundred per query: code → SKU for the codes
    found (a barcode first, then a SKU code)."""
    wanted = sorted(set(codes))
    cols = (SkuRow.id, SkuRow.code, SkuRow.name)
    out: dict[str, SkuRef] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        for bc, *ref in s.execute(select(SkuBarcodeRow.barcode, *cols)
                                  .join(SkuRow, SkuRow.id == SkuBarcodeRow.sku_id)
                                  .where(SkuBarcodeRow.barcode.in_(chunk))):
            out.setdefault(bc, SkuRef(*ref))
        rest = [k for k in chunk if k not in out]
        if rest:
            by_code = {r[1]: SkuRef(*r) for r in s.execute(
                select(*cols).where(SkuRow.code.in_(rest)))}
            out.update((k, by_code[k]) for k in rest if k in by_code)
    return out


def sku_ref(s: Session, sku_id: int) -> SkuRef:
    row = s.execute(select(SkuRow.id, SkuRow.code, SkuRow.name).where(SkuRow.id == sku_id)
                    ).one()
    return SkuRef(*row)


def in_scope_many(s: Session, cid: int, sku_ids: Sequence[int]) -> set[int]:
    """Those of *sku_ids* in the count's scope."""
    wanted = sorted(set(sku_ids))
    out: set[int] = set()
    for start in range(0, len(wanted), _CHUNK):
        out.update(s.scalars(select(K.sku_id).where(
            K.stocktake_id == cid, K.sku_id.in_(wanted[start:start + _CHUNK]))))
    return out


def join_scope(s: Session, cid: int, sku_id: int) -> None:
    """Add a SKU to an open scope (ALL and LOCATION counts); a race to add it is harmless."""
    join_scope_many(s, cid, [sku_id])


def join_scope_many(s: Session, cid: int, sku_ids: Sequence[int]) -> None:
    """:func:`join_scope` for many SKUs, in the order given (callers sort them)."""
    if sku_ids:
        s.execute(_insert_ignore(s, KT), [{"stocktake_id": cid, "sku_id": k} for k in sku_ids])


_TAKE_BOOK = (update(KT).where(KT.c.stocktake_id == bindparam("cid"),
                               KT.c.sku_id == bindparam("k"), KT.c.book_qty.is_(None))
              .values(book_qty=func.coalesce(
                  select(B.on_hand).where(B.warehouse_id == bindparam("wh"),
                                          B.sku_id == bindparam("k")).scalar_subquery(), 0),
                      book_at=bindparam("now")))


def take_book(s: Session, cid: int, warehouse_id: int, sku_id: int, now: datetime) -> None:
    """Record the SKU's on hand now as its book quantity, if none is recorded yet (the
    first count of it; one conditional UPDATE, so the first of two racing stations wins)."""
    take_books(s, cid, warehouse_id, [sku_id], now)


def take_books(s: Session, cid: int, warehouse_id: int, sku_ids: Sequence[int],
               now: datetime) -> None:
    """:func:`take_book` for many SKUs: one executemany, row by row in the order given
    (callers sort them, so two stations lock the rows in the same order)."""
    if sku_ids:
        s.execute(_TAKE_BOOK, [{"cid": cid, "k": k, "wh": warehouse_id, "now": now}
                               for k in sku_ids])


def add_entries(s: Session, cid: int, entries: Sequence[dict[str, Any]]) -> None:
    """Append scan entries: dicts with sku_id, barcode, qty, flag, station, zone, user_id,
    username, at."""
    if entries:
        s.execute(insert(ET), [{"stocktake_id": cid, "reset_at": None, **e} for e in entries])


def counted_totals(s: Session, cid: int, sku_ids: Sequence[int]) -> dict[int, int]:
    """SKU id → counted quantity (sum of its entries not reset), for *sku_ids*."""
    wanted = list(sku_ids)
    out: dict[int, int] = {}
    for start in range(0, len(wanted), _CHUNK):
        out.update((k, int(q)) for k, q in s.execute(
            select(E.sku_id, func.sum(E.qty)).where(
                E.stocktake_id == cid, E.sku_id.in_(wanted[start:start + _CHUNK]),
                E.flag == "", E.reset_at.is_(None)).group_by(E.sku_id)))
    return out


def flagged_sku(s: Session, cid: int, barcode: str) -> tuple[bool, int | None]:
    """Whether *barcode* has flagged entries still standing, and the SKU they name (out of
    scope) or None (unknown barcode)."""
    rows = s.execute(select(E.sku_id).where(
        E.stocktake_id == cid, E.barcode == barcode, E.flag != "", E.reset_at.is_(None)
    ).limit(1)).all()
    return (bool(rows), rows[0][0] if rows else None)


def assign_flagged(s: Session, cid: int, barcode: str, sku_id: int) -> int:
    """Count the flagged entries of *barcode* as *sku_id* (the user said what it is, or to
    take an out-of-scope SKU in). Returns the units."""
    where = [E.stocktake_id == cid, E.barcode == barcode, E.flag != "", E.reset_at.is_(None)]
    return sum(s.scalars(update(E).where(*where).values(sku_id=sku_id, flag="")
                         .returning(E.qty)))


def reset_sku(s: Session, cid: int, sku_id: int, now: datetime, station: str | None = None,
              *, keep_book: bool = False) -> int:
    """Void a SKU's counted entries (of one station, or all; flagged ones stay) so it can be
    counted again; when no entry of it is left, its book quantity is forgotten too (unless
    *keep_book*: a frozen count) and is taken again at its next first count. Returns the
    number of units voided."""
    where = [E.stocktake_id == cid, E.sku_id == sku_id, E.flag == "", E.reset_at.is_(None)]
    if station is not None:
        where.append(E.station == station)
    voided = sum(s.scalars(update(E).where(*where).values(reset_at=now).returning(E.qty)))
    left = s.scalar(select(E.id).where(E.stocktake_id == cid, E.sku_id == sku_id,
                                      E.flag == "", E.reset_at.is_(None)).limit(1))
    if left is None and not keep_book:
        s.execute(update(K).where(K.stocktake_id == cid, K.sku_id == sku_id)
                  .values(book_qty=None, book_at=None))
    return voided


# --- review --------------------------------------------------------------------------------

def _stations_text(names: str | None) -> str:
    return ", ".join(sorted({n for n in (names or "").split("\x1f") if n}))


def _agg_names(s: Session, col: Any) -> Any:
    if _is_pg(s):
        return func.string_agg(col, literal("\x1f"))
    return func.group_concat(col, literal("\x1f"))


def counted(s: Session, cid: int, *, with_book: bool, limit: int | None = None
            ) -> list[CountedLine]:
    """Every counted SKU, the most recently counted first."""
    sums = (select(E.sku_id, func.sum(E.qty).label("qty"), func.count().label("n"),
                   _agg_names(s, E.station).label("stations"), func.max(E.at).label("last"))
            .where(E.stocktake_id == cid, E.flag == "", E.reset_at.is_(None))
            .group_by(E.sku_id).subquery())
    q = (select(SkuRow.id, SkuRow.code, SkuRow.name, sums.c.qty, sums.c.n, sums.c.stations,
                sums.c.last, K.book_qty)
         .join(sums, sums.c.sku_id == SkuRow.id)
         .outerjoin(K, and_(K.stocktake_id == cid, K.sku_id == SkuRow.id))
         .order_by(sums.c.last.desc(), SkuRow.code))
    if limit is not None:
        q = q.limit(limit)
    return [CountedLine(k, code, name, int(qty), int(n), _stations_text(st), last,
                        book if with_book else None)
            for k, code, name, qty, n, st, last, book in s.execute(q)]


def flagged(s: Session, cid: int) -> list[FlaggedLine]:
    q = (select(E.barcode, E.flag, func.sum(E.qty), _agg_names(s, E.station), func.max(E.at))
         .where(E.stocktake_id == cid, E.flag != "", E.reset_at.is_(None))
         .group_by(E.barcode, E.flag).order_by(func.max(E.at).desc()))
    return [FlaggedLine(b, EntryFlag(f), int(q_), _stations_text(st), last)
            for b, f, q_, st, last in s.execute(q)]


def entries(s: Session, cid: int, *, sku_id: int | None = None, limit: int = 500
            ) -> list[EntryRecord]:
    """The newest entries first (reset ones included, marked)."""
    q = select(E).where(E.stocktake_id == cid).order_by(E.id.desc()).limit(limit)
    if sku_id is not None:
        q = q.where(E.sku_id == sku_id)
    return [EntryRecord(e.id, e.sku_id, e.barcode, e.qty, EntryFlag(e.flag), e.station, e.zone,
                        e.username, e.at, e.reset_at) for e in s.scalars(q)]


def variance_lines(s: Session, cid: int, warehouse_id: int, *, lock: bool = False
                   ) -> list[VarianceLine]:
    """Every SKU in scope: counted (None if not), book at first count, balance now, cost.

    With *lock*, the balance rows are locked (PostgreSQL ``FOR UPDATE``, in SKU order like
    every other stock writer) so nothing moves them between this read and the posting."""
    if lock and _is_pg(s):
        s.execute(select(B.sku_id).join(K, and_(K.sku_id == B.sku_id, K.stocktake_id == cid))
                  .where(B.warehouse_id == warehouse_id).order_by(B.sku_id)
                  .with_for_update(of=B))
    sums = (select(E.sku_id, func.sum(E.qty).label("qty"))
            .where(E.stocktake_id == cid, E.flag == "", E.reset_at.is_(None))
            .group_by(E.sku_id).subquery())
    q = (select(K.sku_id, SkuRow.code, SkuRow.name, SkuRow.cost, sums.c.qty, K.book_qty,
                B.on_hand, B.reserved)
         .join(SkuRow, SkuRow.id == K.sku_id)
         .outerjoin(sums, sums.c.sku_id == K.sku_id)
         .outerjoin(B, and_(B.warehouse_id == warehouse_id, B.sku_id == K.sku_id))
         .where(K.stocktake_id == cid).order_by(SkuRow.code))
    return [VarianceLine(k, code, name, cost if cost is not None else Decimal("0.00"),
                         None if qty is None else int(qty), book, int(on_hand or 0),
                         int(reserved or 0))
            for k, code, name, cost, qty, book, on_hand, reserved in s.execute(q)]


_RESULT = (update(KT).where(KT.c.stocktake_id == bindparam("cid"),
                            KT.c.sku_id == bindparam("k"))
           .values(counted=bindparam("n"), posted_delta=bindparam("d")))


def write_results(s: Session, cid: int, rows: Sequence[tuple[int, int | None, int]]) -> None:
    """Keep, per SKU, what was counted and the delta posted: (SKU id, counted, delta)."""
    if rows:
        s.execute(_RESULT, [{"cid": cid, "k": k, "n": c, "d": d}
                            for k, c, d in rows])


def location_id(s: Session, warehouse_id: int, code: str) -> int | None:
    return s.scalar(select(LocationRow.id).where(LocationRow.warehouse_id == warehouse_id,
                                                 LocationRow.code == code))
