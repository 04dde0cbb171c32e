"""Benchmark: stock sync of N listings (default 10,000) after a bulk receipt, pushed through
the outbox to the local Taobao simulator.

    ecerp bench stock-sync [--listings N] [--sku-per-item K]

Untimed: a SQLite store with N SKUs, one warehouse, a shop (80 % share, buffer 2, max 500)
and its N listings (K SKUs per item). Timed: one receipt of N lines, ``plan_and_enqueue``,
and the outbox relay delivering every queued row through the real Taobao connector over
loopback. Then every quantity the simulator holds is checked against the computed one (the
run fails if any is above it or missing). Prints ``BENCH stock_sync_10k_s`` (seconds, for
the size given), ``BENCH stock_sync_calls`` and ``BENCH stock_sync_listings_per_s``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

SHARE, BUFFER, MAX_SHOWN = 80, 2, 500


def run(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="ecerp bench stock-sync")
    p.add_argument("--listings", type=int, default=10_000)
    p.add_argument("--sku-per-item", type=int, default=20)
    args = p.parse_args(argv)
    from ecerp_desktop.connectors import registry
    from ecerp_desktop.connectors.registry import ConnectorConfig
    from ecerp_desktop.domain.stock import MoveKind
    from ecerp_desktop.domain.timeutil import utcnow
    from ecerp_desktop.services.setup import open_store
    from ecerp_desktop.services.stock_sync import plan_and_enqueue
    from ecerp_desktop.sim.generator import make_catalog
    from ecerp_desktop.sim.taobao import TaobaoSim
    from ecerp_desktop.store import shops as shop_store
    from ecerp_desktop.store.schema import ListingRow, ShopRow, SkuRow, WarehouseRow
    from ecerp_desktop.store.stock import Move, post_moves
    from ecerp_desktop.sync.outbox import OutboxRelay, ShopDeliverer
    from sqlalchemy import insert, select, update

    n, k = args.listings, max(1, min(args.sku_per_item, 20))
    codes = [f"B-{i:06d}" for i in range(n)]
    cat = make_catalog(codes, platform="taobao", seed=7)
    base = int(cat[0].item_id)
    cat = [replace(c, item_id=str(base + i // k)) for i, c in enumerate(cat)]
    sim = TaobaoSim(seed=7)
    sim.generator.catalog = cat
    sim.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(f"sqlite:///{Path(tmp) / 'stock_sync.sqlite3'}")
            now = utcnow()
            with store.write() as s:
                shop = shop_store.add(s, platform="taobao", name="bench", endpoint=sim.endpoint,
                                      app_key=sim.app_key, credential_ref="bench", now=now)
                s.execute(update(ShopRow).where(ShopRow.id == shop.id).values(
                    stock_share_pct=SHARE, stock_safety_buffer=BUFFER,
                    stock_max_shown=MAX_SHOWN))
                s.execute(insert(WarehouseRow).values(code="W1", name="主仓"))
                wh = s.scalar(select(WarehouseRow.id))
                s.execute(insert(SkuRow), [{"code": c, "name": c, "created_at": now,
                                            "updated_at": now} for c in codes])
                ids = {code: sid for code, sid in s.execute(select(SkuRow.code, SkuRow.id))}
                s.execute(insert(ListingRow), [
                    {"shop_id": shop.id, "platform_item_id": c.item_id,
                     "platform_sku_id": c.sku_id, "sku_id": ids[c.code]} for c in cat])
            cfg = ConnectorConfig("taobao", sim.endpoint, sim.app_key, sim.app_secret,
                                  sim.session)
            connector = registry.create(cfg)
            relay = OutboxRelay(store, lambda _t: ShopDeliverer(connector), now=utcnow)
            received = {c.code: (i * 37) % 900 + 1 for i, c in enumerate(cat)}

            started = time.perf_counter()
            with store.write() as s:
                post_moves(s, [Move(wh, ids[code], MoveKind.RECEIPT, "receipt", "BENCH-1",
                                    d_on_hand=q) for code, q in received.items()], utcnow())
            queued = plan_and_enqueue(store)
            report = relay.drain()
            elapsed = time.perf_counter() - started

            want = {(c.item_id, c.sku_id): min(max(received[c.code] - BUFFER, 0) * SHARE // 100,
                                               MAX_SHOWN) for c in cat}
            over = [key for key, q in sim.stock.items() if q > want.get(key, -1)]
            missing = [key for key in want if sim.stock.get(key) != want[key]]
            if queued != n or report.failed or over or missing:
                raise SystemExit(f"stock sync wrong: queued {queued}/{n}, failed "
                                 f"{report.failed}, above {len(over)}, wrong {len(missing)}")
            store.dispose()
    finally:
        sim.stop()
    print(f"BENCH stock_sync_10k_s {elapsed:.2f}", flush=True)
    print(f"BENCH stock_sync_calls {len(sim.stock_calls)}", flush=True)
    print(f"BENCH stock_sync_listings_per_s {n / elapsed:.0f}", flush=True)
    return 0
