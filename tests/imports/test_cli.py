"""The command line: exit codes, per-row reports and one-line errors, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from ecerp_desktop.cli.main import main
from ecerp_desktop.store import Store

SKUS = ("code,name,barcodes,weight_g,cost\n"
        "A-1,保温杯,6901234567892,350,25\n"
        "A-2,毛巾,6901234567893,120,8\n"       # row 3: bad check digit
        "A-3,=1+1,,10,1\n")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_import_skus_then_stock_from_the_command_line(
        sqlite_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = sqlite_store.url
    skus = tmp_path / "skus.csv"
    skus.write_text(SKUS, encoding="utf-8")
    code, out, err = _run(capsys, "--db", db, "skus", "import", str(skus))
    assert code == 1  # a row failed: the good rows are in, the exit code says so
    assert "2 created" in out and "1 failed" in out
    assert err.strip().splitlines() == [
        f"{skus} row 3, column barcodes: not a valid EAN-13 barcode: 6901234567893 "
        "(13 digits, the last one a check digit)"]

    code, out, _ = _run(capsys, "--db", db, "warehouses", "add", "杭州仓", "--province",
                        "浙江省", "--code", "HZ")
    assert code == 0 and "added" in out
    code, out, _ = _run(capsys, "--db", db, "warehouses", "add", "杭州仓", "--code", "HZ")
    assert code == 0 and "already there" in out

    stock = tmp_path / "stock.csv"
    stock.write_text("warehouse,sku,quantity\nHZ,A-1,7\n杭州仓,A-3,2\n", encoding="utf-8")
    for expected in ("2 changed", "2 unchanged"):  # the second import changes nothing
        code, out, err = _run(capsys, "--db", db, "stock", "import", str(stock))
        assert code == 0 and expected in out and err == ""
    code, out, _ = _run(capsys, "--db", db, "stock", "show", "6901234567892")
    assert code == 0 and "杭州仓\t7\t0\t7\t0" in out
    code, out, _ = _run(capsys, "--db", db, "stock", "check")
    assert code == 0 and "0 drifts" in out
    code, _, err = _run(capsys, "--db", db, "stock", "adjust", "HZ", "A-1", "-8",
                        "--reason", "破损")
    assert code == 2 and err == "ecerp: error: not enough stock of A-1 in 杭州仓\n"


@pytest.mark.parametrize("argv, message", [
    (["skus", "import", "{tmp}/missing.csv"], "cannot read {tmp}/missing.csv"),
    (["skus", "import", "{tmp}/fake.xlsx"], "not an XLSX workbook"),
    (["stock", "import", "{tmp}/skus_only.csv"], "lacks the column warehouse"),
    (["stock", "show", "NOPE"], "no SKU NOPE"),
    (["bench", "no-such-bench"], "no benchmark no-such-bench (available: "),
])
def test_user_mistakes_are_one_line(sqlite_store: Store, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str], argv: list[str],
                                    message: str) -> None:
    (tmp_path / "fake.xlsx").write_text("code,name\n", encoding="utf-8")
    (tmp_path / "skus_only.csv").write_text("code,name\nA,b\n", encoding="utf-8")
    code, _, err = _run(capsys, "--db", sqlite_store.url,
                          *[a.format(tmp=tmp_path) for a in argv])
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("ecerp: error: ") and message.format(tmp=tmp_path) in err


def test_bench_lists_the_benchmarks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "bench", "--list")
    assert code == 0 and "startup" in out.split()


def test_bench_runs_a_benchmark_with_its_own_arguments(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "bench", "stock", "--reservations", "20", "--no-postgres")
    assert code == 0
    figures = dict(line.split()[1:] for line in out.splitlines() if line.startswith("BENCH "))
    assert set(figures) == {"stock_reserve_sqlite_per_s", "stock_check_ms"}
    assert float(figures["stock_reserve_sqlite_per_s"]) > 0
