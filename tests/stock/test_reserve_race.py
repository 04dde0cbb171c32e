"""K stations race to reserve the last M units on PostgreSQL: exactly M succeed."""

from __future__ import annotations

import threading
from decimal import Decimal

from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import stock as st

STATIONS = 8
UNITS = 3


def test_eight_stations_race_for_the_last_three_units(pg_store: Store) -> None:
    with pg_store.write() as s:
        wh = cat.upsert_warehouse(s, code="HZ", name="杭州仓").id
        sku = cat.upsert_skus(s, [cat.SkuInput("LAST", "最后三件", 1, Decimal("1"))],
                              utcnow())["LAST"]
        st.post_moves(s, [st.Move(wh, sku, MoveKind.RECEIPT, "r", "1", d_on_hand=UNITS)],
                      utcnow())
    # each station its own engine, as on separate PCs
    stations = [Store(pg_store.url) for _ in range(STATIONS)]
    for station in stations:  # connect before the race, so the race is on the UPDATE
        with station.read() as s:
            st.balance(s, wh, sku)
    barrier = threading.Barrier(STATIONS)
    results: list[bool] = []
    lock = threading.Lock()

    def station_reserves(i: int) -> None:
        barrier.wait()
        with stations[i].write() as s:
            ok = st.reserve(s, wh, sku, 1, doc_type="order", doc_id=str(i), now=utcnow())
        with lock:
            results.append(ok)

    threads = [threading.Thread(target=station_reserves, args=(i,)) for i in range(STATIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for station in stations:
        station.dispose()
    assert sorted(results) == [False] * (STATIONS - UNITS) + [True] * UNITS
    with pg_store.read() as s:
        b = st.balance(s, wh, sku)
        assert (b.on_hand, b.reserved, b.available) == (UNITS, UNITS, 0)
        assert len(st.moves(s, sku_id=sku, doc_type="order")) == UNITS
        assert st.rebuild_from_ledger(s) == []


def test_two_processes_on_sqlite_never_oversell(sqlite_store: Store) -> None:
    with sqlite_store.write() as s:
        wh = cat.upsert_warehouse(s, code="HZ", name="杭州仓").id
        sku = cat.upsert_skus(s, [cat.SkuInput("LAST", "x")], utcnow())["LAST"]
        st.post_moves(s, [st.Move(wh, sku, MoveKind.RECEIPT, "r", "1", d_on_hand=UNITS)],
                      utcnow())
    stations = [Store(sqlite_store.url) for _ in range(4)]
    results: list[bool] = []
    barrier = threading.Barrier(len(stations))

    def run(i: int) -> None:
        barrier.wait()
        for j in range(3):
            with stations[i].write() as s:
                results.append(st.reserve(s, wh, sku, 1, doc_type="order",
                                          doc_id=f"{i}-{j}", now=utcnow()))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(stations))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for station in stations:
        station.dispose()
    assert results.count(True) == UNITS and len(results) == 12
