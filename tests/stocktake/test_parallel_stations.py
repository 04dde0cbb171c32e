"""Several stations count the same SKUs at the same moment: no scan is lost, and a posting
racing the scanners takes each scan or refuses it, never drops one."""

from __future__ import annotations

import threading

import pytest
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.services import stocktake as svc
from ecerp_desktop.store import Store
from ecerp_desktop.store import stock as st

from .conftest import COUNTER, KEEPER, make_world

STATIONS = 4
SCANS = 15


def _stations(url: str) -> list[Store]:
    stations = [Store(url) for _ in range(STATIONS)]  # each its own engine, as separate PCs
    for station in stations:
        svc.list_counts(station, KEEPER, limit=1)  # connect before the race
    return stations


def _race(stations: list[Store], work) -> list[BaseException]:
    barrier = threading.Barrier(len(stations))
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            work(i, stations[i])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(stations))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for station in stations:
        station.dispose()
    return errors


@pytest.mark.parametrize("db", ["postgres", "sqlite"])
def test_stations_counting_the_same_sku_never_lose_a_scan(db: str,
                                                          request: pytest.FixtureRequest
                                                          ) -> None:
    store: Store = request.getfixturevalue("pg_store" if db == "postgres" else "sqlite_store")
    world = make_world(store)
    count = svc.create(store, KEEPER, "HZ", skus=["TEA-1", "TEA-2"])

    def count_at_station(i: int, station: Store) -> None:
        for j in range(SCANS):
            code = world.barcode("TEA-1") if j % 3 else "TEA-2"
            svc.scan(station, COUNTER, count.number, code, station=f"S{i}")
        svc.scan(station, COUNTER, count.number, "TEA-1", qty=10, station=f"S{i}")

    assert _race(_stations(store.url), count_at_station) == []
    lines = {ln.code: ln for ln in svc.counted(store, KEEPER, count.number)}
    tea2 = STATIONS * len(range(0, SCANS, 3))
    assert lines["TEA-1"].counted == STATIONS * (SCANS + 10) - tea2
    assert lines["TEA-2"].counted == tea2
    assert lines["TEA-1"].stations == ", ".join(f"S{i}" for i in range(STATIONS))
    assert lines["TEA-1"].book == 10  # the first scan's book, whichever station it was
    svc.post(store, KEEPER, count.number)
    assert world.on_hand("TEA-1") == (lines["TEA-1"].counted, 0)


def test_posting_while_stations_scan_takes_or_refuses_every_scan(pg_store: Store) -> None:
    world = make_world(pg_store)
    count = svc.create(pg_store, KEEPER, "HZ", skus=["TEA-1"])
    svc.scan(pg_store, COUNTER, count.number, "TEA-1", station="first")  # book taken: 10
    accepted = [1]
    lock = threading.Lock()

    def scan_or_post(i: int, station: Store) -> None:
        if i == 0:
            svc.post(station, KEEPER, count.number)
            return
        for _ in range(40):
            try:
                svc.scan(station, COUNTER, count.number, "TEA-1", station=f"S{i}")
            except DomainError as exc:
                assert exc.code is ErrorCode.COUNT_NOT_OPEN
                return
            with lock:
                accepted[0] += 1

    assert _race(_stations(pg_store.url), scan_or_post) == []
    # everything a station was told "counted" is in the posting, nothing else
    with pg_store.read() as s:
        moves = st.moves(s, doc_type="stocktake", doc_id=count.number)
    assert sum(m.d_on_hand for m in moves) == accepted[0] - 10
    assert world.on_hand("TEA-1") == (accepted[0], 0)
    assert len(svc.entries(pg_store, KEEPER, count.number)) == accepted[0]


def test_two_stations_posting_at_once_post_once(pg_store: Store) -> None:
    world = make_world(pg_store)
    count = svc.create(pg_store, KEEPER, "HZ", skus=["TEA-1"])
    svc.scan(pg_store, COUNTER, count.number, "TEA-1", qty=13)
    outcomes: list[str] = []

    def post(_i: int, station: Store) -> None:
        try:
            svc.post(station, KEEPER, count.number)
        except DomainError as exc:
            outcomes.append(exc.code.value)
        else:
            outcomes.append("posted")

    assert _race(_stations(pg_store.url), post) == []
    assert sorted(outcomes) == sorted([ErrorCode.COUNT_NOT_OPEN.value] * (STATIONS - 1)
                                      + ["posted"])
    assert world.on_hand("TEA-1") == (13, 0)
    with pg_store.read() as s:
        assert len(st.moves(s, doc_type="stocktake", doc_id=count.number)) == 1


def test_handheld_files_in_opposite_orders_never_deadlock(pg_store: Store) -> None:
    world = make_world(pg_store)
    count = svc.create(pg_store, KEEPER, "HZ")
    codes = ["TEA-1", "TEA-2", "CUP-1", "POT-1"]

    def upload(i: int, station: Store) -> None:
        order = codes if i % 2 else list(reversed(codes))
        for _ in range(5):
            svc.scan_many(station, COUNTER, count.number, [(c, 1) for c in order],
                          station=f"H{i}")

    assert _race(_stations(pg_store.url), upload) == []
    lines = {ln.code: ln.counted for ln in svc.counted(pg_store, KEEPER, count.number)}
    assert lines == {c: STATIONS * 5 for c in codes}
    svc.post(pg_store, KEEPER, count.number)
    assert world.on_hand("CUP-1") == (STATIONS * 5, 0)
