"""E-waybill queries: couriers' waybill settings, number ranges, the parcels to number, the
in-flight request journal, saving numbers (and moving orders to WAYBILLED), cancels.

Concurrency (RELIABILITY rules 1 and 3):
- a range number is taken by one compare-and-swap ``UPDATE waybill_ranges SET next_no =
  next_no + k WHERE id = :id AND next_no = :seen``; losing the race re-reads and tries again,
  so two stations never get the same number (and ``UNIQUE(courier_id, number)`` would
  refuse it anyway);
- :func:`lock_open_parcels` locks the parcel rows (PostgreSQL ``FOR UPDATE``; SQLite write
  transactions are serialized by ``BEGIN IMMEDIATE``), the row lock an intercept takes too;
- a waybill row is inserted with ``ON CONFLICT (request_key) DO NOTHING``: the same request
  saved twice is one row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.store.schema import (
    CourierRow,
    OrderHistoryRow,
    OrderLineRow,
    OrderRow,
    ParcelLineRow,
    ParcelRow,
    ShopRow,
    WarehouseRow,
    WaybillRow,
)
from ecerp_desktop.store.schema_waybills import WaybillRangeRow, WaybillRequestRow

OPEN = "open"
ISSUED, CANCELLED = "issued", "cancelled"
_CHUNK = 500


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _insert(s: Session, table: Any) -> Any:
    return (pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert)(table)


def _pg(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


# --- couriers ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CourierInfo:
    id: int
    code: str
    name: str
    waybill_source: str  # "range" or "cainiao"
    settings: dict[str, Any] = field(compare=False)
    active: bool = True


def _courier(r: CourierRow) -> CourierInfo:
    return CourierInfo(r.id, r.code, r.name, r.waybill_source, dict(r.settings or {}), r.active)


def save_courier(s: Session, *, code: str, name: str, waybill_source: str,
                 settings: dict[str, Any]) -> CourierInfo:
    """Insert or update the courier *code* (its waybill settings replaced by *settings*)."""
    stmt = _insert(s, CourierRow).values(code=code, name=name, waybill_source=waybill_source,
                                         settings=settings, active=True)
    s.execute(stmt.on_conflict_do_update(index_elements=["code"], set_={
        "name": stmt.excluded.name, "waybill_source": stmt.excluded.waybill_source,
        "settings": stmt.excluded.settings, "active": True}))
    row = s.scalar(select(CourierRow).where(CourierRow.code == code))
    assert row is not None
    return _courier(row)


def courier_by_code(s: Session, code: str) -> CourierInfo | None:
    row = s.scalar(select(CourierRow).where(CourierRow.code == code))
    return None if row is None else _courier(row)


def couriers_by_id(s: Session, ids: Sequence[int] | None = None) -> dict[int, CourierInfo]:
    q = select(CourierRow)
    if ids is not None:
        q = q.where(CourierRow.id.in_(list(ids)))
    return {r.id: _courier(r) for r in s.scalars(q)}


def all_couriers(s: Session) -> list[CourierInfo]:
    return [_courier(r) for r in s.scalars(select(CourierRow).order_by(CourierRow.code))]


# --- number ranges -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RangeInfo:
    id: int
    courier_id: int
    first: str
    last: str
    next_no: int
    last_no: int

    @property
    def remaining(self) -> int:
        return max(0, self.last_no - self.next_no + 1)


def format_number(prefix: str, width: int, n: int) -> str:
    return f"{prefix}{n:0{width}d}" if width else f"{prefix}{n}"


def split_number(text: str) -> tuple[str, int, int]:
    """'JT0001234' → ('JT', 1234, 7): a letter prefix and a run of digits (kept width)."""
    text = text.strip()
    i = len(text)
    while i > 0 and text[i - 1].isdigit():
        i -= 1
    digits = text[i:]
    if not digits or (text[:i] != "" and not text[:i].isalnum()):
        raise DomainError(ErrorCode.IMPORT_BAD_VALUE, path="--range", row=1, column="range",
                          error=f"{text!r} is not a waybill number")
    return text[:i], int(digits), len(digits)


def _range(r: WaybillRangeRow) -> RangeInfo:
    return RangeInfo(r.id, r.courier_id, format_number(r.prefix, r.width, r.first_no),
                     format_number(r.prefix, r.width, r.last_no), r.next_no, r.last_no)


def add_range(s: Session, courier_id: int, first: str, last: str, now: datetime) -> RangeInfo:
    """A new block of numbers for the courier; refused when it overlaps one it has."""
    p1, a, w1 = split_number(first)
    p2, b, w2 = split_number(last)
    if p1 != p2 or w1 != w2 or b < a:
        raise DomainError(ErrorCode.IMPORT_BAD_VALUE, path="--range", row=1, column="range",
                          error=f"{first}-{last} is not a range (same prefix and length, "
                                "first ≤ last)")
    for r in s.scalars(select(WaybillRangeRow).where(WaybillRangeRow.courier_id == courier_id,
                                                     WaybillRangeRow.prefix == p1)):
        if a <= r.last_no and r.first_no <= b:
            raise DomainError(ErrorCode.ALREADY_EXISTS, what="waybill range overlapping",
                              key=f"{first}-{last}")
    row = WaybillRangeRow(courier_id=courier_id, prefix=p1, width=w1, first_no=a, last_no=b,
                          next_no=a, created_at=now)
    s.add(row)
    s.flush()
    return _range(row)


def ranges(s: Session, courier_id: int) -> list[RangeInfo]:
    return [_range(r) for r in s.scalars(select(WaybillRangeRow).where(
        WaybillRangeRow.courier_id == courier_id).order_by(WaybillRangeRow.id))]


def allocate(s: Session, courier_id: int, count: int, courier_code: str = "", *,
             allow_fewer: bool = False) -> list[str]:
    """Take *count* numbers from the courier's ranges (oldest block first), in the caller's
    transaction. When fewer are left: with *allow_fewer* the ones left (raising only when
    there is none), else WAYBILL_RANGE_EXHAUSTED."""
    out: list[str] = []
    R = WaybillRangeRow
    while len(out) < count:
        row = s.execute(select(R.id, R.prefix, R.width, R.next_no, R.last_no)
                        .where(R.courier_id == courier_id, R.next_no <= R.last_no)
                        .order_by(R.id).limit(1)).first()
        if row is None:
            if allow_fewer and out:
                break
            raise DomainError(ErrorCode.WAYBILL_RANGE_EXHAUSTED,
                              courier=courier_code or courier_id)
        k = min(count - len(out), row.last_no - row.next_no + 1)
        took = s.execute(update(R).where(R.id == row.id, R.next_no == row.next_no)
                         .values(next_no=R.next_no + k)).rowcount  # type: ignore[attr-defined]
        if not took:
            continue  # another station took numbers meanwhile: read again
        out += [format_number(row.prefix, row.width, n)
                for n in range(row.next_no, row.next_no + k)]
    return out


# --- the parcels to number -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ParcelToNumber:
    """Everything a waybill request for one open parcel needs."""

    parcel_id: int
    order_id: int  # the lead order
    seq: int
    parcel_count: int
    courier_id: int | None
    warehouse_id: int | None
    shop_id: int
    platform: str
    shop_name: str
    shop_settings: dict[str, Any] = field(compare=False)
    trade_orders: tuple[str, ...] = ()
    order_ids: tuple[int, ...] = ()
    receiver_name: str = ""
    receiver_phone: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    town: str = ""
    address_detail: str = ""
    items: tuple[tuple[str, int], ...] = ()
    weight_g: int = 0
    generation: int = 1  # 1 + waybills this parcel had before (all cancelled)
    in_flight: bool = False  # a request was sent and its answer never saved

    @property
    def request_key(self) -> str:
        return f"parcel:{self.parcel_id}:{self.generation}"


def approved_parcel_ids(s: Session, *, order_ids: Sequence[int] | None = None) -> list[int]:
    """Open parcels without an issued waybill whose lead order is APPROVED (or, for
    *order_ids*, any parcel carrying a line of those orders)."""
    P = ParcelRow
    q = select(P.id).where(P.status == OPEN, ~select(WaybillRow.id).where(
        WaybillRow.parcel_id == P.id, WaybillRow.status == ISSUED).exists())
    if order_ids is None:
        q = q.join(OrderRow, OrderRow.id == P.order_id).where(OrderRow.status == "approved")
    else:
        q = q.where(P.id.in_(select(ParcelLineRow.parcel_id).join(
            OrderLineRow, OrderLineRow.id == ParcelLineRow.order_line_id).where(
            OrderLineRow.order_id.in_(list(order_ids)))))
    return list(s.scalars(q.order_by(P.id)))


def parcels_to_number(s: Session, parcel_ids: Sequence[int]) -> list[ParcelToNumber]:
    """Request data for *parcel_ids* (skipping any that is no longer open or already has
    an issued waybill), in id order."""
    P, Od = ParcelRow, OrderRow
    ids = sorted(set(parcel_ids))
    parcels: dict[int, Any] = {}
    for part in _chunks(ids):
        for p in s.execute(select(P.id, P.order_id, P.seq, P.courier_id, P.warehouse_id,
                                  P.expected_weight_g, P.weight_g)
                           .where(P.id.in_(part), P.status == OPEN)):
            parcels[p.id] = p
    for part in _chunks(list(parcels)):
        for (pid,) in s.execute(select(WaybillRow.parcel_id).where(
                WaybillRow.parcel_id.in_(part), WaybillRow.status == ISSUED)):
            parcels.pop(pid, None)
    if not parcels:
        return []
    pids = sorted(parcels)
    gens: dict[int, int] = {}
    in_flight: set[int] = set()
    lines: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for part in _chunks(pids):
        for pid, n in s.execute(select(WaybillRow.parcel_id, func.count())
                                .where(WaybillRow.parcel_id.in_(part))
                                .group_by(WaybillRow.parcel_id)):
            gens[pid] = int(n)
        in_flight |= set(s.scalars(select(WaybillRequestRow.parcel_id).where(
            WaybillRequestRow.parcel_id.in_(part))))
        for pid, oid, title, qty in s.execute(
                select(ParcelLineRow.parcel_id, OrderLineRow.order_id, OrderLineRow.title,
                       ParcelLineRow.qty)
                .join(OrderLineRow, OrderLineRow.id == ParcelLineRow.order_line_id)
                .where(ParcelLineRow.parcel_id.in_(part))
                .order_by(ParcelLineRow.parcel_id, ParcelLineRow.order_line_id)):
            lines[pid].append((oid, title, qty))
    order_ids = sorted({p.order_id for p in parcels.values()}
                       | {oid for ls in lines.values() for oid, _, _ in ls})
    orders: dict[int, Any] = {}
    counts: dict[int, int] = {}
    for part in _chunks(order_ids):
        for o in s.execute(select(Od.id, Od.shop_id, Od.platform_order_id, Od.receiver_name,
                                  Od.receiver_phone, Od.province, Od.city, Od.district,
                                  Od.town, Od.address_detail).where(Od.id.in_(part))):
            orders[o.id] = o
        for oid, n in s.execute(select(P.order_id, func.count()).where(
                P.order_id.in_(part), P.status.not_in(("intercepted", "cancelled")))
                .group_by(P.order_id)):
            counts[oid] = int(n)
    shops = {r.id: r for r in s.scalars(select(ShopRow).where(
        ShopRow.id.in_({o.shop_id for o in orders.values()})))}
    out = []
    for pid in pids:
        p = parcels[pid]
        lead = orders.get(p.order_id)
        if lead is None:
            continue
        shop = shops.get(lead.shop_id)
        in_parcel = sorted({oid for oid, _, _ in lines[pid]} | {p.order_id})
        out.append(ParcelToNumber(
            parcel_id=pid, order_id=p.order_id, seq=p.seq,
            parcel_count=max(1, counts.get(p.order_id, 1)), courier_id=p.courier_id,
            warehouse_id=p.warehouse_id, shop_id=lead.shop_id,
            platform=shop.platform if shop else "", shop_name=shop.name if shop else "",
            shop_settings=dict((shop.settings or {}) if shop else {}),
            trade_orders=tuple(orders[o].platform_order_id for o in in_parcel if o in orders),
            order_ids=tuple(in_parcel), receiver_name=lead.receiver_name,
            receiver_phone=lead.receiver_phone, province=lead.province, city=lead.city,
            district=lead.district, town=lead.town, address_detail=lead.address_detail,
            items=tuple((title or "商品", qty) for _, title, qty in lines[pid]),
            weight_g=int(p.weight_g or p.expected_weight_g or 0),
            generation=gens.get(pid, 0) + 1, in_flight=pid in in_flight))
    return out


@dataclass(frozen=True, slots=True)
class WarehouseAddress:
    id: int
    name: str
    province: str
    address: str


def warehouses(s: Session, ids: Sequence[int]) -> dict[int, WarehouseAddress]:
    return {r.id: WarehouseAddress(r.id, r.name, r.province, r.address)
            for r in s.scalars(select(WarehouseRow).where(WarehouseRow.id.in_(list(ids))))}


# --- the in-flight journal -----------------------------------------------------------------

def journal(s: Session, entries: Sequence[tuple[str, int, int]], now: datetime) -> None:
    """Record (request key, parcel id, courier id) as sent, before sending."""
    if entries:
        s.execute(_insert(s, WaybillRequestRow).on_conflict_do_nothing(
            index_elements=["request_key"]),
            [{"request_key": k, "parcel_id": p, "courier_id": c, "asked_at": now}
             for k, p, c in entries])


def in_flight(s: Session) -> list[tuple[str, int, int]]:
    """(request key, parcel id, courier id) of requests whose answer was never saved."""
    return [(r.request_key, r.parcel_id, r.courier_id)
            for r in s.scalars(select(WaybillRequestRow).order_by(WaybillRequestRow.asked_at))]


def orphaned_requests(s: Session, exclude: Sequence[int], stale_before: datetime
                      ) -> list[tuple[str, int, int]]:
    """In-flight requests of parcels not in *exclude*: those of parcels no longer open, and
    those older than *stale_before* (younger ones may belong to a station still waiting for
    its answer)."""
    J, P = WaybillRequestRow, ParcelRow
    skip = set(exclude)
    rows = s.execute(select(J.request_key, J.parcel_id, J.courier_id, J.asked_at, P.status)
                     .join(P, P.id == J.parcel_id).order_by(J.asked_at))
    return [(r.request_key, r.parcel_id, r.courier_id) for r in rows
            if r.parcel_id not in skip and (r.status != OPEN or r.asked_at < stale_before)]


def drop_journal(s: Session, keys: Sequence[str]) -> None:
    """Forget requests the service never numbered."""
    if keys:
        s.execute(delete(WaybillRequestRow).where(WaybillRequestRow.request_key.in_(list(keys))))


# --- saving numbers ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class NewWaybill:
    parcel_id: int
    courier_id: int
    number: str
    request_key: str
    sort_code: str = ""
    print_data: dict[str, Any] | None = field(default=None, compare=False)


@dataclass(slots=True)
class SaveResult:
    saved: list[NewWaybill] = field(default_factory=list)
    stopped: list[NewWaybill] = field(default_factory=list)  # the parcel stopped meanwhile
    waybilled_orders: list[int] = field(default_factory=list)


def lock_open_parcels(s: Session, parcel_ids: Sequence[int]) -> set[int]:
    """Lock the parcels' rows; return those still open and without an issued waybill.

    On PostgreSQL the parcels' orders are locked first, in id order: the order an intercept
    and the packing station's ship take their locks in (order, then its parcels), so the
    three never deadlock."""
    if _pg(s) and parcel_ids:
        orders = select(OrderLineRow.order_id).join(
            ParcelLineRow, ParcelLineRow.order_line_id == OrderLineRow.id).where(
            ParcelLineRow.parcel_id.in_(list(parcel_ids)))
        s.execute(select(OrderRow.id).where(OrderRow.id.in_(orders)).order_by(OrderRow.id)
                  .with_for_update()).all()
    q = select(ParcelRow.id).where(ParcelRow.id.in_(list(parcel_ids)),
                                   ParcelRow.status == OPEN).order_by(ParcelRow.id)
    if _pg(s):
        q = q.with_for_update()
    open_ids = set(s.scalars(q))
    if open_ids:
        open_ids -= set(s.scalars(select(WaybillRow.parcel_id).where(
            WaybillRow.parcel_id.in_(list(open_ids)), WaybillRow.status == ISSUED)))
    return open_ids


def save_waybills(s: Session, waybills: Sequence[NewWaybill], now: datetime, *,
                  actor: str, user_id: int | None) -> SaveResult:
    """Save issued numbers, drop their journal rows, and move each order whose open parcels
    now all have a number from APPROVED to WAYBILLED (with a history row). A number for a
    parcel that stopped meanwhile (intercepted, cancelled) is saved and its cancel queued."""
    from ecerp_desktop.store.sync import enqueue

    res = SaveResult()
    if not waybills:
        return res
    open_ids = lock_open_parcels(s, [w.parcel_id for w in waybills])
    rows = [{"parcel_id": w.parcel_id, "courier_id": w.courier_id, "number": w.number,
             "request_key": w.request_key, "status": ISSUED, "sort_code": w.sort_code[:64],
             "print_data": w.print_data, "issued_at": now, "cancelled_at": None}
            for w in waybills]
    table = WaybillRow.__table__
    inserted = set(s.scalars(_insert(s, table).on_conflict_do_nothing(
        index_elements=["request_key"]).returning(table.c.request_key), rows))
    s.execute(delete(WaybillRequestRow).where(
        WaybillRequestRow.request_key.in_([w.request_key for w in waybills])))
    for w in waybills:
        if w.request_key not in inserted:
            continue  # saved before (another station, or a retried save)
        if w.parcel_id in open_ids:
            res.saved.append(w)
        else:
            res.stopped.append(w)
            enqueue(s, "waybill_cancel", f"courier:{w.courier_id}",
                    f"waybill_cancel:{w.courier_id}:{w.number}",
                    {"number": w.number, "parcel_id": w.parcel_id,
                     "reason": "parcel stopped while its number was issued"}, now)
    res.waybilled_orders = _advance_orders(s, [w.parcel_id for w in res.saved], now, actor,
                                           user_id)
    return res


def _advance_orders(s: Session, parcel_ids: Sequence[int], now: datetime, actor: str,
                    user_id: int | None) -> list[int]:
    if not parcel_ids:
        return []
    P, L = ParcelRow, OrderLineRow
    order_ids = set(s.scalars(select(P.order_id).where(P.id.in_(list(parcel_ids)))))
    order_ids |= set(s.scalars(select(L.order_id).join(
        ParcelLineRow, ParcelLineRow.order_line_id == L.id).where(
        ParcelLineRow.parcel_id.in_(list(parcel_ids)))))
    # orders with an open parcel still lacking a number stay APPROVED
    lacking = set(s.scalars(select(L.order_id).join(
        ParcelLineRow, ParcelLineRow.order_line_id == L.id).join(
        P, P.id == ParcelLineRow.parcel_id).where(
        L.order_id.in_(list(order_ids)), P.status == OPEN,
        ~select(WaybillRow.id).where(WaybillRow.parcel_id == P.id,
                                     WaybillRow.status == ISSUED).exists())))
    moved: list[int] = []
    ready = sorted(order_ids - lacking)
    for part in _chunks(ready):
        moved += s.scalars(update(OrderRow.__table__).where(
            OrderRow.id.in_(part), OrderRow.status == "approved")
            .values(status="waybilled", updated_at=now).returning(OrderRow.id))
    moved.sort()
    if moved:
        numbers = defaultdict(list)
        for oid, num in s.execute(select(L.order_id, WaybillRow.number).join(
                ParcelLineRow, ParcelLineRow.order_line_id == L.id).join(
                WaybillRow, WaybillRow.parcel_id == ParcelLineRow.parcel_id).where(
                L.order_id.in_(moved), WaybillRow.status == ISSUED).distinct()):
            numbers[oid].append(num)
        s.execute(insert(OrderHistoryRow.__table__), [
            {"order_id": oid, "at": now, "user_id": user_id, "actor": actor[:64],
             "action": "waybilled", "from_status": "approved", "to_status": "waybilled",
             "rule": "", "reason": "", "detail": {"waybills": sorted(numbers[oid])}}
            for oid in moved])
    return moved


# --- reading and cancelling ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class WaybillInfo:
    id: int
    parcel_id: int
    courier_id: int
    number: str
    request_key: str
    status: str
    sort_code: str
    print_data: dict[str, Any] | None = field(compare=False)
    issued_at: datetime
    cancelled_at: datetime | None


def _info(r: WaybillRow) -> WaybillInfo:
    return WaybillInfo(r.id, r.parcel_id, r.courier_id, r.number, r.request_key, r.status,
                       r.sort_code, r.print_data, r.issued_at, r.cancelled_at)


def waybills_of_parcels(s: Session, parcel_ids: Sequence[int], *,
                        issued_only: bool = True) -> dict[int, WaybillInfo]:
    """Each parcel's newest (issued) waybill."""
    out: dict[int, WaybillInfo] = {}
    for part in _chunks(sorted(set(parcel_ids))):
        q = select(WaybillRow).where(WaybillRow.parcel_id.in_(part))
        if issued_only:
            q = q.where(WaybillRow.status == ISSUED)
        for r in s.scalars(q.order_by(WaybillRow.id)):
            out[r.parcel_id] = _info(r)
    return out


def waybills_of_orders(s: Session, order_ids: Sequence[int]) -> list[WaybillInfo]:
    """Every waybill (issued or cancelled) of parcels carrying lines of *order_ids*."""
    pids = select(ParcelLineRow.parcel_id).join(
        OrderLineRow, OrderLineRow.id == ParcelLineRow.order_line_id).where(
        OrderLineRow.order_id.in_(list(order_ids)))
    return [_info(r) for r in s.scalars(select(WaybillRow).where(
        WaybillRow.parcel_id.in_(pids)).order_by(WaybillRow.id))]


def mark_cancelled(s: Session, courier_id: int, number: str, now: datetime) -> bool:
    res = s.execute(update(WaybillRow).where(
        WaybillRow.courier_id == courier_id, WaybillRow.number == number,
        WaybillRow.status == ISSUED).values(status=CANCELLED, cancelled_at=now))
    return bool(res.rowcount)  # type: ignore[attr-defined]


def issued_on_stopped_parcels(s: Session) -> list[WaybillInfo]:
    """Issued waybills of intercepted or cancelled parcels (their cancel is due)."""
    return [_info(r) for r in s.scalars(select(WaybillRow).join(
        ParcelRow, ParcelRow.id == WaybillRow.parcel_id).where(
        WaybillRow.status == ISSUED, ParcelRow.status.in_(("intercepted", "cancelled")))
        .order_by(WaybillRow.id))]
