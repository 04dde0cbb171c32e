"""Benchmark: receiving against a purchase order (验货入库) with a large catalogue.

    ecerp bench receiving [--skus 100000] [--lines 200] [--scans 1000] [--post-lines 1000]
                          [--db URL]

Untimed: a store (a temporary SQLite file unless ``--db`` names another, e.g. an empty
PostgreSQL database) with N SKUs, each with an EAN-like barcode, a supplier, and a placed PO
of ``--lines`` lines. Timed: every scan of a receiving session against that PO, each the
service call a station makes (resolve the code among N SKUs, judge it against the PO line,
store the scan: one write transaction); 2 % of the scans are unknown codes. Then a PO of
``--post-lines`` lines is scanned (untimed) and its receipt posted (timed: the re-judging,
conditional line updates, ledger moves and audit row in one transaction). A ledger check
closes the run (it fails if any balance drifted).

Last, every SKU gets 30 days of sales in the ledger and the reorder suggestions over the
whole catalogue are worked out (timed, as the reorder tab does off the GUI thread).

Prints ``BENCH receiving_scan_p50_ms``, ``BENCH receiving_scan_p99_ms``,
``BENCH receiving_post_1000_lines_ms`` (named for the default size) and
``BENCH reorder_suggestions_ms``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

CHUNK = 5_000


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def run(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="ecerp bench receiving")
    ap.add_argument("--skus", type=int, default=100_000)
    ap.add_argument("--lines", type=int, default=200)
    ap.add_argument("--scans", type=int, default=1_000)
    ap.add_argument("--post-lines", type=int, default=1_000)
    ap.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'receiving.sqlite3'}"
        return _bench(url, args)


def _bench(url: str, args: argparse.Namespace) -> int:
    from ecerp_desktop.domain.auth import SYSTEM
    from ecerp_desktop.domain.purchasing import LineInput
    from ecerp_desktop.domain.timeutil import utcnow
    from ecerp_desktop.services import purchasing as pur
    from ecerp_desktop.services import receiving as rcv
    from ecerp_desktop.services.setup import open_store
    from ecerp_desktop.store import catalog as cat
    from ecerp_desktop.store import stock as st

    store = open_store(url)
    n = max(args.skus, args.lines, args.post_lines)
    t0 = time.perf_counter()
    with store.write() as s:
        cat.upsert_warehouse(s, code="B1", name="基准仓")
    for start in range(0, n, CHUNK):
        items = [cat.SkuInput(f"R-{i:06d}", f"基准商品{i}", 100, Decimal("3.00"))
                 for i in range(start, min(start + CHUNK, n))]
        with store.write() as s:
            ids = cat.upsert_skus(s, items, utcnow())
            cat.add_barcodes(s, [(f"69{int(code[2:]):011d}", k) for code, k in ids.items()])
    pur.add_supplier(store, SYSTEM, "BS", "基准供应商", lead_time_days=3)
    print(f"prepared {n} SKUs in {time.perf_counter() - t0:.1f} s")

    rng = random.Random(7)
    picked = rng.sample(range(n), args.lines)
    po = pur.create_po(store, SYSTEM, supplier="BS", warehouse="B1",
                       lines=[LineInput(f"R-{i:06d}", 10, Decimal("2.50")) for i in picked])
    pur.place(store, SYSTEM, po.number)
    sid = rcv.open_session(store, SYSTEM, po.number, station="bench").session.id
    times = []
    for k in range(args.scans):
        code = (f"NOPE-{k}" if rng.random() < 0.02
                else f"69{rng.choice(picked):011d}")
        started = time.perf_counter()
        rcv.scan(store, SYSTEM, sid, code)
        times.append((time.perf_counter() - started) * 1000)
    print(f"BENCH receiving_scan_p50_ms {pct(times, 50):.2f}")
    print(f"BENCH receiving_scan_p99_ms {pct(times, 99):.2f}")
    print(f"scan mean {statistics.fmean(times):.2f} ms over {len(times)} scans "
          f"({args.lines}-line PO, {n} SKUs)")
    out = rcv.post(store, SYSTEM, sid)
    assert out.posted

    big = rng.sample(range(n), args.post_lines)
    po2 = pur.create_po(store, SYSTEM, supplier="BS", warehouse="B1",
                        lines=[LineInput(f"R-{i:06d}", 20, Decimal("2.50")) for i in big])
    pur.place(store, SYSTEM, po2.number)
    sid2 = rcv.open_session(store, SYSTEM, po2.number, station="bench").session.id
    for i in big:
        rcv.scan(store, SYSTEM, sid2, f"69{i:011d}", 12)
    started = time.perf_counter()
    out = rcv.post(store, SYSTEM, sid2)
    post_ms = (time.perf_counter() - started) * 1000
    assert out.posted and out.received == 12 * args.post_lines
    suffix = "1000_lines" if args.post_lines == 1000 else f"{args.post_lines}_lines"
    print(f"BENCH receiving_post_{suffix}_ms {post_ms:.1f}")
    # reorder suggestions over the whole catalogue: an opening balance 40 days ago and one
    # shipment in the last 30 days per SKU, then the list worked out (as the tab does)
    from datetime import timedelta

    from ecerp_desktop.domain.stock import MoveKind
    from ecerp_desktop.services import reorder

    now = utcnow()
    with store.read() as s:
        wh = cat.warehouse_by_key(s, "B1")
        all_ids = sorted(cat.sku_ids_by_code(s, [f"R-{i:06d}" for i in range(n)]).values())
    assert wh is not None
    for start in range(0, len(all_ids), CHUNK):
        moves = []
        for k in all_ids[start:start + CHUNK]:
            moves.append(st.Move(wh.id, k, MoveKind.OPENING, "bench", "open", d_on_hand=50,
                                 at=now - timedelta(days=40)))
            moves.append(st.Move(wh.id, k, MoveKind.SHIPMENT, "bench", "sale",
                                 d_on_hand=-rng.randint(0, 40),
                                 at=now - timedelta(days=rng.randint(0, 29), hours=1)))
        with store.write() as s:
            st.post_moves(s, moves, now)
    started = time.perf_counter()
    rows = reorder.suggestions(store, SYSTEM, days=30)
    print(f"BENCH reorder_suggestions_ms {(time.perf_counter() - started) * 1000:.0f}")
    print(f"{len(rows)} of {n} SKUs to reorder")
    with store.read() as s:
        drifts = st.rebuild_from_ledger(s)
    store.dispose()
    if drifts:
        print(f"ledger check FAILED: {len(drifts)} drifts")
        return 1
    print("ledger check ok")
    return 0
