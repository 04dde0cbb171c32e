"""Merging into parcels of earlier runs (合单 across runs): which open parcels a chunk's
orders may join, and writing the joins in the run's transaction.

A parcel may still take lines while it is open (stock reserved, not shipped, stopped or
cancelled), no packing station holds it, no waybill was asked for or issued, nothing was
queued for printing for it, and its lead order is still APPROVED. :func:`write_joins`
checks all of that again with conditional UPDATEs, so a parcel that was waybilled,
printed or claimed since the chunk was read raises :class:`Conflict` and the chunk is
planned again (without that parcel).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, func, insert, select, update
from sqlalchemy.orm import Session

from ecerp_desktop.domain.facts import OrderFacts
from ecerp_desktop.domain.merge import OpenParcel
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.domain.pipeline import PARCEL_OPEN, ChunkPlan
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.store.pipeline import Actorish, Conflict, ShopInfo
from ecerp_desktop.store.raw import chunks as _chunks
from ecerp_desktop.store.schema import (
    OrderHistoryRow,
    OrderLineRow,
    OrderRow,
    ParcelLineRow,
    ParcelRow,
    ShopRow,
    SkuRow,
    WaybillRow,
)
from ecerp_desktop.store.schema_printing import PrintJobRow
from ecerp_desktop.store.schema_waybills import WaybillRequestRow
from ecerp_desktop.store.stock import Move, post_moves

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _joinable() -> Any:
    """The WHERE clause of a parcel that may still take lines."""
    p = ParcelRow.__table__.c
    return and_(
        p.status == PARCEL_OPEN, p.station.is_(None),
        ~exists().where(WaybillRow.parcel_id == p.id, WaybillRow.status == "issued"),
        ~exists().where(WaybillRequestRow.parcel_id == p.id),
        ~exists().where(PrintJobRow.parcel_id == p.id, PrintJobRow.state != "cancelled"))


def _aware(v: datetime | None) -> datetime | None:
    return None if v is None else (v if v.tzinfo else v.replace(tzinfo=UTC))


def open_parcels(s: Session, phone_hashes: Iterable[str], shop_info: dict[int, ShopInfo]
                 ) -> list[OpenParcel]:
    """The parcels of APPROVED orders with one of *phone_hashes* that may still take the
    lines of a later order of the same buyer."""
    hashes = sorted({h for h in phone_hashes if h})
    o, p, pl = OrderRow.__table__.c, ParcelRow.__table__.c, ParcelLineRow.__table__.c
    leads: dict[int, OrderFacts] = {}
    paid: dict[int, datetime] = {}
    for part in _chunks(hashes):
        # The status as an expression (status || '') and the lead checked here: given
        # plain columns, SQLite's planner walks every approved order by the status index
        # (or every unmerged one by the lead's) instead of the few orders of each phone.
        for r in s.execute(select(o.id, o.shop_id, o.buyer_nick, o.receiver_name,
                                  o.phone_hash, o.province, o.city, o.district,
                                  o.address_detail, o.is_cod, o.is_presale, o.tags,
                                  o.paid_at, o.created_at, o.merged_into_id)
                           .where(o.phone_hash.in_(part),
                                  o.status.concat("") == OrderStatus.APPROVED.value)):
            if r.merged_into_id is not None:
                continue
            shop = shop_info.get(r.shop_id) or ShopInfo(r.shop_id, "", "", True)
            tags = json.loads(r.tags) if isinstance(r.tags, str) else list(r.tags or [])
            leads[r.id] = OrderFacts(
                r.id, r.shop_id, shop.name, shop.platform, shop.allow_merge, "approved",
                f"{shop.platform}:{r.buyer_nick}" if r.buyer_nick else "", None,
                r.receiver_name, r.phone_hash, r.province, r.city, r.district,
                r.address_detail, is_cod=bool(r.is_cod), is_presale=bool(r.is_presale),
                paid_at=_aware(r.paid_at), created_at=_aware(r.created_at), tags=tags)
            paid[r.id] = _aware(r.paid_at) or _aware(r.created_at) or _EPOCH
    if not leads:
        return []
    ids = sorted(leads)
    members: dict[int, list[int]] = {}
    amount: dict[int, Decimal] = {}
    for part in _chunks(ids):
        for oid, lead, t, created, amt in s.execute(
                select(o.id, func.coalesce(o.merged_into_id, o.id), o.paid_at, o.created_at,
                       o.paid_amount)
                .where((o.id.in_(part)) | (o.merged_into_id.in_(part)))):
            amount[lead] = amount.get(lead, Decimal(0)) + (amt or Decimal(0))
            if oid != lead:
                members.setdefault(lead, []).append(oid)
                paid[lead] = min(paid[lead], _aware(t) or _aware(created) or _EPOCH)
    out: list[OpenParcel] = []
    for part in _chunks(ids):
        rows = list(s.execute(select(p.id, p.order_id, p.warehouse_id, p.courier_id,
                                     p.expected_weight_g)
                              .where(p.order_id.in_(part), _joinable()).order_by(p.id)))
        if not rows:
            continue
        volume: dict[int, int] = {}
        codes: dict[int, set[str]] = {}
        for pid, code, qty, vol in s.execute(
                select(pl.parcel_id, SkuRow.code, pl.qty, SkuRow.volume_cm3)
                .join(SkuRow, SkuRow.id == pl.sku_id)
                .where(pl.parcel_id.in_([r.id for r in rows]))):
            volume[pid] = volume.get(pid, 0) + qty * (vol or 0)
            codes.setdefault(pid, set()).add(code)
        for r in rows:
            if r.warehouse_id is None:
                continue
            out.append(OpenParcel(r.id, leads[r.order_id], paid[r.order_id], r.warehouse_id,
                                  r.courier_id, int(r.expected_weight_g or 0),
                                  volume.get(r.id, 0), amount.get(r.order_id, Decimal(0)),
                                  frozenset(codes.get(r.id, ())),
                                  (r.order_id, *members.get(r.order_id, ()))))
    return out


def write_joins(s: Session, plan: ChunkPlan, real: dict[int, int], actor: Actorish,
                now: datetime) -> None:
    """Add the joining orders' lines to their parcels, reserve their stock on those
    parcels, and tell the lead order's history. Raises :class:`Conflict` when a parcel
    or its lead order moved on since the chunk was read (the caller plans again)."""
    if not plan.joins:
        return
    p, o = ParcelRow.__table__.c, OrderRow.__table__.c
    lines: list[dict[str, Any]] = []
    moves: list[Move] = []
    history: list[dict[str, Any]] = []
    for j in plan.joins:
        lead_ok = s.execute(update(OrderRow.__table__)
                            .where(o.id == j.lead_id, o.status == OrderStatus.APPROVED.value,
                                   o.merged_into_id.is_(None))
                            .values(updated_at=now)).rowcount  # type: ignore[attr-defined]
        values: dict[str, Any] = {"expected_weight_g": p.expected_weight_g + j.weight_g}
        if j.cost is not None:
            values["courier_cost"] = j.cost
        parcel_ok = s.execute(update(ParcelRow.__table__)
                              .where(p.id == j.parcel_id, _joinable())
                              .values(**values)).rowcount  # type: ignore[attr-defined]
        if not lead_ok or not parcel_ok:
            raise Conflict()
        per_sku: dict[int, int] = {}
        for i in j.items:
            lines.append({"parcel_id": j.parcel_id,
                          "order_line_id": real[i.line_id] if i.line_id < 0 else i.line_id,
                          "sku_id": i.sku_id, "qty": i.qty})
            per_sku[i.sku_id] = per_sku.get(i.sku_id, 0) + i.qty
        ids = ", ".join(map(str, j.order_ids))
        moves += [Move(j.warehouse_id, k, MoveKind.RESERVE, "parcel", str(j.parcel_id),
                       d_reserved=q, note=f"merged order(s) {ids}"[:255],
                       user_id=actor.user_id) for k, q in per_sku.items()]
        history.append({"order_id": j.lead_id, "at": now, "user_id": actor.user_id,
                        "actor": actor.username[:64], "action": "merged",
                        "from_status": None, "to_status": None, "rule": "",
                        "reason": f"order(s) {ids} merged into parcel {j.parcel_id}"[:255],
                        "detail": {"parcel": j.parcel_id, "joined": list(j.order_ids),
                                   "why": [j.why]}})
    s.execute(insert(ParcelLineRow.__table__), lines)
    post_moves(s, moves, now)
    s.execute(insert(OrderHistoryRow.__table__), history)



# --- intercepting one order of a merged parcel ------------------------------------------------

def joinable(s: Session, parcel_id: int, lock: bool = False) -> bool:
    """True when the parcel is still open and untouched (no station, waybill, print).
    With *lock* (in a write transaction, before changing the parcel) the row stays locked
    on PostgreSQL until commit, so a packing station's claim or a waybill request cannot
    slip in between this check and the change (SQLite's write lock already excludes it)."""
    p = ParcelRow.__table__.c
    q = select(p.id).where(p.id == parcel_id, _joinable())
    if lock and s.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(of=ParcelRow.__table__)
    return s.scalar(q) is not None


def relead(s: Session, parcel_id: int, old_lead: int, new_lead: int, now: datetime) -> None:
    """Make *new_lead* the lead order of a shared parcel whose lead *old_lead* left it:
    the parcel takes its next sequence number, the other members point at it."""
    p, o = ParcelRow.__table__.c, OrderRow.__table__.c
    seq = int(s.scalar(select(func.coalesce(func.max(p.seq), 0))
                       .where(p.order_id == new_lead)) or 0) + 1
    s.execute(update(ParcelRow.__table__).where(p.id == parcel_id)
              .values(order_id=new_lead, seq=seq))
    s.execute(update(OrderRow.__table__).where(o.merged_into_id == old_lead, o.id != new_lead)
              .values(merged_into_id=new_lead, updated_at=now))
    s.execute(update(OrderRow.__table__).where(o.id == new_lead)
              .values(merged_into_id=None, updated_at=now))


def reprice(s: Session, parcel_ids: Sequence[int]) -> None:
    """Courier cost of *parcel_ids* again from their courier's rate table, for what they
    hold now (after lines moved in or out: a merge undone gives the cost back too). A
    parcel its courier would no longer take keeps its cost; the waybill step decides."""
    from ecerp_desktop.domain.routing import ParcelFacts, serves
    from ecerp_desktop.store.pipeline import load_couriers

    ids = sorted({i for i in parcel_ids if i})
    if not ids:
        return
    p, pl, o = ParcelRow.__table__.c, ParcelLineRow.__table__.c, OrderRow.__table__.c
    couriers = {c.id: c for c in load_couriers(s)}
    ln = OrderLineRow.__table__.c
    orders: dict[int, set[int]] = {}
    codes: dict[int, set[str]] = {}
    for pid, oid, code in s.execute(select(pl.parcel_id, ln.order_id, SkuRow.code)
                                    .join(OrderLineRow, ln.id == pl.order_line_id)
                                    .join(SkuRow, SkuRow.id == pl.sku_id)
                                    .where(pl.parcel_id.in_(ids))):
        orders.setdefault(pid, set()).add(oid)
        codes.setdefault(pid, set()).add(code)
    heads = {r.id: r for r in s.execute(
        select(o.id, o.province, o.shop_id, o.is_cod, o.paid_amount, ShopRow.name)
        .join(ShopRow, ShopRow.id == o.shop_id)
        .where(o.id.in_(sorted({x for v in orders.values() for x in v}))))}
    for r in s.execute(select(p.id, p.courier_id, p.expected_weight_g, p.order_id)
                       .where(p.id.in_(ids))):
        courier = couriers.get(r.courier_id) if r.courier_id is not None else None
        lead = heads.get(r.order_id) or next(
            (heads[x] for x in sorted(orders.get(r.id, ())) if x in heads), None)
        if courier is None or lead is None:
            continue
        amount = sum((heads[x].paid_amount or Decimal(0) for x in orders.get(r.id, ())
                      if x in heads), Decimal(0))
        cost, _why = serves(courier, ParcelFacts(lead.province, int(r.expected_weight_g or 0),
                                                 amount, lead.shop_id, lead.name,
                                                 frozenset(codes.get(r.id, ())), "",
                                                 bool(lead.is_cod)))
        if cost is not None:
            s.execute(update(ParcelRow.__table__).where(p.id == r.id)
                      .values(courier_cost=cost))
