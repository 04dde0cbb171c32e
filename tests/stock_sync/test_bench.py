"""The stock-sync benchmark runs at a small size and checks its own pushes."""

from __future__ import annotations

import pytest
from ecerp_desktop.cli.main import main


def test_bench_stock_sync_small(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "stock-sync", "--listings", "120"]) == 0
    lines = [ln.split() for ln in capsys.readouterr().out.splitlines()
             if ln.startswith("BENCH ")]
    figures = {name: float(v) for _, name, v in lines}
    assert figures["stock_sync_calls"] == 6  # 120 SKUs, 20 per item and call
    assert 0 < figures["stock_sync_10k_s"] < 60
