"""Split by volume (拆单 by a per-parcel volume limit beside the weight limit): SKU
volumes come from the SKU import; a SKU without a volume counts as 0 cm³."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.facts import OrderFacts
from ecerp_desktop.domain.merge import OpenParcel, join_open_parcel
from ecerp_desktop.domain.pipeline import Options
from ecerp_desktop.domain.split import Item, PlannedParcel, split_by_limits
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import catalog, imports
from ecerp_desktop.services import pipeline as svc
from ecerp_desktop.store.stock import Move, post_moves
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import World


def _units(parcels: list[PlannedParcel]) -> list[dict[int, int]]:
    return [{i.line_id: i.qty for i in p.items} for p in parcels]


def test_split_by_volume_first_fit_every_unit_once() -> None:
    p = PlannedParcel(1, [Item(1, 9, 1, 5, 100, volume_cm3=4000),
                          Item(2, 9, 2, 3, 50, volume_cm3=1000),
                          Item(3, 9, 3, 2, 10)])  # no volume: counts as 0
    parcels = split_by_limits(p, None, 10_000)
    assert all(q.volume_cm3 <= 10_000 for q in parcels)
    assert len(parcels) == 3
    total: dict[int, int] = {}
    for q in parcels:
        for i in q.items:
            total[i.line_id] = total.get(i.line_id, 0) + i.qty
    assert total == {1: 5, 2: 3, 3: 2}
    # within the limits: untouched; a unit above the limit alone ships alone
    assert split_by_limits(p, None, 100_000) == [p]
    big = PlannedParcel(1, [Item(1, 9, 1, 2, 0, volume_cm3=30_000)])
    assert _units(split_by_limits(big, None, 10_000)) == [{1: 1}, {1: 1}]


def test_weight_and_volume_limits_together() -> None:
    p = PlannedParcel(1, [Item(1, 9, 1, 4, 1000, volume_cm3=100),
                          Item(2, 9, 2, 4, 10, volume_cm3=5000)])
    parcels = split_by_limits(p, 2500, 10_000)
    assert all(q.weight_g <= 2500 and q.volume_cm3 <= 10_000 for q in parcels)
    assert sum(i.qty for q in parcels for i in q.items) == 8


def test_a_join_never_passes_the_volume_limit() -> None:
    t = datetime(2026, 11, 11, tzinfo=UTC)
    lead = OrderFacts(1, 7, phone_hash="p", address_detail="x", paid_at=t)
    parcel = OpenParcel(50, lead, t, 10, None, 1000, 9000, Decimal(10))
    items = [Item(5, 2, 1, 1, 100, volume_cm3=2000)]
    join, notes = join_open_parcel([2], items, Decimal(5), [parcel], {(10, 1): 9}, [],
                                   None, 10_000)
    assert join is None and "10000 cm³" in notes[0]
    join, _ = join_open_parcel([2], items, Decimal(5), [parcel], {(10, 1): 9}, [], None,
                               12_000)
    assert join is not None and join.parcel_id == 50 and join.lead_id == 1
    presale = [Item(5, 2, 1, 1, 100, presale=True)]
    join, notes = join_open_parcel([2], presale, Decimal(5), [parcel], {(10, 1): 9}, [],
                                   None, None)
    assert join is None and "pre-sale" in notes[0]


def _import(world: World, tmp_path: Path, text: str) -> imports.ImportReport:
    path = tmp_path / "skus.csv"
    path.write_text(text, encoding="utf-8")
    return imports.import_skus(world.store, SYSTEM, path)


def test_sku_import_takes_an_optional_volume_column(world: World, tmp_path: Path) -> None:
    rep = _import(world, tmp_path, "编码,名称,重量,成本,体积\nCUP-1,玻璃杯,500,10,6000\n"
                                   "POT-1,茶壶,1200,50,\nBOX-1,礼盒,100,1,abc\n")
    assert (rep.changed, rep.unchanged, len(rep.errors)) == (1, 1, 1)
    assert rep.errors[0].column == "volume_cm3"
    skus = {k.code: k for k in catalog.list_skus(world.store, SYSTEM)}
    assert skus["CUP-1"].volume_cm3 == 6000 and skus["POT-1"].volume_cm3 is None
    # a file without the column keeps the stored volume
    rep = _import(world, tmp_path, "code,name,weight_g,cost\nCUP-1,玻璃杯,500,10\n")
    assert rep.unchanged == 1
    assert {k.code: k for k in catalog.list_skus(world.store, SYSTEM)}[
        "CUP-1"].volume_cm3 == 6000


def test_pipeline_splits_by_the_volume_option(world: World, tmp_path: Path) -> None:
    _import(world, tmp_path, "code,name,weight_g,volume_cm3\nCUP-1,玻璃杯,500,6000\n")
    svc.set_options(world.store, SYSTEM, Options(max_parcel_volume_cm3=10_000))
    oid = world.order([("CUP-1", 3), ("TEA-1", 2)])  # TEA-1 has no volume: 0 cm³
    res = svc.process_pending(world.store, SYSTEM)
    assert (res.approved, res.split, res.parcels) == (1, 1, 3)
    parcels = world.parcels(oid)
    cup = world.sku["CUP-1"]
    assert sorted(sum(q for _l, k, q in p[4] if k == cup) for p in parcels) == [1, 1, 1]
    assert sum(q for p in parcels for _l, k, q in p[4] if k == world.sku["TEA-1"]) == 2
    assert world.balance(world.gz, "CUP-1") == (100, 3)
    why = world.history(oid)[-1].detail["why"]
    assert any("split into 3 parcels" in w and "10000 cm³" in w for w in why)


def test_a_bundle_split_across_warehouses_and_by_volume(world: World, tmp_path: Path) -> None:
    _import(world, tmp_path, "code,name,weight_g,volume_cm3\nCUP-1,玻璃杯,500,4000\n"
                             "POT-1,茶壶,1200,9000\n")
    with world.store.write() as s:  # POT only in HZ, CUP only in GZ
        post_moves(s, [Move(world.gz, world.sku["POT-1"], MoveKind.ADJUSTMENT, "t", "x",
                            d_on_hand=-100),
                       Move(world.hz, world.sku["CUP-1"], MoveKind.ADJUSTMENT, "t", "x",
                            d_on_hand=-100)], utcnow())
    svc.set_options(world.store, SYSTEM, Options(max_parcel_volume_cm3=10_000))
    oid = world.order([("SET-1", 2)])  # 2 × (1 POT-1 + 2 CUP-1)
    res = svc.process_pending(world.store, SYSTEM)
    assert res.approved == 1 and res.split == 1
    by_wh: dict[int, list[dict[int, int]]] = {}
    for _pid, status, wh, _c, lines in world.parcels(oid):
        assert status == "open"
        by_wh.setdefault(wh, []).append({k: q for _l, k, q in lines})
    pot, cup = world.sku["POT-1"], world.sku["CUP-1"]
    assert sorted(p[pot] for p in by_wh[world.hz]) == [1, 1]  # 9000 cm³ each: one a box
    assert sorted(p[cup] for p in by_wh[world.gz]) == [2, 2]  # 4 × 4000 cm³ → 2 + 2
    assert world.balance(world.hz, "POT-1") == (100, 2)
    assert world.balance(world.gz, "CUP-1") == (100, 4)
    # every component line of the bundle is in exactly one parcel per unit
    comp = {ln.id: ln.qty for ln in world.lines(oid) if ln.bundle_line_id is not None}
    placed: dict[int, int] = {}
    for *_x, lines in world.parcels(oid):
        for lid, _k, q in lines:
            placed[lid] = placed.get(lid, 0) + q
    assert placed == comp


def test_cli_volume_option_import_and_list(world: World, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from ecerp_desktop.cli.main import main

    def run(*argv: str) -> int:
        return main(["--db", world.store.url, *argv])

    path = tmp_path / "skus.csv"
    path.write_text("code,name,weight_g,cost,volume_cm3\nCUP-1,玻璃杯,500,10,6000\n",
                    encoding="utf-8")
    assert run("skus", "import", str(path)) == 0
    assert run("rules", "options", "--max-parcel-volume-cm3", "10000") == 0
    out = capsys.readouterr().out
    assert "max_parcel_volume_cm3\t10000" in out
    assert run("skus", "list") == 0
    rows = {ln.split("\t")[0]: ln.split("\t") for ln in capsys.readouterr().out.splitlines()}
    assert rows["CUP-1"][-1] == "6000" and rows["TEA-1"][-1] == ""
    oid = world.order([("CUP-1", 2)])
    assert run("pipeline", "run", "--quiet") == 0
    assert len(world.parcels(oid)) == 2
    assert run("rules", "options", "--max-parcel-volume-cm3", "0") == 0
    assert "max_parcel_volume_cm3\tNone" in capsys.readouterr().out


@given(st.lists(st.tuples(st.integers(1, 6), st.integers(0, 3000), st.integers(0, 20_000)),
                min_size=1, max_size=6),
       st.one_of(st.none(), st.integers(500, 5000)),
       st.one_of(st.none(), st.integers(1000, 30_000)))
@settings(max_examples=200, deadline=None)
def test_limits_split_keeps_every_unit_once_and_respects_the_limits(
        lines: list[tuple[int, int, int]], max_g: int | None, max_cm3: int | None) -> None:
    items = [Item(n, 1, n, q, g, volume_cm3=v) for n, (q, g, v) in enumerate(lines, 1)]
    parcels = split_by_limits(PlannedParcel(1, items), max_g, max_cm3)
    placed: dict[int, int] = {}
    for p in parcels:
        assert p.items and all(i.qty > 0 for i in p.items)
        for i in p.items:
            placed[i.line_id] = placed.get(i.line_id, 0) + i.qty
        for limit, size in ((max_g, lambda i: i.weight_g), (max_cm3, lambda i: i.volume_cm3)):
            total = sum(size(i) * i.qty for i in p.items)
            if limit is not None and total > limit:  # only one unit above the limit by itself
                sized = [i for i in p.items if size(i) > 0]
                assert len(sized) == 1 and sized[0].qty == 1 and size(sized[0]) > limit
    assert placed == {i.line_id: i.qty for i in items}
