"""``ecerp stocktake``: create, scan a handheld's file, look at the variances, post once."""

from __future__ import annotations

from pathlib import Path

import pytest
from ecerp_desktop.cli.main import main
from ecerp_desktop.store import Store

from .conftest import make_world


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_a_count_from_the_command_line(sqlite_store: Store, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    world = make_world(sqlite_store)
    db = sqlite_store.url
    code, out, _ = _run(capsys, "--db", db, "stocktake", "create", "--warehouse", "HZ",
                        "--sku", "TEA-1", "--sku", world.barcode("TEA-2"), "--blind")
    assert code == 0 and "2 SKUs" in out and "blind" in out
    number = out.split()[0]
    scans = tmp_path / "scans.txt"
    scans.write_text(f"# handheld 1\n{world.barcode('TEA-1')}\n{world.barcode('TEA-1')},10\n"
                     "TEA-2*3\n9999999999999\n", encoding="utf-8")
    code, out, _ = _run(capsys, "--db", db, "stocktake", "scan", number, "--scans",
                        str(scans), "--station", "手持1")
    assert code == 1  # a flagged scan: the exit code says so
    assert "4 scans, 14 units counted, 1 flagged" in out and "9999999999999" in out
    code, out, _ = _run(capsys, "--db", db, "stocktake", "variances", number)
    assert code == 0
    rows = [ln.split("\t") for ln in out.splitlines()[1:3]]
    assert [(r[0], r[2], r[3], r[6], r[7]) for r in rows] == [
        ("TEA-1", "10", "11", "+1", "12.50"), ("TEA-2", "5", "3", "-2", "-60.00")]
    assert "flagged 9999999999999 x1 (unknown) at 手持1" in out
    code, out, _ = _run(capsys, "--db", db, "stocktake", "post", number)
    assert code == 0 and "2 SKUs changed, +1 / -2 units, value -47.50" in out
    code, _, err = _run(capsys, "--db", db, "stocktake", "post", number)
    assert code == 2 and f"count {number} is posted" in err
    code, out, _ = _run(capsys, "--db", db, "stocktake", "list")
    assert code == 0 and number in out and "posted" in out and "2/2" in out
    assert world.on_hand("TEA-1") == (11, 0) and world.on_hand("TEA-2") == (3, 0)


def test_bad_scan_files_are_refused_whole(sqlite_store: Store, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    make_world(sqlite_store)
    db = sqlite_store.url
    _, out, _ = _run(capsys, "--db", db, "stocktake", "create", "--warehouse", "HZ")
    number = out.split()[0]
    scans = tmp_path / "bad.csv"
    scans.write_text("TEA-1\nTEA-1,lots\n", encoding="utf-8")
    code, _, err = _run(capsys, "--db", db, "stocktake", "scan", number, "--scans", str(scans))
    assert code == 2 and "row 2, column qty: lots" in err
    code, _, err = _run(capsys, "--db", db, "stocktake", "scan", number, "--scans",
                        str(tmp_path / "missing.txt"))
    assert code == 2 and "cannot read" in err
    code, out, _ = _run(capsys, "--db", db, "stocktake", "variances", number)
    assert "0 counted" in out


def test_assign_a_kept_scan_from_the_command_line(sqlite_store: Store, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    make_world(sqlite_store)
    db = sqlite_store.url
    _, out, _ = _run(capsys, "--db", db, "stocktake", "create", "--warehouse", "HZ",
                     "--sku", "TEA-1")
    number = out.split()[0]
    scans = tmp_path / "scans.txt"
    scans.write_text("2000000000015,3\n", encoding="utf-8")
    assert _run(capsys, "--db", db, "stocktake", "scan", number, "--scans", str(scans))[0] == 1
    code, out, _ = _run(capsys, "--db", db, "stocktake", "assign", number, "2000000000015",
                        "TEA-1")
    assert code == 0 and "3 units of 2000000000015 counted as TEA-1" in out
    code, _, err = _run(capsys, "--db", db, "stocktake", "assign", number, "2000000000015",
                        "TEA-1")
    assert code == 2 and "no flagged scan 2000000000015" in err
