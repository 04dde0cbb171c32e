"""Sync bookkeeping: per-shop cursors, the quarantine, the transactional outbox, and the
PostgreSQL leader lock.

Outbox rows are written by :func:`enqueue` inside the caller's transaction, so the push
exists if and only if the change that caused it was committed (RELIABILITY rule 4); the
idempotency key is UNIQUE in the database, so enqueueing twice is harmless.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, create_engine, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from ecerp_desktop.domain.errors import DomainError
from ecerp_desktop.domain.orders import RefundState
from ecerp_desktop.domain.platform_order import PlatformOrder
from ecerp_desktop.store import Store
from ecerp_desktop.store.orders import UpsertResult, upsert_orders
from ecerp_desktop.store.schema import (
    OrderHistoryRow,
    OrderLineRow,
    OrderRow,
    OutboxRow,
    QuarantineRow,
    ShopRow,
    SyncCursorRow,
)

PENDING, DONE, PARKED = "pending", "done", "parked"

# --- cursors -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CursorRecord:
    shop_id: int
    stream: str
    cursor_at: datetime
    last_success_at: datetime | None
    last_error: str
    paused: bool


def _cursor(r: SyncCursorRow) -> CursorRecord:
    return CursorRecord(r.shop_id, r.stream, r.cursor_at, r.last_success_at, r.last_error,
                        r.paused)


def get_cursor(s: Session, shop_id: int, stream: str) -> CursorRecord | None:
    row = s.get(SyncCursorRow, (shop_id, stream))
    return None if row is None else _cursor(row)


def cursors(s: Session) -> list[CursorRecord]:
    return [_cursor(r) for r in s.scalars(select(SyncCursorRow))]


def _row(s: Session, shop_id: int, stream: str, start: datetime, now: datetime
         ) -> SyncCursorRow:
    row = s.get(SyncCursorRow, (shop_id, stream))
    if row is None:
        row = SyncCursorRow(shop_id=shop_id, stream=stream, cursor_at=start,
                            last_success_at=None, last_error="", paused=False, updated_at=now)
        s.add(row)
    return row


def advance_cursor(s: Session, shop_id: int, stream: str, to: datetime, now: datetime) -> None:
    """Move the cursor forward to *to* (never backwards). Call it in the transaction that
    committed the window's data, so the cursor can never pass data not stored."""
    row = _row(s, shop_id, stream, to, now)
    if to > row.cursor_at:
        row.cursor_at = to
    row.last_success_at = now
    row.last_error = ""
    row.updated_at = now


def record_error(s: Session, shop_id: int, stream: str, error: str, start: datetime,
                 now: datetime) -> None:
    row = _row(s, shop_id, stream, start, now)
    row.last_error = error[:2000]
    row.updated_at = now


def set_paused(s: Session, shop_id: int, paused: bool, start: datetime, now: datetime,
               streams: Sequence[str] = ("orders", "refunds")) -> None:
    for stream in streams:
        row = _row(s, shop_id, stream, start, now)
        row.paused = paused
        row.updated_at = now


# --- quarantine ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuarantineRecord:
    id: int
    shop_id: int | None
    stream: str
    platform_order_id: str
    raw: str
    reason: str
    created_at: datetime
    resolved_at: datetime | None


def quarantine(s: Session, shop_id: int | None, stream: str,
               items: Iterable[tuple[str, str, str]], now: datetime) -> int:
    """Keep each (platform order id, raw payload, reason); an open entry with the same id,
    reason and payload is not added twice (overlapping windows see a poison order again)."""
    added = 0
    for pid, raw, reason in items:
        pid, reason = pid[:64], reason[:4000]
        open_same = s.scalar(select(QuarantineRow.id).where(
            QuarantineRow.shop_id == shop_id, QuarantineRow.stream == stream,
            QuarantineRow.platform_order_id == pid, QuarantineRow.reason == reason,
            QuarantineRow.raw == raw, QuarantineRow.resolved_at.is_(None)).limit(1))
        if open_same is not None:
            continue
        s.add(QuarantineRow(shop_id=shop_id, stream=stream, platform_order_id=pid, raw=raw,
                            reason=reason, created_at=now, resolved_at=None))
        added += 1
    s.flush()
    return added


def quarantined(s: Session, *, shop_id: int | None = None, open_only: bool = True,
                limit: int = 200) -> list[QuarantineRecord]:
    q = select(QuarantineRow).order_by(QuarantineRow.id.desc()).limit(limit)
    if shop_id is not None:
        q = q.where(QuarantineRow.shop_id == shop_id)
    if open_only:
        q = q.where(QuarantineRow.resolved_at.is_(None))
    return [QuarantineRecord(r.id, r.shop_id, r.stream, r.platform_order_id, r.raw, r.reason,
                             r.created_at, r.resolved_at) for r in s.scalars(q)]


def resolve_quarantine(s: Session, entry_id: int, now: datetime) -> bool:
    res = s.execute(update(QuarantineRow).where(QuarantineRow.id == entry_id,
                                                QuarantineRow.resolved_at.is_(None))
                    .values(resolved_at=now))
    return bool(res.rowcount)  # type: ignore[attr-defined]


# --- orders, checked and stored in isolation ------------------------------------------------

def _limits(table: Any) -> dict[str, int]:
    return {c.name: c.type.length for c in table.columns
            if isinstance(c.type, String) and c.type.length}


_ORDER_LIMITS = _limits(OrderRow.__table__)
_LINE_LIMITS = _limits(OrderLineRow.__table__)
_ORDER_FIELDS = {
    "platform_order_id": lambda o: o.platform_order_id,
    "platform_status": lambda o: o.platform_status,
    "buyer_nick": lambda o: o.buyer_nick,
    "receiver_name": lambda o: o.address.name,
    "receiver_phone": lambda o: o.address.phone,
    "country": lambda o: o.address.country,
    "province": lambda o: o.address.province,
    "city": lambda o: o.address.city,
    "district": lambda o: o.address.district,
    "town": lambda o: o.address.town,
    "zip_code": lambda o: o.address.zip_code,
    "currency": lambda o: o.currency,
}
_LINE_FIELDS = ("platform_line_id", "platform_item_id", "platform_sku_id",
                "merchant_sku_code", "title")


def check_order(o: PlatformOrder) -> str | None:
    """Why *o* cannot be stored the same way on SQLite and PostgreSQL, or None.

    PostgreSQL refuses text longer than its column where SQLite would keep it; checking
    first makes both databases quarantine the same orders.
    """
    if not o.platform_order_id:
        return "missing platform order id"
    for name, get in _ORDER_FIELDS.items():
        value = get(o)
        if value is not None and len(value) > _ORDER_LIMITS[name]:
            return f"{name} longer than {_ORDER_LIMITS[name]} characters"
    if not o.lines:
        return "order has no lines"
    seen: set[str] = set()
    for ln in o.lines:
        if ln.qty <= 0:
            return f"line {ln.platform_line_id[:64]}: quantity {ln.qty} is not positive"
        if ln.platform_line_id in seen:
            return f"line {ln.platform_line_id[:64]} appears twice"
        seen.add(ln.platform_line_id)
        for name in _LINE_FIELDS:
            if len(getattr(ln, name)) > _LINE_LIMITS[name]:
                return f"line {name} longer than {_LINE_LIMITS[name]} characters"
    return None


def raw_text(o: PlatformOrder) -> str:
    """The order's platform payload as text for the quarantine."""
    try:
        return json.dumps(o.raw if o.raw is not None else repr(o), ensure_ascii=False,
                          default=str)
    except (TypeError, ValueError):
        return repr(o)


def store_orders(s: Session, shop_id: int, orders: Sequence[PlatformOrder], now: datetime,
                 actor: str = "sync") -> tuple[UpsertResult, list[tuple[PlatformOrder, str]]]:
    """Upsert a batch; an order the database refuses is set aside with the reason and the
    others are still stored (a savepoint per order, only when the batch as a whole fails)."""
    rejected: list[tuple[PlatformOrder, str]] = []
    good: list[PlatformOrder] = []
    for o in orders:
        reason = check_order(o)
        if reason is None:
            good.append(o)
        else:
            rejected.append((o, reason))
    try:
        with s.begin_nested():
            return upsert_orders(s, shop_id, good, now, actor), rejected
    except (SQLAlchemyError, DomainError, ValueError, TypeError):
        pass
    result = UpsertResult()
    for o in good:
        try:
            with s.begin_nested():
                result.merge(upsert_orders(s, shop_id, [o], now, actor))
        except (SQLAlchemyError, DomainError, ValueError, TypeError) as exc:
            rejected.append((o, f"refused by the database: {type(exc).__name__}: "
                                f"{str(exc).splitlines()[0][:300]}"))
    return result, rejected


def apply_refunds(s: Session, shop_id: int, changes: Sequence[Any],
                  now: datetime) -> int:
    """Let order lines follow (*changes* are connectors' RefundChange values) the platform's refund state; returns the lines changed.
    Refunds for orders we have not pulled yet are skipped: the order pull brings them with
    their refund state."""
    changed = 0
    states = {st.value for st in RefundState}
    for ch in changes:
        if ch.refund_state not in states:
            continue
        order_id = s.scalar(select(OrderRow.id).where(
            OrderRow.shop_id == shop_id, OrderRow.platform_order_id == ch.platform_order_id))
        if order_id is None:
            continue
        q = update(OrderLineRow).where(OrderLineRow.order_id == order_id,
                                       OrderLineRow.refund_state != ch.refund_state)
        if ch.platform_line_ids:
            q = q.where(OrderLineRow.platform_line_id.in_(list(ch.platform_line_ids)))
        n = int(s.execute(q.values(refund_state=ch.refund_state)).rowcount)  # type: ignore[attr-defined]
        if n:
            changed += n
            s.execute(insert(OrderHistoryRow).values(
                order_id=order_id, at=now, actor="sync", action="refund", from_status=None,
                to_status=None, reason=ch.refund_state,
                detail={"lines": list(ch.platform_line_ids)}))
    return changed


# --- outbox --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutboxRecord:
    id: int
    kind: str
    target: str
    idempotency_key: str
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    created_at: datetime
    done_at: datetime | None


def _outbox(r: Any) -> OutboxRecord:
    return OutboxRecord(r.id, r.kind, r.target, r.idempotency_key, r.payload, r.status,
                        r.attempts, r.next_attempt_at, r.last_error, r.created_at, r.done_at)


def enqueue(s: Session, kind: str, target: str, idempotency_key: str,
            payload: dict[str, Any], now: datetime | None = None) -> bool:
    """Add a push in the caller's transaction; False when the key was already queued.

    *target* names who receives it (``shop:<id>``, ``erp``, ``courier:<id>``); pushes to one
    target are delivered in the order they were enqueued. The key must be deterministic
    (e.g. ``ship:<shop>:<order>:<waybill>``) so a retried business action maps to one push.
    """
    if now is None:
        from ecerp_desktop.domain.timeutil import utcnow
        now = utcnow()
    values = {"kind": kind, "target": target, "idempotency_key": idempotency_key,
              "payload": payload, "status": PENDING, "attempts": 0, "next_attempt_at": now,
              "last_error": "", "created_at": now, "done_at": None}
    if s.get_bind().dialect.name == "postgresql":
        stmt = pg_insert(OutboxRow).values(values).on_conflict_do_nothing(
            index_elements=["idempotency_key"])
    else:
        stmt = sqlite_insert(OutboxRow).values(values).on_conflict_do_nothing(
            index_elements=["idempotency_key"])
    return s.execute(stmt.returning(OutboxRow.id)).scalar() is not None


def pending(s: Session, *, targets: Sequence[str] | None = None, limit: int = 500
            ) -> list[OutboxRecord]:
    """Pending rows in delivery order (by id), due or not: the relay keeps per-target order
    by stopping a target at its first row that is not yet due."""
    q = select(OutboxRow).where(OutboxRow.status == PENDING).order_by(OutboxRow.id).limit(limit)
    if targets is not None:
        q = q.where(OutboxRow.target.in_(list(targets)))
    return [_outbox(r) for r in s.scalars(q)]


def mark_done(s: Session, entry_id: int, now: datetime) -> None:
    s.execute(update(OutboxRow).where(OutboxRow.id == entry_id).values(
        status=DONE, done_at=now, attempts=OutboxRow.attempts + 1, last_error=""))


def mark_failed(s: Session, entry_id: int, error: str, next_attempt_at: datetime,
                *, park: bool) -> None:
    s.execute(update(OutboxRow).where(OutboxRow.id == entry_id).values(
        status=PARKED if park else PENDING, attempts=OutboxRow.attempts + 1,
        next_attempt_at=next_attempt_at, last_error=error[:2000]))


def retry_parked(s: Session, now: datetime, *, entry_id: int | None = None,
                 target: str | None = None) -> int:
    """Put parked rows back in the queue with a fresh attempt count."""
    q = update(OutboxRow).where(OutboxRow.status == PARKED)
    if entry_id is not None:
        q = q.where(OutboxRow.id == entry_id)
    if target is not None:
        q = q.where(OutboxRow.target == target)
    res = s.execute(q.values(status=PENDING, attempts=0, next_attempt_at=now))
    return int(res.rowcount)  # type: ignore[attr-defined]


def outbox_entries(s: Session, *, status: str | None = None, target: str | None = None,
                   limit: int = 200) -> list[OutboxRecord]:
    q = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
    if status is not None:
        q = q.where(OutboxRow.status == status)
    if target is not None:
        q = q.where(OutboxRow.target == target)
    return [_outbox(r) for r in s.scalars(q)]


def outbox_entry(s: Session, entry_id: int) -> OutboxRecord | None:
    row = s.get(OutboxRow, entry_id)
    return None if row is None else _outbox(row)


# --- health --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShopCounts:
    shop_id: int
    orders_pulled_since: int
    queue_depth: int
    parked: tuple[OutboxRecord, ...]
    quarantined: int


def shop_counts(s: Session, since: datetime) -> dict[int, ShopCounts]:
    """Per shop: orders pulled since *since*, pending pushes, parked pushes, open quarantine."""
    shop_ids = list(s.scalars(select(ShopRow.id)))
    pulled = dict(s.execute(select(OrderRow.shop_id, func.count()).where(
        OrderRow.pulled_at >= since).group_by(OrderRow.shop_id)).all())
    depth = dict(s.execute(select(OutboxRow.target, func.count()).where(
        OutboxRow.status == PENDING).group_by(OutboxRow.target)).all())
    quarantine_open = dict(s.execute(select(QuarantineRow.shop_id, func.count()).where(
        QuarantineRow.resolved_at.is_(None)).group_by(QuarantineRow.shop_id)).all())
    parked: dict[str, list[OutboxRecord]] = {}
    for r in s.scalars(select(OutboxRow).where(OutboxRow.status == PARKED)
                       .order_by(OutboxRow.id).limit(1000)):
        parked.setdefault(r.target, []).append(_outbox(r))
    return {sid: ShopCounts(sid, int(pulled.get(sid, 0)), int(depth.get(f"shop:{sid}", 0)),
                            tuple(parked.get(f"shop:{sid}", ())),
                            int(quarantine_open.get(sid, 0))) for sid in shop_ids}


# --- leadership ----------------------------------------------------------------------------

_LOCK_CLASS = 0x4543  # "EC": our advisory-lock namespace


class LeaderLock:
    """Pull and push leadership for one lane (``shop:3``, ``erp``) among stations sharing
    PostgreSQL: a session advisory lock held on a dedicated connection outside the pool, so
    the lock lives exactly as long as that connection. If the connection dies (station
    crashed, network cut, backend terminated) the lock is released and another station
    takes over; :meth:`holds` then answers False, so a stale leader's next push is refused.
    On SQLite the application is the only writer and always leads.

    Not thread-safe: one lane thread owns each lock.
    """

    def __init__(self, store: Store, name: str) -> None:
        self.name = name
        self._store = store
        self._engine = None
        self._conn: Any = None
        self._objid = zlib.crc32(name.encode()) & 0x7FFFFFFF

    @property
    def is_local(self) -> bool:
        return self._store.is_sqlite

    def try_acquire(self) -> bool:
        """True if this station leads the lane now (acquiring the lock if free)."""
        if self.is_local:
            return True
        if self.holds():
            return True
        self.release()
        try:
            if self._engine is None:
                self._engine = create_engine(self._store.url, poolclass=NullPool,
                                             isolation_level="AUTOCOMMIT")
            self._conn = self._engine.connect()
            got = self._conn.execute(text("SELECT pg_try_advisory_lock(:c, :o)"),
                                     {"c": _LOCK_CLASS, "o": self._objid}).scalar()
        except SQLAlchemyError:
            self._drop()
            return False
        if not got:
            self._drop()
            return False
        return True

    def holds(self) -> bool:
        """Checked before each push: is the lock still ours on a live connection?"""
        if self.is_local:
            return True
        if self._conn is None:
            return False
        try:
            n = self._conn.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND pid = pg_backend_pid() AND classid = :c AND objid = :o AND objsubid = 2"),
                {"c": _LOCK_CLASS, "o": self._objid}).scalar()
        except SQLAlchemyError:
            self._drop()
            return False
        return bool(n)

    def backend_pid(self) -> int | None:
        """The PostgreSQL backend holding the lock (for the health page and tests)."""
        if self._conn is None:
            return None
        try:
            return int(self._conn.execute(text("SELECT pg_backend_pid()")).scalar())
        except SQLAlchemyError:
            return None

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.invalidate()
                self._conn.close()
            except SQLAlchemyError:
                pass
        self._conn = None

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:c, :o)"),
                                   {"c": _LOCK_CLASS, "o": self._objid})
                self._conn.close()
            except SQLAlchemyError:
                self._drop()
        self._conn = None

    def close(self) -> None:
        self.release()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
