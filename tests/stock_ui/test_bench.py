"""The stock screen benchmark runs at a small size and prints every figure."""

from __future__ import annotations

import pytest
from ecerp_desktop.cli.main import main
from PySide6.QtWidgets import QApplication


def test_bench_stock_screen_small(capsys: pytest.CaptureFixture[str],
                                  qapp: QApplication) -> None:
    # 2,000 SKUs: no "SKU-0123…" code exists; the search must still find rows (it waited
    # for them until the 120 s timeout before)
    assert main(["bench", "stock-screen", "--skus", "2000"]) == 0
    lines = [ln.split() for ln in capsys.readouterr().out.splitlines()
             if ln.startswith("BENCH ")]
    figures = {name: float(v) for _, name, v in lines}
    assert set(figures) == {
        "stock_first_page_ms", "stock_filter_ms", "stock_sort_ms", "stock_totals_ms",
        "stock_turnover_ms", "stock_export_csv_rows_per_s", "stock_export_xlsx_rows",
        "stock_export_xlsx_rows_per_s", "stock_peak_rss_mb"}
    assert figures["stock_export_xlsx_rows"] == 3 * 2000
