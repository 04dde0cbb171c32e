"""``ecerp sim serve`` in a real subprocess: it prints what to connect with, a connector pulls
from it, and Ctrl-C stops it cleanly. Plus the fault SPEC parser and the order feed."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from ecerp_desktop.connectors.jd import JdConnector
from ecerp_desktop.connectors.pdd import PddConnector
from ecerp_desktop.connectors.taobao import TaobaoConnector
from ecerp_desktop.sim.faults import FaultSpec
from ecerp_desktop.sim.serve import credentials, start_all, stop_all


def test_fault_spec_parses_the_documented_example() -> None:
    spec = FaultSpec.parse("latency=0.2,rate429=0.1,code7=0.05,http500=0.05,html200=0.02,"
                           "truncated=0.02,repeat=0.05,endless_paging,poison=1")
    assert (spec.latency, spec.rate429, spec.code7, spec.http500, spec.html200,
            spec.truncated, spec.repeat, spec.endless_paging, spec.poison) == \
        (0.2, 0.1, 0.05, 0.05, 0.02, 0.02, 0.05, True, 1.0)
    assert FaultSpec.parse(str(spec)) == spec
    for bad in ("nonsense=1", "rate429=2", "latency=fast"):
        with pytest.raises(ValueError):
            FaultSpec.parse(bad)


def test_feed_keeps_adding_orders_that_a_connector_pulls() -> None:
    sims = start_all(["taobao", "jd", "pdd"], orders_per_minute=1200, backfill=50,
                     backfill_hours=1)
    try:
        time.sleep(0.6)
        end = datetime.now(UTC) + timedelta(seconds=2)
        start = end - timedelta(hours=1, minutes=5)
        classes = {"taobao": TaobaoConnector, "jd": JdConnector, "pdd": PddConnector}
        for sim in sims:
            c = credentials(sim)
            conn = classes[c["platform"]](c["app_key"], c["app_secret"], c["session"],
                                          endpoint=c["endpoint"])
            pulled = {o.platform_order_id for page in conn.pull_orders(start, end)
                      for o in page.orders}
            served = {o.platform_order_id for o in sim.book.all()  # type: ignore[attr-defined]
                      if o.paid_at is not None or c["platform"] == "taobao"}
            assert len(served) > 50  # the feed added orders after the back-fill
            assert served - pulled <= {o.platform_order_id  # only the ones just added
                                       for o in sim.book.all()  # type: ignore[attr-defined]
                                       if o.modified_at > end - timedelta(seconds=3)}
    finally:
        stop_all(sims)


def test_ecerp_sim_serve_runs_until_ctrl_c(tmp_path: Path) -> None:
    codes = tmp_path / "codes.txt"
    codes.write_text("\ufeffMY-001\nMY-002\n\nMY-003\nMY-004\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecerp_desktop.cli.main", "sim", "serve", "--platform",
         "taobao", "--platform", "pdd", "--backfill", "40", "--orders-per-minute", "0",
         "--sku-codes", str(codes)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines: list[str] = []
        assert proc.stdout is not None
        while not any("Ctrl-C" in ln for ln in lines):
            line = proc.stdout.readline()
            assert line, f"sim serve ended early: {proc.stderr.read() if proc.stderr else ''}"
            lines.append(line.strip())
        add = next(ln for ln in lines if "--platform taobao" in ln).split()
        opts = dict(zip(add[3::2], add[4::2], strict=False))
        conn = TaobaoConnector(opts["--app-key"], opts["--app-secret"], opts["--session"],
                               endpoint=opts["--endpoint"])
        now = datetime.now(UTC)
        pulled = [o for p in conn.pull_orders(now - timedelta(hours=25), now)
                  for o in p.orders]
        assert len(pulled) == 40
        # the lines sell the codes we gave it, so they map to our SKUs
        assert {ln.merchant_sku_code for o in pulled for ln in o.lines} <= \
            {"MY-001", "MY-002", "MY-003", "MY-004"}
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sim_serve_refuses_a_bad_fault_spec(capsys: pytest.CaptureFixture[str]) -> None:
    from ecerp_desktop.cli.main import main

    assert main(["sim", "serve", "--faults", "http500=2"]) == 2
    assert "--faults" in capsys.readouterr().err
