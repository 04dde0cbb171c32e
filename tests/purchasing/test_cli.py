"""The purchasing commands end to end: supplier, PO, place, receive a file of scans (report
printed), post, suggestions, drafts; user mistakes are one line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from ecerp_desktop.cli.main import main
from ecerp_desktop.store import Store

from .conftest import build


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_purchase_round_trip(sqlite_store: Store, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    world = build(sqlite_store)
    db = sqlite_store.url
    code, out, _ = run(capsys, "--db", db, "supplier", "add", "SUP9", "义乌小商品",
                       "--contact", "李", "--lead-days", "3")
    assert code == 0 and "SUP9" in out
    code, out, _ = run(capsys, "--db", db, "supplier", "list")
    assert "SUP9\t义乌小商品\t李\t3" in out
    code, out, _ = run(capsys, "--db", db, "purchase", "create", "--supplier", "SUP9",
                       "--warehouse", "HZ", "--line", "TEA-1:5:30.5", "--line",
                       "6920000000011:2:8", "--expected", "2026-12-10")
    assert code == 0 and "draft: 2 lines, 7 units, 168.50" in out, out
    number = out.split()[2]
    code, out, _ = run(capsys, "--db", db, "purchase", "export", number,
                       str(tmp_path / "po.csv"))
    assert code == 0 and "2 lines written" in out
    assert "TEA-1" in (tmp_path / "po.csv").read_text(encoding="utf-8-sig")
    code, out, _ = run(capsys, "--db", db, "purchase", "place", number)
    assert code == 0 and "7 units in transit" in out
    assert world.balance("TEA-1").in_transit == 5
    scans = tmp_path / "scans.txt"
    scans.write_text("6901234567892\nTEA-1*3\n\nno-such\n6920000000011\n", encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "purchase", "receive", number, "--scans",
                       str(scans))
    assert code == 0 and "not posted: a preview" in out and "no-such  unknown" in out
    assert world.balance("TEA-1").on_hand == 0
    export = tmp_path / "r.csv"
    code, out, _ = run(capsys, "--db", db, "purchase", "receive", number, "--scans",
                       str(scans), "--post", "--export", str(export))
    assert code == 0 and "posted: 5 received" in out, out
    assert export.exists()
    tea, cup = world.balance("TEA-1"), world.balance("CUP-1")
    assert (tea.on_hand, tea.in_transit, cup.on_hand, cup.in_transit) == (4, 1, 1, 1)
    code, out, _ = run(capsys, "--db", db, "purchase", "list", "--status", "partial")
    assert number in out and "1 purchase orders" in out
    code, out, _ = run(capsys, "--db", db, "purchase", "close", number)
    assert code == 0 and "5 of 7 received" in out
    code, out, _ = run(capsys, "--db", db, "purchase", "rule", "POT-1", "--min", "4",
                       "--warehouse", "HZ")
    assert code == 0
    code, out, _ = run(capsys, "--db", db, "supplier", "link", "POT-1", "SUP9",
                       "--cost", "88")
    code, out, _ = run(capsys, "--db", db, "purchase", "suggest", "--days", "30")
    assert "POT-1" in out and "1 SKUs to reorder" in out, out
    code, out, _ = run(capsys, "--db", db, "purchase", "draft", "--from-suggestions",
                       "--supplier", "SUP9")
    assert code == 0 and "1 purchase orders drafted" in out
    code, out, _ = run(capsys, "--db", db, "stock", "check")
    assert code == 0 and "0 drifts" in out


def test_mistakes_are_one_line(sqlite_store: Store, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    build(sqlite_store)
    db = sqlite_store.url
    for argv, words in [
        (("purchase", "place", "PO19990101-0001"), "no purchase order PO19990101-0001"),
        (("purchase", "create", "--supplier", "SUP1", "--warehouse", "HZ", "--line",
          "TEA-1:x:1"), "not a valid quantity"),
        (("purchase", "create", "--supplier", "SUP1", "--warehouse", "HZ", "--line",
          "NOPE:1:1"), "no SKU NOPE"),
        (("purchase", "receive", "PO19990101-0001", "--scans", str(tmp_path / "none")),
         "cannot read"),
    ]:
        code, _out, err = run(capsys, "--db", db, *argv)
        assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err


def test_bench_receiving_small(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "receiving", "--skus", "400", "--lines", "20", "--scans", "40",
                 "--post-lines", "50"]) == 0
    out = capsys.readouterr().out
    figures = {ln.split()[1]: float(ln.split()[2]) for ln in out.splitlines()
               if ln.startswith("BENCH ")}
    assert set(figures) == {"receiving_scan_p50_ms", "receiving_scan_p99_ms",
                            "receiving_post_50_lines_ms", "reorder_suggestions_ms"}
    assert "ledger check ok" in out
