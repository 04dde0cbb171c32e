"""Benchmark: stock reservations per second, each its own write transaction (as a station
or the pipeline makes them), on SQLite and on PostgreSQL, with one and with several
concurrent writers (PostgreSQL), then a ledger check.

    ecerp bench stock [--reservations N] [--threads T] [--no-postgres] [--pg-url URL]

prints ``BENCH stock_reserve_sqlite_per_s``, ``BENCH stock_reserve_postgres_per_s``,
``BENCH stock_reserve_postgres_<T>threads_per_s`` and ``BENCH stock_check_ms`` (rebuilding
every balance from the ledger on SQLite).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

from ecerp_desktop.cli.bench import PostgresUnavailable, pg_admin_url, scratch_postgres
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services.setup import open_store
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import stock as st

SKUS = 1_000


def _prepare(store: Store) -> tuple[int, list[int]]:
    now = utcnow()
    with store.write() as s:
        wh = cat.upsert_warehouse(s, code="B1", name="基准仓").id
        ids = cat.upsert_skus(s, [cat.SkuInput(f"B-{i:05d}", f"基准商品{i}", 100,
                                               Decimal("1.00")) for i in range(SKUS)], now)
        st.post_moves(s, [st.Move(wh, k, MoveKind.OPENING, "opening", "bench",
                                  d_on_hand=1_000_000) for k in ids.values()], now)
    return wh, sorted(ids.values())


def _reserve_many(store: Store, wh: int, skus: list[int], n: int, seed: int) -> int:
    rng = random.Random(seed)
    ok = 0
    for i in range(n):
        with store.write() as s:
            ok += st.reserve(s, wh, rng.choice(skus), rng.randint(1, 3), doc_type="order",
                             doc_id=f"{seed}-{i}", now=utcnow())
    return ok


def measure(store: Store, stocked: tuple[int, list[int]], n: int, threads: int = 1) -> float:
    """Reservations per second, *threads* writers sharing *n* reservations."""
    wh, skus = stocked
    per = max(n // threads, 1)
    workers = [threading.Thread(target=_reserve_many, args=(store, wh, skus, per, t))
               for t in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return per * threads / (time.perf_counter() - started)


def run(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="ecerp bench stock")
    ap.add_argument("--reservations", type=int, default=5_000)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--pg-url", default=pg_admin_url())
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        try:
            rate = measure(store, _prepare(store), args.reservations)
            started = time.perf_counter()
            with store.read() as s:
                drifts = st.rebuild_from_ledger(s)
            check_ms = (time.perf_counter() - started) * 1000
        finally:
            store.dispose()
    print(f"BENCH stock_reserve_sqlite_per_s {rate:.0f}")
    print(f"BENCH stock_check_ms {check_ms:.0f}")
    if drifts:
        print(f"# ledger drifts: {len(drifts)}")
        return 1
    if not args.no_postgres:
        return _postgres(args)
    return 0


def _postgres(args: argparse.Namespace) -> int:
    try:
        with scratch_postgres(args.pg_url) as url:
            store = open_store(url)
            try:
                stocked = _prepare(store)
                rate = measure(store, stocked, args.reservations)
                multi = measure(store, stocked, args.reservations, args.threads)
                with store.read() as s:
                    drifts = st.rebuild_from_ledger(s)
            finally:
                store.dispose()
    except PostgresUnavailable as exc:  # report and skip
        print(f"# postgres skipped: {exc}")
        return 0
    print(f"BENCH stock_reserve_postgres_per_s {rate:.0f}")
    print(f"BENCH stock_reserve_postgres_{args.threads}threads_per_s {multi:.0f}")
    return 1 if drifts else 0


if __name__ == "__main__":
    import sys

    raise SystemExit(run(sys.argv[1:]))
