"""Benchmark: stock documents — a transfer of many lines shipped and received, and a buyer
return found by scanning its waybill among many shipped orders.

    ecerp bench transfers [--lines N] [--orders M] [--lookups K] [--postgres] [--pg-url URL]

Untimed: a store (SQLite file; PostgreSQL too with --postgres) with N SKUs stocked in one
warehouse, a second warehouse, and M shipped orders (one line, one shipped parcel, one
waybill each) written in bulk. Timed, through the services a user's click runs:
``transfers.ship`` and ``transfers.receive`` of one N-line transfer, K ``returns.lookup``
calls of random waybill numbers (median), and one ``returns.receive``. Then the ledger is
rebuilt and must match every balance. Prints ``BENCH transfer_<N>_lines_ship_ms``,
``BENCH transfer_<N>_lines_receive_ms``, ``BENCH return_scan_lookup_ms`` (median, with
the order count in the line before), ``BENCH return_receive_ms``; PostgreSQL figures carry
a ``_postgres`` suffix.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from ecerp_desktop.cli.bench import PostgresUnavailable, pg_admin_url, scratch_postgres
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import returns, transfers
from ecerp_desktop.services.setup import open_store
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import stock as st

CHUNK = 5_000


def _seed(store: Store, lines: int, orders: int) -> tuple[list[str], list[str]]:
    """SKU codes and waybill numbers of a stocked, shipped world."""
    from ecerp_desktop.store.schema import (
        OrderLineRow,
        OrderRow,
        ParcelLineRow,
        ParcelRow,
        WaybillRow,
    )
    from sqlalchemy import insert, text

    now = utcnow()
    codes = [f"T-{i:06d}" for i in range(lines)]
    with store.write() as s:
        src = cat.upsert_warehouse(s, code="BA", name="基准仓A").id
        cat.upsert_warehouse(s, code="BB", name="基准仓B")
        ids = cat.upsert_skus(s, [cat.SkuInput(c, f"基准商品{c}", 100, Decimal("1.00"))
                                  for c in codes], now)
        st.post_moves(s, [st.Move(src, ids[c], MoveKind.OPENING, "opening", "bench",
                                  d_on_hand=1_000) for c in codes], now)
        shop = cat.upsert_shop(s, platform="taobao", name="基准店", now=now)
        courier = cat.upsert_courier(s, code="BZT", name="基准快递")
    sku_ids = [ids[c] for c in codes]
    waybills = [f"BW{i:010d}" for i in range(orders)]
    at = now - timedelta(days=1)
    for start in range(0, orders, CHUNK):
        rng = range(start, min(start + CHUNK, orders))
        with store.write() as s:
            s.execute(insert(OrderRow), [
                {"id": i + 1, "shop_id": shop, "platform_order_id": f"BP{i:012d}",
                 "status": "shipped", "created_at": at, "paid_at": at, "modified_at": at,
                 "pulled_at": at, "updated_at": at, "warehouse_id": src} for i in rng])
            s.execute(insert(OrderLineRow), [
                {"id": i + 1, "order_id": i + 1, "platform_line_id": "1",
                 "sku_id": sku_ids[i % len(sku_ids)], "qty": 2} for i in rng])
            s.execute(insert(ParcelRow), [
                {"id": i + 1, "order_id": i + 1, "seq": 1, "status": "shipped",
                 "warehouse_id": src, "courier_id": courier, "created_at": at,
                 "shipped_at": at} for i in rng])
            s.execute(insert(ParcelLineRow), [
                {"parcel_id": i + 1, "order_line_id": i + 1,
                 "sku_id": sku_ids[i % len(sku_ids)], "qty": 2} for i in rng])
            s.execute(insert(WaybillRow), [
                {"id": i + 1, "parcel_id": i + 1, "courier_id": courier,
                 "number": waybills[i], "request_key": f"bench:{i}", "issued_at": at}
                for i in rng])
    if store.engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
        with store.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    return codes, waybills


def measure(store: Store, lines: int, orders: int, lookups: int, suffix: str) -> int:
    t0 = time.perf_counter()
    codes, waybills = _seed(store, lines, orders)
    print(f"# seeded {lines} SKUs and {orders} shipped orders in "
          f"{time.perf_counter() - t0:.1f} s")
    doc = transfers.create(store, SYSTEM, "BA", "BB", [(c, 3) for c in codes], "bench")
    t0 = time.perf_counter()
    transfers.ship(store, SYSTEM, doc.number)
    ship_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    got = transfers.receive(store, SYSTEM, doc.number)
    receive_ms = (time.perf_counter() - t0) * 1000
    assert got.transfer.status == "received"
    rnd = random.Random(7)
    times = []
    for _ in range(lookups):
        wb = waybills[rnd.randrange(len(waybills))]
        t0 = time.perf_counter()
        cand = returns.lookup(store, SYSTEM, wb)
        times.append((time.perf_counter() - t0) * 1000)
        assert cand is not None and cand.returnable == 2
    wb = waybills[rnd.randrange(len(waybills))]
    cand = returns.lookup(store, SYSTEM, wb)
    assert cand is not None
    t0 = time.perf_counter()
    returns.receive(store, SYSTEM, wb, [returns.ReturnItem(cand.lines[0].code, 1),
                                        returns.ReturnItem(cand.lines[0].code, 1, "damaged")])
    return_ms = (time.perf_counter() - t0) * 1000
    with store.read() as s:
        drifts = st.rebuild_from_ledger(s)
    print(f"BENCH transfer_{lines}_lines_ship_ms{suffix} {ship_ms:.0f}")
    print(f"BENCH transfer_{lines}_lines_receive_ms{suffix} {receive_ms:.0f}")
    print(f"# return look-ups among {orders} shipped orders, median of {lookups}")
    print(f"BENCH return_scan_lookup_ms{suffix} {statistics.median(times):.2f}")
    print(f"BENCH return_receive_ms{suffix} {return_ms:.0f}")
    if drifts:
        print(f"# ledger check FAILED: {len(drifts)} drifts")
        return 1
    return 0


def run(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="ecerp bench transfers")
    ap.add_argument("--lines", type=int, default=1_000)
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--lookups", type=int, default=200)
    ap.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    ap.add_argument("--pg-url", default=pg_admin_url())
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        try:
            rc = measure(store, args.lines, args.orders, args.lookups, "")
        finally:
            store.dispose()
    if rc or not args.postgres:
        return rc
    try:
        with scratch_postgres(args.pg_url) as url:
            store = open_store(url)
            try:
                return measure(store, args.lines, args.orders, args.lookups, "_postgres")
            finally:
                store.dispose()
    except PostgresUnavailable as exc:
        print(f"# postgres skipped: {exc}")
        return rc
