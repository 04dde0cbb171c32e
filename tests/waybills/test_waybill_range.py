"""Self-numbering couriers: numbers from pre-assigned blocks, taken by one conditional
UPDATE (K stations at once on PostgreSQL: all distinct), exhaustion as a clear error."""

from __future__ import annotations

import threading

import pytest
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import waybills as svc
from ecerp_desktop.store import waybills as ws
from ecerp_desktop.store.schema import OrderHistoryRow, ParcelRow
from sqlalchemy import select, update

from .conftest import WbWorld


def test_range_numbers_parcels_and_orders_become_waybilled(wb: WbWorld) -> None:
    wb.courier_range("YTO", "YT0000098", "YT0000105")
    orders = wb.orders(5)
    res = svc.assign_waybills(wb.store, SYSTEM, order_ids=[orders[0]])
    pid0 = wb.parcels(orders[0])[0]
    assert res.assigned == {pid0: "YT0000098"}  # prefix and zero padding kept
    assert wb.status(orders[0]) == "waybilled" and wb.status(orders[1]) == "approved"
    res = svc.assign_waybills(wb.store, SYSTEM)
    assert sorted(res.assigned.values()) == ["YT0000099", "YT0000100", "YT0000101",
                                             "YT0000102"]
    assert all(wb.status(o) == "waybilled" for o in orders)
    with wb.store.read() as s:
        info = ws.waybills_of_parcels(s, [pid0])[pid0]
        assert info.sort_code == "广东 深圳 南山区"
        assert s.scalar(select(OrderHistoryRow.to_status).where(
            OrderHistoryRow.order_id == orders[0],
            OrderHistoryRow.action == "waybilled")) == "waybilled"
        [block] = ws.ranges(s, info.courier_id)
        assert block.remaining == 3
    # asking again for the same orders changes nothing
    assert svc.assign_waybills(wb.store, SYSTEM, order_ids=orders).assigned == {}


def test_exhausted_range_is_a_clear_error_and_numbers_what_it_can(wb: WbWorld) -> None:
    wb.courier_range("STO", "100", "102")
    orders = wb.orders(5)
    res = svc.assign_waybills(wb.store, SYSTEM)
    assert sorted(res.assigned.values()) == ["100", "101", "102"]
    assert sorted(res.failed.values()) == ["range exhausted"] * 2
    with pytest.raises(DomainError) as err:
        svc.assign_waybills(wb.store, SYSTEM)
    assert err.value.code is ErrorCode.WAYBILL_RANGE_EXHAUSTED
    assert err.value.params["courier"] == "STO"
    assert sum(wb.status(o) == "waybilled" for o in orders) == 3
    # a new block: the rest get numbers
    svc.add_courier(wb.store, SYSTEM, code="STO", name="申通", number_range=("200", "299"))
    res = svc.assign_waybills(wb.store, SYSTEM)
    assert sorted(res.assigned.values()) == ["200", "201"]


def test_overlapping_or_malformed_blocks_are_refused(wb: WbWorld) -> None:
    wb.courier_range("ZTO", "7700000001", "7700000100")
    for first, last in (("7700000050", "7700000200"), ("7700000100", "7700000001"),
                        ("AB12", "CD99"), ("1-2", "3")):
        with pytest.raises(DomainError):
            svc.add_courier(wb.store, SYSTEM, code="ZTO", name="中通",
                            number_range=(first, last))


def test_parcel_without_courier_is_skipped_with_reason(wb: WbWorld) -> None:
    wb.courier_range("ZTO", "1", "9")
    a, b = wb.orders(2)
    [pa] = wb.parcels(a)
    with wb.store.write() as s:  # a parcel the user took the courier off
        s.execute(update(ParcelRow).where(ParcelRow.id == pa).values(courier_id=None))
    res = svc.assign_waybills(wb.store, SYSTEM)
    assert res.skipped == {pa: "no courier"}
    assert list(res.assigned) == wb.parcels(b)
    assert wb.status(a) == "approved" and wb.status(b) == "waybilled"


def test_k_stations_allocating_at_once_get_distinct_numbers(pwb: WbWorld) -> None:
    """PostgreSQL, K threads each taking numbers in many small transactions."""
    cid = pwb.courier_range("JT", "JT000001", "JT000400")
    k, rounds, per = 8, 10, 5
    got: list[list[str]] = [[] for _ in range(k)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(k)

    def station(i: int) -> None:
        try:
            barrier.wait()
            for _ in range(rounds):
                with pwb.store.write() as s:
                    got[i] += ws.allocate(s, cid, per, "JT")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=station, args=(i,)) for i in range(k)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    numbers = [n for g in got for n in g]
    assert len(numbers) == k * rounds * per == 400
    assert len(set(numbers)) == 400
    with pwb.store.write() as s:
        with pytest.raises(DomainError):
            ws.allocate(s, cid, 1, "JT")


def test_two_stations_assigning_the_same_parcels_give_one_number_each(pwb: WbWorld) -> None:
    pwb.courier_range("ZTO", "1000", "1999")
    orders = pwb.orders(30)
    results: list[svc.AssignResult] = []
    barrier = threading.Barrier(2)

    def station() -> None:
        barrier.wait()
        results.append(svc.assign_waybills(pwb.store, SYSTEM))

    threads = [threading.Thread(target=station) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with pwb.store.read() as s:
        pids = [p for o in orders for p in pwb.parcels(o)]
        all_rows = ws.waybills_of_orders(s, orders)
    assert len(all_rows) == len(pids) == 30  # one waybill per parcel, none doubled
    assert len({w.number for w in all_rows}) == 30
    assert sum(len(r.assigned) for r in results) == 30
    assert all(pwb.status(o) == "waybilled" for o in orders)


def test_allocate_reads_again_after_losing_a_race(swb: WbWorld) -> None:
    cid = swb.courier_range("EMS", "1", "5")
    with swb.store.write() as s:
        assert ws.allocate(s, cid, 2) == ["1", "2"]
        assert ws.allocate(s, cid, 9, allow_fewer=True) == ["3", "4", "5"]
    with swb.store.write() as s, pytest.raises(DomainError):
        ws.allocate(s, cid, 1)
    with swb.store.write() as s:
        ws.add_range(s, cid, "10", "10", utcnow())
        assert ws.allocate(s, cid, 1) == ["10"]
