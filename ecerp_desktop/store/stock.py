"""The stock ledger and its cached balances (RELIABILITY rules 1 and 2).

Every change is an immutable row in ``stock_moves`` pointing at its document, and the
balance row of (warehouse, SKU) is updated by the same deltas in the same transaction.
Changes that could overdraw are ONE conditional UPDATE whose row count decides (never
"read available, then write"), so two stations can never reserve or ship the same unit;
the CHECK constraints on ``stock_balances`` are the last line behind that.
:func:`rebuild_from_ledger` sums the moves and reports every balance that drifted.

All functions take the caller's session (one transaction per use case) and hand back
frozen records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.stock import Balance, MoveKind
from ecerp_desktop.store.raw import Raw
from ecerp_desktop.store.schema import StockBalanceRow, StockMoveRow

B = StockBalanceRow
M = StockMoveRow
# Core tables for the hot statements: no ORM bookkeeping per row.
BT = StockBalanceRow.__table__
MT = StockMoveRow.__table__


@dataclass(frozen=True, slots=True)
class Move:
    """One ledger entry to post: deltas of on hand, reserved and in transit."""

    warehouse_id: int
    sku_id: int
    kind: MoveKind
    doc_type: str
    doc_id: str
    d_on_hand: int = 0
    d_reserved: int = 0
    d_in_transit: int = 0
    note: str = ""
    user_id: int | None = None
    at: datetime | None = None  # when it happened, if not now (imported history)


@dataclass(frozen=True, slots=True)
class BalanceRecord:
    warehouse_id: int
    sku_id: int
    on_hand: int
    reserved: int
    in_transit: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def as_balance(self) -> Balance:
        return Balance(self.on_hand, self.reserved, self.in_transit)


@dataclass(frozen=True, slots=True)
class MoveRecord:
    id: int
    at: datetime
    warehouse_id: int
    sku_id: int
    kind: MoveKind
    d_on_hand: int
    d_reserved: int
    d_in_transit: int
    doc_type: str
    doc_id: str
    user_id: int | None
    note: str


@dataclass(frozen=True, slots=True)
class Drift:
    """A balance row that differs from the sum of its moves (or exists on one side only)."""

    warehouse_id: int
    sku_id: int
    stored: Balance
    ledger: Balance


def _insert_ignore(s: Session) -> Any:
    if s.get_bind().dialect.name == "postgresql":
        return pg_insert(BT).on_conflict_do_nothing()
    return sqlite_insert(BT).on_conflict_do_nothing()


def ensure_balances(s: Session, keys: Iterable[tuple[int, int]], now: datetime) -> None:
    """Create missing zero balance rows; safe when another transaction races to do the same
    (INSERT … ON CONFLICT DO NOTHING, never "check then insert")."""
    rows = [{"warehouse_id": w, "sku_id": k, "on_hand": 0, "reserved": 0, "in_transit": 0,
             "updated_at": now} for w, k in sorted(set(keys))]
    if rows:
        s.execute(_insert_ignore(s), rows)



_c = BT.c
_APPLY_DELTAS = (
    update(BT)
    .where(_c.warehouse_id == bindparam("w"), _c.sku_id == bindparam("k"),
           _c.on_hand + bindparam("dh") >= 0, _c.reserved + bindparam("dr") >= 0,
           _c.in_transit + bindparam("dt") >= 0,
           _c.reserved + bindparam("dr") <= _c.on_hand + bindparam("dh"))
    .values(on_hand=_c.on_hand + bindparam("dh"), reserved=_c.reserved + bindparam("dr"),
            in_transit=_c.in_transit + bindparam("dt"),
            updated_at=bindparam("now", type_=_c.updated_at.type))
)


def post_moves(s: Session, moves: Sequence[Move], now: datetime) -> None:
    """Append *moves* to the ledger and apply their deltas to the balances, atomically.

    Each balance is changed by one conditional UPDATE that refuses to leave on hand,
    reserved or in transit below zero or reserved above on hand; if any would, nothing is
    posted and ``DomainError(INSUFFICIENT_STOCK)`` is raised (the caller's transaction
    rolls back). Keys are updated in a fixed order so concurrent posters cannot deadlock.
    """
    if not moves:
        return
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for m in moves:
        t = totals[(m.warehouse_id, m.sku_id)]
        t[0] += m.d_on_hand
        t[1] += m.d_reserved
        t[2] += m.d_in_transit
    ensure_balances(s, totals, now)
    rows = [{"w": wh, "k": sku, "dh": dh, "dr": dr, "dt": dt, "now": now}
            for (wh, sku), (dh, dr, dt) in sorted(totals.items()) if dh or dr or dt]
    if rows:
        # One precompiled statement sent as an executemany: the rowcount is the number of
        # balances that could take their deltas. Short → find and name the culprit.
        savepoint = s.begin_nested()
        if s.execute(_APPLY_DELTAS, rows).rowcount != len(rows):
            savepoint.rollback()
            for r in rows:
                if s.execute(_APPLY_DELTAS, [r]).rowcount != 1:
                    raise DomainError(ErrorCode.INSUFFICIENT_STOCK, sku=r["k"],
                                      warehouse=r["w"])
        else:
            savepoint.commit()
    _insert_moves(s, moves, now)


_MOVE_SQL = ("INSERT INTO stock_moves (at, warehouse_id, sku_id, kind, d_on_hand, d_reserved, "
             "d_in_transit, doc_type, doc_id, user_id, note) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_MOVE_PG = ("INSERT INTO stock_moves (at, warehouse_id, sku_id, kind, d_on_hand, d_reserved, "
            "d_in_transit, doc_type, doc_id, user_id, note) SELECT * FROM unnest("
            "%s::timestamp[], %s::int[], %s::int[], %s::text[], %s::int[], %s::int[], "
            "%s::int[], %s::text[], %s::text[], %s::int[], %s::text[])")


def _insert_moves(s: Session, moves: Sequence[Move], now: datetime) -> None:
    """The ledger rows, through the driver: a pipeline run posts hundreds of thousands, and
    SQLAlchemy's per-row processing cost more than the database's own work."""
    raw = Raw(s)
    at_now = raw.dt(now)
    raw.many(_MOVE_SQL, [
        (at_now if m.at is None else raw.dt(m.at), m.warehouse_id, m.sku_id,
         MoveKind(m.kind).value, m.d_on_hand, m.d_reserved, m.d_in_transit, m.doc_type,
         m.doc_id[:64], m.user_id, m.note[:255]) for m in moves], _MOVE_PG)


def _conditional(s: Session, stmt: Any, move: Move, now: datetime) -> bool:
    if s.execute(stmt.values(updated_at=now)).rowcount != 1:
        return False
    _insert_moves(s, [move], now)
    return True


def reserve(s: Session, warehouse_id: int, sku_id: int, qty: int, *, doc_type: str,
            doc_id: str, now: datetime, user_id: int | None = None, note: str = "") -> bool:
    """Reserve *qty* units if that many are available: one conditional UPDATE, so two
    stations racing for the last units never both get them. False when short."""
    _positive(qty)
    stmt = update(BT).where(BT.c.warehouse_id == warehouse_id, BT.c.sku_id == sku_id,
                           BT.c.on_hand - BT.c.reserved >= qty).values(
        reserved=BT.c.reserved + qty)
    return _conditional(s, stmt, Move(warehouse_id, sku_id, MoveKind.RESERVE, doc_type,
                                      doc_id, d_reserved=qty, note=note, user_id=user_id), now)


def release(s: Session, warehouse_id: int, sku_id: int, qty: int, *, doc_type: str,
            doc_id: str, now: datetime, user_id: int | None = None, note: str = "") -> bool:
    """Give back *qty* reserved units. False when fewer than *qty* are reserved."""
    _positive(qty)
    stmt = update(BT).where(BT.c.warehouse_id == warehouse_id, BT.c.sku_id == sku_id,
                           BT.c.reserved >= qty).values(
        reserved=BT.c.reserved - qty)
    return _conditional(s, stmt, Move(warehouse_id, sku_id, MoveKind.RELEASE, doc_type,
                                      doc_id, d_reserved=-qty, note=note, user_id=user_id), now)


def ship(s: Session, warehouse_id: int, sku_id: int, qty: int, *, doc_type: str, doc_id: str,
         now: datetime, user_id: int | None = None, note: str = "") -> bool:
    """Turn *qty* reserved units into a shipment: on hand − and reserved −, together.
    False when fewer than *qty* are reserved."""
    _positive(qty)
    stmt = update(BT).where(BT.c.warehouse_id == warehouse_id, BT.c.sku_id == sku_id,
                           BT.c.reserved >= qty, BT.c.on_hand >= qty).values(
        on_hand=BT.c.on_hand - qty, reserved=BT.c.reserved - qty)
    return _conditional(s, stmt, Move(warehouse_id, sku_id, MoveKind.SHIPMENT, doc_type,
                                      doc_id, d_on_hand=-qty, d_reserved=-qty, note=note,
                                      user_id=user_id), now)


def set_on_hand(s: Session, warehouse_id: int, sku_id: int, target: int, *, kind: MoveKind,
                doc_type: str, doc_id: str, now: datetime, user_id: int | None = None,
                note: str = "") -> int:
    """Bring on hand to *target* with one move of the difference; returns the delta (0 when
    already there, so importing the same file twice changes nothing).

    The balance row is locked first (FOR UPDATE on PostgreSQL; on SQLite the write
    transaction already holds the database lock), so the delta cannot be computed from a
    stale read. Refused with INSUFFICIENT_STOCK below what is reserved.
    """
    if target < 0:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=target)
    ensure_balances(s, [(warehouse_id, sku_id)], now)
    q = select(B.on_hand).where(B.warehouse_id == warehouse_id, B.sku_id == sku_id)
    if s.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    current = int(s.scalar(q) or 0)
    delta = target - current
    if delta:
        post_moves(s, [Move(warehouse_id, sku_id, kind, doc_type, doc_id, d_on_hand=delta,
                            note=note, user_id=user_id)], now)
    return delta


def _positive(qty: int) -> None:
    if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=qty)


def _record(r: StockBalanceRow) -> BalanceRecord:
    return BalanceRecord(r.warehouse_id, r.sku_id, r.on_hand, r.reserved, r.in_transit)


def balance(s: Session, warehouse_id: int, sku_id: int) -> BalanceRecord:
    """The balance of one SKU in one warehouse (zeros when it never had stock)."""
    row = s.get(B, (warehouse_id, sku_id))
    if row is None:
        return BalanceRecord(warehouse_id, sku_id, 0, 0, 0)
    return _record(row)


def balances(s: Session, *, warehouse_id: int | None = None,
             sku_ids: Sequence[int] | None = None, limit: int | None = None,
             after: tuple[int, int] | None = None) -> list[BalanceRecord]:
    """Balances ordered by (warehouse, SKU); keyset-paged with *after* and *limit*."""
    q = select(B).order_by(B.warehouse_id, B.sku_id)
    if warehouse_id is not None:
        q = q.where(B.warehouse_id == warehouse_id)
    if sku_ids is not None:
        q = q.where(B.sku_id.in_(list(sku_ids)))
    if after is not None:
        q = q.where((B.warehouse_id > after[0])
                    | ((B.warehouse_id == after[0]) & (B.sku_id > after[1])))
    if limit is not None:
        q = q.limit(limit)
    return [_record(r) for r in s.scalars(q)]


def moves(s: Session, *, warehouse_id: int | None = None, sku_id: int | None = None,
          doc_type: str | None = None, doc_id: str | None = None,
          limit: int = 500) -> list[MoveRecord]:
    """The newest moves first, filtered."""
    q = select(M).order_by(M.id.desc()).limit(limit)
    if warehouse_id is not None:
        q = q.where(M.warehouse_id == warehouse_id)
    if sku_id is not None:
        q = q.where(M.sku_id == sku_id)
    if doc_type is not None:
        q = q.where(M.doc_type == doc_type)
    if doc_id is not None:
        q = q.where(M.doc_id == doc_id)
    return [MoveRecord(r.id, r.at, r.warehouse_id, r.sku_id, MoveKind(r.kind), r.d_on_hand,
                       r.d_reserved, r.d_in_transit, r.doc_type, r.doc_id, r.user_id, r.note)
            for r in s.scalars(q)]


def rebuild_from_ledger(s: Session) -> list[Drift]:
    """Sum every (warehouse, SKU)'s moves and compare with the stored balance.

    Returns the drifts (empty when ledger = balance everywhere); repairs nothing, so a
    human decides what a drift means.
    """
    ledger = {(w, k): Balance(int(h or 0), int(r or 0), int(t or 0)) for w, k, h, r, t in
              s.execute(select(M.warehouse_id, M.sku_id, func.sum(M.d_on_hand),
                               func.sum(M.d_reserved), func.sum(M.d_in_transit))
                        .group_by(M.warehouse_id, M.sku_id))}
    stored = {(w, k): Balance(h, r, t) for w, k, h, r, t in
              s.execute(select(B.warehouse_id, B.sku_id, B.on_hand, B.reserved,
                               B.in_transit))}
    zero = Balance()
    drifts = []
    for key in sorted(ledger.keys() | stored.keys()):
        a, b = stored.get(key, zero), ledger.get(key, zero)
        if a != b:
            drifts.append(Drift(key[0], key[1], a, b))
    return drifts
