"""Queries for printing: the print queue, and the data a label needs, loaded in bulk.

Every function takes a Session and hands back frozen dataclasses. Claiming jobs is one
conditional ``UPDATE … WHERE state = 'queued' RETURNING id``, so two stations (or two
workers) never send the same job.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from ecerp_desktop.printing.fields import ItemLine, SkuLabelData, WaybillData
from ecerp_desktop.store.schema import (
    CourierRow,
    OrderLineRow,
    OrderRow,
    ParcelLineRow,
    ParcelRow,
    ShopRow,
    SkuBarcodeRow,
    SkuRow,
    WarehouseRow,
    WaybillRow,
)
from ecerp_desktop.store.schema_printing import PrintJobRow

_CHUNK = 500  # ids per IN (…) list


@dataclass(frozen=True, slots=True)
class NewJob:
    kind: str
    template: str
    printer: str
    target: str
    profile: str
    language: str
    copies: int = 1
    order_id: int | None = None
    parcel_id: int | None = None
    sku_code: str = ""
    reprint_of: int | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PrintJob:
    id: int
    batch: str
    seq: int
    kind: str
    order_id: int | None
    parcel_id: int | None
    sku_code: str
    template: str
    printer: str
    target: str
    profile: str
    language: str
    copies: int
    state: str
    attempts: int
    error: str
    maybe_printed: bool
    reprint_of: int | None
    reason: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None


_JOBS = PrintJobRow.__table__  # rows as plain tuples: lists of jobs can be long


def _job(r: Any) -> PrintJob:
    return PrintJob(r.id, r.batch, r.seq, r.kind, r.order_id, r.parcel_id, r.sku_code,
                    r.template, r.printer, r.target, r.profile, r.language, r.copies, r.state,
                    r.attempts, r.error, r.maybe_printed, r.reprint_of, r.reason, r.created_by,
                    r.created_at, r.updated_at, r.sent_at)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


# --- the queue -----------------------------------------------------------------------------

def add_jobs(s: Session, batch: str, jobs: Sequence[NewJob], *, user_id: int | None,
             username: str, now: datetime) -> list[int]:
    """Insert *jobs* (queued, in this order) and return their ids."""
    rows = [{"batch": batch, "seq": i, "kind": j.kind, "order_id": j.order_id,
             "parcel_id": j.parcel_id, "sku_code": j.sku_code, "template": j.template,
             "printer": j.printer, "target": j.target, "profile": j.profile,
             "language": j.language, "copies": j.copies, "state": "queued", "attempts": 0,
             "error": "", "maybe_printed": False, "reprint_of": j.reprint_of,
             "reason": j.reason, "user_id": user_id, "created_by": username,
             "created_at": now, "updated_at": now, "sent_at": None}
            for i, j in enumerate(jobs)]
    if rows:
        s.execute(insert(PrintJobRow), rows)
    return list(s.scalars(select(PrintJobRow.id).where(PrintJobRow.batch == batch)
                          .order_by(PrintJobRow.seq)))


def get_jobs(s: Session, ids: Sequence[int]) -> list[PrintJob]:
    """The jobs with these ids, in the order given."""
    found: dict[int, PrintJob] = {}
    for part in _chunks(list(ids)):
        for r in s.execute(select(_JOBS).where(_JOBS.c.id.in_(part))):
            found[r.id] = _job(r)
    return [found[i] for i in ids if i in found]


def list_jobs(s: Session, *, states: Sequence[str] | None = None, batch: str | None = None,
              limit: int = 500) -> list[PrintJob]:
    q = select(_JOBS).order_by(_JOBS.c.id).limit(limit)
    if states:
        q = q.where(_JOBS.c.state.in_(list(states)))
    if batch:
        q = q.where(_JOBS.c.batch == batch)
    return [_job(r) for r in s.execute(q)]


def claim(s: Session, ids: Sequence[int], now: datetime) -> list[int]:
    """Move the still-queued jobs among *ids* to ``sending``; the ids this caller got."""
    got: set[int] = set()
    for part in _chunks(list(ids)):
        res = s.execute(update(PrintJobRow)
                        .where(PrintJobRow.id.in_(part), PrintJobRow.state == "queued")
                        .values(state="sending", attempts=PrintJobRow.attempts + 1,
                                updated_at=now)
                        .returning(PrintJobRow.id))
        got.update(res.scalars())
    return [i for i in ids if i in got]


def _set(s: Session, ids: Sequence[int], where_state: str, **values: object) -> int:
    n = 0
    for part in _chunks(list(ids)):
        res = s.execute(update(PrintJobRow)
                        .where(PrintJobRow.id.in_(part), PrintJobRow.state == where_state)
                        .values(**values))
        n += res.rowcount or 0
    return n


def mark_sent(s: Session, ids: Sequence[int], now: datetime) -> int:
    return _set(s, ids, "sending", state="sent", error="", sent_at=now, updated_at=now)


def mark_requeued(s: Session, ids: Sequence[int], error: str, now: datetime) -> int:
    """Nothing was sent (the printer is off): back to queued, with the reason."""
    return _set(s, ids, "sending", state="queued", error=error[:2000], updated_at=now)


def mark_failed(s: Session, ids: Sequence[int], error: str, maybe_printed: bool,
                now: datetime) -> int:
    return _set(s, ids, "sending", state="failed", error=error[:2000],
                maybe_printed=maybe_printed, updated_at=now)


def fail_queued(s: Session, ids: Sequence[int], error: str, now: datetime) -> int:
    """Jobs that cannot be printed at all (bad data): failed, nothing was sent."""
    return _set(s, ids, "queued", state="failed", error=error[:2000], maybe_printed=False,
                updated_at=now)


def requeue_failed(s: Session, job_id: int, now: datetime) -> int:
    """A failed job that surely printed nothing goes back to the queue."""
    res = s.execute(update(PrintJobRow)
                    .where(PrintJobRow.id == job_id, PrintJobRow.state == "failed",
                           PrintJobRow.maybe_printed.is_(False))
                    .values(state="queued", error="", updated_at=now))
    return res.rowcount or 0


def cancel(s: Session, ids: Sequence[int], now: datetime) -> int:
    return _set(s, ids, "queued", state="cancelled", updated_at=now)


def confirm(s: Session, ids: Sequence[int], now: datetime) -> int:
    return _set(s, ids, "sent", state="confirmed", updated_at=now)


def recover_interrupted(s: Session, now: datetime, error: str) -> list[int]:
    """Jobs left in ``sending`` by a crash: failed and maybe printed (never re-sent)."""
    ids = list(s.scalars(select(PrintJobRow.id).where(PrintJobRow.state == "sending")))
    if ids:
        mark_failed(s, ids, error, True, now)
    return ids


# --- label data ----------------------------------------------------------------------------

def find_orders(s: Session, ref: str) -> list[int]:
    """Orders named by *ref*: the platform's order id, else our own numeric id."""
    ref = ref.strip()
    ids = list(s.scalars(select(OrderRow.id).where(OrderRow.platform_order_id == ref)
                         .order_by(OrderRow.id)))
    if not ids and ref.isdigit():
        ids = list(s.scalars(select(OrderRow.id).where(OrderRow.id == int(ref))))
    return ids


def parcels_of_orders(s: Session, order_ids: Sequence[int]) -> dict[int, list[int]]:
    """Each order's parcel ids by sequence (an order without parcels maps to [])."""
    out: dict[int, list[int]] = {o: [] for o in order_ids}
    for part in _chunks(list(order_ids)):
        for oid, pid in s.execute(select(ParcelRow.order_id, ParcelRow.id)
                                  .where(ParcelRow.order_id.in_(part))
                                  .order_by(ParcelRow.order_id, ParcelRow.seq)):
            out[oid].append(pid)
    return out


def _sender(shop: ShopRow | None, wh: WarehouseRow | None) -> tuple[str, str, str]:
    settings = (shop.settings or {}) if shop else {}
    name = str(settings.get("sender_name") or (shop.name if shop else ""))
    phone = str(settings.get("sender_phone") or "")
    address = str(settings.get("sender_address")
                  or (f"{wh.province}{wh.address}" if wh else ""))
    return name, phone, address


def waybill_data(s: Session, *, parcel_ids: Sequence[int] = (),
                 order_ids: Sequence[int] = ()) -> dict[tuple[str, int], WaybillData]:
    """Label data for parcels (key ("parcel", id)) and for orders that have no parcel yet
    (key ("order", id): one parcel of one, items from the order lines), in few queries."""
    # plain column selects: no ORM identity map, and not the order's raw platform payload
    P, Od, W = ParcelRow, OrderRow, WaybillRow
    parcels: dict[int, Any] = {}
    for part in _chunks(list(parcel_ids)):
        for p in s.execute(select(P.id, P.order_id, P.seq, P.warehouse_id, P.courier_id,
                                  P.weight_g, P.expected_weight_g).where(P.id.in_(part))):
            parcels[p.id] = p
    all_orders = set(order_ids) | {p.order_id for p in parcels.values()}
    orders: dict[int, Any] = {}
    for part in _chunks(sorted(all_orders)):
        for o in s.execute(select(
                Od.id, Od.shop_id, Od.platform_order_id, Od.receiver_name, Od.receiver_phone,
                Od.province, Od.city, Od.district, Od.town, Od.address_detail, Od.buyer_message,
                Od.seller_memo, Od.paid_at, Od.is_cod, Od.paid_amount, Od.warehouse_id,
                Od.courier_id).where(Od.id.in_(part))):
            orders[o.id] = o
    counts: dict[int, int] = {}
    for part in _chunks(sorted(all_orders)):
        for oid, n in s.execute(select(ParcelRow.order_id, func.count())
                                .where(ParcelRow.order_id.in_(part))
                                .group_by(ParcelRow.order_id)):
            counts[oid] = n
    shops = {r.id: r for r in s.scalars(select(ShopRow).where(
        ShopRow.id.in_({o.shop_id for o in orders.values()})))}
    couriers = {r.id: r for r in s.scalars(select(CourierRow))}
    wh_ids = {p.warehouse_id for p in parcels.values()} | {o.warehouse_id for o in orders.values()}
    warehouses = {r.id: r for r in s.scalars(select(WarehouseRow).where(
        WarehouseRow.id.in_({w for w in wh_ids if w is not None})))}
    waybills: dict[int, Any] = {}
    for part in _chunks(list(parcels)):
        for w in s.execute(select(W.parcel_id, W.courier_id, W.number, W.sort_code,
                                  W.print_data)
                           .where(W.parcel_id.in_(part), W.status == "issued")
                           .order_by(W.id)):
            waybills[w.parcel_id] = w  # the newest issued number wins
    items: dict[tuple[str, int], list[ItemLine]] = defaultdict(list)
    for part in _chunks(list(parcels)):
        for pid, code, title, qty in s.execute(
                select(ParcelLineRow.parcel_id, SkuRow.code, OrderLineRow.title,
                       ParcelLineRow.qty)
                .join(SkuRow, SkuRow.id == ParcelLineRow.sku_id)
                .join(OrderLineRow, OrderLineRow.id == ParcelLineRow.order_line_id)
                .where(ParcelLineRow.parcel_id.in_(part))
                .order_by(ParcelLineRow.parcel_id, ParcelLineRow.order_line_id)):
            items[("parcel", pid)].append(ItemLine(code, title or code, qty))
    for part in _chunks(list(order_ids)):
        for oid, code, merchant, title, qty in s.execute(
                select(OrderLineRow.order_id, SkuRow.code, OrderLineRow.merchant_sku_code,
                       OrderLineRow.title, OrderLineRow.qty)
                .outerjoin(SkuRow, SkuRow.id == OrderLineRow.sku_id)
                .where(OrderLineRow.order_id.in_(part), OrderLineRow.bundle_line_id.is_(None))
                .order_by(OrderLineRow.order_id, OrderLineRow.id)):
            items[("order", oid)].append(ItemLine(code or merchant, title, qty))

    def build(o: Any, p: Any) -> WaybillData:
        shop = shops.get(o.shop_id)
        wh_id = (p.warehouse_id if p else None) or o.warehouse_id
        courier_id = (p.courier_id if p else None) or o.courier_id
        wb = waybills.get(p.id) if p else None
        if wb is not None:
            courier_id = wb.courier_id
        courier = couriers.get(courier_id) if courier_id else None
        sname, sphone, saddr = _sender(shop, warehouses.get(wh_id) if wh_id else None)
        pd = (wb.print_data or {}) if wb else {}
        return WaybillData(
            order_id=o.id, platform=shop.platform if shop else "", shop_name=shop.name if shop else "",
            platform_order_id=o.platform_order_id, parcel_id=p.id if p else None,
            parcel_seq=p.seq if p else 1, parcel_count=max(1, counts.get(o.id, 0)) if p else 1,
            courier_code=courier.code if courier else "",
            courier_name=courier.name if courier else "",
            waybill_number=wb.number if wb else "",
            sort_code=(wb.sort_code or _routing_sort_code(pd)) if wb else "",
            receiver_name=o.receiver_name, receiver_phone=o.receiver_phone,
            province=o.province, city=o.city, district=o.district, town=o.town,
            address_detail=o.address_detail, sender_name=sname, sender_phone=sphone,
            sender_address=saddr,
            items=tuple(items.get(("parcel", p.id) if p else ("order", o.id), ())),
            buyer_message=o.buyer_message, seller_memo=o.seller_memo, paid_at=o.paid_at,
            weight_g=(p.weight_g or p.expected_weight_g or None) if p else None,
            cod_amount=o.paid_amount if o.is_cod else None,
            tracking_url=str(pd.get("tracking_url") or pd.get("qr") or ""))

    out: dict[tuple[str, int], WaybillData] = {}
    for pid, p in parcels.items():
        o = orders.get(p.order_id)
        if o is not None:
            out[("parcel", pid)] = build(o, p)
    for oid in order_ids:
        o = orders.get(oid)
        if o is not None:
            out[("order", oid)] = build(o, None)
    return out


def _routing_sort_code(print_data: dict[str, Any]) -> str:
    """The 大头笔 from Cainiao print data (``data.routingInfo``) when no sort code was saved."""
    routing = ((print_data.get("data") or {}).get("routingInfo") or {}) \
        if isinstance(print_data, dict) else {}
    if not isinstance(routing, dict):
        return ""
    sortation = routing.get("sortation") or {}
    name = sortation.get("name") if isinstance(sortation, dict) else ""
    return str(name or routing.get("routeCode") or "")


def sku_label_data(s: Session, code: str) -> SkuLabelData | None:
    """The SKU with this merchant code (or one of its barcodes), for a shelf label."""
    sku = s.scalar(select(SkuRow).where(SkuRow.code == code))
    if sku is None:
        sku = s.scalar(select(SkuRow).join(SkuBarcodeRow, SkuBarcodeRow.sku_id == SkuRow.id)
                       .where(SkuBarcodeRow.barcode == code))
    if sku is None:
        return None
    barcodes = list(s.scalars(select(SkuBarcodeRow.barcode)
                              .where(SkuBarcodeRow.sku_id == sku.id)
                              .order_by(SkuBarcodeRow.barcode)))
    ean = next((b for b in barcodes if len(b) == 13 and b.isdigit()), "")
    return SkuLabelData(sku.code, sku.name, "", ean, None)
