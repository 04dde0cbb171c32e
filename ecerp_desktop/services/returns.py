"""Buyer returns (退货入库): find the shipped order by what is on the parcel, take back
chosen quantities in a condition, record unknown parcels (无头件) and match them later.

One transaction per use case, ``stock.edit`` to change (``stock.view`` to look), audited.
The order's rows are locked (PostgreSQL) before what may come back is computed, so two
stations taking back the same order never return more than left together. Good units go
back onto the on hand of the warehouse the parcel left from (MoveKind.RETURN), damaged ones
onto its damaged-goods warehouse (次品仓, created on first use), written-off ones nowhere.
Every return is a row in ``buyer_returns`` and an ``order_history`` row (action "return")
on each order it touches; the order's status does not change. The refund link is the
order lines' refund state and the order's latest refund event.

Any thread (no Qt); the UI runs these through ui/ops.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.returns import (
    DOC_TYPE,
    Condition,
    PlannedLine,
    Requested,
    ReturnStatus,
    ShippedLine,
    parse_condition,
    plan_return,
    refund_summary,
)
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.text import storable
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services.transfers import clean_text, warehouse_by_key
from ecerp_desktop.store import Store, audit
from ecerp_desktop.store import stock as st
from ecerp_desktop.store import stock_documents as docs
from ecerp_desktop.store.stock_documents import OrderHead, ReturnLineInput, ReturnRecord


@dataclass(frozen=True, slots=True)
class ReturnItem:
    """One thing that came back: a SKU code or barcode, how many, in what condition; with
    *order_line_id* the clerk picked the order line (e.g. the gift line) explicitly."""

    sku: str
    qty: int
    condition: Condition | str = Condition.GOOD
    order_line_id: int | None = None


@dataclass(frozen=True, slots=True)
class ReturnCandidate:
    """What a scan found: the orders, their shipped lines and what can still come back."""

    code: str
    orders: tuple[OrderHead, ...]
    lines: tuple[ShippedLine, ...]
    refund_state: str
    refund_history_id: int | None

    @property
    def returnable(self) -> int:
        return sum(ln.returnable for ln in self.lines)


def _candidate(s: Any, code: str, *, lock: bool) -> ReturnCandidate | None:
    ids = docs.find_orders(s, code)
    if not ids:
        return None
    heads = docs.order_heads(s, ids, lock=lock)
    lines = docs.shipped_lines(s, ids)
    return ReturnCandidate(code, tuple(heads), tuple(lines),
                           refund_summary(ln.refund_state for ln in lines),
                           docs.latest_refund_event(s, ids))


def lookup(store: Store, actor: Actor, code: str) -> ReturnCandidate | None:
    """The order(s) a scanned waybill number, platform order id or order number names, with
    their shipped lines; None when nothing matches (an unknown parcel)."""
    actor.require(Permission.STOCK_VIEW)
    code = storable(code.strip())
    with store.read() as s:
        return _candidate(s, code, lock=False)


def _requests(s: Any, items: Sequence[ReturnItem]) -> list[Requested]:
    found = docs.skus_by_code_or_barcode(s, [storable(i.sku.strip()) for i in items])
    out = []
    for i in items:
        ref = found.get(storable(i.sku.strip()))
        if ref is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=i.sku.strip()[:64])
        cond = i.condition if isinstance(i.condition, Condition) else parse_condition(
            i.condition)
        out.append(Requested(ref.id, i.qty, cond, i.order_line_id))
    return out


def _post_planned(s: Any, actor: Actor, number: str, planned: Sequence[PlannedLine],
                  default_wh: dict[int, int | None], override_wh: int | None,
                  now: datetime) -> list[ReturnLineInput]:
    """Post the stock moves of planned lines; returns the lines to store."""
    moves: list[st.Move] = []
    out: list[ReturnLineInput] = []
    for p in planned:
        src = override_wh or p.source_warehouse_id or default_wh.get(p.order_id)
        if p.condition is Condition.WRITTEN_OFF:
            out.append(ReturnLineInput(p.order_line_id, p.sku_id, p.qty, p.condition.value,
                                       None, p.refund_state))
            continue
        if src is None:
            raise DomainError(ErrorCode.REQUIRED, what="warehouse")
        wh = src if p.condition is Condition.GOOD else docs.damaged_warehouse(s, src)
        moves.append(st.Move(wh, p.sku_id, MoveKind.RETURN, DOC_TYPE, number,
                             d_on_hand=p.qty, note=f"buyer return ({p.condition.value})",
                             user_id=actor.user_id))
        out.append(ReturnLineInput(p.order_line_id, p.sku_id, p.qty, p.condition.value, wh,
                                   p.refund_state))
    st.post_moves(s, moves, now)
    return out


def _history(s: Any, actor: Actor, number: str, heads: Sequence[OrderHead],
             lines: Sequence[ReturnLineInput], line_orders: dict[int, int], now: datetime,
             note: str) -> None:
    touched = sorted({line_orders[ln.order_line_id] for ln in lines
                      if ln.order_line_id is not None})
    by_id = {h.id: h for h in heads}
    docs.add_order_history(s, [
        {"order_id": oid, "at": now, "user_id": actor.user_id, "actor": actor.username[:64],
         "action": "return", "from_status": by_id[oid].status,
         "to_status": by_id[oid].status, "rule": "", "reason": number,
         "detail": {"return": number, "note": note[:255],
                    "lines": [{"order_line_id": ln.order_line_id, "sku_id": ln.sku_id,
                               "qty": ln.qty, "condition": ln.condition}
                              for ln in lines if line_orders.get(ln.order_line_id or 0) == oid]}}
        for oid in touched])


def _warehouse_id(s: Any, key: str | None) -> int | None:
    return warehouse_by_key(s, key).id if key else None


def receive(store: Store, actor: Actor, code: str, items: Sequence[ReturnItem], *,
            tracking_number: str = "", note: str = "", warehouse: str | None = None
            ) -> ReturnRecord:
    """Take back *items* of the shipped order that *code* names (waybill number, platform
    order id or order number); what may come back is what left in shipped parcels (a split
    order may be partly shipped), whatever the order's status now. Refused with NOT_FOUND when nothing matches (record it with
    :func:`record_unknown`), RETURN_OVER_SHIPPED when more comes back than left minus what
    came back before. *warehouse* overrides where the goods go (they arrived elsewhere)."""
    actor.require(Permission.STOCK_EDIT)
    code = clean_text(code, "code", 64)
    tracking_number = clean_text(tracking_number, "tracking number", 64)
    note = clean_text(note, "note")
    now = utcnow()
    with store.write() as s:
        cand = _candidate(s, code, lock=True)
        if cand is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="order", key=code)
        if not cand.lines:  # nothing left in a shipped parcel: nothing can come back
            raise DomainError(ErrorCode.NOT_FOUND, what="shipped order", key=code)
        planned = plan_return(cand.lines, _requests(s, items))
        override = _warehouse_id(s, warehouse)
        default_wh = {h.id: h.warehouse_id for h in cand.orders}
        line_orders = {ln.order_line_id: ln.order_id for ln in cand.lines}
        lead = planned[0].order_id
        rid, number = docs.insert_return(
            s, status=ReturnStatus.RECEIVED.value, order_id=lead, lookup=code,
            tracking_number=tracking_number, warehouse_id=override or planned[0].source_warehouse_id
            or default_wh.get(lead), refund_state=refund_summary(p.refund_state for p in planned),
            refund_history_id=cand.refund_history_id, note=note, user_id=actor.user_id,
            now=now, lines=[])
        lines = _post_planned(s, actor, number, planned, default_wh, override, now)
        docs.add_return_lines(s, rid, lines)
        _history(s, actor, number, cand.orders, lines, line_orders, now, note)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="return.receive", entity="return", entity_id=number,
                     detail={"lookup": code, "orders": sorted({p.order_id for p in planned}),
                             "qty": sum(p.qty for p in planned),
                             "damaged": sum(p.qty for p in planned
                                            if p.condition is Condition.DAMAGED),
                             "written_off": sum(p.qty for p in planned
                                                if p.condition is Condition.WRITTEN_OFF),
                             "note": note})
        rec = docs.get_return(s, rid)
        assert rec is not None
        return rec


def record_unknown(store: Store, actor: Actor, tracking_number: str,
                   items: Sequence[ReturnItem], *, warehouse: str, note: str = ""
                   ) -> ReturnRecord:
    """An unknown parcel (无头件): kept with its tracking number, what was in it and where
    it sits; no stock moves until :func:`match` ties it to an order."""
    actor.require(Permission.STOCK_EDIT)
    tracking_number = clean_text(tracking_number, "tracking number", 64)
    if not tracking_number:
        raise DomainError(ErrorCode.REQUIRED, what="tracking number")
    note = clean_text(note, "note")
    now = utcnow()
    with store.write() as s:
        wid = _warehouse_id(s, warehouse)
        if wid is None:
            raise DomainError(ErrorCode.REQUIRED, what="warehouse")
        if not items:
            raise DomainError(ErrorCode.REQUIRED, what="lines")
        reqs = _requests(s, items)
        for r in reqs:
            if isinstance(r.qty, bool) or not isinstance(r.qty, int) or r.qty <= 0:
                raise DomainError(ErrorCode.INVALID_QUANTITY, value=r.qty)
        lines = [ReturnLineInput(None, r.sku_id, r.qty, r.condition.value, None) for r in reqs]
        rid, number = docs.insert_return(
            s, status=ReturnStatus.UNMATCHED.value, order_id=None, lookup=tracking_number,
            tracking_number=tracking_number, warehouse_id=wid, refund_state="none",
            refund_history_id=None, note=note, user_id=actor.user_id, now=now, lines=lines)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="return.unknown", entity="return", entity_id=number,
                     detail={"tracking_number": tracking_number,
                             "qty": sum(r.qty for r in reqs), "note": note})
        rec = docs.get_return(s, rid)
        assert rec is not None
        return rec


def match(store: Store, actor: Actor, number: str, code: str) -> ReturnRecord:
    """Tie an unknown parcel to the shipped order *code* names: its lines are checked
    against what may come back, its stock posted into the warehouse where it sits (damaged
    into that warehouse's 次品仓) and the order's history gets its row."""
    actor.require(Permission.STOCK_EDIT)
    code = clean_text(code, "code", 64)
    now = utcnow()
    with store.write() as s:
        rec = docs.get_return(s, storable(number.strip()))
        if rec is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="return", key=number.strip()[:32])
        if rec.status != ReturnStatus.UNMATCHED.value:
            raise DomainError(ErrorCode.ALREADY_EXISTS, what="return", key=rec.number)
        cand = _candidate(s, code, lock=True)
        if cand is None or not cand.lines:
            raise DomainError(ErrorCode.NOT_FOUND, what="shipped order", key=code)
        planned = plan_return(cand.lines, [Requested(ln.sku_id, ln.qty, Condition(ln.condition))
                                           for ln in rec.lines])
        lines = _post_planned(s, actor, rec.number, planned, {}, rec.warehouse_id, now)
        if not docs.match_return(s, rec.id, order_id=planned[0].order_id,
                                 refund_state=refund_summary(p.refund_state for p in planned),
                                 refund_history_id=cand.refund_history_id,
                                 warehouse_id=rec.warehouse_id, now=now, lines=lines):
            raise DomainError(ErrorCode.ALREADY_EXISTS, what="return", key=rec.number)
        _history(s, actor, rec.number, cand.orders, lines,
                 {ln.order_line_id: ln.order_id for ln in cand.lines}, now, rec.note)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="return.match", entity="return", entity_id=rec.number,
                     detail={"lookup": code, "order": planned[0].order_id})
        out = docs.get_return(s, rec.id)
        assert out is not None
        return out


def get(store: Store, actor: Actor, number: str) -> ReturnRecord:
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        rec = docs.get_return(s, storable(number.strip()))
    if rec is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="return", key=number.strip()[:32])
    return rec


def list_returns(store: Store, actor: Actor, *, status: str | None = None,
                 tracking_number: str | None = None, before_id: int | None = None,
                 limit: int = 200) -> list[ReturnRecord]:
    """Returns newest first; ``status="unmatched"`` lists the unknown parcels."""
    actor.require(Permission.STOCK_VIEW)
    if status is not None and status not in {x.value for x in ReturnStatus}:
        raise DomainError(ErrorCode.NOT_FOUND, what="status", key=status[:32])
    with store.read() as s:
        return docs.list_returns(s, status=status,
                                 tracking_number=storable(tracking_number.strip())
                                 if tracking_number else None,
                                 before_id=before_id, limit=limit)
