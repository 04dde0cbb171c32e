"""The printing page's use cases: pages of the print queue, what is still to print, and a
batch print (choose, order, queue, send) with progress and cancel.

The rules of the queue (claim before sending, never re-send, audited reprints) stay in
services/printing.py; this module only chooses and orders what goes into it.

Threads: every function may run on any worker thread (each opens its own sessions); the UI
calls them through its ops, never on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import printing, waybills
from ecerp_desktop.services.printing import Cancelled, Printer, Progress, RunResult
from ecerp_desktop.store import Store
from ecerp_desktop.store import print_selection as sel
from ecerp_desktop.store import printing as q
from ecerp_desktop.store.print_selection import DUPLICATE_ERROR, ORDERS, JobFilter
from ecerp_desktop.store.printing import PrintJob

__all__ = ["DUPLICATE_ERROR", "ORDERS", "BatchRequest", "BatchResult", "JobFilter", "JobPage",
           "PrintJob", "job_page", "print_batch", "printer_choices", "retry_jobs",
           "unprinted_parcels"]

KINDS = ("waybill", "packing", "sku")
PAGE = 200


@dataclass(frozen=True, slots=True)
class JobPage:
    jobs: list[q.PrintJob]
    total: int  # jobs matching the filter (all pages)
    printers: list[str]  # every printer name in the queue, for the filter


def job_page(store: Store, f: JobFilter, *, before_id: int | None = None,
             limit: int = PAGE) -> JobPage:
    """One page of the queue, newest first; the first page also counts the matches."""
    with store.read() as s:
        jobs = sel.job_page(s, f, before_id=before_id, limit=limit)
        if before_id is None:
            return JobPage(jobs, sel.count_jobs(s, f), sel.printer_names(s))
    return JobPage(jobs, -1, [])


@dataclass(frozen=True, slots=True)
class PrinterChoice:
    """A printer the batch panel offers: a configured station printer or a profile with a
    target typed by the user."""

    name: str
    profile: str
    target: str


def printer_choices(store: Store) -> list[PrinterChoice]:
    return [PrinterChoice(p["name"], p["profile"], p["target"])
            for p in printing.configured_printers(store)]


def unprinted_parcels(store: Store, kind: str = "waybill", limit: int = 5000) -> list[int]:
    """Approved/waybilled open parcels that have no label of *kind* yet."""
    with store.read() as s:
        return sel.unprinted_parcels(s, kind, limit=limit)


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """What to print: *kind* for these parcels / orders (sorted *by*), or SKU labels.
    With *unprinted*, the parcels are every approved one without a label of *kind* yet."""

    kind: str = "waybill"  # waybill, packing, sku
    unprinted: bool = False
    parcel_ids: tuple[int, ...] = ()
    order_refs: tuple[str, ...] = ()
    sku_codes: tuple[str, ...] = ()
    by: str = "courier"
    copies: int = 1
    size: str | None = None


@dataclass
class BatchResult:
    job_ids: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)  # another batch prints these parcels
    without_waybill: list[int] = field(default_factory=list)
    run: RunResult = field(default_factory=RunResult)


def _parcels_for(store: Store, req: BatchRequest) -> tuple[list[int], list[str]]:
    """The request's parcels in print order, and the order refs that have no parcel yet."""
    parcel_ids = list(req.parcel_ids)
    bare: list[str] = []
    with store.read() as s:
        if req.unprinted:
            parcel_ids.extend(sel.unprinted_parcels(s, req.kind))
        for ref in (r.strip() for r in req.order_refs):
            if not ref:
                continue
            oids = q.find_orders(s, ref)
            if not oids:
                raise DomainError(ErrorCode.NOT_FOUND, what="order", key=ref)
            by_order = q.parcels_of_orders(s, oids)
            if any(by_order.values()):
                parcel_ids.extend(p for pids in by_order.values() for p in pids)
            else:
                bare.append(ref)
        return sel.sort_parcels(s, parcel_ids, req.by), bare


def _number(store: Store, actor: Actor, parcel_ids: list[int]) -> None:
    """Get waybill numbers for parcels that have none yet: a label without one is useless
    at the courier. A courier that cannot give one leaves its parcels listed in
    ``without_waybill``; the rest print."""
    try:
        waybills.assign_waybills(store, actor, parcel_ids)
    except DomainError as exc:
        if exc.code not in (ErrorCode.WAYBILL_RANGE_EXHAUSTED, ErrorCode.WAYBILL_SERVICE_FAILED):
            raise


def print_batch(store: Store, actor: Actor, printer: Printer, req: BatchRequest, *,
                progress: Progress | None = None, cancelled: Cancelled | None = None,
                connect_timeout: float | None = None) -> BatchResult:
    """Queue the request's labels in print order, then send them. Never raises for a
    printer problem (the jobs stay queued, the result says why); a cancel leaves the
    unsent jobs cancelled."""
    actor.require(Permission.PRINT)
    if req.kind not in KINDS:
        raise DomainError(ErrorCode.NOT_FOUND, what="print kind", key=req.kind)
    out = BatchResult()
    if req.kind == "sku":
        codes = [c.strip() for c in req.sku_codes if c.strip()]
        if not codes:
            raise DomainError(ErrorCode.REQUIRED, what="an SKU code")
        for code in codes:
            b = printing.enqueue_sku_labels(store, actor, printer, code, copies=req.copies,
                                            size=req.size)
            out.job_ids.extend(b.job_ids)
    else:
        parcels, bare = _parcels_for(store, req)
        if not parcels and not bare:
            if req.unprinted:
                return out  # everything is printed already
            raise DomainError(ErrorCode.REQUIRED, what="a parcel or an order")
        if req.kind == "waybill" and parcels:
            _number(store, actor, parcels)
        b = printing.enqueue_waybills(store, actor, printer, parcel_ids=parcels,
                                      order_refs=bare, kind=req.kind, copies=req.copies,
                                      size=req.size)
        out.job_ids, out.without_waybill = b.job_ids, b.without_waybill
        if req.unprinted:  # a station printing the same "not printed yet" meanwhile wins
            with store.write() as s:
                out.duplicates = sel.cancel_duplicates(s, b.job_ids, utcnow())
    kwargs = {} if connect_timeout is None else {"connect_timeout": connect_timeout}
    out.run = printing.run_jobs(store, out.job_ids, progress=progress, cancelled=cancelled,
                                can_see_phone=actor.can(Permission.PII_VIEW), **kwargs)
    return out


def retry_jobs(store: Store, actor: Actor, job_ids: Sequence[int], *,
               connect_timeout: float | None = None) -> RunResult:
    """Retry many jobs in one run (a printer that is still off is knocked on once, not
    once per job). As ``printing.retry``: only jobs that surely printed nothing are sent;
    each job already sent (or maybe printed) is skipped with PRINT_ALREADY_SENT in the
    result's errors."""
    actor.require(Permission.PRINT)
    skipped: list[DomainError] = []
    ready: list[int] = []
    with store.write() as s:
        for j in q.get_jobs(s, list(job_ids)):
            if j.state == "failed" and not j.maybe_printed:
                q.requeue_failed(s, j.id, utcnow())
            elif j.state != "queued":
                skipped.append(DomainError(ErrorCode.PRINT_ALREADY_SENT, job=j.id))
                continue
            ready.append(j.id)
    kwargs = {} if connect_timeout is None else {"connect_timeout": connect_timeout}
    result = printing.run_jobs(store, ready, can_see_phone=actor.can(Permission.PII_VIEW),
                               **kwargs)
    result.errors.extend(skipped)
    return result
