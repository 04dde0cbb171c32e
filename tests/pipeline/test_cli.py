"""The command line: ecerp pipeline run, ecerp rules export/import/dry-run/show/history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ecerp_desktop.cli.main import main

from .conftest import World


def run(world: World, *argv: str) -> int:
    return main(["--db", world.store.url, *argv])


def test_process_prints_counts(sworld: World, capsys: pytest.CaptureFixture[str]) -> None:
    sworld.order([("TEA-1", 1)])
    sworld.order([("NOPE-9", 1)])
    assert run(sworld, "pipeline", "run", "--quiet") == 0
    out = capsys.readouterr().out
    assert "processed 2" in out and "approved  1" in out and "unmapped_sku" in out


def test_orders_process_is_the_same_command(sworld: World,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    ok = sworld.order([("TEA-1", 1)])
    assert run(sworld, "orders", "process", "--quiet") == 0
    assert "approved  1" in capsys.readouterr().out
    assert sworld.status(ok) == "approved"


def test_export_import_dry_run(sworld: World, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    big = sworld.order([("TEA-1", 1)], paid="900.00")
    assert run(sworld, "pipeline", "run", "--quiet") == 0
    draft = tmp_path / "draft.toml"
    draft.write_text('''
default = "approve"
[[rules]]
id = 1
name = "大单"
when = [{kind = "paid_amount", min = "500"}]
then = [{kind = "hold", detail = "check"}]
''', encoding="utf-8")
    capsys.readouterr()
    assert run(sworld, "rules", "dry-run", "--days", "1", "--rules", str(draft), "--why") == 0
    out = capsys.readouterr().out
    assert "would hold     1" in out and f"order {big}: held: rule" in out
    assert sworld.status(big) == "approved"  # nothing changed
    assert run(sworld, "rules", "import", str(draft)) == 0
    exported = tmp_path / "rules.json"
    assert run(sworld, "rules", "export", str(exported)) == 0
    doc = json.loads(exported.read_text(encoding="utf-8"))
    assert doc["version"] == 1 and doc["rules"][0]["name"] == "大单"
    assert run(sworld, "rules", "import", str(exported), "--comment", "again") == 0
    capsys.readouterr()
    assert run(sworld, "rules", "history") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split("\t")[0] for ln in lines] == ["2", "1"] and lines[0].endswith("again")
    assert run(sworld, "rules", "show") == 0
    assert "when paid_amount(min=500) then hold(detail=check)" in capsys.readouterr().out


def test_bad_rule_file_is_one_line_error(sworld: World, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"rules": [{"id": 1, "when": [{"kind": "moon"}], "then": []}]}')
    assert run(sworld, "rules", "import", str(bad)) == 2
    err = capsys.readouterr().err
    assert err.startswith("ecerp: error: rules: moon: unknown condition")
    assert run(sworld, "pipeline", "intercept", "999999") == 2


def test_remote_regions_priority_and_options(sworld: World,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert run(sworld, "rules", "remote", "四川省/甘孜藏族自治州", "--courier", "SF") == 0
    assert run(sworld, "rules", "remote", "新疆", "--hold") == 0
    out = capsys.readouterr().out
    assert "四川/甘孜藏族\tcourier SF" in out and "新疆\thold" in out and "西藏\tmark only" in out
    assert run(sworld, "rules", "remote", "四川/甘孜", "--courier", "NOPE") == 2
    assert run(sworld, "rules", "priority", "广东省", "HZ", "GZ") == 0
    assert "广东\tHZ GZ" in capsys.readouterr().out
    assert run(sworld, "rules", "options", "--max-parcel-weight-g", "800") == 0
    assert "max_parcel_weight_g\t800" in capsys.readouterr().out
    xj = sworld.order([("TEA-1", 1)], province="新疆维吾尔自治区")
    gd = sworld.order([("TEA-1", 2), ("CUP-1", 1)], province="广东省")
    assert run(sworld, "pipeline", "run", "--quiet") == 0
    assert sworld.holds(xj)[0][0] == "remote_region"
    parcels = sworld.parcels(gd)
    assert {p[2] for p in parcels} == {sworld.hz}  # the priority table beat the nearest
    assert len(parcels) == 2  # 2×300 g + 500 g over the 800 g limit
