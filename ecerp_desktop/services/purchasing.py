"""Purchase orders (采购单) and suppliers as use cases: each one transaction, each checked
against the PURCHASE permission, every change of a document audited.

Placing a PO posts one IN_TRANSIT move per line (``doc_type "po"``, ``doc_id`` the PO
number) so the balances show what is on its way; cancelling or closing a placed PO posts
the remaining quantities back out of transit. Status changes are conditional UPDATEs
(store/purchasing.set_status), so two people placing or closing the same PO at once cannot
both succeed, and a receipt racing a close is serialised on the PO row.

Threads: any worker thread; nothing here touches Qt.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.money import money
from ecerp_desktop.domain.purchasing import (
    FINISHED_STATUSES,
    LineInput,
    POAction,
    POStatus,
    allowed_from,
    check_action,
    check_lines,
    target_of,
)
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.text import REPLACEMENT, safe_cell, storable
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store, audit
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import purchasing as q
from ecerp_desktop.store import stock as st
from ecerp_desktop.store.catalog import SkuRecord, WarehouseRecord
from ecerp_desktop.store.purchasing import NewLine, PORecord, POSummary, SupplierRecord

DOC_TYPE = "po"
PO_PREFIX = "PO"
MAX_TEXT = 255


# --- look-ups shared by the purchasing services ----------------------------------------------

def clean(text: str, limit: int = MAX_TEXT) -> str:
    """Typed text at the edge: storable on both databases, trimmed, bounded."""
    return storable(text.strip())[:limit]


def find_sku(s: Any, key: str) -> SkuRecord | None:
    """A SKU by its code, else by one of its barcodes."""
    key = clean(key, 64)
    if not key:
        return None
    return cat.sku_by_code(s, key) or cat.sku_by_barcode(s, key)


def require_sku(s: Any, key: str) -> SkuRecord:
    found = find_sku(s, key)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=clean(key, 64))
    return found


def require_warehouse(s: Any, key: str) -> WarehouseRecord:
    found = cat.warehouse_by_key(s, clean(key, 128))
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="warehouse", key=clean(key, 128))
    return found


def require_supplier(s: Any, key: str) -> SupplierRecord:
    found = q.supplier_by_key(s, clean(key, 128))
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="supplier", key=clean(key, 128))
    return found


def require_po(s: Any, number: str, *, with_lines: bool = True) -> PORecord:
    number = clean(number, 32)
    found = q.get_po(s, number=number, with_lines=with_lines)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="purchase order", key=number)
    return found


def _audit(s: Any, actor: Actor, action: str, entity: str, entity_id: str,
           detail: dict[str, Any]) -> None:
    audit.append(s, at=utcnow(), user_id=actor.user_id, username=actor.username,
                 action=action, entity=entity, entity_id=entity_id, detail=detail)


# --- suppliers -------------------------------------------------------------------------------

def add_supplier(store: Store, actor: Actor, code: str, name: str, *, contact: str = "",
                 lead_time_days: int = 7) -> SupplierRecord:
    """Add a supplier, or update the one with this code."""
    actor.require(Permission.PURCHASE)
    code, name, contact = clean(code, 32), clean(name, 128), clean(contact)
    if not code:
        raise DomainError(ErrorCode.REQUIRED, what="supplier code")
    if not name:
        raise DomainError(ErrorCode.REQUIRED, what="supplier name")
    if isinstance(lead_time_days, bool) or not 0 <= lead_time_days <= 3650:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=lead_time_days)
    now = utcnow()
    with store.write() as s:
        rec = q.upsert_supplier(s, code=code, name=name, contact=contact,
                                lead_time_days=lead_time_days, now=now)
        _audit(s, actor, "supplier.save", "supplier", rec.code,
               {"name": name, "contact": contact, "lead_time_days": lead_time_days})
        return rec


def suppliers(store: Store, actor: Actor) -> list[SupplierRecord]:
    actor.require(Permission.PURCHASE)
    with store.read() as s:
        return q.suppliers(s)


def link_sku(store: Store, actor: Actor, sku: str, supplier: str, *, supplier_code: str = "",
             last_cost: Decimal | None = None) -> None:
    """Make *supplier* the default supplier of *sku* (its code at the supplier, last cost)."""
    actor.require(Permission.PURCHASE)
    if last_cost is not None:  # proposed on PO lines and drafts: money, not below zero
        last_cost = money(last_cost)
        if last_cost < 0:
            raise DomainError(ErrorCode.INVALID_MONEY, value=str(last_cost))
    with store.write() as s:
        found = require_sku(s, sku)
        sup = require_supplier(s, supplier)
        q.set_sku_supplier(s, found.id, sup.id, clean(supplier_code, 64), last_cost)
        _audit(s, actor, "supplier.link_sku", "sku", found.code,
               {"supplier": sup.code, "supplier_code": clean(supplier_code, 64),
                "last_cost": None if last_cost is None else str(last_cost)})


# --- purchase orders -------------------------------------------------------------------------

def _new_lines(s: Any, lines: Sequence[LineInput]) -> list[NewLine]:
    out = []
    seen: set[int] = set()
    for ln in check_lines(lines):
        sku = require_sku(s, ln.sku)
        if sku.is_bundle:  # a bundle is bought as its components
            raise DomainError(ErrorCode.NOT_FOUND, what="purchasable SKU", key=sku.code)
        if sku.id in seen:  # a code and a barcode of the same SKU
            raise DomainError(ErrorCode.ALREADY_EXISTS, what="line", key=sku.code)
        seen.add(sku.id)
        out.append(NewLine(sku.id, ln.qty, ln.unit_cost))
    return out


def create_po(store: Store, actor: Actor, *, supplier: str, warehouse: str,
              lines: Sequence[LineInput], expected_date: date | None = None,
              remark: str = "") -> PORecord:
    """A new draft PO numbered PO<yyyymmdd>-<n>."""
    actor.require(Permission.PURCHASE)
    with store.write() as s:
        return require_po(s, new_draft(s, actor, supplier=supplier, warehouse=warehouse,
                                       lines=lines, expected_date=expected_date,
                                       remark=remark))


def new_draft(s: Any, actor: Actor, *, supplier: str, warehouse: str,
              lines: Sequence[LineInput], expected_date: date | None = None,
              remark: str = "") -> str:
    """:func:`create_po` in the caller's transaction (the caller checked PURCHASE), for a
    use case that drafts several POs all or nothing; returns the number."""
    now = utcnow()
    sup = require_supplier(s, supplier)
    wh = require_warehouse(s, warehouse)
    new = _new_lines(s, lines)
    number = q.next_number(s, PO_PREFIX, now.date())
    q.create_po(s, number=number, supplier_id=sup.id, warehouse_id=wh.id, lines=new,
                expected_date=expected_date, remark=clean(remark),
                user_id=actor.user_id, now=now)
    _audit(s, actor, "purchase.create", "purchase_order", number,
           {"supplier": sup.code, "warehouse": wh.code, "lines": len(new),
            "units": sum(ln.qty for ln in new)})
    return number


def update_po(store: Store, actor: Actor, number: str, *, supplier: str, warehouse: str,
              lines: Sequence[LineInput], expected_date: date | None = None,
              remark: str = "") -> PORecord:
    """Replace a draft's supplier, warehouse, lines, date and remark."""
    actor.require(Permission.PURCHASE)
    now = utcnow()
    with store.write() as s:
        po = require_po(s, number, with_lines=False)
        check_action(po.number, po.status, POAction.EDIT)
        sup = require_supplier(s, supplier)
        wh = require_warehouse(s, warehouse)
        new = _new_lines(s, lines)
        if not q.update_draft(s, po.id, supplier_id=sup.id, warehouse_id=wh.id, lines=new,
                              expected_date=expected_date, remark=clean(remark), now=now):
            fresh = require_po(s, po.number, with_lines=False)
            check_action(fresh.number, fresh.status, POAction.EDIT)
        _audit(s, actor, "purchase.edit", "purchase_order", po.number,
               {"supplier": sup.code, "warehouse": wh.code, "lines": len(new)})
        return require_po(s, po.number)


def _transition(s: Any, po: PORecord, action: POAction, now: Any) -> POStatus:
    """Take *action* with one conditional UPDATE from the status just read, so the caller
    knows exactly which status it left. When another station changed the PO in between
    (a receipt made it partial), the fresh status is checked and tried again; refused when
    the action is no longer allowed."""
    target = target_of(action)
    assert target is not None
    current = po.status
    for _ in range(5):
        check_action(po.number, current, action)
        if q.set_status(s, po.id, [current], target, now,
                        finished=target in FINISHED_STATUSES,
                        placed=action is POAction.PLACE):
            return current
        current = require_po(s, po.number, with_lines=False).status
    raise DomainError(ErrorCode.PO_ILLEGAL_TRANSITION, number=po.number,
                      status=current.value, action=action.value)


def place(store: Store, actor: Actor, number: str) -> PORecord:
    """已审核: the PO goes to the supplier; its quantities are in transit from now on."""
    actor.require(Permission.PURCHASE)
    now = utcnow()
    with store.write() as s:
        po = require_po(s, number, with_lines=False)
        _transition(s, po, POAction.PLACE, now)
        lines = q.lines_of(s, po.id)  # read after the status changed: the draft is frozen
        st.post_moves(s, [st.Move(po.warehouse_id, ln.sku_id, MoveKind.IN_TRANSIT, DOC_TYPE,
                                  po.number, d_in_transit=ln.qty_ordered,
                                  user_id=actor.user_id, note="placed")
                          for ln in lines], now)
        q.note_costs(s, po.supplier_id, [(ln.sku_id, ln.unit_cost) for ln in lines])
        _audit(s, actor, "purchase.place", "purchase_order", po.number,
               {"units": sum(ln.qty_ordered for ln in lines), "lines": len(lines)})
        return require_po(s, po.number)


def _give_back(s: Any, actor: Actor, po: PORecord, now: Any, note: str) -> int:
    """Post the remaining in-transit quantities of a placed PO back out; returns units."""
    lines = q.lines_of(s, po.id)  # read after the PO row was locked by the status change
    moves = [st.Move(po.warehouse_id, ln.sku_id, MoveKind.IN_TRANSIT, DOC_TYPE, po.number,
                     d_in_transit=-ln.open_qty, user_id=actor.user_id, note=note)
             for ln in lines if ln.open_qty > 0]
    st.post_moves(s, moves, now)
    return sum(-m.d_in_transit for m in moves)


def cancel(store: Store, actor: Actor, number: str, reason: str = "") -> PORecord:
    """作废 a draft or a placed PO that received nothing; what was in transit goes back."""
    actor.require(Permission.PURCHASE)
    now = utcnow()
    with store.write() as s:
        po = require_po(s, number, with_lines=False)
        before = _transition(s, po, POAction.CANCEL, now)
        units = _give_back(s, actor, po, now, "cancelled") if before is POStatus.PLACED else 0
        _audit(s, actor, "purchase.cancel", "purchase_order", po.number,
               {"from": before.value, "in_transit_returned": units,
                "reason": clean(reason)})
        return require_po(s, po.number)


def close(store: Store, actor: Actor, number: str, reason: str = "") -> PORecord:
    """强制完成 a placed or partly received PO: the rest will not come; its in-transit
    quantities go back."""
    actor.require(Permission.PURCHASE)
    now = utcnow()
    with store.write() as s:
        po = require_po(s, number, with_lines=False)
        before = _transition(s, po, POAction.CLOSE, now)
        units = _give_back(s, actor, po, now, "closed")
        _audit(s, actor, "purchase.close", "purchase_order", po.number,
               {"from": before.value, "in_transit_returned": units,
                "reason": clean(reason)})
        return require_po(s, po.number)


def get_po(store: Store, actor: Actor, number: str) -> PORecord:
    actor.require(Permission.PURCHASE)
    with store.read() as s:
        return require_po(s, number)


def list_pos(store: Store, actor: Actor, *, statuses: Sequence[POStatus] | None = None,
             supplier: str | None = None, search: str = "", limit: int = 500
             ) -> list[POSummary]:
    """Newest first; *statuses* filters, *search* matches number or supplier name."""
    actor.require(Permission.PURCHASE)
    with store.read() as s:
        sup_id = require_supplier(s, supplier).id if supplier else None
        return q.list_pos(s, statuses=statuses, supplier_id=sup_id,
                          search=clean(search, 64), limit=limit)


def receivable_pos(store: Store, actor: Actor) -> list[POSummary]:
    """The POs goods can be received against (placed or partly received)."""
    actor.require(Permission.STOCK_EDIT)
    with store.read() as s:
        return q.list_pos(s, statuses=sorted(allowed_from(POAction.RECEIVE)))


def warehouses(store: Store, actor: Actor) -> list[WarehouseRecord]:
    """Active warehouses, for the PO and receiving forms."""
    actor.require(Permission.PURCHASE)
    with store.read() as s:
        return cat.warehouses(s, active_only=True)


def lookup_sku(store: Store, actor: Actor, key: str, supplier: str | None = None
               ) -> tuple[SkuRecord, Decimal] | None:
    """A SKU by code or barcode with the cost to propose on a PO line: the last cost from
    its default supplier when there is one, else the SKU's cost."""
    actor.require(Permission.PURCHASE)
    with store.read() as s:
        found = find_sku(s, key)
        if found is None:
            return None
        link = q.sku_suppliers(s, [found.id]).get(found.id)
        cost = link.last_cost if link is not None and link.last_cost is not None \
            else found.cost
        return found, cost


# --- spreadsheets ----------------------------------------------------------------------------

Cell = str | int | Decimal | None
Sheet = tuple[str, Sequence[Sequence[Cell]]]


def write_sheets(path: str | Path, sheets: Sequence[Sheet]) -> None:
    """Write *sheets* (title, rows) to ``.xlsx`` (one worksheet each; numbers stay numbers)
    or else CSV (UTF-8 with BOM for Excel, the sheets one after another with a blank row
    between). Every text cell is neutralised against formulas (domain.text.safe_cell); in a
    workbook, control characters XML cannot hold (a GS1 scan's 0x1D) become U+FFFD."""
    def text(c: Cell) -> str:
        return "" if c is None else safe_cell(str(c))

    def cell(c: Cell) -> Cell:
        return c if isinstance(c, int | Decimal) else text(c)

    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook  # slow to import: only when a workbook is written
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        def xml_cell(c: Cell) -> Cell:
            out = cell(c)
            return ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, out) if isinstance(out, str) else out

        wb = Workbook(write_only=True)
        for title, rows in sheets:
            ws = wb.create_sheet(title[:31])
            for row in rows:
                ws.append([xml_cell(c) for c in row])
        wb.save(path)
        return
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        for i, (_title, rows) in enumerate(sheets):
            if i:
                out.writerow([])
            for row in rows:
                out.writerow([text(c) for c in row])


PO_EXPORT_COLUMNS = ("line", "sku", "supplier_item_code", "name", "qty", "unit_cost",
                     "amount", "received")


def export_po(store: Store, actor: Actor, number: str, path: str | Path) -> int:
    """Write a PO to send to its supplier (.xlsx or CSV, formula-safe), with the supplier's
    own item codes; audited. Returns the number of lines."""
    actor.require(Permission.PURCHASE)
    with store.read() as s:
        po = require_po(s, number)
        links = q.sku_suppliers(s, [ln.sku_id for ln in po.lines])
    head: list[list[Cell]] = [
        ["purchase_order", po.number, "status", po.status.value],
        ["supplier", po.supplier_code, po.supplier_name, ""],
        ["warehouse", po.warehouse_code, po.warehouse_name, ""],
        ["expected", po.expected_date.isoformat() if po.expected_date else "", "remark",
         po.remark],
        [],
        list(PO_EXPORT_COLUMNS),
    ]
    rows: list[list[Cell]] = []
    for ln in po.lines:
        link = links.get(ln.sku_id)
        code = link.supplier_code if link is not None and link.supplier_id == po.supplier_id \
            else ""
        rows.append([ln.line_no, ln.code, code, ln.name, ln.qty_ordered, ln.unit_cost,
                     ln.amount, ln.qty_received])
    rows.append(["", "total", "", "", po.qty_ordered, "", po.amount, po.qty_received])
    write_sheets(path, [(po.number, head + rows)])
    with store.write() as s:
        _audit(s, actor, "purchase.export", "purchase_order", po.number,
               {"lines": len(po.lines), "format": Path(path).suffix.lower()})
    return len(po.lines)
