"""Persistence of the packing station: find a parcel by what was scanned, claim it for a
station, read what to pack, and ship it in one transaction.

- :func:`claim` is ONE conditional UPDATE on ``parcels.station``: of two stations scanning
  the same parcel at once (PostgreSQL, READ COMMITTED) the second UPDATE waits for the
  first, re-reads the row and matches nothing, so exactly one gets it; the other is told
  which station has it.
- :func:`ship` locks the parcel's orders (the lock the intercept takes too, so a ship and
  an intercept of one order serialize), checks that none was intercepted or cancelled,
  moves the parcel open → shipped with a conditional UPDATE (a second ship matches
  nothing), turns the reservation into a stock issue in the ledger, marks each order
  SHIPPED once none of its parcels is left, queues the shipment confirmation in the outbox
  and writes the history and packing-log rows — all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.orders import TRANSITIONS, OrderStatus
from ecerp_desktop.domain.pipeline import PARCEL_OPEN
from ecerp_desktop.domain.regions import province_short
from ecerp_desktop.domain.routing import Rate
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store.schema import (
    BundleComponentRow,
    CourierRow,
    OrderHistoryRow,
    OrderLineRow,
    OrderRow,
    ParcelLineRow,
    ParcelRow,
    SkuBarcodeRow,
    SkuRow,
    WaybillRow,
)
from ecerp_desktop.store.schema_packing import PackingLogRow
from ecerp_desktop.store.schema_printing import PrintJobRow
from ecerp_desktop.store.stock import Move, post_moves
from ecerp_desktop.store.sync import enqueue

# The statuses the packing station may ship from: exactly those the domain lets go to SHIPPED.
PACKABLE_ORDERS = tuple(sorted(st.value for st, targets in TRANSITIONS.items()
                               if OrderStatus.SHIPPED in targets))
STOPPED_ORDERS = ("intercepted", "cancelled")
SHIPPED = "shipped"
# The outbox contract of sync/outbox.py (kept here: the store never imports the sync layer).
SHIPMENT_KIND = "shipment"


# --- finding -----------------------------------------------------------------------------

def find_parcels(s: Session, code: str) -> list[int]:
    """Parcel ids named by a scanned *code*, most useful first: a waybill number, the
    platform order id (the pick slip's barcode), our order id, or ``P<parcel id>``.
    A merged order finds the parcel that carries its lines."""
    code = code.strip()
    if not code or len(code) > 64:
        return []
    pids = list(s.scalars(select(WaybillRow.parcel_id).where(
        WaybillRow.number == code, WaybillRow.status == "issued")))
    if pids:
        return pids
    oids = list(s.scalars(select(OrderRow.id).where(OrderRow.platform_order_id == code)))
    if not oids and code.isdigit() and len(code) < 19:
        oids = list(s.scalars(select(OrderRow.id).where(OrderRow.id == int(code))))
    if not oids and code[:1] in "Pp" and code[1:].isdigit() and len(code) < 19:
        return list(s.scalars(select(ParcelRow.id).where(ParcelRow.id == int(code[1:]))))
    if not oids:
        return []
    pl, ln = ParcelLineRow, OrderLineRow
    q = (select(pl.parcel_id).join(ln, ln.id == pl.order_line_id)
         .where(ln.order_id.in_(oids)).distinct())
    found = set(s.scalars(q)) | set(s.scalars(select(ParcelRow.id).where(
        ParcelRow.order_id.in_(oids))))
    if not found:
        return []
    rows = s.execute(select(ParcelRow.id, ParcelRow.status).where(
        ParcelRow.id.in_(sorted(found)))).all()
    # open parcels first, then the rest (so a stopped one still explains itself)
    return [pid for pid, st in sorted(rows, key=lambda r: (r[1] != PARCEL_OPEN, r[0]))]


def sku_for_barcode(s: Session, code: str) -> int | None:
    """The SKU a scanned item code names: a barcode, else the SKU's own code."""
    code = code.strip()
    if not code or len(code) > 64:
        return None
    sku = s.scalar(select(SkuBarcodeRow.sku_id).where(SkuBarcodeRow.barcode == code))
    if sku is None:
        sku = s.scalar(select(SkuRow.id).where(SkuRow.code == code))
    return sku


# --- reading -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class OrderInfo:
    id: int
    shop_id: int
    platform_order_id: str
    status: str
    buyer_message: str
    seller_memo: str


@dataclass(frozen=True, slots=True)
class SkuInfo:
    id: int
    code: str
    name: str
    weight_g: int


@dataclass(frozen=True, slots=True)
class ParcelView:
    """Everything the station shows and checks for one parcel."""

    id: int
    order_id: int  # the lead order
    seq: int
    status: str
    station: str | None
    warehouse_id: int | None
    courier_id: int | None
    expected_weight_g: int
    orders: tuple[OrderInfo, ...]
    lines: tuple[tuple[int, int, int], ...]  # (order line id, sku id, qty)
    skus: dict[int, SkuInfo]  # every SKU of the lines, and of bundle components
    bundles: dict[int, tuple[tuple[int, int], ...]]
    barcodes: dict[str, int]  # barcode (and SKU code) → SKU, for the SKUs above
    waybill_number: str


def _bundles(s: Session, sku_ids: set[int]) -> dict[int, tuple[tuple[int, int], ...]]:
    """Bundle components of *sku_ids*, nested bundles followed."""
    out: dict[int, tuple[tuple[int, int], ...]] = {}
    todo = set(sku_ids)
    while todo:
        found = cat.bundle_components(s, sorted(todo))
        out.update(found)
        todo = {c for comps in found.values() for c, _ in comps} - set(out) - sku_ids
        sku_ids = sku_ids | todo
    return out


def parcel_view(s: Session, parcel_id: int) -> ParcelView | None:
    p = s.execute(select(ParcelRow.id, ParcelRow.order_id, ParcelRow.seq, ParcelRow.status,
                         ParcelRow.station, ParcelRow.warehouse_id, ParcelRow.courier_id,
                         ParcelRow.expected_weight_g).where(ParcelRow.id == parcel_id)).first()
    if p is None:
        return None
    lines = tuple((a, b, c) for a, b, c in s.execute(
        select(ParcelLineRow.order_line_id, ParcelLineRow.sku_id, ParcelLineRow.qty)
        .where(ParcelLineRow.parcel_id == parcel_id).order_by(ParcelLineRow.order_line_id)))
    oids = set(s.scalars(select(OrderLineRow.order_id).where(
        OrderLineRow.id.in_([ln[0] for ln in lines])))) | {p.order_id}
    orders = tuple(OrderInfo(r.id, r.shop_id, r.platform_order_id, r.status,
                             r.buyer_message or "", r.seller_memo or "")
                   for r in s.execute(select(OrderRow.id, OrderRow.shop_id,
                                             OrderRow.platform_order_id, OrderRow.status,
                                             OrderRow.buyer_message, OrderRow.seller_memo)
                                      .where(OrderRow.id.in_(sorted(oids)))
                                      .order_by(OrderRow.id)))
    sku_ids = {ln[1] for ln in lines}
    # bundles on the lines, and pre-packed bundles made of the lines' SKUs (the pipeline
    # writes a bundle as its components; a packer may still scan the set's own barcode)
    prepacked = set(s.scalars(select(BundleComponentRow.bundle_sku_id).where(
        BundleComponentRow.component_sku_id.in_(sorted(sku_ids))).distinct()))
    bundles = _bundles(s, sku_ids | prepacked)
    all_ids = sku_ids | set(bundles) | {c for v in bundles.values() for c, _ in v}
    skus = {r.id: SkuInfo(r.id, r.code, r.name, r.weight_g) for r in s.execute(
        select(SkuRow.id, SkuRow.code, SkuRow.name, SkuRow.weight_g)
        .where(SkuRow.id.in_(sorted(all_ids))))}
    barcodes = {sk.code: sk.id for sk in skus.values()}
    barcodes.update({b: k for b, k in s.execute(
        select(SkuBarcodeRow.barcode, SkuBarcodeRow.sku_id)
        .where(SkuBarcodeRow.sku_id.in_(sorted(all_ids))))})
    wb = s.scalar(select(WaybillRow.number).where(WaybillRow.parcel_id == parcel_id,
                                                  WaybillRow.status == "issued")
                  .order_by(WaybillRow.id.desc()).limit(1))
    return ParcelView(p.id, p.order_id, p.seq, p.status, p.station, p.warehouse_id,
                      p.courier_id, p.expected_weight_g or 0, orders, lines, skus, bundles,
                      barcodes, wb or "")


@dataclass(frozen=True, slots=True)
class LiveStatus:
    """What the station polls while a parcel is open."""

    parcel_status: str
    station: str | None
    order_statuses: tuple[tuple[int, str], ...]

    @property
    def stopped(self) -> str | None:
        """Why the parcel must not be packed any more (None: it may)."""
        for _oid, st in self.order_statuses:
            if st in STOPPED_ORDERS:
                return st
        if self.parcel_status != PARCEL_OPEN:
            return self.parcel_status
        return None


def live_status(s: Session, parcel_id: int, order_ids: Sequence[int]) -> LiveStatus | None:
    p = s.execute(select(ParcelRow.status, ParcelRow.station)
                  .where(ParcelRow.id == parcel_id)).first()
    if p is None:
        return None
    sts = tuple((a, b) for a, b in s.execute(
        select(OrderRow.id, OrderRow.status).where(OrderRow.id.in_(list(order_ids)))
        .order_by(OrderRow.id)))
    return LiveStatus(p.status, p.station, sts)


# --- claiming ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Claim:
    ok: bool
    station: str | None  # who has it (us when ok)
    status: str
    taken_from: str | None = None  # ok: the station whose lapsed claim we took over


# A station that has a parcel open renews its claim every CLAIM_RENEW; a claim not renewed
# for CLAIM_LEASE belongs to a station that crashed or lost its network, and the next
# station to scan the parcel takes it over (the old one, if it comes back, is refused at
# ship time by the conditional UPDATE on ``station``).
CLAIM_RENEW = timedelta(seconds=60)
CLAIM_LEASE = timedelta(minutes=5)


def claim(s: Session, parcel_id: int, station: str, now: datetime | None = None,
          lease: timedelta = CLAIM_LEASE) -> Claim:
    """Take *parcel_id* for *station*: one conditional UPDATE (free, already ours, or the
    holder's lease lapsed)."""
    now = now or utcnow()
    pc = ParcelRow.__table__.c
    # Locked on PostgreSQL (SQLite's write lock already serialises): the holder we report
    # taking over must be the one our UPDATE replaced, not one read before a rival's claim.
    ask = select(pc.station).where(pc.id == parcel_id)
    if s.get_bind().dialect.name == "postgresql":
        ask = ask.with_for_update()
    before = s.execute(ask).scalar()
    res = s.execute(update(ParcelRow.__table__).where(
        pc.id == parcel_id, pc.status == PARCEL_OPEN,
        pc.station.is_(None) | (pc.station == station) | pc.claimed_at.is_(None)
        | (pc.claimed_at < now - lease)).values(station=station, claimed_at=now))
    row = s.execute(select(pc.status, pc.station).where(pc.id == parcel_id)).first()
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="parcel", key=str(parcel_id))
    ok = bool(res.rowcount)  # type: ignore[attr-defined]
    taken = before if ok and before not in (None, station) else None
    return Claim(ok, row.station, row.status, taken)


def renew_claim(s: Session, parcel_id: int, station: str, now: datetime) -> bool:
    """Keep our claim alive; False when it is no longer ours (taken over, or released)."""
    pc = ParcelRow.__table__.c
    return bool(s.execute(update(ParcelRow.__table__).where(
        pc.id == parcel_id, pc.status == PARCEL_OPEN, pc.station == station)
        .values(claimed_at=now)).rowcount)  # type: ignore[attr-defined]


def release_claim(s: Session, parcel_id: int, station: str | None) -> bool:
    """Give a parcel back (the packer stopped); *station* None frees it whoever has it."""
    pc = ParcelRow.__table__.c
    q = update(ParcelRow.__table__).where(pc.id == parcel_id, pc.status == PARCEL_OPEN)
    if station is not None:
        q = q.where(pc.station == station)
    return bool(s.execute(q.values(station=None, claimed_at=None)
                          ).rowcount)  # type: ignore[attr-defined]


# --- printing state ------------------------------------------------------------------------

def waybill_jobs(s: Session, parcel_id: int) -> list[tuple[int, str]]:
    """(job id, state) of the parcel's waybill print jobs, oldest first."""
    return [(a, b) for a, b in s.execute(
        select(PrintJobRow.id, PrintJobRow.state).where(
            PrintJobRow.parcel_id == parcel_id, PrintJobRow.kind == "waybill")
        .order_by(PrintJobRow.id))]


# --- shipping ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ShipRequest:
    parcel_id: int
    station: str
    weight_g: int | None
    opened_at: datetime
    scans: int
    errors: int
    user_id: int | None
    username: str
    weight_override_by: str = ""


@dataclass(frozen=True, slots=True)
class ShipResult:
    parcel_id: int
    orders_shipped: tuple[int, ...]  # orders that became SHIPPED with this parcel
    outbox_rows: int


def _refuse(s: Session, parcel_id: int, station: str) -> DomainError:
    row = s.execute(select(ParcelRow.status, ParcelRow.station)
                    .where(ParcelRow.id == parcel_id)).first()
    if row is None:
        return DomainError(ErrorCode.NOT_FOUND, what="parcel", key=str(parcel_id))
    if row.status == SHIPPED:
        return DomainError(ErrorCode.ALREADY_EXISTS, what="shipment of parcel",
                           key=str(parcel_id))
    if row.station not in (None, station):
        return DomainError(ErrorCode.ALREADY_EXISTS, what="claim of parcel",
                           key=f"{parcel_id} by {row.station}")
    return DomainError(ErrorCode.ILLEGAL_TRANSITION, current=row.status, target=SHIPPED)


def ship(s: Session, req: ShipRequest, now: datetime) -> ShipResult:
    """Ship one parcel (see the module docstring); raises and changes nothing on refusal."""
    pid = req.parcel_id
    lines = s.execute(select(ParcelLineRow.order_line_id, ParcelLineRow.sku_id,
                             ParcelLineRow.qty, OrderLineRow.order_id)
                      .join(OrderLineRow, OrderLineRow.id == ParcelLineRow.order_line_id)
                      .where(ParcelLineRow.parcel_id == pid)).all()
    lead = s.scalar(select(ParcelRow.order_id).where(ParcelRow.id == pid))
    if lead is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="parcel", key=str(pid))
    oids = sorted({ln.order_id for ln in lines} | {lead})
    q = select(OrderRow.id, OrderRow.shop_id, OrderRow.platform_order_id, OrderRow.status
               ).where(OrderRow.id.in_(oids)).order_by(OrderRow.id)
    if s.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()  # the row lock intercept() takes: they serialize
    orders = {r.id: r for r in s.execute(q)}
    for o in orders.values():
        if o.status not in PACKABLE_ORDERS:
            raise DomainError(ErrorCode.ILLEGAL_TRANSITION, current=o.status, target=SHIPPED)
    pc = ParcelRow.__table__.c
    values: dict[str, Any] = {"status": SHIPPED, "shipped_at": now, "weight_g": req.weight_g}
    cost = _courier_cost(s, pid, lead, req.weight_g)
    if cost is not None:
        values["courier_cost"] = cost
    res = s.execute(update(ParcelRow.__table__).where(
        pc.id == pid, pc.status == PARCEL_OPEN, pc.station == req.station).values(**values)
        .returning(pc.warehouse_id, pc.courier_id, pc.expected_weight_g))
    row = res.first()
    if row is None:
        raise _refuse(s, pid, req.station)
    wh, courier_id, expected = row
    # reservation → stock issue: on hand −q and reserved −q, refused if not reserved
    per_sku: dict[int, int] = {}
    for ln in lines:
        per_sku[ln.sku_id] = per_sku.get(ln.sku_id, 0) + ln.qty
    if wh is not None:
        post_moves(s, [Move(wh, k, MoveKind.SHIPMENT, "parcel", str(pid), d_on_hand=-q,
                            d_reserved=-q, user_id=req.user_id, note=f"shipped at {req.station}"
                            [:255]) for k, q in sorted(per_sku.items())], now)
    # orders with no open parcel left become SHIPPED
    pl, ln_t, p_t = ParcelLineRow, OrderLineRow, ParcelRow
    still_open = set(s.scalars(
        select(ln_t.order_id).join(pl, pl.order_line_id == ln_t.id)
        .join(p_t, p_t.id == pl.parcel_id)
        .where(ln_t.order_id.in_(oids), p_t.status == PARCEL_OPEN).distinct()))
    wb = s.scalar(select(WaybillRow.number).where(WaybillRow.parcel_id == pid,
                                                  WaybillRow.status == "issued")
                  .order_by(WaybillRow.id.desc()).limit(1)) or ""
    courier_code = "" if courier_id is None else (s.scalar(
        select(CourierRow.code).where(CourierRow.id == courier_id)) or "")
    platform_lines = _platform_line_ids(s, [ln.order_line_id for ln in lines])
    shipped: list[int] = []
    history: list[dict[str, Any]] = []
    outbox = 0
    for oid in oids:
        o = orders[oid]
        whole = oid not in still_open
        mine = [ln.order_line_id for ln in lines if ln.order_id == oid]
        if whole:
            upd = s.execute(update(OrderRow.__table__).where(
                OrderRow.__table__.c.id == oid, OrderRow.__table__.c.status == o.status)
                .values(status=SHIPPED, updated_at=now))
            if upd.rowcount != 1:  # type: ignore[attr-defined]
                raise DomainError(ErrorCode.ILLEGAL_TRANSITION, current=o.status,
                                  target=SHIPPED)
            shipped.append(oid)
        if mine or oid == lead:
            line_ids = [] if whole and _all_lines_here(s, oid, pid) else sorted(
                {platform_lines[i] for i in mine if platform_lines.get(i)})
            key = f"ship:{o.shop_id}:{o.platform_order_id}:{wb or f'P{pid}'}"
            if enqueue(s, SHIPMENT_KIND, f"shop:{o.shop_id}", key[:191],
                       {"platform_order_id": o.platform_order_id, "courier_code": courier_code,
                        "waybill_number": wb, "line_ids": line_ids, "parcel_id": pid}, now):
                outbox += 1
        history.append({"order_id": oid, "at": now, "user_id": req.user_id,
                        "actor": req.username[:64], "action": "shipped" if whole
                        else "parcel_shipped", "from_status": o.status,
                        "to_status": SHIPPED if whole else o.status, "rule": "",
                        "reason": f"parcel {pid} at {req.station}"[:255],
                        "detail": {"parcel": pid, "station": req.station, "waybill": wb,
                                   "weight_g": req.weight_g, "expected_weight_g": expected,
                                   "weight_override_by": req.weight_override_by}})
    s.execute(insert(OrderHistoryRow.__table__), history)
    duration = max(0, int((now - req.opened_at).total_seconds() * 1000))
    s.execute(insert(PackingLogRow.__table__).values(
        parcel_id=pid, station=req.station[:64], user_id=req.user_id,
        username=req.username[:64], opened_at=req.opened_at, shipped_at=now,
        duration_ms=duration, scans=req.scans, errors=req.errors, weight_g=req.weight_g,
        expected_weight_g=expected or 0, weight_override_by=req.weight_override_by[:64]))
    return ShipResult(pid, tuple(shipped), outbox)


def _courier_cost(s: Session, parcel_id: int, lead: int, weight_g: int | None
                  ) -> Decimal | None:
    """The parcel's courier price at its weighed weight (None: keep the planned one)."""
    courier_id = s.scalar(select(ParcelRow.courier_id).where(ParcelRow.id == parcel_id))
    if courier_id is None or not weight_g:
        return None
    province = province_short(s.scalar(select(OrderRow.province).where(OrderRow.id == lead))
                              or "")
    by = {r.province: r for r in cat.rates(s, courier_id)}
    r = by.get(province) or by.get("*")
    if r is None or r.excluded:
        return None
    return Rate(r.province, r.first_weight_g, r.first_price, r.step_weight_g,
                r.step_price).price(weight_g)


def _platform_line_ids(s: Session, line_ids: Sequence[int]) -> dict[int, str]:
    """Our order line → the platform's line id (a bundle component → its bundle line;
    our own gift lines have none)."""
    if not line_ids:
        return {}
    ln = OrderLineRow
    rows = s.execute(select(ln.id, ln.platform_line_id, ln.bundle_line_id)
                     .where(ln.id.in_(list(line_ids)))).all()
    parents = {r.bundle_line_id for r in rows if r.bundle_line_id is not None}
    pmap = dict(s.execute(select(ln.id, ln.platform_line_id).where(ln.id.in_(parents))).all()
                ) if parents else {}
    out: dict[int, str] = {}
    for r in rows:
        pid = pmap.get(r.bundle_line_id, "") if r.bundle_line_id is not None \
            else r.platform_line_id
        if pid and not pid.startswith(("gift:", "rulegift:")):
            out[r.id] = pid
    return out


def _all_lines_here(s: Session, order_id: int, parcel_id: int) -> bool:
    """Every parcel line of *order_id* is in *parcel_id* (one parcel = the whole order)."""
    other = s.scalar(select(func.count()).select_from(ParcelLineRow).join(
        OrderLineRow, OrderLineRow.id == ParcelLineRow.order_line_id).join(
        ParcelRow, ParcelRow.id == ParcelLineRow.parcel_id).where(
        OrderLineRow.order_id == order_id, ParcelLineRow.parcel_id != parcel_id,
        ParcelRow.status.not_in(("intercepted", "cancelled"))))
    return not other


# --- counters ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StationCounts:
    parcels: int
    avg_seconds: float | None
    errors: int


def station_counts(s: Session, station: str, since: datetime) -> StationCounts:
    t = PackingLogRow
    n, avg, errs = s.execute(select(func.count(), func.avg(t.duration_ms), func.sum(t.errors))
                             .where(and_(t.station == station, t.shipped_at >= since))).one()
    return StationCounts(int(n or 0), None if avg is None else float(avg) / 1000.0,
                         int(errs or 0))
