"""Stocktake use cases (盘点): create a count, scan on any station, review, post.

Each function is one transaction and checks the actor's permission (STOCK_EDIT to create,
count, reset, assign, review, export, post and cancel; STOCK_VIEW to look). Creating,
resetting, assigning, exporting, posting and cancelling are audited; single scans are not
(each is its own entry row with station, user and time, which is the finer record).

Blind counts: the functions counters use while counting (:func:`scan`, :func:`counted`)
never return book quantities of a blind count; the review (:func:`variances`) shows them to
whoever reviews and posts.

Posting (:func:`post`) is ONE transaction: the status flips open → posted with a conditional
UPDATE (a second post is refused with COUNT_NOT_OPEN), the balances of the scope are locked,
every delta (counted − book at first count) is applied to the CURRENT on hand as COUNT moves
(doc_type ``stocktake``, doc_id = the count's number), the results are kept per SKU and the
audit row is written. Any SKU that would end below its reserved quantity refuses the whole
posting, naming them all (COUNT_BELOW_RESERVED).

Threads: any thread; each call opens its own session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ecerp_desktop.domain import stocktake as dst
from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.stocktake import (
    EntryFlag,
    Scope,
    Status,
    Totals,
    Uncounted,
    VarianceLine,
)
from ecerp_desktop.domain.text import safe_cell, storable
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services.transfers import warehouse_by_key
from ecerp_desktop.store import Store, audit
from ecerp_desktop.store import stock as st
from ecerp_desktop.store import stocktake as sk
from ecerp_desktop.store.stocktake import (
    CountedLine,
    CountRecord,
    EntryRecord,
    FlaggedLine,
    ScanTarget,
)

__all__ = [
    "CountRecord",
    "CountedLine",
    "EntryRecord",
    "FlaggedLine",
    "PostResult",
    "ScanResult",
    "Uncounted",
    "VarianceReport",
    "assign",
    "cancel",
    "counted",
    "create",
    "entries",
    "export_variances_csv",
    "flagged",
    "get",
    "list_counts",
    "post",
    "reset",
    "scan",
    "scan_many",
    "variances",
]


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a counter sees after one scan: green (counted) or red (flagged, kept)."""

    code: str  # as scanned
    qty: int
    flag: EntryFlag
    sku_code: str = ""
    sku_name: str = ""
    counted: int = 0  # this SKU's total over every station, after this scan

    @property
    def ok(self) -> bool:
        return self.flag is EntryFlag.NONE


@dataclass(frozen=True, slots=True)
class VarianceReport:
    count: CountRecord
    lines: tuple[VarianceLine, ...]
    totals: Totals
    uncounted: Uncounted

    def below_reserved(self) -> list[VarianceLine]:
        return [ln for ln in self.lines if ln.below_reserved(self.uncounted)]


@dataclass(frozen=True, slots=True)
class PostResult:
    number: str
    moves: int
    units_over: int
    units_short: int
    value: Decimal


def _count(s: Any, number: str) -> CountRecord:
    number = storable(number.strip())
    found = sk.by_number(s, number)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="count", key=number)
    return found


def _open(count: CountRecord) -> None:
    if count.status is not Status.OPEN:
        raise DomainError(ErrorCode.COUNT_NOT_OPEN, number=count.number,
                          status=count.status.value)


def create(store: Store, actor: Actor, warehouse: str, *, skus: Sequence[str] = (),
           location: str = "", blind: bool = False, freeze: bool = False,
           note: str = "") -> CountRecord:
    """Open a count of *warehouse*: all its SKUs (no *skus*, no *location*), a list of SKUs
    (codes or barcodes), or one location (its SKUs join as they are scanned there).

    The book each difference is taken against is the on hand when a SKU is first counted;
    with *freeze*, the on hand of every SKU in scope now (a count of a warehouse that stops
    moving stock while it counts)."""
    actor.require(Permission.STOCK_EDIT)
    if skus and location:
        raise DomainError(ErrorCode.REQUIRED, what="a list of SKUs or a location, not both")
    now = utcnow()
    with store.write() as s:
        wh = warehouse_by_key(s, warehouse)
        loc_id = None
        sku_ids: list[int] = []
        if location:
            code = storable(location.strip())
            loc_id = sk.location_id(s, wh.id, code)
            if loc_id is None:
                raise DomainError(ErrorCode.NOT_FOUND, what="location", key=code)
            scope = Scope.LOCATION
        elif skus:
            scope = Scope.SKUS
            for raw in skus:
                code = storable(raw.strip())
                ref = sk.resolve(s, code)
                if ref is None:
                    raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=code)
                sku_ids.append(ref.id)
        else:
            scope = Scope.ALL
        note = storable(note.strip())
        cid = sk.create(s, warehouse_id=wh.id, scope=scope, now=now, sku_ids=sku_ids,
                        location_id=loc_id, blind=blind, frozen=freeze, note=note,
                        user_id=actor.user_id, username=actor.username)
        record = sk.by_id(s, cid)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="stocktake.create", entity="stocktake", entity_id=record.number,
                     detail={"warehouse": wh.code, "scope": scope.value, "blind": blind,
                             "frozen": freeze,
                             "location": location, "skus": record.skus_in_scope})
        return record


def get(store: Store, actor: Actor, number: str) -> CountRecord:
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        return _count(s, number)


def list_counts(store: Store, actor: Actor, *, status: Status | None = None,
                limit: int = 200) -> list[CountRecord]:
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        return sk.counts(s, status=status, limit=limit)


def _scan_batch(s: Any, count: ScanTarget, items: Sequence[tuple[str, int]], *,
                station: str, zone: str, actor: Actor, now: Any) -> list[ScanResult]:
    """Resolve, scope-check and append *items*; the book of each SKU counted for the first
    time is taken (and an ALL/LOCATION scope extended) in SKU order, like every stock
    writer, so two stations' batches can never deadlock on PostgreSQL. A result's
    ``counted`` is the SKU's total after the batch."""
    found = sk.resolve_many(s, [code for code, _q in items])
    refs = {code: found.get(code) for code, _q in items}
    ids = {ref.id for ref in refs.values() if ref is not None}
    scoped = sk.in_scope_many(s, count.id, list(ids)) if count.scope is Scope.SKUS else ids
    in_scope = {k: k in scoped for k in ids}
    counted_ids = sorted(scoped)
    if count.scope is not Scope.SKUS:
        sk.join_scope_many(s, count.id, counted_ids)
    sk.take_books(s, count.id, count.warehouse_id, counted_ids, now)
    flags: list[EntryFlag] = []
    for code, _q in items:
        ref = refs[code]
        flags.append(EntryFlag.UNKNOWN if ref is None else
                     EntryFlag.NONE if in_scope[ref.id] else EntryFlag.OUT_OF_SCOPE)
    sk.add_entries(s, count.id, [
        {"sku_id": ref.id if (ref := refs[code]) else None, "barcode": code, "qty": qty,
         "flag": flag.value, "station": station, "zone": zone, "user_id": actor.user_id,
         "username": actor.username[:64], "at": now}
        for (code, qty), flag in zip(items, flags, strict=True)])
    totals = sk.counted_totals(s, count.id, counted_ids)
    out = []
    for (code, qty), flag in zip(items, flags, strict=True):
        ref = refs[code]
        out.append(ScanResult(code, qty, flag, ref.code if ref else "",
                              ref.name if ref else "",
                              totals.get(ref.id, 0) if ref and flag is EntryFlag.NONE else 0))
    return out


def _clean_code(code: str) -> str:
    code = storable(code.strip())[:64]
    if not code:
        raise DomainError(ErrorCode.REQUIRED, what="barcode")
    return code


def _begin_scan(s: Any, number: str, *, exclusive: bool = False) -> ScanTarget:
    number = storable(number.strip())
    count = sk.for_scan(s, number, exclusive=exclusive)
    if count is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="count", key=number)
    if count.status is not Status.OPEN:
        raise DomainError(ErrorCode.COUNT_NOT_OPEN, number=count.number,
                          status=count.status.value)
    return count


def _light(s: Any, number: str) -> CountRecord:
    """The count without its scope totals (the scan path must not count 100k rows)."""
    found = sk.by_number(s, number, totals=False)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="count", key=number)
    return found


def scan(store: Store, actor: Actor, number: str, code: str, *, qty: int | str = 1,
         station: str = "", zone: str = "") -> ScanResult:
    """One scan (or a typed quantity) of *code* at *station*: an entry is added (never a
    total rewritten), so stations counting in parallel never lose each other's counts.
    An unknown barcode or a SKU outside the scope is kept as a flagged entry (red)."""
    actor.require(Permission.STOCK_EDIT)
    qty = dst.parse_quantity(qty)
    code = _clean_code(code)
    station, zone = storable(station.strip())[:64], storable(zone.strip())[:32]
    now = utcnow()
    with store.write() as s:
        count = _begin_scan(s, number)
        return _scan_batch(s, count, [(code, qty)], station=station, zone=zone,
                           actor=actor, now=now)[0]


def scan_many(store: Store, actor: Actor, number: str, scans: Sequence[tuple[str, int]], *,
              station: str = "", zone: str = "") -> list[ScanResult]:
    """A batch of scans (a handheld's file) in one transaction: all kept or none."""
    actor.require(Permission.STOCK_EDIT)
    items = [(_clean_code(c), dst.parse_quantity(q)) for c, q in scans]
    station, zone = storable(station.strip())[:64], storable(zone.strip())[:32]
    now = utcnow()
    with store.write() as s:
        count = _begin_scan(s, number)
        return _scan_batch(s, count, items, station=station, zone=zone, actor=actor,
                           now=now)


def assign(store: Store, actor: Actor, number: str, barcode: str, sku: str = "") -> ScanResult:
    """Count scans that were kept aside: an unknown *barcode* as the SKU *sku* names (code
    or barcode), or a SKU that was out of scope (its scans are taken in and the SKU joins
    the count's list). The SKU's book, if it had none yet, is taken now. Audited."""
    actor.require(Permission.STOCK_EDIT)
    barcode = _clean_code(barcode)
    now = utcnow()
    with store.write() as s:
        count = _begin_scan(s, number, exclusive=True)
        found, sku_id = sk.flagged_sku(s, count.id, barcode)
        if not found:
            raise DomainError(ErrorCode.NOT_FOUND, what="flagged scan", key=barcode)
        if sku.strip():
            code = _clean_code(sku)
            ref = sk.resolve(s, code)
            if ref is None:
                raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=code)
        elif sku_id is not None:
            ref = sk.sku_ref(s, sku_id)
        else:
            raise DomainError(ErrorCode.REQUIRED, what="SKU")
        sk.join_scope(s, count.id, ref.id)
        sk.take_book(s, count.id, count.warehouse_id, ref.id, now)
        units = sk.assign_flagged(s, count.id, barcode, ref.id)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="stocktake.assign", entity="stocktake", entity_id=count.number,
                     detail={"barcode": barcode, "sku": ref.code, "units": units})
        total = sk.counted_totals(s, count.id, [ref.id]).get(ref.id, 0)
        return ScanResult(barcode, units, EntryFlag.NONE, ref.code, ref.name, total)


def reset(store: Store, actor: Actor, number: str, sku: str, *,
          station: str | None = None) -> int:
    """Recount a SKU: void its entries (of *station*, or of every station) so the next scans
    count it afresh. Returns the units voided."""
    actor.require(Permission.STOCK_EDIT)
    now = utcnow()
    with store.write() as s:
        count = _begin_scan(s, number, exclusive=True)
        code = _clean_code(sku)
        ref = sk.resolve(s, code)
        if ref is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=code)
        station = None if station is None else storable(station.strip())[:64]
        voided = sk.reset_sku(s, count.id, ref.id, now, station, keep_book=count.frozen)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="stocktake.reset", entity="stocktake", entity_id=count.number,
                     detail={"sku": ref.code, "station": station, "units": voided})
        return voided


def counted(store: Store, actor: Actor, number: str, *, limit: int | None = None
            ) -> list[CountedLine]:
    """The counted SKUs (most recent first) with their totals over all stations; the book
    quantity only when the count is not blind."""
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        count = _light(s, number.strip())
        return sk.counted(s, count.id, with_book=not count.blind, limit=limit)


def flagged(store: Store, actor: Actor, number: str) -> list[FlaggedLine]:
    """Unknown barcodes and out-of-scope SKUs that were scanned (kept, not counted)."""
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        return sk.flagged(s, _light(s, number.strip()).id)


def entries(store: Store, actor: Actor, number: str, *, sku: str | None = None,
            limit: int = 500) -> list[EntryRecord]:
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        count = _light(s, number.strip())
        sku_id = None
        if sku:
            ref = sk.resolve(s, storable(sku.strip()))
            if ref is None:
                raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=sku)
            sku_id = ref.id
        return sk.entries(s, count.id, sku_id=sku_id, limit=limit)


def variances(store: Store, actor: Actor, number: str, *, only_differences: bool = False,
              uncounted: Uncounted = Uncounted.ZERO) -> VarianceReport:
    """Book vs counted for every SKU in scope, with the value of each difference at cost;
    uncounted SKUs are shown (as counted zero, or unchanged when excluded)."""
    actor.require(Permission.STOCK_EDIT)
    with store.read() as s:
        count = _count(s, number)
        lines = sk.variance_lines(s, count.id, count.warehouse_id)
    total = dst.totals(lines, uncounted)
    if only_differences:
        lines = [ln for ln in lines if ln.delta(uncounted)]
    return VarianceReport(count, tuple(lines), total, uncounted)


EXPORT_COLUMNS = ("sku", "name", "book", "counted", "on_hand", "reserved", "difference",
                  "value", "below_reserved")


def export_variances_csv(store: Store, actor: Actor, number: str, path: str, *,
                         only_differences: bool = True,
                         uncounted: Uncounted = Uncounted.ZERO) -> int:
    """Write the review to *path* (UTF-8 with BOM, for Excel); text cells are neutralized
    against formulas, numbers stay numbers; the export is audited. Returns the rows."""
    import csv

    report = variances(store, actor, number, only_differences=only_differences,
                       uncounted=uncounted)
    u = report.uncounted
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(EXPORT_COLUMNS)
        for ln in report.lines:
            out.writerow([safe_cell(ln.code), safe_cell(ln.name),
                          "" if ln.book is None else ln.book,
                          "" if ln.counted is None else ln.counted, ln.on_hand, ln.reserved,
                          ln.delta(u), ln.value(u), "yes" if ln.below_reserved(u) else ""])
    with store.write() as s:
        audit.append(s, at=utcnow(), user_id=actor.user_id, username=actor.username,
                     action="stocktake.export", entity="stocktake",
                     entity_id=report.count.number,
                     detail={"rows": len(report.lines), "uncounted": u.value})
    return len(report.lines)


def post(store: Store, actor: Actor, number: str, *,
         uncounted: Uncounted = Uncounted.ZERO) -> PostResult:
    """Post the count's differences in one transaction. See the module docstring."""
    actor.require(Permission.STOCK_EDIT)
    uncounted = Uncounted(uncounted)
    now = utcnow()
    with store.write() as s:
        count = _count(s, number)
        if not sk.set_status(s, count.id, from_=Status.OPEN, to=Status.POSTED, now=now,
                             user_id=actor.user_id, uncounted=uncounted):
            again = _count(s, number)
            raise DomainError(ErrorCode.COUNT_NOT_OPEN, number=again.number,
                              status=again.status.value)
        lines = sk.variance_lines(s, count.id, count.warehouse_id, lock=True)
        plan = dst.posting_plan(lines, uncounted)
        moves = [st.Move(count.warehouse_id, k, MoveKind.COUNT, dst.DOC_TYPE, count.number,
                         d_on_hand=d, user_id=actor.user_id) for k, d in plan]
        st.post_moves(s, moves, now)
        deltas = dict(plan)
        sk.write_results(s, count.id, [(ln.sku_id, ln.counted, deltas.get(ln.sku_id, 0))
                                       for ln in lines])
        total = dst.totals(lines, uncounted)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="stocktake.post", entity="stocktake", entity_id=count.number,
                     detail={"warehouse": count.warehouse_id, "moves": len(moves),
                             "uncounted": uncounted.value, "units_over": total.units_over,
                             "units_short": total.units_short, "value": str(total.value)})
        return PostResult(count.number, len(moves), total.units_over, total.units_short,
                          total.value)


def cancel(store: Store, actor: Actor, number: str) -> CountRecord:
    """Abandon an open count: nothing is posted; its entries are kept for the record."""
    actor.require(Permission.STOCK_EDIT)
    now = utcnow()
    with store.write() as s:
        count = _count(s, number)
        if not sk.set_status(s, count.id, from_=Status.OPEN, to=Status.CANCELLED, now=now):
            _open(_count(s, number))
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="stocktake.cancel", entity="stocktake", entity_id=count.number,
                     detail={})
        return _count(s, number)
