"""The kill test: `ecerp sync run --once` is SIGKILLed at random points while it pulls
5,000 orders from the Taobao simulator, then run to the end. Every order must exist exactly
once with all its lines, no line may be orphaned, and SQLite's integrity check must pass."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from ecerp_desktop.cli.main import main
from ecerp_desktop.sim.taobao import TaobaoSim
from ecerp_desktop.store import Store
from sqlalchemy import text

N = 5000


@pytest.fixture
def big_sim() -> Iterator[TaobaoSim]:
    s = TaobaoSim(seed=11)
    now = datetime.now(UTC)
    s.book.pregenerate(N, now - timedelta(hours=40), now - timedelta(minutes=10))
    s.start()
    yield s
    s.stop()


def _sync_cmd(url: str) -> list[str]:
    return [sys.executable, "-m", "ecerp_desktop.cli.main", "--db", url, "sync", "run",
            "--once", "--backoff", "0.05"]


def _state(store: Store) -> tuple[int, int, int, dict[str, int]]:
    with store.read() as s:
        orders = int(s.execute(text("SELECT count(*) FROM orders")).scalar())
        distinct = int(s.execute(text(
            "SELECT count(DISTINCT platform_order_id) FROM orders")).scalar())
        orphans = int(s.execute(text(
            "SELECT count(*) FROM order_lines l LEFT JOIN orders o ON o.id = l.order_id "
            "WHERE o.id IS NULL")).scalar())
        lines = dict(s.execute(text(
            "SELECT o.platform_order_id, count(l.id) FROM orders o "
            "JOIN order_lines l ON l.order_id = o.id GROUP BY o.platform_order_id")).all())
    return orders, distinct, orphans, {k: int(v) for k, v in lines.items()}


@pytest.mark.slow
@pytest.mark.parametrize(("db", "max_kills", "seconds"),
                         [("sqlite_store", 8, 60), ("pg_store", 3, 25)])
def test_sigkill_at_random_points_loses_and_doubles_nothing(
        request: pytest.FixtureRequest, db: str, max_kills: int, seconds: float,
        big_sim: TaobaoSim, tmp_path: Path) -> None:
    store: Store = request.getfixturevalue(db)
    assert main(["--db", store.url, "shop", "add", "--platform", "taobao", "--name", "tb",
                 "--endpoint", big_sim.endpoint, "--app-key", big_sim.app_key,
                 "--app-secret", big_sim.app_secret, "--session", big_sim.session]) == 0
    rng = random.Random(int(os.environ.get("ECERP_KILL_SEED", "7")))
    env = dict(os.environ)
    kills = 0
    progress: list[int] = []
    budget = time.monotonic() + seconds
    big_sim.faults.set("latency=0.02")  # stretch the pull so kills land inside it
    last = 0
    while kills < max_kills and time.monotonic() < budget:
        proc = subprocess.Popen(_sync_cmd(store.url), env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        if kills % 2 == 0:  # at a random moment (often before the first commit)
            time.sleep(rng.uniform(0.5, 4.0))
        else:  # just after a commit was seen, or a moment later (mid-insert)
            deadline = time.monotonic() + 15
            while proc.poll() is None and time.monotonic() < deadline:
                if _state(store)[0] > last:
                    break
                time.sleep(0.05)
            time.sleep(rng.uniform(0.0, 0.6))
        if proc.poll() is not None:
            break  # it finished before we struck: the final run below checks it all
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        orders, distinct, orphans, _ = _state(store)
        assert orders == distinct and orphans == 0  # consistent at every kill
        progress.append(orders)
        last = orders
    big_sim.faults.clear()
    final = subprocess.run(_sync_cmd(store.url), env=env, capture_output=True, text=True,
                           timeout=300)
    assert final.returncode == 0, final.stderr
    book = {o.platform_order_id: len(o.lines) for o in big_sim.book.all()}
    orders, distinct, orphans, lines = _state(store)
    assert (orders, distinct, orphans) == (N, N, 0), (kills, progress)
    assert lines == book  # every order with all of its lines
    if store.is_sqlite:
        with store.read() as s:
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert kills >= min(3, max_kills), f"only {kills} kills landed (progress {progress})"
