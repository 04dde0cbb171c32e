"""The stocktake benchmark runs at a small size and checks its own posting."""

from __future__ import annotations

import pytest
from ecerp_desktop.cli.main import main


def test_bench_stocktake_small(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "stocktake", "--skus", "300", "--scans", "30",
                 "--post-skus", "100"]) == 0
    lines = [ln.split() for ln in capsys.readouterr().out.splitlines()
             if ln.startswith("BENCH ")]
    figures = {name: float(v) for _, name, v in lines}
    assert set(figures) == {"stocktake_create_all_s", "stocktake_scan_ms_p50",
                            "stocktake_scan_ms_p99", "stocktake_review_all_s",
                            "stocktake_post_10k_skus_s"}
    assert 0 < figures["stocktake_scan_ms_p50"] <= figures["stocktake_scan_ms_p99"]
