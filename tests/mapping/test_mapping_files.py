"""The mapping table out to CSV/XLSX and back in: hostile titles and merchant codes stay
inert text, importing the export changes nothing, bad rows are reported by number while
the good ones map and free their held orders; and the same through ``ecerp mapping``."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from ecerp_desktop.cli.main import main
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.errors import ErrorCode
from ecerp_desktop.services import mapping

from .conftest import World, line, run

HOSTILE_TITLE = "=cmd|' /C calc'!A0 \x01\x1b[31m红\x07" + "长" * 220  # near the 255 the column holds
HOSTILE_CODE = "+SUM(A1:A9)\x0b"


def _hostile(world: World) -> int:
    o = world.order([line("=1+1", "-2", HOSTILE_CODE, HOSTILE_TITLE)])
    run(world)
    [r] = mapping.unmapped(world.store, SYSTEM)
    assert r.platform_item_id == "=1+1" and r.orders == 1
    res = mapping.map_listing(world.store, SYSTEM, world.shop, r.platform_item_id,
                              r.platform_sku_id, "TEA-1", merchant_code=r.merchant_code,
                              title=r.title)
    assert res.approved == 1 and world.status(o) == "approved"
    mapping.map_many(world.store, SYSTEM, [mapping.Mapping(world.shop2, "plain", "", "CUP-1",
                                                           "C-1", "玻璃杯")])
    return o


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_is_formula_safe_and_imports_back_unchanged(world: World, tmp_path: Path,
                                                           suffix: str) -> None:
    _hostile(world)
    path = tmp_path / f"mapping{suffix}"
    res = mapping.export_table(world.store, SYSTEM, path)
    assert res.rows == 2 and Path(res.path or "") == path
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    else:
        wb = openpyxl.load_workbook(path)
        rows = [[c or "" for c in r] for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert rows[0] == list(mapping.EXPORT_HEADERS)
    hostile = next(r for r in rows[1:] if r[5] == "TEA-1")
    assert hostile[1] == "'=1+1" and hostile[2] == "'-2"
    assert hostile[3].startswith("'+SUM") and hostile[4].startswith("'=cmd|")
    assert not any(ch in cell for cell in hostile for ch in "\x01\x07\x0b\x1b")
    assert all(not c.startswith(("=", "+", "-", "@")) for r in rows for c in r)
    again = mapping.import_table(world.store, SYSTEM, path)
    assert again.report.errors == [] and again.report.rows == 2
    assert (again.mapped.changed, again.mapped.unchanged) == (0, 2)
    assert {(r.platform_item_id, r.platform_sku_id, r.sku_code)
            for r in mapping.listings(world.store, SYSTEM)} == {("=1+1", "-2", "TEA-1"),
                                                                ("plain", "", "CUP-1")}


def test_import_maps_good_rows_reports_bad_ones_and_frees_their_orders(
        world: World, tmp_path: Path) -> None:
    a = world.order([line("num-1", "x", "", "龙井茶")])
    b = world.order([line("num-2", "", "", "茶壶")])
    c = world.order([line("num-3", "", "", "杯子")])
    run(world)
    path = tmp_path / "in.csv"
    path.write_text(
        "店铺,商品ID,平台SKU ID,系统编码,标题\n"
        "天猫旗舰店,num-1,x,tea-1,龙井茶\n"
        "天猫旗舰店,num-2,,POT-1,\n"
        "没有这个店,num-3,,CUP-1,\n"
        "天猫旗舰店,num-3,,NOPE-1,\n"
        ",,,,\n", encoding="utf-8")
    res = mapping.import_table(world.store, SYSTEM, path)
    assert res.report.rows == 4
    assert [(e.row, e.column, e.error.code) for e in res.report.errors] == [
        (4, "shop", ErrorCode.NOT_FOUND), (5, "sku", ErrorCode.NOT_FOUND)]
    assert (res.mapped.changed, res.mapped.rerun, res.mapped.approved) == (2, 2, 2)
    assert world.status(a) == world.status(b) == "approved" and world.status(c) == "held"


def test_cli_lists_sets_removes_exports_and_imports(world: World, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    def cli(*argv: str) -> int:
        return main(["--db", world.store.url, "mapping", *argv])

    o = world.order([line("num-77", "sku-5", "TEA1", "龙井茶 250g\x1b[2J", qty=2)])
    run(world)
    assert cli("unmapped", "--shop", "天猫旗舰店") == 0
    out = capsys.readouterr().out
    assert "num-77\tsku-5\tTEA1" in out and "1 orders\t2 units" in out
    assert "likely: TEA-1" in out and "\x1b" not in out
    assert "1 unmapped line(s) hold 1 order(s)" in out
    assert cli("set", "--shop", "天猫旗舰店", "--item", "num-77", "--sku", "sku-5",
               "--to", "NOPE") == 2
    assert "no SKU NOPE" in capsys.readouterr().err
    assert cli("set", "--shop", "天猫旗舰店", "--item", "num-77", "--sku", "sku-5",
               "--to", "TEA-1") == 0
    assert "1 order(s) re-run: 1 approved, 0 still held" in capsys.readouterr().out
    assert world.status(o) == "approved"
    assert cli("list", "--mapped") == 0
    assert "num-77\tsku-5\tTEA1" in capsys.readouterr().out
    export = tmp_path / "out.xlsx"
    assert cli("export", str(export)) == 0
    assert "1 rows written" in capsys.readouterr().out
    assert cli("remove", "--shop", "天猫旗舰店", "--item", "num-77", "--sku", "sku-5") == 0
    assert "removed" in capsys.readouterr().out
    assert mapping.listings(world.store, SYSTEM, mapped=True) == []
    assert cli("import", str(export)) == 0
    assert "1 changed" in capsys.readouterr().out
    assert mapping.listings(world.store, SYSTEM)[0].sku_code == "TEA-1"
