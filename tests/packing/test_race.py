"""Two stations on one PostgreSQL database scanning the same parcel at the same moment:
exactly one gets it, the other is told which station has it; and the parcel ships once."""

from __future__ import annotations

import threading

import pytest
from ecerp_desktop.services import packing
from ecerp_desktop.store import Store
from ecerp_desktop.store.schema import OutboxRow, ParcelRow
from sqlalchemy import func, select

from .conftest import PACKER, build


@pytest.fixture
def pg_pack(pg_store: Store):  # type: ignore[no-untyped-def]
    return build(pg_store)


def _race(fns: list) -> list:  # type: ignore[type-arg]
    barrier = threading.Barrier(len(fns))
    out: list = [None] * len(fns)  # type: ignore[var-annotated]

    def run(i: int) -> None:
        barrier.wait()
        out[i] = fns[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return out


def test_two_stations_race_for_one_parcel(pg_pack) -> None:  # type: ignore[no-untyped-def]
    opts = packing.PackingOptions(weigh=False)
    for _ in range(4):
        _, pid, poid = pg_pack.order([("TEA-1", 1)])
        a = packing.Station(pg_pack.store, PACKER, "A", options=opts)
        b = packing.Station(pg_pack.store, PACKER, "B", options=opts)
        ra, rb = _race([lambda a=a, c=poid: a.open(c), lambda b=b, c=poid: b.open(c)])
        kinds = sorted([ra.kind, rb.kind])
        assert kinds == [packing.OpenKind.OPENED, packing.OpenKind.TAKEN]
        winner, loser = (a, rb) if ra.kind is packing.OpenKind.OPENED else (b, ra)
        assert loser.station == winner.name  # told who has it
        with pg_pack.store.read() as s:
            assert s.scalar(select(ParcelRow.station).where(ParcelRow.id == pid)) == winner.name
        winner.scan("TEA-1")
        assert winner.ship().ok


def test_ship_and_a_second_ship_race_once(pg_pack) -> None:  # type: ignore[no-untyped-def]
    """The same station's ship pressed twice at once (two workers): one shipment."""
    opts = packing.PackingOptions(weigh=False)
    _, _pid, poid = pg_pack.order([("CUP-1", 2)])
    a = packing.Station(pg_pack.store, PACKER, "A", options=opts)
    a.open(poid)
    a.scan("CUP-1", 2)
    b = packing.Station(pg_pack.store, PACKER, "A", options=opts)
    b.open(poid)  # same station name: it is ours already
    b.scan("CUP-1", 2)
    ra, rb = _race([a.ship, b.ship])
    assert sorted([ra.ok, rb.ok]) == [False, True]
    with pg_pack.store.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxRow)
                        .where(OutboxRow.kind == "shipment")) == 1
    assert pg_pack.balance("CUP-1") == (48, 0)
