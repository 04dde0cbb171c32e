"""The mapping benchmark runs at a small size and checks its own page and re-run."""

from __future__ import annotations

import pytest
from ecerp_desktop.cli.main import main


def test_bench_mapping_small(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "mapping", "--skus", "3000", "--lines", "250",
                 "--hot-orders", "30"]) == 0
    out = capsys.readouterr().out
    for name in ("mapping_unmapped_page_ms", "mapping_remap_rerun_ms"):
        assert f"BENCH {name} " in out
    assert "30 order(s) re-run: 30 approved, 0 still held" in out
