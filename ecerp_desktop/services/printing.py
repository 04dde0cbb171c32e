"""Printing as use cases: choose a printer, queue jobs, send them, retry, reprint.

How another feature prints a parcel's waybill (the packing station, the review screen)::

    from ecerp_desktop.services import printing
    printer = printing.resolve_printer(store, name="station-3")      # or to="tcp://…"
    batch = printing.enqueue_waybills(store, actor, printer, parcel_ids=[parcel_id])
    result = printing.run_jobs(store, batch.job_ids)                 # sends; never raises
    if result.queued: show(result.message)                           # printer off: retry later

Rules kept here:
- Every print is a job row; a job is claimed (queued → sending) before a byte leaves, and
  marked sent after the transport returned. A printer that is off (nothing sent) leaves the
  job queued with the reason, to be retried. A broken connection mid-job marks it failed
  and "maybe printed": it is never sent again by itself.
- ``retry`` only ever sends jobs that printed nothing; printing something again is
  ``reprint``, which needs a reason and writes an audit row (who, why).
- Jobs are sent in chunks (one transport call each, one transaction before and after), so
  a batch of a thousand waybills costs a few dozen transactions; to a file or a PDF printer
  the whole run is one document.

Threads: every function may run on any worker thread (each opens its own sessions); the
UI calls them through its ops, never on the GUI thread.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.printing import render, transports
from ecerp_desktop.printing.fields import WaybillData, sku_values, waybill_values
from ecerp_desktop.printing.profiles import PrinterProfile, generic_profile, get_profile
from ecerp_desktop.printing.templates import find_template, get_template
from ecerp_desktop.store import Store, audit, settings
from ecerp_desktop.store import printing as q

PRINTERS_KEY = "printing.printers"
STREAM_CHUNK = 25  # jobs per transport call and per transaction pair on stream printers
DATA_WINDOW = 500  # jobs whose label data is read in one go
INTERRUPTED = ("the program stopped while sending this job; the label may have printed — "
               "check it and reprint if needed")

Progress = Callable[[int, int], None]  # (jobs done, jobs in the run)
Cancelled = Callable[[], bool]


# --- printers --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Printer:
    """A printer to print on: a name for people, a profile, and where the bytes go."""

    name: str
    profile: PrinterProfile
    target: str


def configured_printers(store: Store) -> list[dict[str, str]]:
    """The station's named printers: [{"name", "profile", "target"}]."""
    with store.read() as s:
        return list(settings.get(s, PRINTERS_KEY, []) or [])


def save_printer(store: Store, actor: Actor, name: str, profile_id: str, target: str) -> None:
    """Add or replace a named printer (the profile must exist, the target must parse)."""
    actor.require(Permission.SETTINGS)
    get_profile(profile_id)
    transports.open_transport(target)
    now = utcnow()
    with store.write() as s:
        rows = [p for p in (settings.get(s, PRINTERS_KEY, []) or []) if p.get("name") != name]
        rows.append({"name": name, "profile": profile_id, "target": target})
        settings.put(s, PRINTERS_KEY, rows, now)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="printer.save", entity="printer", entity_id=name[:64],
                     detail={"profile": profile_id, "target": target})


def resolve_printer(store: Store | None, *, name: str | None = None, to: str | None = None,
                    profile_id: str | None = None, language: str | None = None) -> Printer:
    """The printer named *name* (a configured printer, else an OS queue), or the target
    *to*; with a bare target the language comes from *language*, the profile, or the file's
    extension (.zpl, .tspl, .pdf …), and defaults to ZPL."""
    profile = get_profile(profile_id) if profile_id else None
    target = to
    label = to or ""
    if name:
        match = next((p for p in (configured_printers(store) if store else [])
                      if p.get("name") == name), None)
        if match is not None:
            profile = profile or get_profile(match["profile"])
            target = target or match["target"]
            label = name
        else:
            found = next((d for d in transports.discover() if d.name == name), None)
            if found is None:
                raise DomainError(ErrorCode.NOT_FOUND, what="printer", key=name)
            target, label = target or found.target, name
    if not target:
        raise DomainError(ErrorCode.REQUIRED, what="a printer (--printer NAME or --to TARGET)")
    transports.open_transport(target)  # a target that does not parse is refused now
    if profile is None:
        lang = language or render.language_for_path(target) or "zpl"
        profile = generic_profile(lang)
    return Printer(label, profile, target)


# --- enqueue ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Batch:
    id: str
    job_ids: list[int]
    without_waybill: list[int] = field(default_factory=list)  # order ids printed without one


def _template_name(kind: str, printer: Printer, size: str | None, language: str) -> str:
    size = size or printer.profile.default_size or ("A4" if kind == "packing" else "100x180")
    if kind == "packing" and language != "pdf" and size in ("A4", "A5"):
        raise DomainError(ErrorCode.PRINT_LANGUAGE_UNSUPPORTED, what=f"a packing list on {size}",
                          language=language)
    if kind == "waybill" and size in ("A4", "A5"):
        size = "100x180"
    return find_template(kind, size).name


def enqueue_waybills(store: Store, actor: Actor, printer: Printer, *,
                     parcel_ids: Sequence[int] = (), order_refs: Sequence[str] = (),
                     size: str | None = None, language: str | None = None, copies: int = 1,
                     kind: str = "waybill", require_waybill: bool = False,
                     reason: str = "") -> Batch:
    """Queue one waybill (or packing list, *kind*="packing") per parcel, in the order given.

    *order_refs* are our order ids or platform order ids; each names all its parcels, or
    the order itself when it has none yet. A parcel without a waybill number prints with
    an empty waybill area (no barcode) and is listed in ``without_waybill``, unless
    *require_waybill*, which refuses the batch instead.
    """
    actor.require(Permission.PRINT)
    language = language or printer.profile.language
    template = _template_name(kind, printer, size, language)
    jobs: list[q.NewJob] = []
    missing: list[int] = []
    with store.read() as s:
        units: list[tuple[int, int | None]] = [(0, pid) for pid in parcel_ids]
        for ref in order_refs:
            oids = q.find_orders(s, ref)
            if not oids:
                raise DomainError(ErrorCode.NOT_FOUND, what="order", key=ref)
            for oid, pids in q.parcels_of_orders(s, oids).items():
                units.extend((oid, pid) for pid in pids) if pids else units.append((oid, None))
        data = q.waybill_data(s, parcel_ids=[p for _, p in units if p is not None],
                              order_ids=[o for o, p in units if p is None])
        for oid, pid in units:
            d = data.get(("parcel", pid) if pid is not None else ("order", oid))
            if d is None:
                raise DomainError(ErrorCode.NOT_FOUND, what="parcel", key=str(pid))
            if not d.waybill_number:
                if require_waybill and kind == "waybill":
                    raise DomainError(ErrorCode.REQUIRED,
                                      what=f"a waybill number for order {d.platform_order_id}")
                missing.append(d.order_id)
            jobs.append(q.NewJob(kind=kind, template=template, printer=printer.name,
                                 target=printer.target, profile=printer.profile.id,
                                 language=language, copies=copies, order_id=d.order_id,
                                 parcel_id=d.parcel_id, reason=reason))
    return _add(store, actor, jobs, printer, missing)


def enqueue_sku_labels(store: Store, actor: Actor, printer: Printer, sku_code: str, *,
                       copies: int = 1, size: str | None = None,
                       language: str | None = None) -> Batch:
    """Queue *copies* shelf labels of one SKU (one job; the printer repeats the label)."""
    actor.require(Permission.PRINT)
    language = language or printer.profile.language
    with store.read() as s:
        sku = q.sku_label_data(s, sku_code)
    if sku is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=sku_code)
    size = size or ("60x40" if sku.ean else "40x30")
    template = find_template("sku", size)
    template.bind(sku_values(sku))  # refuse bad barcode data now, not at the printer
    job = q.NewJob(kind="sku", template=template.name, printer=printer.name,
                   target=printer.target, profile=printer.profile.id, language=language,
                   copies=copies, sku_code=sku.code)
    return _add(store, actor, [job], printer, [])


def _add(store: Store, actor: Actor, jobs: list[q.NewJob], printer: Printer,
         missing: list[int]) -> Batch:
    if not 1 <= (jobs[0].copies if jobs else 1) <= 999:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=jobs[0].copies)
    batch = uuid.uuid4().hex
    now = utcnow()
    with store.write() as s:
        ids = q.add_jobs(s, batch, jobs, user_id=actor.user_id, username=actor.username,
                         now=now)
        if ids:  # RELIABILITY rule 9: every print is audited (one row per batch)
            audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                         action="print.enqueue", entity="print_batch", entity_id=batch,
                         detail={"jobs": len(ids), "kind": jobs[0].kind,
                                 "printer": printer.name, "first_job": ids[0]})
    return Batch(batch, ids, sorted(set(missing)))


# --- sending ---------------------------------------------------------------------------------

@dataclass
class RunResult:
    sent: list[int] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)  # printer unreachable: retry later
    failed: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    errors: list[DomainError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.queued or self.failed)


def _payload(jobs: list[q.PrintJob], data: dict[tuple[str, int], WaybillData],
             skus: dict[str, Any], can_see_phone: bool
             ) -> tuple[bytes, list[q.PrintJob], list[tuple[int, DomainError]]]:
    """The bytes of the printable jobs of a chunk, those jobs, and the jobs that cannot be
    printed (missing data, a barcode that cannot be printed) with their reason."""
    first = jobs[0]
    profile = _profile(first.profile, first.language)
    try:
        template = get_template(first.template)
    except DomainError as exc:
        return b"", [], [(j.id, exc) for j in jobs]
    now = utcnow()
    labels, good, bad = [], [], []
    for j in jobs:
        try:
            if j.kind == "sku":
                sku = skus.get(j.sku_code)
                if sku is None:
                    raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=j.sku_code)
                values = sku_values(sku, now)
            else:
                d = data.get(_key(j))
                if d is None:
                    raise DomainError(ErrorCode.NOT_FOUND, what="parcel",
                                      key=str(j.parcel_id or j.order_id))
                values = waybill_values(d, now)
                if not can_see_phone:
                    values["receiver.phone"] = values["receiver.phone_masked"]
            labels.append(template.bind(values))
            good.append(j)
        except DomainError as exc:
            bad.append((j.id, exc))
    if not good:
        return b"", [], bad
    r = render.renderer_for(template, profile, first.language)
    if len({j.copies for j in good}) == 1:
        return r.render(labels, good[0].copies), good, bad
    return (b"".join(r.render([lb], j.copies) for lb, j in zip(labels, good, strict=True)),
            good, bad)


def _key(j: q.PrintJob) -> tuple[str, int]:
    return ("parcel", j.parcel_id) if j.parcel_id is not None else ("order", j.order_id or 0)


def _profile(profile_id: str, language: str) -> PrinterProfile:
    try:
        return get_profile(profile_id)
    except DomainError:
        return generic_profile(language)


def _chunks(jobs: list[q.PrintJob]) -> list[list[q.PrintJob]]:
    """Runs of jobs that go out together: same target, template and language; a file or a
    PDF target takes the whole run as one document."""
    out: list[list[q.PrintJob]] = []
    for j in jobs:
        key = (j.target, j.template, j.language, j.profile)
        last = out[-1] if out else None
        whole = j.language == "pdf" or isinstance(transports.open_transport(j.target),
                                                  transports.FileTransport)
        if last and (last[0].target, last[0].template, last[0].language,
                     last[0].profile) == key and (whole or len(last) < STREAM_CHUNK):
            last.append(j)
        else:
            out.append([j])
    return out


def run_jobs(store: Store, job_ids: Sequence[int], *, progress: Progress | None = None,
             cancelled: Cancelled | None = None, can_see_phone: bool = True,
             connect_timeout: float = transports.CONNECT_TIMEOUT_S) -> RunResult:
    """Send the queued jobs among *job_ids*, in that order. Never raises for a printer
    problem: the result says what was sent, what stays queued and why."""
    result = RunResult()
    with store.read() as s:
        jobs = [j for j in q.get_jobs(s, list(job_ids)) if j.state == "queued"]
    total = len(jobs)
    done = 0
    data: dict[tuple[str, int], WaybillData] = {}
    unreachable: set[str] = set()
    chunks = _chunks(jobs)
    for n, chunk in enumerate(chunks):
        if cancelled is not None and cancelled():
            rest = [j.id for c in chunks[n:] for j in c]
            with store.write() as s:
                q.cancel(s, rest, utcnow())
            result.cancelled.extend(rest)
            break
        target = chunk[0].target
        if target in unreachable:  # the printer is off: do not knock again in this run
            result.queued.extend(j.id for j in chunk)
            continue
        with store.write() as s:
            claimed = set(q.claim(s, [j.id for j in chunk], utcnow()))
        chunk = [j for j in chunk if j.id in claimed]
        if not chunk:
            continue
        if any(_key(j) not in data for j in chunk if j.kind != "sku"):
            # load the label data of the next DATA_WINDOW jobs in one read
            window = [j for j in jobs[done:done + DATA_WINDOW] if j.kind != "sku"]
            window += [j for j in chunk if j.kind != "sku"]
            with store.read() as s:
                data = q.waybill_data(
                    s, parcel_ids=[j.parcel_id for j in window if j.parcel_id is not None],
                    order_ids=[j.order_id for j in window
                               if j.parcel_id is None and j.order_id is not None])
        skus: dict[str, Any] = {}
        if any(j.kind == "sku" for j in chunk):
            with store.read() as s:
                skus = {j.sku_code: q.sku_label_data(s, j.sku_code)
                        for j in chunk if j.kind == "sku"}
        payload, good, bad = _payload(chunk, data, skus, can_see_phone)
        if bad:  # these print nothing: failed, not "maybe printed", retry after a fix
            with store.write() as s:
                for job_id, err in bad:
                    q.mark_failed(s, [job_id], str(err), False, utcnow())
            result.failed.extend(job_id for job_id, _ in bad)
            result.errors.extend(err for _, err in bad)
        done += len(chunk) - len(good)
        ids = [j.id for j in good]
        if not ids:
            if progress:
                progress(done, total)
            continue
        transport = transports.open_transport(target, connect_timeout=connect_timeout)
        try:
            transport.send(payload, f"ecerp {chunk[0].kind} {ids[0]}")
        except transports.PrinterUnreachable as exc:
            unreachable.add(target)
            with store.write() as s:
                q.mark_requeued(s, ids, str(exc), utcnow())
            result.queued.extend(ids)
            result.errors.append(exc)
        except transports.SendInterrupted as exc:
            with store.write() as s:
                q.mark_failed(s, ids, str(exc), True, utcnow())
            result.failed.extend(ids)
            result.errors.append(exc)
        else:
            with store.write() as s:
                q.mark_sent(s, ids, utcnow())
            result.sent.extend(ids)
        done += len(good)
        if progress:
            progress(done, total)
    return result


def run_queue(store: Store, *, limit: int = 1000, **kwargs: Any) -> RunResult:
    """The queue worker's step: send every queued job (oldest first)."""
    with store.read() as s:
        ids = [j.id for j in q.list_jobs(s, states=["queued"], limit=limit)]
    return run_jobs(store, ids, **kwargs)


def recover(store: Store) -> list[int]:
    """At start-up: jobs a crash left in ``sending`` become failed, maybe printed."""
    with store.write() as s:
        return q.recover_interrupted(s, utcnow(), INTERRUPTED)


# --- retry, reprint, confirm, cancel ---------------------------------------------------------

def retry(store: Store, actor: Actor, job_id: int, **kwargs: Any) -> RunResult:
    """Send a job again only if it surely printed nothing (queued, or failed before a
    byte left); anything that may have printed needs ``reprint``."""
    actor.require(Permission.PRINT)
    with store.write() as s:
        jobs = q.get_jobs(s, [job_id])
        if not jobs:
            raise DomainError(ErrorCode.NOT_FOUND, what="print job", key=str(job_id))
        job = jobs[0]
        if job.state == "failed" and not job.maybe_printed:
            q.requeue_failed(s, job_id, utcnow())
        elif job.state != "queued":
            raise DomainError(ErrorCode.PRINT_ALREADY_SENT, job=job_id)
    return run_jobs(store, [job_id], **kwargs)


def reprint(store: Store, actor: Actor, job_id: int, reason: str) -> Batch:
    """Queue a new copy of a job that was sent (or may have been), audited with the reason."""
    actor.require(Permission.PRINT)
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(ErrorCode.PRINT_REASON_REQUIRED)
    now = utcnow()
    with store.write() as s:
        jobs = q.get_jobs(s, [job_id])
        if not jobs:
            raise DomainError(ErrorCode.NOT_FOUND, what="print job", key=str(job_id))
        j = jobs[0]
        batch = uuid.uuid4().hex
        new = q.NewJob(kind=j.kind, template=j.template, printer=j.printer, target=j.target,
                       profile=j.profile, language=j.language, copies=j.copies,
                       order_id=j.order_id, parcel_id=j.parcel_id, sku_code=j.sku_code,
                       reprint_of=j.id, reason=reason[:255])
        ids = q.add_jobs(s, batch, [new], user_id=actor.user_id, username=actor.username,
                         now=now)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="print.reprint", entity="print_job", entity_id=str(job_id),
                     detail={"reason": reason[:255], "new_job": ids[0], "kind": j.kind,
                             "order_id": j.order_id, "parcel_id": j.parcel_id})
    return Batch(batch, ids)


def confirm(store: Store, actor: Actor, job_ids: Sequence[int]) -> int:
    """The user (or the packing station's scan of the printed label) saw it come out."""
    actor.require(Permission.PRINT)
    with store.write() as s:
        return q.confirm(s, list(job_ids), utcnow())


def cancel(store: Store, actor: Actor, job_ids: Sequence[int]) -> int:
    actor.require(Permission.PRINT)
    with store.write() as s:
        return q.cancel(s, list(job_ids), utcnow())


def jobs(store: Store, job_ids: Sequence[int]) -> list[q.PrintJob]:
    with store.read() as s:
        return q.get_jobs(s, list(job_ids))


def list_jobs(store: Store, actor: Actor, *, states: Sequence[str] | None = None,
              limit: int = 500) -> list[q.PrintJob]:
    """The queue's jobs, oldest first, optionally only in *states*."""
    actor.require(Permission.PRINT)
    with store.read() as s:
        return q.list_jobs(s, states=states, limit=limit)


# --- the queue worker --------------------------------------------------------------------------

class QueueWorker:
    """A background lane that sends queued jobs: at once when told (``wake``), and again
    every *retry_s* seconds (doubling to *max_retry_s* while a printer stays off), so jobs
    a switched-off printer left queued go out by themselves once it is back on. It only
    ever sends queued jobs, so nothing is printed twice.

    Thread: owns one daemon thread; ``start``/``wake``/``stop`` may be called from any thread.
    """

    def __init__(self, store: Store, *, retry_s: float = 10.0, max_retry_s: float = 120.0,
                 on_result: Callable[[RunResult], None] | None = None,
                 connect_timeout: float = transports.CONNECT_TIMEOUT_S) -> None:
        import threading

        self.store = store
        self.retry_s, self.max_retry_s = retry_s, max_retry_s
        self.on_result = on_result
        self.connect_timeout = connect_timeout
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="print-queue", daemon=True)

    def start(self) -> QueueWorker:
        recover(self.store)  # jobs a crash left in "sending" are never re-sent by themselves
        self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        delay = self.retry_s
        while not self._stop.is_set():
            self._wake.clear()
            try:
                result = run_queue(self.store, connect_timeout=self.connect_timeout)
            except Exception as exc:  # the lane must survive a database hiccup
                result = RunResult(errors=[DomainError(ErrorCode.DATABASE_UNREACHABLE,
                                                       url=self.store.describe(),
                                                       error=str(exc))])
            if self.on_result is not None and (result.sent or result.errors):
                self.on_result(result)
            delay = min(delay * 2, self.max_retry_s) if result.queued else self.retry_s
            self._wake.wait(delay)
