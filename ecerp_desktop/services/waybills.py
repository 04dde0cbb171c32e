"""E-waybill numbers (电子面单) for parcels, and their cancellation.

How another feature gets a parcel's number (printing, packing)::

    with store.read() as s:
        wb = waybill_store.waybills_of_parcels(s, [parcel_id]).get(parcel_id)
    wb.number, wb.sort_code, wb.print_data      # or waybill_for(store, parcel_id)

:func:`assign_waybills` numbers open parcels of APPROVED orders and moves each order whose
parcels all have a number to WAYBILLED (with a history row). Getting a number is idempotent
per parcel, whatever crashes when:

- the request key is deterministic, ``parcel:<id>:<generation>`` (generation = 1 + the
  parcel's earlier, cancelled waybills), and sent as the service's ``object_id``;
- self-numbering couriers (number ranges): the number is taken and saved in ONE
  transaction, so there is nothing in between to lose;
- remote services (Cainiao): the request is journalled (committed) before it is sent and
  the journal row is deleted in the transaction that saves the number. A journal row left
  by a crash means "the service may have issued a number we never saved": that parcel's
  number is first looked up at the service by the request key and only asked for anew when
  the service never issued one. The database refuses a second row for one request key.

Cancels (intercepted or stopped parcels) go through the outbox (``waybill_cancel`` rows,
target ``courier:<id>``); :class:`CourierDeliverer` delivers them and marks the number
cancelled. Give :func:`courier_deliverers` to the sync engine (``deliverers=``).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import keyring
import keyring.errors

from ecerp_desktop.connectors.base import ConnectorError
from ecerp_desktop.connectors.cainiao import CainiaoWaybillService
from ecerp_desktop.connectors.waybill import (
    IssuedWaybill,
    Party,
    WaybillRequest,
    WaybillService,
)
from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.regions import city_short, province_short
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import audit as audit_store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import waybills as ws
from ecerp_desktop.store.sync import OutboxRecord, enqueue

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
ServiceFactory = Callable[[ws.CourierInfo], WaybillService]

RANGE, CAINIAO = "range", "cainiao"
CANCEL_KIND = "waybill_cancel"
RANGE_CHUNK = 200  # parcels per transaction for self-numbering couriers
# an unanswered request older than this is no other station's call still in progress
# (HTTP read timeout 30 s)
STALE_REQUEST = timedelta(minutes=2)
KEYRING_SERVICE = "ecerp"
_CHANNELS = {"taobao": "TB", "tmall": "TM", "jd": "JD", "pdd": "PDD", "douyin": "DY"}


def courier_target(courier_id: int) -> str:
    return f"courier:{courier_id}"


def cancel_key(courier_id: int, number: str) -> str:
    """The outbox key of a waybill cancel (the pipeline's intercept uses the same)."""
    return f"waybill_cancel:{courier_id}:{number}"


# --- credentials and services --------------------------------------------------------------

def _secret(user: str, value: str | None = None) -> str:
    try:
        if value is not None:
            keyring.set_password(KEYRING_SERVICE, user, value)
            return value
        return keyring.get_password(KEYRING_SERVICE, user) or ""
    except keyring.errors.KeyringError as exc:
        raise DomainError(ErrorCode.CREDENTIAL_STORE, error=type(exc).__name__) from exc


def default_service(courier: ws.CourierInfo) -> WaybillService:
    """The remote waybill service of *courier*, secrets from the credential store."""
    st = courier.settings
    if courier.waybill_source != CAINIAO:
        raise DomainError(ErrorCode.WAYBILL_SERVICE_FAILED, courier=courier.code,
                          error=f"no remote waybill service for source {courier.waybill_source}")
    ref = str(st.get("credential_ref") or "")
    return CainiaoWaybillService(
        str(st.get("cp_code") or courier.code), str(st.get("app_key") or ""),
        _secret(ref + ":app_secret"), _secret(ref + ":session"),
        endpoint=str(st.get("endpoint") or ""), sign_method=str(st.get("sign_method") or "md5"),
        template_url=str(st.get("template_url") or
                         "http://cloudprint.cainiao.com/template/standard/101"),
        product_code=str(st.get("product_code") or ""))


# --- couriers ------------------------------------------------------------------------------

def add_courier(store: Store, actor: Actor, *, code: str, name: str,
                number_range: tuple[str, str] | None = None, cainiao: bool = False,
                endpoint: str = "", app_key: str = "", app_secret: str = "",
                session: str = "", sign_method: str = "md5", cp_code: str = "",
                product_code: str = "", rate: tuple[Decimal, Decimal] | None = None
                ) -> tuple[ws.CourierInfo, ws.RangeInfo | None]:
    """Add (or update) a courier. With *number_range* it numbers parcels itself from that
    block (adding a further block to a courier that has one keeps the old one); with
    *cainiao* it asks the Cainiao service, its secret and session kept in the OS credential
    store, never in the database.

    *rate* (first-weight price, price per further kg) becomes its default ('*') rate; a
    courier without any rate gets a zero default one, so the pipeline's courier matching
    can choose it (with one courier and no rules, every approved parcel gets it)."""
    actor.require(Permission.SETTINGS)
    code, name = code.strip().upper(), name.strip()
    if not code:
        raise DomainError(ErrorCode.REQUIRED, what="courier code")
    if not name:
        raise DomainError(ErrorCode.REQUIRED, what="courier name")
    if cainiao == (number_range is not None):
        raise DomainError(ErrorCode.REQUIRED, what="either a number range or --cainiao")
    settings: dict[str, Any] = {}
    if cainiao:
        for what, value in (("endpoint", endpoint), ("app key", app_key),
                            ("app secret", app_secret), ("session", session)):
            if not value:
                raise DomainError(ErrorCode.REQUIRED, what=what)
        ref = f"courier-{uuid.uuid4().hex[:16]}"
        _secret(ref + ":app_secret", app_secret)
        _secret(ref + ":session", session)
        settings = {"endpoint": endpoint, "app_key": app_key, "credential_ref": ref,
                    "sign_method": sign_method, "cp_code": cp_code or code}
        if product_code:
            settings["product_code"] = product_code
    now = utcnow()
    with store.write() as s:
        old = ws.courier_by_code(s, code)
        if not cainiao and old is not None and old.waybill_source == RANGE:
            settings = old.settings
        courier = ws.save_courier(s, code=code, name=name,
                                  waybill_source=CAINIAO if cainiao else RANGE,
                                  settings=settings)
        if rate is not None or not cat.rates(s, courier.id):
            first, step = rate or (Decimal("0.00"), Decimal("0.00"))
            cat.upsert_rates(s, courier.id, [cat.RateInput("*", first, step)])
        block = None
        if number_range is not None:
            block = ws.add_range(s, courier.id, number_range[0], number_range[1], now)
        audit_store.append(s, at=now, user_id=actor.user_id, username=actor.username,
                           action="courier.add", entity="courier", entity_id=str(courier.id),
                           detail={"code": code, "source": courier.waybill_source,
                                   "range": list(number_range) if number_range else None})
    return courier, block


def list_couriers(store: Store) -> list[tuple[ws.CourierInfo, list[ws.RangeInfo]]]:
    with store.read() as s:
        return [(c, ws.ranges(s, c.id)) for c in ws.all_couriers(s)]


# --- assigning numbers ---------------------------------------------------------------------

@dataclass(slots=True)
class AssignResult:
    assigned: dict[int, str] = field(default_factory=dict)  # parcel id → number
    recovered: list[int] = field(default_factory=list)  # found again by their request key
    waybilled_orders: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)  # parcel id → why
    failed: dict[int, str] = field(default_factory=dict)  # parcel id → error
    cancelled: bool = False


def _sender(p: ws.ParcelToNumber, courier: ws.CourierInfo,
            wh: ws.WarehouseAddress | None) -> Party:
    cs = courier.settings.get("sender") or {}
    ss = p.shop_settings
    return Party(
        name=str(cs.get("name") or ss.get("sender_name") or p.shop_name or "sender")[:64],
        mobile=str(cs.get("mobile") or ss.get("sender_phone") or ""),
        province=str(cs.get("province") or (wh.province if wh else "")),
        city=str(cs.get("city") or ""), district=str(cs.get("district") or ""),
        detail=str(cs.get("detail") or ss.get("sender_address")
                   or (wh.address or wh.name if wh else "") or "-"))


def _request(p: ws.ParcelToNumber, courier: ws.CourierInfo,
             wh: ws.WarehouseAddress | None) -> WaybillRequest:
    return WaybillRequest(
        request_key=p.request_key, parcel_id=p.parcel_id, sender=_sender(p, courier, wh),
        recipient=Party(p.receiver_name, p.receiver_phone, "", p.province, p.city,
                        p.district, p.town, p.address_detail),
        items=p.items, weight_g=p.weight_g, trade_orders=p.trade_orders,
        order_channel=_CHANNELS.get(p.platform, "OTHERS"),
        product_code=str(courier.settings.get("product_code") or ""),
        package_seq=p.seq, package_count=p.parcel_count)


def range_sort_code(p: ws.ParcelToNumber) -> str:
    """A 大头笔 for self-numbered labels: short province, city, district."""
    return " ".join(x for x in (province_short(p.province), city_short(p.city), p.district)
                    if x)[:64]


def assign_waybills(store: Store, actor: Actor, parcel_ids: Sequence[int] | None = None, *,
                    order_ids: Sequence[int] | None = None,
                    progress: Progress | None = None, cancel: Cancel | None = None,
                    service_for: ServiceFactory = default_service) -> AssignResult:
    """Number the given open parcels (default: every open parcel of an APPROVED order, or
    those of *order_ids*). Parcels without a courier are skipped with the reason; a courier
    whose range is exhausted or whose service fails leaves its parcels unnumbered (reported
    in ``failed``; a range running out raises WAYBILL_RANGE_EXHAUSTED when nothing at all
    could be numbered) while the other couriers' parcels go on."""
    actor.require(Permission.PRINT)
    res = AssignResult()
    with store.read() as s:
        if parcel_ids is None:
            parcel_ids = ws.approved_parcel_ids(s, order_ids=order_ids)
        todo = ws.parcels_to_number(s, parcel_ids)
        couriers = ws.couriers_by_id(s, sorted({p.courier_id for p in todo if p.courier_id}))
        whs = ws.warehouses(s, sorted({p.warehouse_id for p in todo if p.warehouse_id}))
        orphans = ws.orphaned_requests(s, [p.parcel_id for p in todo],
                                       utcnow() - STALE_REQUEST)
    if orphans:
        _settle_orphans(store, actor, orphans, service_for, res)
    groups: dict[int, list[ws.ParcelToNumber]] = defaultdict(list)
    for p in todo:
        if p.courier_id is None or p.courier_id not in couriers:
            res.skipped[p.parcel_id] = "no courier"
        else:
            groups[p.courier_id].append(p)
    total, done = sum(len(g) for g in groups.values()), 0
    exhausted: DomainError | None = None
    for cid, parcels in sorted(groups.items()):
        courier = couriers[cid]
        if cancel is not None and cancel():
            res.cancelled = True
            break
        try:
            if courier.waybill_source == RANGE:
                done = _assign_range(store, actor, courier, parcels, res, done, total,
                                     progress, cancel)
            else:
                done = _assign_remote(store, actor, courier, parcels, whs, res, done, total,
                                      progress, cancel, service_for)
        except DomainError as exc:
            if exc.code != ErrorCode.WAYBILL_RANGE_EXHAUSTED:
                raise
            exhausted = exc
            for p in parcels:
                if p.parcel_id not in res.assigned:
                    res.failed[p.parcel_id] = "range exhausted"
    if exhausted is not None and not res.assigned:
        raise exhausted
    return res


def _settle_orphans(store: Store, actor: Actor, orphans: list[tuple[str, int, int]],
                    service_for: ServiceFactory, res: AssignResult) -> None:
    """Requests left in flight by a crash whose parcel is not being numbered now (it was
    intercepted meanwhile, or is not in this selection): a number the service did issue is
    saved, and cancelled through the outbox when the parcel has stopped; a request the
    service never numbered is forgotten. So no issued number is ever left unaccounted."""
    by_courier: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for key, pid, cid in orphans:
        by_courier[cid].append((key, pid))
    with store.read() as s:
        couriers = ws.couriers_by_id(s, list(by_courier))
    for cid, entries in by_courier.items():
        courier = couriers.get(cid)
        if courier is None or courier.waybill_source == RANGE:
            continue
        service = service_for(courier)
        try:
            found = [(key, pid, service.lookup(key)) for key, pid in entries]
        except ConnectorError as exc:
            log.warning("in-flight waybills of courier %s not settled: %s", courier.code,
                        type(exc).__name__)
            continue
        finally:
            service.close()
        with store.write() as s:
            saved = ws.save_waybills(s, [
                ws.NewWaybill(pid, cid, w.number, key, w.sort_code, w.print_data)
                for key, pid, w in found if w is not None], utcnow(),
                actor=actor.username, user_id=actor.user_id)
            ws.drop_journal(s, [key for key, _, w in found if w is None])
        res.assigned.update({w.parcel_id: w.number for w in saved.saved})
        res.recovered += [w.parcel_id for w in (*saved.saved, *saved.stopped)]
        res.waybilled_orders += saved.waybilled_orders
        for w in saved.stopped:
            res.skipped[w.parcel_id] = "stopped meanwhile: number issued and its cancel queued"


def _assign_range(store: Store, actor: Actor, courier: ws.CourierInfo,
                  parcels: list[ws.ParcelToNumber], res: AssignResult, done: int, total: int,
                  progress: Progress | None, cancel: Cancel | None) -> int:
    for i in range(0, len(parcels), RANGE_CHUNK):
        if cancel is not None and cancel():
            res.cancelled = True
            break
        chunk = parcels[i:i + RANGE_CHUNK]
        now = utcnow()
        with store.write() as s:
            open_ids = ws.lock_open_parcels(s, [p.parcel_id for p in chunk])
            chunk = [p for p in chunk if p.parcel_id in open_ids]
            numbers = ws.allocate(s, courier.id, len(chunk), courier.code, allow_fewer=True)
            saved = ws.save_waybills(s, [
                ws.NewWaybill(p.parcel_id, courier.id, n, p.request_key, range_sort_code(p),
                              None) for p, n in zip(chunk, numbers, strict=False)],
                now, actor=actor.username, user_id=actor.user_id)
        res.assigned.update({w.parcel_id: w.number for w in saved.saved})
        res.waybilled_orders += saved.waybilled_orders
        done += len(chunk)
        if progress is not None:
            progress(done, total)
        if len(numbers) < len(chunk):  # the ranges ran out part-way
            raise DomainError(ErrorCode.WAYBILL_RANGE_EXHAUSTED, courier=courier.code)
    return done


def _assign_remote(store: Store, actor: Actor, courier: ws.CourierInfo,
                   parcels: list[ws.ParcelToNumber], whs: dict[int, ws.WarehouseAddress],
                   res: AssignResult, done: int, total: int, progress: Progress | None,
                   cancel: Cancel | None, service_for: ServiceFactory) -> int:
    service = service_for(courier)
    try:
        # one sender per call: batch by warehouse and shop
        by_sender: dict[tuple[int | None, int], list[ws.ParcelToNumber]] = defaultdict(list)
        for p in parcels:
            by_sender[(p.warehouse_id, p.shop_id)].append(p)
        for (wh_id, _shop), group in by_sender.items():
            wh = whs.get(wh_id) if wh_id else None
            for i in range(0, len(group), service.max_batch):
                if cancel is not None and cancel():
                    res.cancelled = True
                    return done
                chunk = group[i:i + service.max_batch]
                try:
                    _remote_chunk(store, actor, courier, service, chunk, wh, res)
                except ConnectorError as exc:
                    log.warning("waybills of courier %s failed: %s", courier.code,
                                type(exc).__name__)
                    for p in chunk:
                        res.failed[p.parcel_id] = str(exc)[:200]
                    if not exc.retryable:
                        raise DomainError(ErrorCode.WAYBILL_SERVICE_FAILED,
                                          courier=courier.code, error=str(exc)) from exc
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
    finally:
        service.close()
    return done


def _remote_chunk(store: Store, actor: Actor, courier: ws.CourierInfo,
                  service: WaybillService, chunk: list[ws.ParcelToNumber],
                  wh: ws.WarehouseAddress | None, res: AssignResult) -> None:
    got: dict[str, IssuedWaybill] = {}
    for p in chunk:
        if p.in_flight:  # asked before and never saved: the service may have issued it
            found = service.lookup(p.request_key)
            if found is not None:
                got[p.request_key] = found
                res.recovered.append(p.parcel_id)
    fresh = [p for p in chunk if p.request_key not in got]
    if fresh:
        with store.write() as s:
            ws.journal(s, [(p.request_key, p.parcel_id, courier.id) for p in fresh], utcnow())
        for w in service.get_numbers([_request(p, courier, wh) for p in fresh]):
            got[w.request_key] = w
    by_key = {p.request_key: p for p in chunk}
    with store.write() as s:
        saved = ws.save_waybills(s, [
            ws.NewWaybill(by_key[k].parcel_id, courier.id, w.number, k, w.sort_code,
                          w.print_data) for k, w in got.items() if k in by_key],
            utcnow(), actor=actor.username, user_id=actor.user_id)
    res.assigned.update({w.parcel_id: w.number for w in saved.saved})
    res.waybilled_orders += saved.waybilled_orders
    for w in saved.stopped:
        res.skipped[w.parcel_id] = "stopped meanwhile: number issued and its cancel queued"


def waybill_for(store: Store, parcel_id: int) -> ws.WaybillInfo | None:
    """The parcel's issued waybill (number, sort code, print data), or None."""
    with store.read() as s:
        return ws.waybills_of_parcels(s, [parcel_id]).get(parcel_id)


# --- cancelling ----------------------------------------------------------------------------

def cancel_stopped(store: Store, actor: Actor) -> int:
    """Queue a cancel for every issued number of an intercepted or cancelled parcel that
    has none queued yet (the intercept queues its own; this catches the rest). Returns the
    number of cancels queued now."""
    actor.require(Permission.ORDERS_REVIEW)
    now = utcnow()
    n = 0
    with store.write() as s:
        for wb in ws.issued_on_stopped_parcels(s):
            if enqueue(s, CANCEL_KIND, courier_target(wb.courier_id),
                       cancel_key(wb.courier_id, wb.number),
                       {"waybill_id": wb.id, "number": wb.number, "parcel_id": wb.parcel_id,
                        "reason": "parcel stopped"}, now):
                n += 1
    return n


class CourierDeliverer:
    """Delivers ``waybill_cancel`` outbox rows of one courier: cancels the number at the
    courier's service (self-numbered couriers have none to tell) and marks it cancelled."""

    def __init__(self, store: Store, courier_id: int,
                 service_for: ServiceFactory = default_service) -> None:
        self.store = store
        self.courier_id = courier_id
        self.service_for = service_for
        self._service: WaybillService | None = None
        self._lock = threading.Lock()

    def deliver(self, entry: OutboxRecord) -> None:
        if entry.kind != CANCEL_KIND:
            raise ConnectorError(f"a courier cannot take {entry.kind!r} pushes",
                                 retryable=False)
        number = str(entry.payload.get("number") or "")
        if not number:
            raise ConnectorError("waybill cancel without a number", retryable=False)
        with self.store.read() as s:
            courier = ws.couriers_by_id(s, [self.courier_id]).get(self.courier_id)
        if courier is None:
            raise ConnectorError(f"courier {self.courier_id} is gone", retryable=False)
        if courier.waybill_source != RANGE:
            with self._lock:
                if self._service is None:
                    self._service = self.service_for(courier)
                service = self._service
            if not service.cancel(number):
                raise ConnectorError(f"courier {courier.code} did not cancel {number}")
        with self.store.write() as s:
            ws.mark_cancelled(s, self.courier_id, number, utcnow())

    def close(self) -> None:
        if self._service is not None:
            self._service.close()


def courier_deliverers(store: Store, service_for: ServiceFactory = default_service
                       ) -> dict[str, Callable[[], CourierDeliverer]]:
    """{"courier:<id>": factory} for every courier, for ``SyncEngine(deliverers=…)`` or an
    :class:`ecerp_desktop.sync.outbox.OutboxRelay` resolve function."""
    with store.read() as s:
        ids = [c.id for c in ws.all_couriers(s)]
    return {courier_target(cid): (lambda cid=cid: CourierDeliverer(store, cid, service_for))
            for cid in ids}
