"""Cancelling numbers: an intercept queues the cancel in the outbox, the sync engine's relay
delivers it to the courier (the simulator sees it exactly once) and the number is marked
cancelled; a parcel stopped while its number was being issued gets its number cancelled."""

from __future__ import annotations

import threading
from datetime import timedelta

from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import pipeline
from ecerp_desktop.services import waybills as svc
from ecerp_desktop.sim.cainiao import CainiaoSim
from ecerp_desktop.store import sync as sync_store
from ecerp_desktop.store import waybills as ws
from ecerp_desktop.sync.backoff import Backoff
from ecerp_desktop.sync.engine import SyncEngine, SyncSettings

from .conftest import WbWorld


def _engine(wb: WbWorld, now=utcnow) -> SyncEngine:  # type: ignore[no-untyped-def]
    return SyncEngine(wb.store, deliverers=svc.courier_deliverers(wb.store), now=now,
                      settings=SyncSettings(outbox_backoff=Backoff(base=0.01, cap=0.02)))


def test_intercept_cancels_through_the_outbox_exactly_once(wb: WbWorld,
                                                           sim: CainiaoSim) -> None:
    cid = wb.courier_cainiao("ZTO", sim)
    a, b = wb.orders(2)
    res = svc.assign_waybills(wb.store, SYSTEM)
    [pa], [pb] = wb.parcels(a), wb.parcels(b)
    number = res.assigned[pa]
    out = pipeline.intercept(wb.store, a, "refund requested", actor=SYSTEM)
    assert out.waybill_cancels == 1 and wb.status(a) == "intercepted"
    assert sim.cancel_calls == []  # nothing leaves before the relay runs
    with wb.store.read() as s:
        [row] = sync_store.outbox_entries(s, target=f"courier:{cid}")
        assert row.kind == "waybill_cancel" and row.payload["number"] == number
    sim.faults.set("http500=1")  # the courier is down: the row waits, nothing is lost
    report = _engine(wb).drain_other_targets()
    assert report.delivered == 0 and report.failed == 1
    sim.faults.clear()
    report = _engine(wb).drain_other_targets(wait_up_to=1.0)
    assert report.delivered == 1
    assert _engine(wb).drain_other_targets().delivered == 0
    assert sim.cancelled == [number] and sim.cancel_calls == [number]
    with wb.store.read() as s:
        assert ws.waybills_of_parcels(s, [pa]) == {}  # no issued number left
        [cancelled] = ws.waybills_of_orders(s, [a])
        assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
        assert ws.waybills_of_parcels(s, [pb])[pb].number == res.assigned[pb]
    # the periodic sweep finds nothing more to cancel
    assert svc.cancel_stopped(wb.store, SYSTEM) == 0


def test_range_courier_cancel_needs_no_remote_call(wb: WbWorld) -> None:
    wb.courier_range("YTO", "500", "599")
    [a] = wb.orders(1)
    svc.assign_waybills(wb.store, SYSTEM)
    pipeline.intercept(wb.store, a, "buyer cancelled", actor=SYSTEM)
    assert _engine(wb).drain_other_targets().delivered == 1
    with wb.store.read() as s:
        assert [w.status for w in ws.waybills_of_orders(s, [a])] == ["cancelled"]


def test_parcel_stopped_while_its_number_was_issued(wb: WbWorld, sim: CainiaoSim) -> None:
    """The intercept lands between "the service issued" and "we saved": the number is kept
    as issued for the record and its cancel is queued, the order stays intercepted."""
    wb.courier_cainiao("ZTO", sim)
    [a] = wb.orders(1)
    [pa] = wb.parcels(a)
    sim.after_issue_delay = 1.0
    results: list[svc.AssignResult] = []
    t = threading.Thread(target=lambda: results.append(svc.assign_waybills(wb.store, SYSTEM)))
    t.start()
    assert sim.issued_event.wait(10)
    pipeline.intercept(wb.store, a, "refund requested", actor=SYSTEM)
    t.join(20)
    [res] = results
    assert res.assigned == {} and "stopped meanwhile" in res.skipped[pa]
    assert wb.status(a) == "intercepted"
    assert _engine(wb).drain_other_targets().delivered == 1
    assert sim.cancelled == [sim.issued[0]["number"]]


def test_cancel_retry_is_idempotent_at_the_service(wb: WbWorld, sim: CainiaoSim) -> None:
    """A crash after the courier cancelled but before the row was marked done delivers the
    cancel again: the service accepts it and the number stays cancelled once."""
    cid = wb.courier_cainiao("ZTO", sim)
    [a] = wb.orders(1)
    svc.assign_waybills(wb.store, SYSTEM)
    pipeline.intercept(wb.store, a, "refund requested", actor=SYSTEM)
    with wb.store.read() as s:
        [row] = sync_store.outbox_entries(s, target=f"courier:{cid}")
    deliverer = svc.courier_deliverers(wb.store)[f"courier:{cid}"]()
    deliverer.deliver(row)
    deliverer.deliver(row)  # the replay
    deliverer.close()
    assert len(sim.cancel_calls) == 2 and len(sim.cancelled) == 1
    later = utcnow() + timedelta(seconds=1)
    assert _engine(wb, now=lambda: later).drain_other_targets().delivered == 1


def test_intercepts_racing_an_assign_never_deadlock_or_leak_a_number(pwb: WbWorld) -> None:
    """PostgreSQL: one station numbers 40 parcels while another intercepts half of the
    orders, newest first. No deadlock reaches either; every number of an intercepted
    parcel has its cancel queued; every other order ends WAYBILLED."""
    cid = pwb.courier_range("ZTO", "5000", "5999")
    orders = pwb.orders(40)
    stop = set(orders[::2])
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def assign() -> None:
        try:
            barrier.wait()
            svc.assign_waybills(pwb.store, SYSTEM)
        except BaseException as exc:  # reported below
            errors.append(exc)

    def intercept() -> None:
        try:
            barrier.wait()
            for o in sorted(stop, reverse=True):
                pipeline.intercept(pwb.store, o, "refund requested", actor=SYSTEM)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=assign), threading.Thread(target=intercept)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with pwb.store.read() as s:
        queued = {e.payload["number"] for e in sync_store.outbox_entries(
            s, target=f"courier:{cid}")}
        for o in orders:
            numbers = {w.number for w in ws.waybills_of_orders(s, [o])}
            if o in stop:
                assert numbers <= queued, o
            else:
                assert len(numbers) == 1 and not numbers & queued
    assert all(pwb.status(o) == ("intercepted" if o in stop else "waybilled") for o in orders)
