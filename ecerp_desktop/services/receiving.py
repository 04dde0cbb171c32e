"""Receiving against a purchase order by scanning (验货入库), as use cases.

A receiving session belongs to one PO and one warehouse (normally the PO's). Every scan is a
short write transaction that stores the scan with its verdict (domain/purchasing.judge_scan):
counted within what the PO still expects, or flagged — over, unknown code, not on the PO, a
bundle. Flagged units never reach stock on their own.

Posting is one transaction: the session goes open → posted by a conditional UPDATE (a second
post is refused, so stock is never doubled), the PO row is locked by a conditional UPDATE on
its status (receipts, closing and cancelling of one PO are serialised across stations), the
scans are judged again against the lines as they are now, each line takes its units by a
conditional UPDATE that cannot pass what was ordered, and RECEIPT moves (on hand +, in
transit −) are posted with an audit row. When another station received some of the same
lines meanwhile, the post does not happen: the scans are re-split (more of them over) and
the outcome says so, so a person looks at the new flags before anything is stocked.

Over-received units are stocked only when the poster accepts them (``accept_over``): they
are posted as a receipt without an in-transit decrement and kept in the line's ``qty_over``.

Threads: any worker thread, one call at a time per session.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.purchasing import (
    ExpectedLine,
    POAction,
    POStatus,
    ReportLine,
    ScanKind,
    check_action,
    judge_scan,
    rejudge,
    status_after_receipt,
)
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import format_local, utcnow
from ecerp_desktop.services.purchasing import (
    DOC_TYPE,
    Cell,
    Sheet,
    clean,
    find_sku,
    require_po,
    require_warehouse,
    write_sheets,
)
from ecerp_desktop.store import Store, audit
from ecerp_desktop.store import purchasing as q
from ecerp_desktop.store import stock as st
from ecerp_desktop.store.purchasing import PORecord, ScanRecord, SessionRecord

SESSION_PREFIX = "RC"
MAX_QTY = 99_999


@dataclass(frozen=True, slots=True)
class Flag:
    """A scan that was not (wholly) counted: shown red, listed in the report."""

    at: Any
    code: str
    kind: ScanKind
    qty: int
    over: int
    sku_code: str = ""


@dataclass(frozen=True, slots=True)
class ReceivingReport:
    """The session against its PO: per line ordered / previously / now / remaining / over,
    and every flagged scan."""

    session: SessionRecord
    po_number: str
    po_status: POStatus
    supplier_name: str
    warehouse_name: str
    lines: tuple[ReportLine, ...]
    flags: tuple[Flag, ...]
    scans: int
    remark: str = ""  # the PO's

    @property
    def posted(self) -> bool:
        return self.session.status == "posted"

    @property
    def is_open(self) -> bool:
        return self.session.status == "open"

    @property
    def units_now(self) -> int:
        return sum(ln.now for ln in self.lines)

    @property
    def units_over(self) -> int:
        return sum(ln.over for ln in self.lines)

    @property
    def units_remaining(self) -> int:
        return sum(ln.remaining for ln in self.lines)

    def line(self, sku_id: int) -> ReportLine | None:
        return next((ln for ln in self.lines if ln.sku_id == sku_id), None)


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    kind: ScanKind
    code: str
    qty: int
    counted: int
    over: int
    sku_code: str = ""
    sku_name: str = ""
    line: ReportLine | None = None  # the line after this scan

    @property
    def is_flag(self) -> bool:
        return self.kind.is_flag


@dataclass(frozen=True, slots=True)
class PostOutcome:
    """``posted`` False: another station received part of the PO meanwhile; ``rejudged``
    scans were re-split and nothing was stocked (look at the report, then post again)."""

    posted: bool
    report: ReceivingReport
    rejudged: int = 0
    received: int = 0
    over_accepted: int = 0
    over_rejected: int = 0


# --- sessions --------------------------------------------------------------------------------

def _require_session(s: Any, session_id: int) -> SessionRecord:
    found = q.get_session(s, session_id=session_id)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="receiving session", key=str(session_id))
    return found


def _require_open(s: Any, session: SessionRecord) -> None:
    if session.status != "open":
        raise DomainError(ErrorCode.RECEIPT_ALREADY_POSTED, number=session.number,
                          status=session.status)


def open_session(store: Store, actor: Actor, po_number: str, *, warehouse: str | None = None,
                 station: str = "", resume: bool = True) -> ReceivingReport:
    """Start receiving against a placed or partly received PO (at its warehouse unless
    another is named). With *resume*, this station's open session of the PO is reused."""
    actor.require(Permission.STOCK_EDIT)
    station = clean(station, 64)
    now = utcnow()
    with store.write() as s:
        po = require_po(s, po_number, with_lines=False)
        check_action(po.number, po.status, POAction.RECEIVE)
        wh_id = require_warehouse(s, warehouse).id if warehouse else po.warehouse_id
        if resume:
            for old in q.sessions_of(s, po.id, status="open"):
                if old.station == station and old.warehouse_id == wh_id \
                        and old.opened_by == actor.user_id:
                    return _report(s, old, po)
        number = q.next_number(s, SESSION_PREFIX, now.date())
        sid = q.open_session(s, number=number, po_id=po.id, warehouse_id=wh_id,
                             station=station, user_id=actor.user_id, now=now)
        return _report(s, _require_session(s, sid), po)


def open_sessions(store: Store, actor: Actor, po_number: str) -> list[SessionRecord]:
    """Sessions of a PO still open (at any station)."""
    actor.require(Permission.STOCK_EDIT)
    with store.read() as s:
        po = require_po(s, po_number, with_lines=False)
        return q.sessions_of(s, po.id, status="open")


def scan(store: Store, actor: Actor, session_id: int, code: str, qty: int = 1
         ) -> ScanOutcome:
    """Judge and record one scan (a barcode or SKU code; *qty* units, 1 for a plain scan)."""
    actor.require(Permission.STOCK_EDIT)
    code = clean(code, 64)
    if not code:
        raise DomainError(ErrorCode.REQUIRED, what="code")
    if isinstance(qty, bool) or not isinstance(qty, int) or not 0 < qty <= MAX_QTY:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=qty)
    now = utcnow()
    with store.write() as s:
        session = _require_session(s, session_id)
        _require_open(s, session)
        sku = find_sku(s, code)
        line = None
        counted_before = over_before = 0
        if sku is not None:
            found = q.line_for(s, session.po_id, sku.id)
            if found is not None:
                line_id, ordered, received = found
                line = ExpectedLine(line_id, sku.id, sku.code, sku.name, ordered, received)
                counted_before, over_before = q.counted_on(s, session.id, sku.id)
        d = judge_scan(line, sku_found=sku is not None,
                       is_bundle=bool(sku is not None and sku.is_bundle), qty=qty,
                       counted_so_far=counted_before)
        q.add_scan(s, session.id, code=code, sku_id=None if sku is None else sku.id, qty=qty,
                   counted=d.counted, over=d.over, result=d.kind, now=now)
        after = None
        if line is not None:
            after = ReportLine(line.line_id, line.sku_id, line.code, line.name, line.ordered,
                               line.received, counted_before + d.counted,
                               over_before + d.over)
        return ScanOutcome(d.kind, code, qty, d.counted, d.over,
                           "" if sku is None else sku.code, "" if sku is None else sku.name,
                           after)


def undo_last(store: Store, actor: Actor, session_id: int) -> ScanRecord | None:
    """Take back the last scan of an open session (a mis-scan)."""
    actor.require(Permission.STOCK_EDIT)
    with store.write() as s:
        session = _require_session(s, session_id)
        _require_open(s, session)
        gone = q.delete_last_scan(s, session.id)
        if gone is not None:
            audit.append(s, at=utcnow(), user_id=actor.user_id, username=actor.username,
                         action="receiving.undo_scan", entity="receiving_session",
                         entity_id=session.number,
                         detail={"code": gone.code, "qty": gone.qty,
                                 "result": gone.result.value})
        return gone


def cancel_session(store: Store, actor: Actor, session_id: int) -> None:
    """Give up an open session: nothing is stocked, its scans are kept for the record."""
    actor.require(Permission.STOCK_EDIT)
    now = utcnow()
    with store.write() as s:
        session = _require_session(s, session_id)
        if not q.close_session(s, session.id, "cancelled", user_id=actor.user_id, now=now):
            fresh = _require_session(s, session_id)
            _require_open(s, fresh)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="receiving.cancel", entity="receiving_session",
                     entity_id=session.number, detail={})


# --- report ----------------------------------------------------------------------------------

def _report(s: Any, session: SessionRecord, po: PORecord | None = None) -> ReceivingReport:
    if po is None or not po.lines:
        po = q.get_po(s, po_id=session.po_id)
        assert po is not None
    totals = q.session_totals(s, session.id)
    earlier = (q.received_by_earlier_sessions(s, po.id, session)
               if session.status == "posted" else None)
    lines = []
    for ln in po.lines:
        now, over = totals.get(ln.sku_id, (0, 0))
        previously = ln.qty_received if earlier is None else earlier.get(ln.sku_id, 0)
        lines.append(ReportLine(ln.id, ln.sku_id, ln.code, ln.name, ln.qty_ordered,
                                previously, now, over))
    all_scans = q.scans(s, session.id)
    codes = {ln.sku_id: ln.code for ln in po.lines}
    flags = tuple(Flag(sc.at, sc.code, sc.result, sc.qty, sc.over,
                       codes.get(sc.sku_id, "") if sc.sku_id is not None else "")
                  for sc in all_scans if sc.result.is_flag)
    wh_name = po.warehouse_name
    if session.warehouse_id != po.warehouse_id:
        from ecerp_desktop.store import catalog as cat

        wh_name = next((w.name for w in cat.warehouses(s) if w.id == session.warehouse_id),
                       str(session.warehouse_id))
    return ReceivingReport(session, po.number, po.status, po.supplier_name, wh_name,
                           tuple(lines), flags, len(all_scans), po.remark)


def report(store: Store, actor: Actor, session_id: int) -> ReceivingReport:
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        return _report(s, _require_session(s, session_id))


def report_by_number(store: Store, actor: Actor, number: str) -> ReceivingReport:
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        found = q.get_session(s, number=clean(number, 32))
        if found is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="receiving session", key=number)
        return _report(s, found)


# --- posting ---------------------------------------------------------------------------------

def post(store: Store, actor: Actor, session_id: int, *, accept_over: bool = False
         ) -> PostOutcome:
    """Stock what the session counted (and, with *accept_over*, what it scanned beyond the
    order), once. See the module docstring for the guards."""
    actor.require(Permission.STOCK_EDIT)
    now = utcnow()
    with store.write() as s:
        session = _require_session(s, session_id)
        _require_open(s, session)
        po = q.get_po(s, po_id=session.po_id, with_lines=False)
        assert po is not None
        if not q.lock_receivable(s, po.id, now):
            fresh = require_po(s, po.number, with_lines=False)
            check_action(fresh.number, fresh.status, POAction.RECEIVE)
        # read again after the lock: a post that committed meanwhile is visible now
        session = _require_session(s, session_id)
        _require_open(s, session)
        q.lock_lines(s, po.id)
        lines = q.lines_of(s, po.id)
        by_sku = {ln.sku_id: ln for ln in lines}
        facts = q.scan_facts(s, session.id, {ln.sku_id: ln.id for ln in lines})
        changed = rejudge(facts, {ln.id: ln.open_qty for ln in lines})
        if changed:
            q.resplit_scans(s, changed)
            return PostOutcome(False, _report(s, session), rejudged=len(changed))
        totals = q.session_totals(s, session.id)
        if not any(c or o for c, o in totals.values()):
            raise DomainError(ErrorCode.REQUIRED, what="scanned units")
        if not q.close_session(s, session.id, "posted", user_id=actor.user_id, now=now,
                               over_accepted=accept_over):
            raise DomainError(ErrorCode.RECEIPT_ALREADY_POSTED, number=session.number,
                              status="posted")
        takes = [(by_sku[k].id, c) for k, (c, _o) in sorted(totals.items()) if k in by_sku]
        refused = q.add_received_many(s, takes)  # under the PO lock: a last guard
        if refused is not None:
            code = next(ln.code for ln in lines if ln.id == refused)
            raise DomainError(ErrorCode.RECEIPT_CONFLICT, sku=code, number=po.number)
        moves: list[st.Move] = []
        received = accepted = rejected = 0
        detail_lines: dict[str, list[int]] = {}
        for sku_id, (counted, over) in sorted(totals.items()):
            ln = by_sku.get(sku_id)
            if ln is None:
                continue
            take_over = over if accept_over else 0
            if take_over:
                q.add_over(s, ln.id, take_over)
            received += counted
            accepted += take_over
            rejected += over - take_over
            detail_lines[ln.code] = [counted, take_over, over - take_over]
            stocked = counted + take_over
            same_wh = session.warehouse_id == po.warehouse_id
            if stocked:
                moves.append(st.Move(session.warehouse_id, sku_id, MoveKind.RECEIPT, DOC_TYPE,
                                     po.number, d_on_hand=stocked,
                                     d_in_transit=-counted if same_wh else 0,
                                     user_id=actor.user_id, note=session.number))
            if counted and not same_wh:
                moves.append(st.Move(po.warehouse_id, sku_id, MoveKind.IN_TRANSIT, DOC_TYPE,
                                     po.number, d_in_transit=-counted,
                                     user_id=actor.user_id, note=session.number))
        st.post_moves(s, moves, now)
        after = q.lines_of(s, po.id)
        if received:
            new_status = status_after_receipt((ln.qty_ordered, ln.qty_received)
                                              for ln in after)
            q.set_status(s, po.id, [POStatus.PLACED, POStatus.PARTIAL], new_status, now,
                         finished=new_status is POStatus.RECEIVED)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="purchase.receive", entity="purchase_order", entity_id=po.number,
                     detail={"session": session.number, "received": received,
                             "over_accepted": accepted, "over_rejected": rejected,
                             "lines": detail_lines})
        return PostOutcome(True, _report(s, _require_session(s, session.id)), 0, received,
                           accepted, rejected)


# --- one call for a file of scans (the CLI) --------------------------------------------------

def receive_codes(store: Store, actor: Actor, po_number: str, codes: Sequence[str], *,
                  post_it: bool = False, accept_over: bool = False, station: str = "cli",
                  warehouse: str | None = None) -> tuple[ReceivingReport, PostOutcome | None]:
    """Open a session, scan every code (blank lines skipped; ``CODE*N`` or ``CODE<TAB>N``
    counts N), and post it when asked."""
    rep = open_session(store, actor, po_number, warehouse=warehouse, station=station,
                       resume=False)
    sid = rep.session.id
    for raw in codes:
        text = raw.strip()
        if not text:
            continue
        code, qty = text, 1
        for sep in ("\t", "*"):
            head, found, tail = text.rpartition(sep)
            if found and head.strip() and tail.strip().isdigit():
                code, qty = head.strip(), int(tail.strip())
                break
        scan(store, actor, sid, code, qty)
    outcome = post(store, actor, sid, accept_over=accept_over) if post_it else None
    return (outcome.report if outcome is not None else report(store, actor, sid)), outcome


# --- output ----------------------------------------------------------------------------------

REPORT_COLUMNS = ("code", "name", "ordered", "previously_received", "received_now",
                  "remaining", "over")
FLAG_COLUMNS = ("time", "code", "problem", "qty", "over", "sku")


def report_rows(rep: ReceivingReport) -> tuple[list[list[str]], list[list[str]]]:
    """The report as text cells: the lines, then the flagged scans."""
    lines = [[ln.code, ln.name, str(ln.ordered), str(ln.previously), str(ln.now),
              str(ln.remaining), str(ln.over)] for ln in rep.lines]
    flags = [[format_local(f.at), f.code, f.kind.value, str(f.qty), str(f.over), f.sku_code]
             for f in rep.flags]
    return lines, flags


def report_text(rep: ReceivingReport, tr: Callable[[str], str] = lambda t: t) -> str:
    """A printable plain-text report (fixed columns). *tr* translates the fixed words."""
    head = [
        f"{tr('Receiving report')} {rep.session.number}",
        f"{tr('Purchase order')} {rep.po_number} ({rep.po_status.value})  "
        f"{tr('Supplier')} {rep.supplier_name}  {tr('Warehouse')} {rep.warehouse_name}",
        f"{tr('Status')} {rep.session.status}  {tr('Scans')} {rep.scans}",
    ]
    if rep.remark:
        head.append(f"{tr('Remark')} {rep.remark}")
    head.append("")
    titles = [tr("Code"), tr("Ordered"), tr("Before"), tr("Now"), tr("Remaining"),
              tr("Over")]
    rows = [[ln.code, str(ln.ordered), str(ln.previously), str(ln.now), str(ln.remaining),
             str(ln.over)] for ln in rep.lines]
    rows.append([tr("Total"), str(sum(ln.ordered for ln in rep.lines)),
                 str(sum(ln.previously for ln in rep.lines)), str(rep.units_now),
                 str(rep.units_remaining), str(rep.units_over)])
    widths = [max(len(r[i]) for r in [titles, *rows]) for i in range(len(titles))]
    out = [*head, "  ".join(t.ljust(w) for t, w in zip(titles, widths, strict=True))]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    if rep.flags:
        out += ["", tr("Flagged scans (not stocked unless accepted)")]
        out += [f"  {format_local(f.at)}  {f.code}  {f.kind.value}  x{f.qty}" for f in rep.flags]
    return "\n".join(out) + "\n"


def export_report(store: Store, actor: Actor, session_id: int, path: str | Path) -> int:
    """Write the report to *path*: ``.xlsx`` (two sheets) or CSV (UTF-8 with BOM), every
    text cell neutralised against formulas; audited. Returns the rows written."""
    rep = report(store, actor, session_id)
    lines, flags = report_rows(rep)
    header: list[Cell] = [rep.session.number, rep.po_number, rep.supplier_name,
                          rep.warehouse_name, rep.remark]
    numeric = [[*row[:2], *[int(c) for c in row[2:]]] for row in lines]
    flagged = [[*row[:3], int(row[3]), int(row[4]), row[5]] for row in flags]
    sheets: list[Sheet] = [("receiving", [header, list(REPORT_COLUMNS), *numeric])]
    if flags:
        sheets.append(("flags", [list(FLAG_COLUMNS), *flagged]))
    write_sheets(path, sheets)
    with store.write() as s:
        audit.append(s, at=utcnow(), user_id=actor.user_id, username=actor.username,
                     action="receiving.export", entity="receiving_session",
                     entity_id=rep.session.number,
                     detail={"rows": len(lines) + len(flags),
                             "format": Path(path).suffix.lower()})
    return len(lines) + len(flags)
