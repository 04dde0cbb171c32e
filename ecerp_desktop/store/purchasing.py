"""Purchasing tables: suppliers, purchase orders, receiving sessions and their scans, stock
alert rules. Functions take the caller's session and hand back frozen records.

Every change of state is ONE conditional UPDATE whose row count decides (a PO is placed only
if it is still a draft, a session posts only if it is still open, a line takes a receipt
only if it stays within what was ordered), so two stations can never both win. Stock itself
moves only through store/stock.post_moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ecerp_desktop.domain.money import from_fen
from ecerp_desktop.domain.purchasing import POStatus, ScanFact, ScanKind, doc_number
from ecerp_desktop.store.schema import SkuRow, StockBalanceRow, WarehouseRow
from ecerp_desktop.store.schema_purchasing import (
    PurchaseCounterRow,
    PurchaseOrderLineRow,
    PurchaseOrderRow,
    ReceivingScanRow,
    ReceivingSessionRow,
    SkuSupplierRow,
    StockAlertRuleRow,
    SupplierRow,
)

PO = PurchaseOrderRow
POL = PurchaseOrderLineRow
RS = ReceivingSessionRow
SC = ReceivingScanRow


def _insert(s: Session, table: Any) -> Any:
    return (pg_insert(table) if s.get_bind().dialect.name == "postgresql"
            else sqlite_insert(table))


def next_number(s: Session, prefix: str, day: date) -> str:
    """The next document number of *prefix* on *day* (PO20261127-0001): one upsert that bumps
    the counter row, so two stations never get the same number."""
    key = f"{prefix}{day:%Y%m%d}"
    stmt = _insert(s, PurchaseCounterRow).values(prefix=key, last_no=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["prefix"],
        set_={"last_no": PurchaseCounterRow.__table__.c.last_no + 1},
    ).returning(PurchaseCounterRow.__table__.c.last_no)
    seq = int(s.execute(stmt).scalar_one())
    return doc_number(prefix, day, seq)


# --- suppliers -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SupplierRecord:
    id: int
    code: str
    name: str
    contact: str
    lead_time_days: int
    active: bool


def _supplier(r: SupplierRow) -> SupplierRecord:
    return SupplierRecord(r.id, r.code, r.name, r.contact, r.lead_time_days, r.active)


def upsert_supplier(s: Session, *, code: str, name: str, contact: str, lead_time_days: int,
                    now: datetime) -> SupplierRecord:
    """Insert or update a supplier by code."""
    stmt = _insert(s, SupplierRow).values(code=code, name=name, contact=contact,
                                          lead_time_days=lead_time_days, active=True,
                                          created_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=["code"], set_={
        "name": stmt.excluded.name, "contact": stmt.excluded.contact,
        "lead_time_days": stmt.excluded.lead_time_days, "active": True})
    s.execute(stmt)
    found = supplier_by_key(s, code)
    assert found is not None
    return found


def supplier_by_key(s: Session, key: str) -> SupplierRecord | None:
    """A supplier by code (first) or name."""
    row = s.scalar(select(SupplierRow).where(
        or_(SupplierRow.code == key, SupplierRow.name == key)).order_by(
        SupplierRow.code != key).limit(1))
    return None if row is None else _supplier(row)


def suppliers(s: Session, *, active_only: bool = False) -> list[SupplierRecord]:
    q = select(SupplierRow).order_by(SupplierRow.code)
    if active_only:
        q = q.where(SupplierRow.active.is_(True))
    return [_supplier(r) for r in s.scalars(q)]


@dataclass(frozen=True, slots=True)
class SkuSupplierRecord:
    sku_id: int
    supplier_id: int
    supplier_code: str
    last_cost: Decimal | None


def set_sku_supplier(s: Session, sku_id: int, supplier_id: int, supplier_code: str = "",
                     last_cost: Decimal | None = None) -> None:
    """Make *supplier_id* the default supplier of a SKU (keeping a known last cost)."""
    stmt = _insert(s, SkuSupplierRow).values(sku_id=sku_id, supplier_id=supplier_id,
                                             supplier_code=supplier_code, last_cost=last_cost)
    t = SkuSupplierRow.__table__.c
    stmt = stmt.on_conflict_do_update(index_elements=["sku_id"], set_={
        "supplier_id": stmt.excluded.supplier_id,
        "supplier_code": stmt.excluded.supplier_code,
        "last_cost": func.coalesce(stmt.excluded.last_cost, t.last_cost)})
    s.execute(stmt)


def note_costs(s: Session, supplier_id: int, costs: Sequence[tuple[int, Decimal]]) -> None:
    """Remember the cost a supplier charged per SKU; a SKU without a default supplier gets
    this one."""
    if not costs:
        return
    stmt = _insert(s, SkuSupplierRow)
    t = SkuSupplierRow.__table__.c
    stmt = stmt.on_conflict_do_update(
        index_elements=["sku_id"], set_={"last_cost": stmt.excluded.last_cost},
        where=t.supplier_id == stmt.excluded.supplier_id)
    s.execute(stmt, [{"sku_id": k, "supplier_id": supplier_id, "supplier_code": "",
                      "last_cost": c} for k, c in costs])


def sku_suppliers(s: Session, sku_ids: Iterable[int] | None = None
                  ) -> dict[int, SkuSupplierRecord]:
    q = select(SkuSupplierRow)
    if sku_ids is not None:
        q = q.where(SkuSupplierRow.sku_id.in_(list(sku_ids)))
    return {r.sku_id: SkuSupplierRecord(r.sku_id, r.supplier_id, r.supplier_code, r.last_cost)
            for r in s.scalars(q)}


# --- purchase orders -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class NewLine:
    sku_id: int
    qty: int
    unit_cost: Decimal


@dataclass(frozen=True, slots=True)
class POLineRecord:
    id: int
    line_no: int
    sku_id: int
    code: str
    name: str
    is_bundle: bool
    qty_ordered: int
    unit_cost: Decimal
    qty_received: int
    qty_over: int

    @property
    def open_qty(self) -> int:
        return max(self.qty_ordered - self.qty_received, 0)

    @property
    def amount(self) -> Decimal:
        return self.unit_cost * self.qty_ordered


@dataclass(frozen=True, slots=True)
class PORecord:
    id: int
    number: str
    supplier_id: int
    supplier_code: str
    supplier_name: str
    warehouse_id: int
    warehouse_code: str
    warehouse_name: str
    status: POStatus
    expected_date: date | None
    remark: str
    created_at: datetime
    updated_at: datetime
    placed_at: datetime | None
    finished_at: datetime | None
    lines: tuple[POLineRecord, ...] = ()

    @property
    def qty_ordered(self) -> int:
        return sum(ln.qty_ordered for ln in self.lines)

    @property
    def qty_received(self) -> int:
        return sum(ln.qty_received for ln in self.lines)

    @property
    def amount(self) -> Decimal:
        return sum((ln.amount for ln in self.lines), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class POSummary:
    """One row of the PO list."""

    id: int
    number: str
    supplier_name: str
    warehouse_name: str
    status: POStatus
    expected_date: date | None
    lines: int
    qty_ordered: int
    qty_received: int
    amount: Decimal
    created_at: datetime
    remark: str


def create_po(s: Session, *, number: str, supplier_id: int, warehouse_id: int,
              lines: Sequence[NewLine], expected_date: date | None, remark: str,
              user_id: int | None, now: datetime) -> int:
    po_id = int(s.execute(insert(PO).values(
        number=number, supplier_id=supplier_id, warehouse_id=warehouse_id,
        status=POStatus.DRAFT.value, expected_date=expected_date, remark=remark,
        created_by=user_id, created_at=now, updated_at=now).returning(PO.id)).scalar_one())
    _insert_lines(s, po_id, lines)
    return po_id


def _insert_lines(s: Session, po_id: int, lines: Sequence[NewLine]) -> None:
    s.execute(insert(POL), [{"po_id": po_id, "line_no": i, "sku_id": ln.sku_id,
                             "qty_ordered": ln.qty, "unit_cost": ln.unit_cost,
                             "qty_received": 0, "qty_over": 0}
                            for i, ln in enumerate(lines, 1)])


def update_draft(s: Session, po_id: int, *, supplier_id: int, warehouse_id: int,
                 lines: Sequence[NewLine], expected_date: date | None, remark: str,
                 now: datetime) -> bool:
    """Replace a draft's header and lines; False when it is no longer a draft."""
    done = s.execute(update(PO).where(PO.id == po_id, PO.status == POStatus.DRAFT.value)
                     .values(supplier_id=supplier_id, warehouse_id=warehouse_id,
                             expected_date=expected_date, remark=remark, updated_at=now))
    if done.rowcount != 1:
        return False
    s.execute(delete(POL).where(POL.po_id == po_id))
    _insert_lines(s, po_id, lines)
    return True


def set_status(s: Session, po_id: int, allowed: Iterable[POStatus], target: POStatus,
               now: datetime, *, finished: bool = False, placed: bool = False) -> bool:
    """Move a PO to *target* only if its status is one of *allowed* (one conditional
    UPDATE); on PostgreSQL the row stays locked until the transaction ends."""
    values: dict[str, Any] = {"status": target.value, "updated_at": now}
    if finished:
        values["finished_at"] = now
    if placed:
        values["placed_at"] = now
    res = s.execute(update(PO).where(PO.id == po_id,
                                     PO.status.in_([a.value for a in allowed]))
                    .values(**values))
    return res.rowcount == 1


def lock_receivable(s: Session, po_id: int, now: datetime) -> bool:
    """Lock a PO that may take a receipt (placed or partial); False otherwise. Serialises
    receipts, closing and cancelling of one PO across stations."""
    res = s.execute(update(PO).where(PO.id == po_id, PO.status.in_(
        [POStatus.PLACED.value, POStatus.PARTIAL.value])).values(updated_at=now))
    return res.rowcount == 1


def add_over(s: Session, line_id: int, qty: int) -> None:
    s.execute(update(POL).where(POL.id == line_id).values(qty_over=POL.qty_over + qty))


_L = POL.__table__.c
_ADD_RECEIVED = (update(POL.__table__)
                 .where(_L.id == bindparam("line"),
                        _L.qty_received + bindparam("n") <= _L.qty_ordered)
                 .values(qty_received=_L.qty_received + bindparam("n")))


def add_received_many(s: Session, takes: Sequence[tuple[int, int]]) -> int | None:
    """Add received units to many lines with one executemany of a conditional UPDATE.
    Returns None when every line took its units, else the id of a line that would pass what
    was ordered (then nothing was changed: the work ran in a savepoint)."""
    rows = [{"line": line_id, "n": n} for line_id, n in takes if n]
    if not rows:
        return None
    savepoint = s.begin_nested()
    if s.execute(_ADD_RECEIVED, rows).rowcount == len(rows):
        savepoint.commit()
        return None
    savepoint.rollback()
    for r in rows:  # name the culprit
        nested = s.begin_nested()
        ok = s.execute(_ADD_RECEIVED, [r]).rowcount == 1
        nested.rollback()
        if not ok:
            return int(r["line"])
    return int(rows[0]["line"])


def _po_query() -> Any:
    return (select(PO, SupplierRow.code, SupplierRow.name, WarehouseRow.code,
                   WarehouseRow.name)
            .join(SupplierRow, SupplierRow.id == PO.supplier_id)
            .join(WarehouseRow, WarehouseRow.id == PO.warehouse_id))


def lines_of(s: Session, po_id: int) -> list[POLineRecord]:
    q = (select(POL.id, POL.line_no, POL.sku_id, SkuRow.code, SkuRow.name, SkuRow.is_bundle,
                POL.qty_ordered, POL.unit_cost, POL.qty_received, POL.qty_over)
         .join(SkuRow, SkuRow.id == POL.sku_id).where(POL.po_id == po_id)
         .order_by(POL.line_no))  # columns, not entities: a 1,000-line PO stays cheap
    return [POLineRecord(i, no, k, code, name, bool(bundle), ordered, cost, received, over)
            for i, no, k, code, name, bundle, ordered, cost, received, over in s.execute(q)]


def get_po(s: Session, *, po_id: int | None = None, number: str | None = None,
           with_lines: bool = True) -> PORecord | None:
    q = _po_query()
    q = q.where(PO.id == po_id) if po_id is not None else q.where(PO.number == number)
    row = s.execute(q).first()
    if row is None:
        return None
    po, scode, sname, wcode, wname = row
    lines = tuple(lines_of(s, po.id)) if with_lines else ()
    return PORecord(po.id, po.number, po.supplier_id, scode, sname, po.warehouse_id, wcode,
                    wname, POStatus(po.status), po.expected_date, po.remark, po.created_at,
                    po.updated_at, po.placed_at, po.finished_at, lines)


def list_pos(s: Session, *, statuses: Sequence[POStatus] | None = None,
             supplier_id: int | None = None, search: str = "", limit: int = 500
             ) -> list[POSummary]:
    """Newest first, with line totals (one grouped query)."""
    totals = (select(POL.po_id, func.count().label("n"),
                     func.sum(POL.qty_ordered).label("ordered"),
                     func.sum(POL.qty_received).label("received"),
                     func.sum(POL.qty_ordered * type_coerce(POL.unit_cost, BigInteger())
                              ).label("amount_fen"))
              .group_by(POL.po_id).subquery())
    q = (select(PO.id, PO.number, SupplierRow.name, WarehouseRow.name, PO.status,
                PO.expected_date, totals.c.n, totals.c.ordered, totals.c.received,
                totals.c.amount_fen, PO.created_at, PO.remark)
         .join(SupplierRow, SupplierRow.id == PO.supplier_id)
         .join(WarehouseRow, WarehouseRow.id == PO.warehouse_id)
         .outerjoin(totals, totals.c.po_id == PO.id)
         .order_by(PO.id.desc()).limit(limit))
    if statuses:
        q = q.where(PO.status.in_([st.value for st in statuses]))
    if supplier_id is not None:
        q = q.where(PO.supplier_id == supplier_id)
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = q.where(or_(PO.number.like(pattern, escape="\\"),
                        SupplierRow.name.like(pattern, escape="\\")))
    out = []
    for (pid, number, sname, wname, status, expected, n, ordered, received, amount,
         created, remark) in s.execute(q):
        out.append(POSummary(pid, number, sname, wname, POStatus(status), expected,
                             int(n or 0), int(ordered or 0), int(received or 0),
                             from_fen(int(amount or 0)), created, remark))
    return out


def draft_quantities(s: Session) -> dict[tuple[int, int], int]:
    """(warehouse, SKU) → units on draft POs (ordered, not yet placed: not in transit)."""
    q = (select(PO.warehouse_id, POL.sku_id, func.sum(POL.qty_ordered))
         .join(PO, PO.id == POL.po_id).where(PO.status == POStatus.DRAFT.value)
         .group_by(PO.warehouse_id, POL.sku_id))
    return {(w, k): int(n or 0) for w, k, n in s.execute(q)}


# --- receiving sessions ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    number: str
    po_id: int
    warehouse_id: int
    station: str
    status: str
    opened_at: datetime
    posted_at: datetime | None
    opened_by: int | None
    over_accepted: bool


@dataclass(frozen=True, slots=True)
class ScanRecord:
    id: int
    at: datetime
    code: str
    sku_id: int | None
    qty: int
    counted: int
    over: int
    result: ScanKind


def open_session(s: Session, *, number: str, po_id: int, warehouse_id: int, station: str,
                 user_id: int | None, now: datetime) -> int:
    return int(s.execute(insert(RS).values(
        number=number, po_id=po_id, warehouse_id=warehouse_id, station=station,
        status="open", opened_by=user_id, opened_at=now, over_accepted=False
    ).returning(RS.id)).scalar_one())


def _session(r: ReceivingSessionRow) -> SessionRecord:
    return SessionRecord(r.id, r.number, r.po_id, r.warehouse_id, r.station, r.status,
                         r.opened_at, r.posted_at, r.opened_by, r.over_accepted)


def get_session(s: Session, *, session_id: int | None = None, number: str | None = None
                ) -> SessionRecord | None:
    q = select(RS).where(RS.id == session_id) if session_id is not None else \
        select(RS).where(RS.number == number)
    row = s.scalar(q)
    return None if row is None else _session(row)


def sessions_of(s: Session, po_id: int, *, status: str | None = None
                ) -> list[SessionRecord]:
    q = select(RS).where(RS.po_id == po_id).order_by(RS.id)
    if status is not None:
        q = q.where(RS.status == status)
    return [_session(r) for r in s.scalars(q)]


def close_session(s: Session, session_id: int, target: str, *, user_id: int | None,
                  now: datetime, over_accepted: bool = False) -> bool:
    """open → posted/cancelled, once: the conditional UPDATE refuses a second time."""
    res = s.execute(update(RS).where(RS.id == session_id, RS.status == "open").values(
        status=target, posted_at=now, posted_by=user_id, over_accepted=over_accepted))
    return res.rowcount == 1


def add_scan(s: Session, session_id: int, *, code: str, sku_id: int | None, qty: int,
             counted: int, over: int, result: ScanKind, now: datetime) -> int:
    t = SC.__table__  # Core: no ORM bookkeeping on the per-scan path
    return int(s.execute(insert(t).values(
        session_id=session_id, at=now, code=code, sku_id=sku_id, qty=qty, counted=counted,
        qty_over=over, result=result.value).returning(t.c.id)).scalar_one())


def counted_on(s: Session, session_id: int, sku_id: int) -> tuple[int, int]:
    """(counted, over) units of *sku_id* in this session so far."""
    row = s.execute(select(func.coalesce(func.sum(SC.counted), 0),
                           func.coalesce(func.sum(SC.qty_over), 0)).where(
        SC.session_id == session_id, SC.sku_id == sku_id)).first()
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


def received_by_earlier_sessions(s: Session, po_id: int, session: SessionRecord
                                 ) -> dict[int, int]:
    """SKU → units counted by the PO's sessions posted before *session* (its "previously
    received" as it was when it posted)."""
    earlier = select(RS.id).where(RS.po_id == po_id, RS.status == "posted",
                                  RS.id != session.id,
                                  or_(RS.posted_at < session.posted_at,
                                      (RS.posted_at == session.posted_at)
                                      & (RS.id < session.id)))
    q = (select(SC.sku_id, func.sum(SC.counted)).where(SC.session_id.in_(earlier),
                                                      SC.sku_id.is_not(None))
         .group_by(SC.sku_id))
    return {k: int(n or 0) for k, n in s.execute(q)}


def line_for(s: Session, po_id: int, sku_id: int) -> tuple[int, int, int] | None:
    """(line id, ordered, received) of the PO's line for *sku_id*."""
    row = s.execute(select(POL.id, POL.qty_ordered, POL.qty_received).where(
        POL.po_id == po_id, POL.sku_id == sku_id)).first()
    return None if row is None else (row[0], row[1], row[2])


def scans(s: Session, session_id: int, *, limit: int | None = None) -> list[ScanRecord]:
    """The session's scans in order (the last *limit* when given)."""
    q = select(SC.id, SC.at, SC.code, SC.sku_id, SC.qty, SC.counted, SC.qty_over,
               SC.result).where(SC.session_id == session_id)
    if limit is not None:
        rows = list(reversed(s.execute(q.order_by(SC.id.desc()).limit(limit)).all()))
    else:
        rows = list(s.execute(q.order_by(SC.id)).all())
    return [ScanRecord(i, at, code, k, n, c, o, ScanKind(r))
            for i, at, code, k, n, c, o, r in rows]


def session_totals(s: Session, session_id: int) -> dict[int, tuple[int, int]]:
    """SKU → (counted, over) of the session."""
    q = (select(SC.sku_id, func.sum(SC.counted), func.sum(SC.qty_over))
         .where(SC.session_id == session_id, SC.sku_id.is_not(None),
                SC.result.in_([ScanKind.COUNTED.value, ScanKind.OVER.value]))
         .group_by(SC.sku_id))
    return {k: (int(c or 0), int(o or 0)) for k, c, o in s.execute(q)}


def scan_facts(s: Session, session_id: int, line_of_sku: dict[int, int]) -> list[ScanFact]:
    q = (select(SC.id, SC.sku_id, SC.qty, SC.counted, SC.qty_over)
         .where(SC.session_id == session_id,
                SC.result.in_([ScanKind.COUNTED.value, ScanKind.OVER.value]))
         .order_by(SC.id))
    return [ScanFact(i, line_of_sku.get(k) if k is not None else None, q_, c, o)
            for i, k, q_, c, o in s.execute(q)]


def resplit_scans(s: Session, changed: dict[int, tuple[int, int]]) -> None:
    for scan_id, (counted, over) in changed.items():
        s.execute(update(SC).where(SC.id == scan_id).values(
            counted=counted, qty_over=over,
            result=(ScanKind.OVER if over else ScanKind.COUNTED).value))


def delete_last_scan(s: Session, session_id: int) -> ScanRecord | None:
    """Take back the newest scan of an open session (a mis-scan); None when there is none."""
    last = scans(s, session_id, limit=1)
    if not last:
        return None
    s.execute(delete(SC).where(SC.id == last[0].id))
    return last[0]


def lock_lines(s: Session, po_id: int) -> None:
    """Lock a PO's lines (PostgreSQL) before reading them to decide a receipt."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(select(POL.id).where(POL.po_id == po_id).with_for_update())


# --- stock alert rules -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AlertRule:
    sku_id: int
    warehouse_id: int  # 0: every warehouse
    min_qty: int
    cover_days: int | None
    lead_days: int | None
    pack_size: int


def upsert_rule(s: Session, rule: AlertRule, now: datetime) -> None:
    stmt = _insert(s, StockAlertRuleRow).values(
        sku_id=rule.sku_id, warehouse_id=rule.warehouse_id, min_qty=rule.min_qty,
        cover_days=rule.cover_days, lead_days=rule.lead_days, pack_size=rule.pack_size,
        updated_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=["sku_id", "warehouse_id"], set_={
        c: getattr(stmt.excluded, c) for c in ("min_qty", "cover_days", "lead_days",
                                               "pack_size", "updated_at")})
    s.execute(stmt)


def delete_rule(s: Session, sku_id: int, warehouse_id: int) -> None:
    s.execute(delete(StockAlertRuleRow).where(StockAlertRuleRow.sku_id == sku_id,
                                              StockAlertRuleRow.warehouse_id == warehouse_id))


def alert_rules(s: Session) -> dict[tuple[int, int], AlertRule]:
    """(warehouse or 0, SKU) → rule."""
    return {(r.warehouse_id, r.sku_id): AlertRule(r.sku_id, r.warehouse_id, r.min_qty,
                                                 r.cover_days, r.lead_days, r.pack_size)
            for r in s.scalars(select(StockAlertRuleRow))}


# --- reorder look-ups: plain columns, a whole catalogue in a few queries ------------------------

@dataclass(frozen=True, slots=True)
class SkuFacts:
    id: int
    code: str
    name: str
    cost: Decimal
    is_bundle: bool
    active: bool


def sku_facts(s: Session) -> dict[int, SkuFacts]:
    """Every SKU's code, name, cost and flags (columns only: 100,000 SKUs in one query)."""
    q = select(SkuRow.id, SkuRow.code, SkuRow.name, SkuRow.cost, SkuRow.is_bundle,
               SkuRow.active)
    return {r[0]: SkuFacts(r[0], r[1], r[2], r[3], bool(r[4]), bool(r[5]))
            for r in s.execute(q)}


def balance_facts(s: Session, warehouse_id: int | None = None
                  ) -> dict[tuple[int, int], tuple[int, int, int]]:
    """(warehouse, SKU) → (on hand, reserved, in transit)."""
    B = StockBalanceRow
    q = select(B.warehouse_id, B.sku_id, B.on_hand, B.reserved, B.in_transit)
    if warehouse_id is not None:
        q = q.where(B.warehouse_id == warehouse_id)
    return {(w, k): (h, r, t) for w, k, h, r, t in s.execute(q)}
