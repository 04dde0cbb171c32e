"""Benchmark: pull N orders (2 lines each) from the local Taobao simulator into SQLite and
into PostgreSQL through the real connector and sync engine.

    ecerp bench sync [--orders N] [--no-postgres] [--pg-url URL]

The simulator runs in its own process (as the platform would: its CPU is not ours) with the
orders spread over the last two days, so the engine walks ~150 windows of 30 minutes with
backward paging of 100 orders a page. Prints ``BENCH sync_sqlite_orders_per_s``,
``BENCH sync_postgres_orders_per_s`` (when a PostgreSQL server answers) and
``BENCH sync_peak_rss_mb`` (peak resident memory of this, the syncing, process).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ecerp_desktop.cli.bench import (
    PostgresUnavailable,
    peak_rss_mb,
    pg_admin_url,
    scratch_postgres,
)

SPAN = timedelta(hours=47)


def _serve(n: int, seed: int) -> None:
    """Child process: a Taobao simulator holding *n* orders of 2 lines each."""
    from ecerp_desktop.sim.generator import OrderBook, OrderGenerator
    from ecerp_desktop.sim.taobao import TaobaoSim

    gen = OrderGenerator(platform="taobao", seed=seed, max_lines=2, bundle_rate=0.0)
    book = OrderBook(gen)
    end = datetime.now(UTC) - timedelta(minutes=10)
    start = end - SPAN
    step = SPAN.total_seconds() / max(n, 1)
    book.load(gen.new_order(start + timedelta(seconds=step * i), lines=2) for i in range(n))
    sim = TaobaoSim(book=book)
    sim._bind()
    print(json.dumps({"endpoint": sim.url + "/router/rest", "app_key": sim.app_key,
                      "app_secret": sim.app_secret, "session": sim.session}), flush=True)
    sim.serve_forever()


def _sync_into(url: str, sim: dict[str, str], n: int) -> tuple[float, float]:
    """(orders per second of wall time, CPU microseconds of this process per order)."""
    from ecerp_desktop.connectors import registry
    from ecerp_desktop.connectors.registry import ConnectorConfig
    from ecerp_desktop.domain.timeutil import utcnow
    from ecerp_desktop.services.setup import open_store
    from ecerp_desktop.store import shops as shop_store
    from ecerp_desktop.sync.engine import SyncEngine

    store = open_store(url)
    try:
        with store.write() as s:
            shop_store.add(s, platform="taobao", name="bench", endpoint=sim["endpoint"],
                           app_key=sim["app_key"], credential_ref="bench", now=utcnow())
        cfg = ConnectorConfig("taobao", sim["endpoint"], sim["app_key"], sim["app_secret"],
                              sim["session"])
        engine = SyncEngine(store, connector_for=lambda _shop: registry.create(cfg))
        started, cpu = time.perf_counter(), time.process_time()
        [run] = engine.run_once()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        if run.error:
            raise SystemExit(f"sync failed: {run.error}")
        with store.read() as s:
            count = _count(s)
        if count != n:
            raise SystemExit(f"expected {n} orders, found {count}")
        return n / elapsed, cpu / n * 1e6
    finally:
        store.dispose()


def _count(s: object) -> int:
    from ecerp_desktop.store.schema import OrderRow
    from sqlalchemy import func, select

    return int(s.scalar(select(func.count()).select_from(OrderRow)))  # type: ignore[attr-defined]


def run(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="ecerp bench sync")
    p.add_argument("--orders", type=int, default=100_000)
    p.add_argument("--no-postgres", action="store_true")
    p.add_argument("--pg-url", default=pg_admin_url())
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve", str(args.orders),
         str(args.seed)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line:
            raise SystemExit("the simulator did not start")
        sim = json.loads(line)
        with tempfile.TemporaryDirectory() as tmp:
            rate, cpu = _sync_into(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", sim,
                                   args.orders)
        print(f"BENCH sync_sqlite_orders_per_s {rate:.0f}", flush=True)
        # CPU per order does not depend on what else the machine is doing
        print(f"BENCH sync_sqlite_cpu_us_per_order {cpu:.0f}", flush=True)
        if not args.no_postgres:
            pg_rate = _postgres(args.pg_url, sim, args.orders)
            if pg_rate is not None:
                print(f"BENCH sync_postgres_orders_per_s {pg_rate[0]:.0f}", flush=True)
                print(f"BENCH sync_postgres_cpu_us_per_order {pg_rate[1]:.0f}", flush=True)
        print(f"BENCH sync_peak_rss_mb {peak_rss_mb():.0f}", flush=True)
    finally:
        child.terminate()
        child.wait(10)
    return 0


def _postgres(admin_url: str, sim: dict[str, str], n: int) -> tuple[float, float] | None:
    try:
        with scratch_postgres(admin_url) as url:
            return _sync_into(url, sim, n)
    except PostgresUnavailable as exc:
        print(f"# PostgreSQL not reachable ({exc}); skipped", file=sys.stderr)
        return None


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        _serve(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit(run(sys.argv[1:]))
