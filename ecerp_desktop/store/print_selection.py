"""Queries behind the printing page: pages of the print queue (filtered and counted in
SQL), the parcels still waiting for a label, and parcels put in a print order.

Every function takes a Session and hands back plain values or the frozen ``PrintJob`` of
store/printing.py; nothing lazy-loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, select, text, update
from sqlalchemy.orm import Session

from ecerp_desktop.domain.pipeline import PARCEL_OPEN
from ecerp_desktop.store.printing import PrintJob, _job
from ecerp_desktop.store.schema import CourierRow, OrderRow, ParcelLineRow, ParcelRow, SkuRow
from ecerp_desktop.store.schema_printing import PrintJobRow

_JOBS = PrintJobRow.__table__
PRINTABLE_ORDERS = ("approved", "waybilled")  # decided, not yet packed
ORDERS = ("courier", "sku", "station", "id")  # the print orders a batch can take
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class JobFilter:
    """Which jobs a page shows: states (empty: all) and one printer name (empty: all)."""

    states: tuple[str, ...] = ()
    printer: str = ""


def _where(q, f: JobFilter):  # type: ignore[no-untyped-def]
    if f.states:
        q = q.where(_JOBS.c.state.in_(list(f.states)))
    if f.printer:
        q = q.where(_JOBS.c.printer == f.printer)
    return q


def job_page(s: Session, f: JobFilter, *, before_id: int | None = None,
             limit: int = 200) -> list[PrintJob]:
    """Up to *limit* jobs matching *f*, newest first, older than *before_id* (keyset)."""
    q = _where(select(_JOBS), f).order_by(_JOBS.c.id.desc()).limit(limit)
    if before_id is not None:
        q = q.where(_JOBS.c.id < before_id)
    return [_job(r) for r in s.execute(q)]


def count_jobs(s: Session, f: JobFilter) -> int:
    return int(s.scalar(_where(select(func.count()).select_from(_JOBS), f)) or 0)


def printer_names(s: Session) -> list[str]:
    """Every printer name the queue has seen, for the filter."""
    return sorted(s.scalars(select(_JOBS.c.printer).distinct()))


def unprinted_parcels(s: Session, kind: str, *, limit: int = 5000) -> list[int]:
    """Open parcels of approved or waybilled orders that no job of *kind* prints yet
    (a cancelled job, or a failed one that surely printed nothing, does not count)."""
    j = _JOBS
    printed = exists().where(
        j.c.parcel_id == ParcelRow.id, j.c.kind == kind, j.c.state != "cancelled",
        ~and_(j.c.state == "failed", j.c.maybe_printed.is_(False)))
    q = (select(ParcelRow.id).join(OrderRow, OrderRow.id == ParcelRow.order_id)
         .where(ParcelRow.status == PARCEL_OPEN, OrderRow.status.in_(PRINTABLE_ORDERS),
                ~printed)
         .order_by(ParcelRow.id).limit(limit))
    return list(s.scalars(q))


def sort_parcels(s: Session, parcel_ids: Sequence[int], by: str) -> list[int]:
    """*parcel_ids* in print order: by courier (code), by SKU for picking (the parcel's
    first SKU code), by packing station (parcels without one last), else by id; ties by id."""
    ids = list(dict.fromkeys(parcel_ids))
    if by not in ("courier", "sku", "station"):
        return sorted(ids)
    keys: dict[int, str] = {}
    for i in range(0, len(ids), _CHUNK):
        part = ids[i:i + _CHUNK]
        if by == "courier":
            q = (select(ParcelRow.id, CourierRow.code)
                 .outerjoin(CourierRow, CourierRow.id == ParcelRow.courier_id)
                 .where(ParcelRow.id.in_(part)))
        elif by == "station":
            q = select(ParcelRow.id, ParcelRow.station).where(ParcelRow.id.in_(part))
        else:
            q = (select(ParcelLineRow.parcel_id, func.min(SkuRow.code))
                 .join(SkuRow, SkuRow.id == ParcelLineRow.sku_id)
                 .where(ParcelLineRow.parcel_id.in_(part))
                 .group_by(ParcelLineRow.parcel_id))
        for pid, key in s.execute(q):
            keys[pid] = key or ""
    # an empty key (no courier, no station) sorts after every real one
    return sorted(ids, key=lambda p: (keys.get(p, "") == "", keys.get(p, ""), p))


DUPLICATE_ERROR = "printed by another batch"
_DEDUPE_LOCK = 0x65637270  # "ecrp": one PostgreSQL advisory lock for the check below


def cancel_duplicates(s: Session, job_ids: Sequence[int], now: datetime) -> list[int]:
    """Cancel those of *job_ids* (still queued) whose parcel already has another live job
    of the same kind: two stations printing "everything not printed yet" at once print
    each parcel once. Runs serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory
    lock), so of two racing batches the second to get here yields; the ids cancelled."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _DEDUPE_LOCK})
    j, other = _JOBS, _JOBS.alias("other")
    dup: list[int] = []
    for i in range(0, len(job_ids), _CHUNK):
        part = list(job_ids[i:i + _CHUNK])
        q = (select(j.c.id).where(
            j.c.id.in_(part), j.c.state == "queued", j.c.parcel_id.is_not(None),
            exists().where(other.c.parcel_id == j.c.parcel_id, other.c.kind == j.c.kind,
                           other.c.id != j.c.id, other.c.batch != j.c.batch,
                           other.c.state != "cancelled",
                           ~and_(other.c.state == "failed",
                                 other.c.maybe_printed.is_(False)))))
        dup.extend(s.scalars(q))
    for i in range(0, len(dup), _CHUNK):
        s.execute(update(PrintJobRow).where(PrintJobRow.id.in_(dup[i:i + _CHUNK]),
                                            PrintJobRow.state == "queued")
                  .values(state="cancelled", error=DUPLICATE_ERROR,
                          updated_at=now))
    return dup
