"""``ecerp station simulate`` on a small file: two parcels shipped (one printed to a TCP
listener), a wrong item and an out-of-tolerance weight accepted by the supervisor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ecerp_desktop.cli.main import main
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.packing import WeightRule
from ecerp_desktop.services import packing
from ecerp_desktop.store import Store
from ecerp_desktop.store.schema import OutboxRow, ParcelRow
from sqlalchemy import func, select

from .conftest import TcpPrinter, build


def test_simulate_replays_scans_and_scale_frames(sqlite_store: Store, tmp_path: Path,
                                                 printer: TcpPrinter,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    pack = build(sqlite_store)
    packing.save_options(pack.store, SYSTEM, WeightRule(50, 50, packing.Decimal("0")),
                         supervisor_code="2468")
    _, pid1, poid1 = pack.order([("TEA-1", 2), ("CUP-1", 1)])
    _, pid2, poid2 = pack.order([("POT-1", 1)])
    scans = tmp_path / "scans.txt"
    scans.write_text("\n".join([
        "# parcel 1",
        poid1,
        "6920000000028      # a pot: not in this parcel",
        "2 x 6901234567892",
        "6920000000011",
        "scale ST,US,+  0.900kg   # moving: ignored",
        "scale ST,GS,+  1.160kg",
        poid2,
        "POT-1",
        "weigh 2kg",
        "supervisor 1111",
        "supervisor 2468",
    ]), encoding="utf-8")
    assert main(["--db", pack.store.url, "station", "simulate", "--scans", str(scans),
                 "--station", "SIM", "--to", printer.target, "--json"]) == 0
    out = capsys.readouterr().out.splitlines()
    events = [json.loads(x) for x in out[:-1]]
    assert out[-1] == "shipped=2 errors=3 refused_opens=0"
    assert [e["result"] for e in events] == [
        "opened", "wrong_item", "counted", "complete", "unstable", "ok", "opened", "complete",
        "out_of_tolerance", "refused", "accepted"]
    assert events[5]["shipped"] is True and events[5]["printed"] is True
    assert events[5]["expected"] == 300 * 2 + 500 + 50
    assert events[-1]["shipped"] is True
    with pack.store.read() as s:
        assert set(s.scalars(select(ParcelRow.status).where(
            ParcelRow.id.in_([pid1, pid2])))) == {"shipped"}
        assert s.scalar(select(func.count()).select_from(OutboxRow)) == 2
    assert pack.balance("TEA-1") == (48, 0)


def test_release_frees_a_parcel_held_by_a_dead_station(sqlite_store: Store,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    pack = build(sqlite_store)
    _, pid, poid = pack.order([("TEA-1", 1)])
    packing.Station(pack.store, SYSTEM, "GONE").open(poid)
    assert main(["--db", pack.store.url, "station", "release", poid]) == 0
    assert capsys.readouterr().out.strip() == f"parcel {pid} released (was held by GONE)"
    with pack.store.read() as s:
        assert s.scalar(select(ParcelRow.station).where(ParcelRow.id == pid)) is None
