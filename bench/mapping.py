"""Benchmark: the SKU mapping screen over a big catalogue.

    ecerp bench mapping [--skus N] [--lines N] [--hot-orders N]

Untimed: a SQLite store with N SKUs (default 100,000; Chinese names from a word list),
one warehouse with stock, a courier, a shop, and orders taken in through the real ingest:
one order for each of L distinct unmapped platform lines (default 10,000) and H orders
(default 1,000) on one more line. Every order is then marked held "unmapped SKU" the way
the pipeline writes it (status and an open hold row) — running the pipeline itself over
11,000 unmapped orders would time the pipeline, not the screen.

Timed:

- ``mapping_unmapped_first_page_ms``: the first page (200 lines, waiting counts and three
  likely SKUs each) with the suggestion index still to build;
- ``mapping_unmapped_page_ms``: the same page again (index kept), the figure a user sees
  on every refresh, ``mapping_unmapped_next_page_ms`` (keyset, page 2) and
  ``mapping_unmapped_lines_only_ms`` (the page and the totals without suggestions: what
  the screen shows before its likely SKUs arrive);
- ``mapping_remap_rerun_ms``: mapping the line that holds H orders and re-running them
  through the pipeline (all must come out approved, with stock reserved);
- ``mapping_import_rows_rerun_ms``: importing a CSV mapping table of L rows (one per
  unmapped line) and re-running the L orders it frees (all approved).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

D = Decimal
WORDS = ["龙井", "绿茶", "红茶", "玻璃", "杯子", "茶壶", "礼盒", "新款", "夏季", "连衣裙", "男士",
         "T恤", "纯棉", "手机壳", "数据线", "充电器", "保温杯", "不锈钢", "儿童", "女装", "运动鞋",
         "背包", "雨伞", "毛巾", "牙刷", "洗发水", "面膜", "口红", "耳机", "键盘"]


def run(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="ecerp bench mapping")
    p.add_argument("--skus", type=int, default=100_000)
    p.add_argument("--lines", type=int, default=10_000)
    p.add_argument("--hot-orders", type=int, default=1_000)
    args = p.parse_args(argv)
    from ecerp_desktop.domain.auth import SYSTEM
    from ecerp_desktop.domain.orders import HoldReason, OrderStatus
    from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine
    from ecerp_desktop.domain.stock import MoveKind
    from ecerp_desktop.domain.timeutil import utcnow
    from ecerp_desktop.services import mapping
    from ecerp_desktop.services.setup import open_store
    from ecerp_desktop.store import catalog as cat
    from ecerp_desktop.store import orders as order_store
    from ecerp_desktop.store.schema import OrderHoldRow, OrderRow, SkuRow
    from ecerp_desktop.store.stock import Move, post_moves
    from sqlalchemy import insert, select, update

    rnd = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'mapping.sqlite3'}")
        now = utcnow()
        names = ["".join(rnd.sample(WORDS, 3)) + f" {i % 97}号" for i in range(args.skus)]
        with store.write() as s:
            shop = cat.upsert_shop(s, platform="taobao", name="bench", now=now)
            wh = cat.upsert_warehouse(s, code="W1", name="主仓", province="浙江省").id
            courier = cat.upsert_courier(s, code="ZTO", name="中通")
            cat.upsert_rates(s, courier, [cat.RateInput("*", D("5.00"), D("2.00"))])
            s.execute(insert(SkuRow), [{"code": f"SKU-{i:06d}", "name": names[i],
                                        "weight_g": 200, "created_at": now, "updated_at": now}
                                       for i in range(args.skus)])
            target = s.scalar(select(SkuRow.id).where(SkuRow.code == "SKU-000777"))
            post_moves(s, [Move(wh, int(target or 0), MoveKind.OPENING, "bench", "seed",
                                d_on_hand=args.hot_orders * 2)], now)
        at = datetime.now(UTC) - timedelta(hours=1)

        def order(n: int, ln: PlatformOrderLine) -> PlatformOrder:
            return PlatformOrder(f"P{n}", "WAIT_SELLER_SEND_GOODS", OrderStatus.NEW, at, at,
                                 (ln,), Address("张三", f"138{n:08d}", "浙江省", "杭州市",
                                                "西湖区", "", "文三路 1 号"), at, f"b{n}",
                                 "", "", 0, D("30.00"), D("30.00"))

        batch: list[PlatformOrder] = []
        for n in range(args.lines + args.hot_orders):
            if n < args.lines:
                i = rnd.randrange(args.skus)
                ln = PlatformOrderLine(f"{n}-0", 1, D("30.00"), D("30.00"), f"item-{n}",
                                       f"sku-{n}", f"X{i:06d}",
                                       f"【包邮】{names[i]} 正品")
            else:
                ln = PlatformOrderLine(f"{n}-0", 1, D("30.00"), D("30.00"), "hot-item",
                                       "hot-sku", "HOT777", f"【爆款】{names[777]}")
            batch.append(order(n, ln))
            if len(batch) == 5000:
                with store.write() as s:
                    order_store.upsert_orders(s, shop, batch, utcnow())
                batch = []
        if batch:
            with store.write() as s:
                order_store.upsert_orders(s, shop, batch, utcnow())
        with store.write() as s:
            ids = list(s.scalars(select(OrderRow.id)))
            s.execute(update(OrderRow).values(status=OrderStatus.HELD.value))
            s.execute(insert(OrderHoldRow), [{"order_id": oid,
                                              "reason": HoldReason.UNMAPPED_SKU.value,
                                              "detail": "unmapped SKU", "created_at": now}
                                             for oid in ids])

        t = time.perf_counter()
        first = mapping.unmapped(store, SYSTEM, limit=200)
        first_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        page = mapping.unmapped(store, SYSTEM, limit=200)
        page_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        mapping.unmapped(store, SYSTEM, limit=200, suggestions=False)
        mapping.unmapped_totals(store, SYSTEM)
        lines_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        page2 = mapping.unmapped(store, SYSTEM, limit=200, after=page[-1].key)
        next_ms = (time.perf_counter() - t) * 1000
        hot = page[0]
        total = args.lines + 1
        if (len(first) != min(200, total) or len(page2) != max(0, min(200, total - 200))
                or hot.platform_item_id != "hot-item"
                or hot.orders != args.hot_orders):
            raise SystemExit(f"unmapped page wrong: {len(first)} rows, first {hot}")
        hits = sum(1 for r in page[1:] if r.suggestions
                   and r.suggestions[0].code == "SKU-" + r.merchant_code[1:])
        t = time.perf_counter()
        res = mapping.map_listing(store, SYSTEM, shop, "hot-item", "hot-sku", "SKU-000777")
        remap_ms = (time.perf_counter() - t) * 1000
        if res.approved != args.hot_orders or res.rerun != args.hot_orders:
            raise SystemExit(f"remap wrong: {res.summary()}")
        csv_path = Path(tmp) / "import.csv"
        with csv_path.open("w", encoding="utf-8") as fh:
            fh.write("Shop,Item ID,Platform SKU ID,SKU\n")
            for n in range(args.lines):
                fh.write(f"bench,item-{n},sku-{n},SKU-{rnd.randrange(args.skus):06d}\n")
        with store.write() as s:  # stock for every order the import frees
            post_moves(s, [Move(wh, sid, MoveKind.OPENING, "bench", "seed", d_on_hand=50)
                           for sid in s.scalars(select(SkuRow.id).where(
                               SkuRow.id != target))], utcnow())
        t = time.perf_counter()
        imported = mapping.import_table(store, SYSTEM, csv_path)
        import_ms = (time.perf_counter() - t) * 1000
        if imported.report.errors or imported.mapped.approved != args.lines:
            raise SystemExit(f"import wrong: {imported.report.errors[:3]} "
                             f"{imported.mapped.summary()}")
        store.dispose()
    print(f"BENCH mapping_import_rows_rerun_ms {import_ms:.0f}", flush=True)
    print(f"# {args.skus} SKUs, {args.lines + 1} unmapped lines; likely SKU right on "
          f"{hits} of {len(page) - 1} lines of page 1; {res.summary()}", flush=True)
    print(f"BENCH mapping_unmapped_first_page_ms {first_ms:.0f}", flush=True)
    print(f"BENCH mapping_unmapped_page_ms {page_ms:.0f}", flush=True)
    print(f"BENCH mapping_unmapped_next_page_ms {next_ms:.0f}", flush=True)
    print(f"BENCH mapping_unmapped_lines_only_ms {lines_ms:.0f}", flush=True)
    print(f"BENCH mapping_remap_rerun_ms {remap_ms:.0f}", flush=True)
    return 0
