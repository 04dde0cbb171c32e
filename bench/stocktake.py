"""Benchmark: stocktake scanning with a big catalogue, and posting a big count.

    ecerp bench stocktake [--skus N] [--scans N] [--post-skus N] [--db URL]

Untimed: a store (a fresh SQLite file, or the empty database ``--db`` names) with N SKUs
(default 100,000), each with an EAN barcode and on hand in one warehouse.

Timed:
- creating a count of ALL the warehouse's SKUs (``BENCH stocktake_create_all_s``);
- ``--scans`` single scans through ``services.stocktake.scan`` (each its own transaction, as
  a station sends them), random barcodes of the catalogue, one in 50 unknown:
  ``BENCH stocktake_scan_ms_p50`` and ``BENCH stocktake_scan_ms_p99``;
- the variance review of that count (every SKU in scope, uncounted as zero):
  ``BENCH stocktake_review_all_s``;
- posting a count of ``--post-skus`` SKUs (default 10,000), every one counted with a
  difference (``BENCH stocktake_post_10k_skus_s``, for the size given). The balances are then
  checked against the ledger and the expected quantities (the run fails on any drift).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path


def _ean(n: int) -> str:
    body = f"69{n:010d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def run(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="ecerp bench stocktake")
    p.add_argument("--skus", type=int, default=100_000)
    p.add_argument("--scans", type=int, default=2_000)
    p.add_argument("--post-skus", type=int, default=10_000)
    p.add_argument("--db", default=None, help="an EMPTY database URL (default: temp SQLite)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'stocktake.sqlite3'}"
        return _bench(url, args.skus, args.scans, min(args.post_skus, args.skus))


def _bench(url: str, n: int, scans: int, post_n: int) -> int:
    from ecerp_desktop.domain.auth import SYSTEM
    from ecerp_desktop.domain.stock import MoveKind
    from ecerp_desktop.domain.stocktake import Scope, Uncounted
    from ecerp_desktop.domain.timeutil import utcnow
    from ecerp_desktop.services import stocktake as svc
    from ecerp_desktop.services.setup import open_store
    from ecerp_desktop.store import stock as st
    from ecerp_desktop.store import stocktake as sk
    from ecerp_desktop.store.schema import SkuBarcodeRow, SkuRow, WarehouseRow
    from sqlalchemy import insert, select

    rnd = random.Random(7)
    store = open_store(url)
    now = utcnow()
    on_hand = {}
    with store.write() as s:
        s.execute(insert(WarehouseRow).values(code="BW", name="盘点仓"))
        wh = s.scalar(select(WarehouseRow.id).where(WarehouseRow.code == "BW"))
        for start in range(0, n, 10_000):
            s.execute(insert(SkuRow), [{"code": f"ST-{i:06d}", "name": f"商品{i}",
                                        "created_at": now, "updated_at": now}
                                       for i in range(start, min(n, start + 10_000))])
        ids = dict(s.execute(select(SkuRow.code, SkuRow.id)).all())
        codes = [f"ST-{i:06d}" for i in range(n)]
        for start in range(0, n, 10_000):
            s.execute(insert(SkuBarcodeRow), [{"barcode": _ean(i), "sku_id": ids[codes[i]]}
                                              for i in range(start, min(n, start + 10_000))])
        on_hand = {ids[c]: rnd.randint(1, 50) for c in codes}
        st.post_moves(s, [st.Move(wh, k, MoveKind.OPENING, "opening", "bench", d_on_hand=q)
                          for k, q in on_hand.items()], now)
    print(f"# {n} SKUs with barcodes and stock ({store.url.split(':')[0]})")

    t0 = time.perf_counter()
    count = svc.create(store, SYSTEM, "BW")
    print(f"BENCH stocktake_create_all_s {time.perf_counter() - t0:.2f}")
    assert count.skus_in_scope == n, count.skus_in_scope

    times = []
    for j in range(scans):
        code = _ean(rnd.randrange(n)) if j % 50 else f"UNKNOWN{j}"
        t = time.perf_counter()
        svc.scan(store, SYSTEM, count.number, code, station="bench")
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"BENCH stocktake_scan_ms_p50 {statistics.median(times):.2f}")
    print(f"BENCH stocktake_scan_ms_p99 {times[min(len(times) - 1, int(len(times) * 0.99))]:.2f}")
    t0 = time.perf_counter()
    report = svc.variances(store, SYSTEM, count.number, only_differences=True)
    print(f"BENCH stocktake_review_all_s {time.perf_counter() - t0:.2f}")
    assert report.totals.in_scope == n
    svc.cancel(store, SYSTEM, count.number)

    # a count of post_n SKUs, each counted with a difference (entries written untimed)
    chosen = codes[:post_n]
    counted = {ids[c]: max(0, on_hand[ids[c]] + rnd.choice((-3, -1, 1, 2))) for c in chosen}
    with store.write() as s:
        cid = sk.create(s, warehouse_id=wh, scope=Scope.SKUS, now=utcnow(),
                        sku_ids=[ids[c] for c in chosen])
        number = sk.by_id(s, cid).number
        for k in counted:
            sk.take_book(s, cid, wh, k, now)
        sk.add_entries(s, cid, [{"sku_id": k, "barcode": "x", "qty": q, "flag": "",
                                 "station": "bench", "zone": "", "user_id": None,
                                 "username": "bench", "at": now}
                                for k, q in counted.items() if q])
    t0 = time.perf_counter()
    result = svc.post(store, SYSTEM, number, uncounted=Uncounted.ZERO)
    print(f"BENCH stocktake_post_10k_skus_s {time.perf_counter() - t0:.2f}")
    print(f"# posted {result.moves} moves for {post_n} SKUs")
    with store.read() as s:
        drifts = st.rebuild_from_ledger(s)
        wrong = [k for k, q in counted.items() if st.balance(s, wh, k).on_hand != q]
    store.dispose()
    if drifts or wrong:
        print(f"# FAILED: {len(drifts)} drifts, {len(wrong)} wrong balances")
        return 1
    return 0
