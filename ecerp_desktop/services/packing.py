"""The packing station as use cases (打包台): open, scan, weigh, print, ship.

A :class:`Station` is one station's working session, shared by the Qt page and the
``ecerp station simulate`` command; it holds the open parcel's
:class:`~ecerp_desktop.domain.packing.Verification` in memory and talks to the database
through store/packing.py, one short transaction per step.

Threads: methods that touch the database (``open``, ``resolve``, ``scan``, ``poll``,
``print_waybill``, ``ship``, ``abandon``, ``counters``) may run on any worker thread, one at
a time; ``scan_local``/``apply`` only touch memory, so the page counts a known item on the
GUI thread without waiting for a worker (the parcel's barcodes are loaded when it opens).

Every step requires the PACK permission. Refusals are results, not exceptions, so the
screen can say exactly what happened (which station has the parcel, that the order was
intercepted …); database failures still raise.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.packing import (
    ExpectedLine,
    ScanResult,
    Stage,
    Verification,
    WeightCheck,
    WeightRule,
    expand_bundles,
    hash_code,
    verify_code,
)
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import printing
from ecerp_desktop.store import Store, audit, settings
from ecerp_desktop.store import packing as q
from ecerp_desktop.store.packing import LiveStatus, ParcelView, StationCounts

OPTIONS_KEY = "packing.options"


# --- options ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PackingOptions:
    rule: WeightRule = field(default_factory=WeightRule)
    supervisor_hash: str = ""  # pbkdf2 of the supervisor code; "" = no override possible
    weigh: bool = True  # False: skip weighing (no scale at all on this site)


def load_options(store: Store) -> PackingOptions:
    with store.read() as s:
        raw = settings.get(s, OPTIONS_KEY, None)
    if not isinstance(raw, dict):
        return PackingOptions()
    try:
        rule = WeightRule(int(raw.get("packaging_g", 50)), int(raw.get("tolerance_g", 50)),
                          Decimal(str(raw.get("tolerance_pct", "10"))))
    except (ValueError, ArithmeticError):
        rule = WeightRule()
    return PackingOptions(rule, str(raw.get("supervisor_hash", "")),
                          bool(raw.get("weigh", True)))


def save_options(store: Store, actor: Actor, rule: WeightRule, *,
                 supervisor_code: str | None = None, weigh: bool = True) -> None:
    """Store the weight rule and (when given) a new supervisor code, hashed."""
    actor.require(Permission.SETTINGS)
    now = utcnow()
    with store.write() as s:
        old = settings.get(s, OPTIONS_KEY, None) or {}
        value = {"packaging_g": rule.packaging_g, "tolerance_g": rule.tolerance_g,
                 "tolerance_pct": str(rule.tolerance_pct), "weigh": weigh,
                 "supervisor_hash": (hash_code(supervisor_code) if supervisor_code
                                     else old.get("supervisor_hash", ""))}
        settings.put(s, OPTIONS_KEY, value, now)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="packing.options", entity="settings", entity_id=OPTIONS_KEY,
                     detail={k: v for k, v in value.items() if k != "supervisor_hash"})


def station_printer(store: Store, station: str) -> printing.Printer | None:
    """The station's label printer: the configured printer named like the station, else
    the first configured printer of the station's chosen printer profile."""
    from ecerp_desktop.services.devices import load_station_devices

    configured = printing.configured_printers(store)
    if any(p.get("name") == station for p in configured):
        return printing.resolve_printer(store, name=station)
    profile = load_station_devices(store, station).printer
    for p in configured:
        if profile and p.get("profile") == profile:
            return printing.resolve_printer(store, name=p["name"])
    return None


# --- results ---------------------------------------------------------------------------------

class OpenKind(StrEnum):
    OPENED = "opened"
    NOT_FOUND = "not_found"
    TAKEN = "taken"  # another station has it
    STOPPED = "stopped"  # intercepted / cancelled
    SHIPPED = "shipped"  # already shipped
    BUSY = "busy"  # this station has an unfinished parcel


@dataclass(frozen=True, slots=True)
class OpenOutcome:
    kind: OpenKind
    code: str
    station: str | None = None  # TAKEN: who has it
    status: str = ""  # STOPPED: why
    view: ParcelView | None = None
    taken_from: str | None = None  # OPENED: the crashed station whose lapsed claim we took


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    result: ScanResult
    code: str
    sku_id: int | None = None
    qty: int = 1


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a code unknown to the open parcel turned out to be (from the database)."""

    sku_id: int | None
    parcel_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    ok: bool
    job_ids: tuple[int, ...] = ()
    already: bool = False  # printed before: not printed again
    message: str = ""  # why not (printer off: the job stays queued)
    error: DomainError | None = None  # the same, for a translated text


@dataclass(frozen=True, slots=True)
class ShipOutcome:
    ok: bool
    orders_shipped: tuple[int, ...] = ()
    message: str = ""  # refused: why
    stopped: str = ""  # the order was intercepted/cancelled meanwhile
    error: DomainError | None = None


# --- the station -----------------------------------------------------------------------------

class Station:
    """One packing station's session. See the module docstring for threads."""

    def __init__(self, store: Store, actor: Actor, name: str, *,
                 printer: printing.Printer | None = None,
                 options: PackingOptions | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        actor.require(Permission.PACK)
        self.store, self.actor, self.name = store, actor, name.strip()[:64]
        self.printer = printer
        self.options = options or load_options(store)
        self.view: ParcelView | None = None
        self.verification: Verification | None = None
        self.opened_at = utcnow()
        self.scans = 0
        self.session_errors = 0
        self.override_by = ""
        self._clock = clock
        self._renewed_at = utcnow()
        self.claim_renew = q.CLAIM_RENEW  # how often poll() renews the open parcel's claim

    # -- parcel

    @property
    def busy(self) -> bool:
        """A parcel is open and not finished (shipped or stopped)."""
        v = self.verification
        return v is not None and v.stage not in (Stage.SHIPPED, Stage.STOPPED)

    def lines(self) -> list[ExpectedLine]:
        return list(self.verification.lines) if self.verification else []

    def open(self, code: str) -> OpenOutcome:
        """Open the parcel named by a scanned *code* and claim it for this station."""
        self.actor.require(Permission.PACK)
        code = code.strip()
        if self.busy:
            return OpenOutcome(OpenKind.BUSY, code)
        with self.store.write() as s:
            pids = q.find_parcels(s, code)
            if not pids:
                return OpenOutcome(OpenKind.NOT_FOUND, code)
            view = q.parcel_view(s, pids[0])
            assert view is not None
            stopped = next((o.status for o in view.orders if o.status in q.STOPPED_ORDERS),
                           None)
            if view.status == q.SHIPPED:
                return OpenOutcome(OpenKind.SHIPPED, code, view.station, view.status, view)
            if stopped or view.status != "open":
                return OpenOutcome(OpenKind.STOPPED, code, view.station,
                                   stopped or view.status, view)
            now = utcnow()
            got = q.claim(s, view.id, self.name, now)
            if not got.ok:
                return OpenOutcome(OpenKind.TAKEN, code, got.station, got.status, view)
        self._start(view)
        self._renewed_at = now
        return OpenOutcome(OpenKind.OPENED, code, self.name, view.status, self.view,
                           got.taken_from)

    def _start(self, view: ParcelView) -> None:
        qty = expand_bundles([(k, n) for _lid, k, n in view.lines], view.bundles)
        lines = tuple(ExpectedLine(k, view.skus[k].code, view.skus[k].name, n,
                                   view.skus[k].weight_g)
                      for k, n in sorted(qty.items(), key=lambda kv: view.skus[kv[0]].code))
        self.view = view
        self.verification = Verification(view.id, lines, view.bundles, self.options.rule)
        if not self.options.weigh and self.verification.stage is Stage.WEIGHING:
            self.verification.stage = Stage.READY
        self.opened_at = utcnow()
        self.scans = 0
        self.override_by = ""

    # -- scanning

    def scan_local(self, code: str, qty: int = 1) -> ScanOutcome | None:
        """Count *code* if it is one of the open parcel's item codes (memory only); None
        when the database must say what the code is (see :meth:`resolve`)."""
        v, view = self.verification, self.view
        if v is None or view is None:
            return None
        sku = view.barcodes.get(code.strip())
        if sku is None:
            return None
        return self._count(code, sku, qty)

    def _count(self, code: str, sku: int | None, qty: int) -> ScanOutcome:
        assert self.verification is not None
        self.scans += 1
        before = self.verification.errors
        res = self.verification.scan_sku(sku, qty)
        if res is ScanResult.COMPLETE and not self.options.weigh:
            self.verification.stage = Stage.READY
        self.session_errors += self.verification.errors - before
        return ScanOutcome(res, code, sku, qty)

    def resolve(self, code: str) -> Resolution:
        """The database's word on a code: a SKU, or parcels it names. Any thread."""
        with self.store.read() as s:
            sku = q.sku_for_barcode(s, code)
            pids = () if sku is not None else tuple(q.find_parcels(s, code))
        return Resolution(sku, pids)

    def apply(self, code: str, res: Resolution, qty: int = 1) -> ScanOutcome:
        """Count (or refuse) a scan once :meth:`resolve` said what it is."""
        v = self.verification
        assert v is not None
        if v.stage is not Stage.SCANNING:
            return ScanOutcome(ScanResult.NOT_SCANNING, code, res.sku_id, qty)
        if res.sku_id is None and res.parcel_ids:
            if self.view is not None and self.view.id in res.parcel_ids:
                return ScanOutcome(ScanResult.SAME_PARCEL, code)  # its own slip: harmless
            self.scans += 1
            self.session_errors += 1
            return ScanOutcome(v.refuse(ScanResult.OTHER_ORDER), code, None, qty)
        return self._count(code, res.sku_id, qty)

    def scan(self, code: str, qty: int = 1) -> ScanOutcome:
        """Count one scanned item (memory first, the database for unknown codes)."""
        self.actor.require(Permission.PACK)
        if self.verification is None:
            raise DomainError(ErrorCode.REQUIRED, what="an open parcel")
        return self.scan_local(code, qty) or self.apply(code, self.resolve(code), qty)

    # -- weighing

    def weigh(self, grams: int) -> WeightCheck:
        assert self.verification is not None
        if isinstance(grams, bool) or not isinstance(grams, int) or not 0 < grams < 10**7:
            raise DomainError(ErrorCode.INVALID_QUANTITY, value=grams)
        before = self.verification.errors
        check = self.verification.weigh(grams)
        self.session_errors += self.verification.errors - before
        self.override_by = ""
        return check

    def accept_weight(self, supervisor_code: str) -> bool:
        """A supervisor's code accepts a weight outside the tolerance (False: wrong code
        or no code set up)."""
        v = self.verification
        if v is None or v.stage is not Stage.WEIGHT_REJECTED:
            return False
        if not verify_code(supervisor_code, self.options.supervisor_hash):
            self.session_errors += 1
            v.errors += 1
            return False
        v.accept_weight()
        self.override_by = self.actor.username
        return True

    # -- live status

    def poll(self) -> LiveStatus | None:
        """Re-read the open parcel's and its orders' status (stop it if they changed)."""
        view = self.view
        if view is None:
            return None
        now = utcnow()
        if self.busy and now - self._renewed_at >= self.claim_renew:
            # renew the claim's lease; if another station took it over, the status below
            # names that station and stop_if() stops this parcel here
            with self.store.write() as s:
                q.renew_claim(s, view.id, self.name, now)
            self._renewed_at = now
        with self.store.read() as s:
            return q.live_status(s, view.id, [o.id for o in view.orders])

    def stop_if(self, status: LiveStatus | None) -> str | None:
        """Apply a polled status: the reason the parcel stopped, or None."""
        v = self.verification
        if v is None or status is None or v.stage in (Stage.SHIPPED, Stage.STOPPED):
            return None
        why = status.stopped
        if why is None and status.station not in (None, self.name):
            why = f"station:{status.station}"
        if why:
            v.stop()
        return why

    # -- printing

    def print_waybill(self, *, connect_timeout: float = 2.0) -> PrintOutcome:
        """Print the parcel's waybill on the station's printer unless it printed already;
        a printer that is off leaves the job queued (retried by this call or the queue)."""
        self.actor.require(Permission.PACK)
        view = self.view
        if view is None:
            raise DomainError(ErrorCode.REQUIRED, what="an open parcel")
        with self.store.read() as s:
            jobs = q.waybill_jobs(s, view.id)
        done = [j for j, st in jobs if st in ("sent", "confirmed", "sending")]
        if done:
            return PrintOutcome(True, tuple(done), already=True)
        queued = [j for j, st in jobs if st == "queued"]
        if not queued:
            if self.printer is None:
                return PrintOutcome(False, message="no printer is set up for this station")
            if not view.waybill_number:
                failed = self._number_waybill()
                if failed is not None:
                    return failed
            batch = printing.enqueue_waybills(self.store, self.actor, self.printer,
                                              parcel_ids=[view.id], require_waybill=True)
            queued = batch.job_ids
        res = printing.run_jobs(self.store, queued, connect_timeout=connect_timeout)
        if res.sent and not res.queued and not res.failed:
            return PrintOutcome(True, tuple(res.sent))
        why = "; ".join(str(e) for e in res.errors) or "not printed"
        first = next((e for e in res.errors if isinstance(e, DomainError)), None)
        return PrintOutcome(False, tuple(queued), message=why, error=first)

    def _number_waybill(self) -> PrintOutcome | None:
        """Get the parcel its waybill number (电子面单) from its courier's range or
        service, idempotent per parcel; a refusal says why (None: it has one now)."""
        from ecerp_desktop.services import waybills

        view = self.view
        assert view is not None
        try:
            res = waybills.assign_waybills(self.store, self.actor, [view.id])
        except DomainError as exc:
            return PrintOutcome(False, message=str(exc), error=exc)
        number = res.assigned.get(view.id)
        if number is None:
            with self.store.read() as s:
                fresh = q.parcel_view(s, view.id)
            number = fresh.waybill_number if fresh is not None else ""
        if not number:
            why = res.failed.get(view.id) or res.skipped.get(view.id) or "no waybill number"
            return PrintOutcome(False, message=f"no waybill number: {why}")
        self.view = replace(view, waybill_number=number)
        return None

    # -- shipping

    def ship(self) -> ShipOutcome:
        """Ship the verified, weighed parcel (one transaction; see store/packing.py)."""
        self.actor.require(Permission.PACK)
        v, view = self.verification, self.view
        if v is None or view is None:
            raise DomainError(ErrorCode.REQUIRED, what="an open parcel")
        if v.stage is not Stage.READY:
            return ShipOutcome(False, message=f"the parcel is {v.stage.value}")
        weight = v.weight.measured_g if v.weight else None
        req = q.ShipRequest(view.id, self.name, weight, self.opened_at, self.scans, v.errors,
                            self.actor.user_id, self.actor.username, self.override_by)
        try:
            with self.store.write() as s:
                res = q.ship(s, req, utcnow())
        except DomainError as exc:
            status = self.poll()
            why = status.stopped if status else None
            if why and why != q.SHIPPED:
                v.stop()
                return ShipOutcome(False, message=str(exc), stopped=why, error=exc)
            return ShipOutcome(False, message=str(exc), error=exc)
        v.shipped()
        return ShipOutcome(True, res.orders_shipped)

    def finish(self) -> tuple[PrintOutcome | None, ShipOutcome]:
        """What the station does once a parcel is READY: print its waybill (when a printer
        is set up), then ship. A print that did not go out stops before shipping."""
        printed = self.print_waybill() if self.printer is not None else None
        if printed is not None and not printed.ok:
            return printed, ShipOutcome(False, message=printed.message, error=printed.error)
        return printed, self.ship()

    def handle(self, code: str, qty: int = 1) -> OpenOutcome | ScanOutcome:
        """One scan as the station takes it: an item of the open parcel, else the next
        parcel (a finished or stopped parcel is closed first)."""
        if self.busy:
            return self.scan(code, qty)
        if self.view is not None:
            self.view, self.verification = None, None
        return self.open(code)

    def abandon(self) -> None:
        """Put the open parcel back (unclaimed) without shipping it. A waybill job still
        queued (the printer was off) is cancelled: it never printed, and must not print
        later for a parcel nobody is packing."""
        view = self.view
        if view is not None and self.busy:
            with self.store.write() as s:
                q.release_claim(s, view.id, self.name)
                queued = [j for j, st in q.waybill_jobs(s, view.id) if st == "queued"]
            if queued and self.actor.can(Permission.PRINT):
                printing.cancel(self.store, self.actor, queued)
        self.view = None
        self.verification = None

    def force_release(self, code: str) -> OpenOutcome:
        """Free a parcel a crashed station still holds (a supervisor's step: needs
        SETTINGS). Returns what was found; ``station`` names who had it."""
        self.actor.require(Permission.SETTINGS)
        with self.store.write() as s:
            pids = q.find_parcels(s, code)
            if not pids:
                return OpenOutcome(OpenKind.NOT_FOUND, code)
            view = q.parcel_view(s, pids[0])
            assert view is not None
            q.release_claim(s, view.id, None)
            audit.append(s, at=utcnow(), user_id=self.actor.user_id,
                         username=self.actor.username, action="packing.release",
                         entity="parcel", entity_id=str(view.id),
                         detail={"station": view.station or ""})
        return OpenOutcome(OpenKind.OPENED, code, view.station, view.status, view)

    def counters(self) -> StationCounts:
        """This station's last hour: parcels shipped, average seconds each, errors."""
        with self.store.read() as s:
            return q.station_counts(s, self.name, utcnow() - timedelta(hours=1))


def describe_stage(v: Verification | None) -> dict[str, Any]:
    """A plain summary for logs and the simulator's output."""
    if v is None:
        return {"stage": "idle"}
    return {"stage": v.stage.value, "parcel": v.parcel_id, "counted": v.units_counted,
            "total": v.units_total, "errors": v.errors,
            "weight_g": v.weight.measured_g if v.weight else None}
