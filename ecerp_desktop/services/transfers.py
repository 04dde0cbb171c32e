"""Transfers between warehouses (调拨): create, ship (调拨出库), receive (调拨入库), cancel.

Each use case is one transaction, needs ``stock.edit`` (reading needs ``stock.view``) and
is audited. Shipping posts, in one ledger call, TRANSFER_OUT on the source (on hand −q,
refused with INSUFFICIENT_STOCK naming the SKU when the source's AVAILABLE — on hand minus
reserved — is short: store/stock.post_moves' conditional UPDATE keeps reserved ≤ on hand)
and IN_TRANSIT on the destination (in transit +q), so the destination sees what is on its
way. Receiving posts TRANSFER_IN (on hand +r, in transit −r) and, for a shortfall written
off, an ADJUSTMENT of in transit naming the reason. Cancelling a shipped transfer brings
the stock back to the source. The status moves by a conditional UPDATE on (status,
version), so receiving twice — a double click, two stations — posts once.

Any thread (no Qt); the UI runs these through ui/ops.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.text import storable
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.domain.transfers import (
    DOC_TYPE,
    LineState,
    ReceiptPlan,
    TransferStatus,
    check_transition,
    merge_lines,
    plan_receipt,
)
from ecerp_desktop.store import Store, audit
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import stock as st
from ecerp_desktop.store import stock_documents as docs
from ecerp_desktop.store.catalog import WarehouseRecord
from ecerp_desktop.store.stock_documents import TransferRecord

NOTE_LIMIT = 2000
T = TransferStatus


@dataclass(frozen=True, slots=True)
class ReceiveResult:
    transfer: TransferRecord
    plan: ReceiptPlan


def warehouse_by_key(s: Any, key: str) -> WarehouseRecord:
    """The warehouse a user named by code or name (in the caller's session), or NOT_FOUND."""
    key = storable(key.strip())
    wh = cat.warehouse_by_key(s, key)
    if wh is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="warehouse", key=key)
    return wh


def clean_text(text: str, what: str = "note", limit: int = NOTE_LIMIT) -> str:
    """User text made storable (domain.text.storable), trimmed, refused above *limit*."""
    text = storable(text.strip())
    if len(text) > limit:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, what=what, limit=limit)
    return text


def warehouses(store: Store, actor: Actor) -> list[WarehouseRecord]:
    """Every warehouse (for the pickers), damaged-goods ones included."""
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        return cat.warehouses(s)


def create(store: Store, actor: Actor, from_warehouse: str, to_warehouse: str,
           lines: Iterable[tuple[str, int]], note: str = "") -> TransferRecord:
    """A draft transfer of (SKU code or barcode, qty) lines; a SKU named twice is added up.
    Nothing moves until it is shipped."""
    actor.require(Permission.STOCK_EDIT)
    wanted = merge_lines((storable(c), q) for c, q in lines)
    note = clean_text(note)
    now = utcnow()
    with store.write() as s:
        src, dst = warehouse_by_key(s, from_warehouse), warehouse_by_key(s, to_warehouse)
        if src.id == dst.id:
            raise DomainError(ErrorCode.REQUIRED,
                              what="a destination other than the source warehouse")
        found = docs.skus_by_code_or_barcode(s, list(wanted))
        missing = [c for c in wanted if c not in found]
        if missing:
            raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=missing[0])
        per_sku: dict[int, int] = {}
        for code, qty in wanted.items():
            per_sku[found[code].id] = per_sku.get(found[code].id, 0) + qty
        tid = docs.create_transfer(s, from_id=src.id, to_id=dst.id, lines=per_sku, note=note,
                                   user_id=actor.user_id, now=now)
        rec = docs.get_transfer(s, tid)
        assert rec is not None
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="transfer.create", entity="transfer", entity_id=rec.number,
                     detail={"from": src.code, "to": dst.code, "lines": len(per_sku),
                             "qty": rec.total_qty, "note": note})
        return rec


def _load(s: Any, number: str) -> TransferRecord:
    rec = docs.get_transfer(s, storable(number.strip()), lock=True)
    if rec is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="transfer", key=number.strip()[:32])
    return rec


def _move_status(s: Any, rec: TransferRecord, target: TransferStatus, now: datetime) -> None:
    if not docs.set_transfer_status(s, rec.id, expected_status=rec.status,
                                    expected_version=rec.version, status=target.value,
                                    now=now):
        # changed since it was read (another station, a double click): say what it is now
        now_rec = docs.get_transfer(s, rec.id)
        raise DomainError(ErrorCode.TRANSFER_ILLEGAL_TRANSITION, number=rec.number,
                          status=now_rec.status if now_rec else "?", action=target.value)


def _post(s: Any, moves: list[st.Move], now: datetime, rec: TransferRecord) -> None:
    """Post the moves; a shortfall is re-raised naming the SKU code and warehouse name."""
    try:
        st.post_moves(s, moves, now)
    except DomainError as exc:
        if exc.code is not ErrorCode.INSUFFICIENT_STOCK:
            raise
        codes = {ln.sku_id: ln.code for ln in rec.lines}
        names = {rec.from_warehouse_id: rec.from_name, rec.to_warehouse_id: rec.to_name}
        raise DomainError(ErrorCode.INSUFFICIENT_STOCK,
                          sku=codes.get(exc.params.get("sku"), exc.params.get("sku")),
                          warehouse=names.get(exc.params.get("warehouse"),
                                              exc.params.get("warehouse"))) from None


def _transit_moves(rec: TransferRecord, actor: Actor, sign: int, note: str) -> list[st.Move]:
    """Every line off the source and into transit at the destination (*sign* 1: shipping),
    or back (−1: cancelling a shipped transfer)."""
    out_kind = MoveKind.TRANSFER_OUT if sign > 0 else MoveKind.TRANSFER_IN
    moves = []
    for ln in rec.lines:
        moves.append(st.Move(rec.from_warehouse_id, ln.sku_id, out_kind, DOC_TYPE, rec.number,
                             d_on_hand=-sign * ln.qty, note=note, user_id=actor.user_id))
        moves.append(st.Move(rec.to_warehouse_id, ln.sku_id, MoveKind.IN_TRANSIT, DOC_TYPE,
                             rec.number, d_in_transit=sign * ln.qty, note=note,
                             user_id=actor.user_id))
    return moves


def ship(store: Store, actor: Actor, number: str) -> TransferRecord:
    """调拨出库: take every line off the source's available stock and show it in transit at
    the destination, all or nothing."""
    actor.require(Permission.STOCK_EDIT)
    now = utcnow()
    with store.write() as s:
        rec = _load(s, number)
        check_transition(rec.number, T(rec.status), T.SHIPPED)
        _move_status(s, rec, T.SHIPPED, now)
        _post(s, _transit_moves(rec, actor, 1, f"{rec.from_name} -> {rec.to_name}"), now, rec)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="transfer.ship", entity="transfer", entity_id=rec.number,
                     detail={"lines": rec.line_count, "qty": rec.total_qty})
        out = docs.get_transfer(s, rec.id)
        assert out is not None
        return out


def receive(store: Store, actor: Actor, number: str, counted: Mapping[str, int] | None = None,
            *, write_off: bool = False, reason: str = "") -> ReceiveResult:
    """调拨入库: put what arrived on the destination's on hand.

    *counted* maps SKU code (or barcode) → units that arrived now; None receives everything
    still in transit. A SKU missing from *counted* arrived with none. The shortfall stays
    in transit (status PARTIAL; receive again later) or, with *write_off*, is written off
    as lost with *reason*. Receiving a transfer that is already received is refused.
    """
    actor.require(Permission.STOCK_EDIT)
    reason = clean_text(reason)[:200]
    now = utcnow()
    with store.write() as s:
        rec = _load(s, number)
        by_id: dict[int, int] | None = None
        if counted is not None:
            found = docs.skus_by_code_or_barcode(s, [storable(k.strip()) for k in counted])
            by_id = {}
            for key, qty in counted.items():
                ref = found.get(storable(key.strip()))
                if ref is None:
                    raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=key.strip()[:64])
                by_id[ref.id] = by_id.get(ref.id, 0) + qty
        plan = plan_receipt(rec.number, T(rec.status),
                            [LineState(ln.sku_id, ln.qty, ln.received, ln.lost, ln.code)
                             for ln in rec.lines], by_id, write_off=write_off, reason=reason)
        _move_status(s, rec, plan.status, now)
        moves: list[st.Move] = []
        for ln in plan.lines:
            if ln.received:
                moves.append(st.Move(rec.to_warehouse_id, ln.sku_id, MoveKind.TRANSFER_IN,
                                     DOC_TYPE, rec.number, d_on_hand=ln.received,
                                     d_in_transit=-ln.received, note=f"from {rec.from_name}",
                                     user_id=actor.user_id))
            if ln.lost:
                moves.append(st.Move(rec.to_warehouse_id, ln.sku_id, MoveKind.ADJUSTMENT,
                                     DOC_TYPE, rec.number, d_in_transit=-ln.lost,
                                     note=f"lost in transit: {reason}", user_id=actor.user_id))
        _post(s, moves, now, rec)
        docs.add_line_receipts(s, rec.id, [
            (ln.sku_id, ln.received, ln.lost, reason if ln.lost else
             next(x.loss_reason for x in rec.lines if x.sku_id == ln.sku_id))
            for ln in plan.lines])
        codes = {ln.sku_id: ln.code for ln in rec.lines}
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="transfer.receive", entity="transfer", entity_id=rec.number,
                     detail={"status": plan.status.value,
                             "received": {codes[x.sku_id]: x.received for x in plan.lines
                                          if x.received},
                             "lost": {codes[x.sku_id]: x.lost for x in plan.lines if x.lost},
                             "in_transit": {codes[x.sku_id]: x.still_in_transit
                                            for x in plan.lines if x.still_in_transit},
                             "reason": reason})
        out = docs.get_transfer(s, rec.id)
        assert out is not None
        return ReceiveResult(out, plan)


def cancel(store: Store, actor: Actor, number: str, reason: str = "") -> TransferRecord:
    """Cancel a draft (nothing moved) or a shipped transfer (what is in transit goes back
    onto the source's on hand). A transfer received in part cannot be cancelled: receive
    the rest or write it off."""
    actor.require(Permission.STOCK_EDIT)
    reason = clean_text(reason)[:200]
    now = utcnow()
    with store.write() as s:
        rec = _load(s, number)
        check_transition(rec.number, T(rec.status), T.CANCELLED)
        was = T(rec.status)
        _move_status(s, rec, T.CANCELLED, now)
        if was is T.SHIPPED:
            _post(s, _transit_moves(rec, actor, -1, f"cancelled, back to the source: {reason}"),
                  now, rec)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="transfer.cancel", entity="transfer", entity_id=rec.number,
                     detail={"was": was.value, "reason": reason})
        out = docs.get_transfer(s, rec.id)
        assert out is not None
        return out


def get(store: Store, actor: Actor, number: str) -> TransferRecord:
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        rec = docs.get_transfer(s, storable(number.strip()))
    if rec is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="transfer", key=number.strip()[:32])
    return rec


def list_transfers(store: Store, actor: Actor, *, status: str | None = None,
                   warehouse: str | None = None, before_id: int | None = None,
                   limit: int = 200) -> list[TransferRecord]:
    """Transfers newest first, optionally of one status or touching one warehouse."""
    actor.require(Permission.STOCK_VIEW)
    if status is not None and status not in {x.value for x in T}:
        raise DomainError(ErrorCode.NOT_FOUND, what="status", key=status[:32])
    with store.read() as s:
        wid = warehouse_by_key(s, warehouse).id if warehouse else None
        return docs.list_transfers(s, status=status, warehouse_id=wid, before_id=before_id,
                                   limit=limit)
