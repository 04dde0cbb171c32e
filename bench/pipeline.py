"""Benchmark: freshly synced orders from NEW to APPROVED/HELD with stock reserved.

A realistic configuration: 20 review rules, 10 gift rules, 5 couriers with rate tables,
3 warehouses, 400 SKUs of which 5 % of order lines are bundles, 2 lines per order on
average. Orders are taken in through the real ingest (not timed), then
``services.pipeline.process_pending`` is timed.

    ecerp bench pipeline [--orders N] [--dry-run-orders N] [--no-postgres] [--pg-url URL]

prints ``BENCH pipeline_sqlite_orders_per_s <v>`` (and ``pipeline_postgres_orders_per_s``
when a PostgreSQL server answers), each with its rate per second of this process's CPU
time. Then the dry run of the saved rules over 30 days: older orders are taken in until
the window holds ``--dry-run-orders`` (300,000 by default) and on hand is raised for them;
``pipeline_dry_run_<db>_orders``, ``_seconds`` and ``_orders_per_s`` are what it planned,
how long it took and the rate.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.gifts import gift_rules_from_dict
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine
from ecerp_desktop.domain.rules import ruleset_from_dict
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import pipeline as svc
from ecerp_desktop.services.setup import open_store
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import orders as order_store
from ecerp_desktop.store import pipeline as ps
from ecerp_desktop.store.schema import StockBalanceRow
from ecerp_desktop.store.stock import Move, post_moves
from sqlalchemy import select

D = Decimal
PROVINCES = ["广东省", "浙江省", "江苏省", "上海市", "北京市", "四川省", "湖北省", "山东省",
             "河南省", "福建省", "新疆维吾尔自治区", "西藏自治区", "云南省", "辽宁省"]
N_SKUS = 400


def _rules() -> dict[str, object]:
    rules: list[dict[str, object]] = [
        {"id": 1, "name": "blacklist", "when": [{"kind": "blacklist"}],
         "then": [{"kind": "hold", "reason": "blacklist"}]},
        {"id": 2, "name": "address", "when": [{"kind": "address_incomplete"}],
         "then": [{"kind": "hold", "reason": "address_incomplete"}]},
        {"id": 3, "name": "big order", "when": [{"kind": "paid_amount", "min": "5000"}],
         "then": [{"kind": "hold", "detail": "check big orders"}]},
        {"id": 4, "name": "floor", "when": [{"kind": "price_below_floor"}],
         "then": [{"kind": "hold", "reason": "price_below_floor"}]},
        {"id": 5, "name": "refund words", "when": [
            {"kind": "buyer_message", "contains": ["退款", "投诉", "假货"]}],
         "then": [{"kind": "hold", "reason": "buyer_message"}]},
        {"id": 6, "name": "tibet by SF", "when": [{"kind": "region", "regions": ["西藏"]}],
         "then": [{"kind": "assign_courier", "courier": "EMS"}]},
        {"id": 7, "name": "heavy", "when": [{"kind": "weight", "min_g": 20000}],
         "then": [{"kind": "add_tag", "tag": "heavy"}]},
        {"id": 8, "name": "jd shop", "when": [{"kind": "platform", "platforms": ["jd"]}],
         "then": [{"kind": "set_priority", "priority": 5}]},
        {"id": 9, "name": "red flag", "when": [{"kind": "seller_flag", "flags": ["red"]}],
         "then": [{"kind": "hold", "detail": "seller flagged red"}]},
        {"id": 10, "name": "memo", "when": [{"kind": "seller_memo", "contains": ["暂停"]}],
         "then": [{"kind": "hold", "detail": "memo says wait"}]},
        {"id": 11, "name": "cod", "when": [{"kind": "cod"}],
         "then": [{"kind": "assign_courier", "courier": "SF"}]},
        {"id": 12, "name": "many lines", "when": [{"kind": "line_count", "min": 8}],
         "then": [{"kind": "add_tag", "tag": "many-lines"}]},
        {"id": 13, "name": "bulk qty", "when": [{"kind": "quantity", "min": 30}],
         "then": [{"kind": "hold", "detail": "reseller?"}]},
        {"id": 14, "name": "fragile", "when": [{"kind": "sku", "group": "fragile"}],
         "then": [{"kind": "add_tag", "tag": "fragile"}]},
        {"id": 15, "name": "other open", "when": [{"kind": "other_open_order"}],
         "then": [{"kind": "add_tag", "tag": "repeat"}]},
        {"id": 16, "name": "presale", "when": [{"kind": "presale"}],
         "then": [{"kind": "add_tag", "tag": "presale"}]},
        {"id": 17, "name": "shop 2 vip", "when": [{"kind": "shop", "shops": ["店铺2"]},
                                                   {"kind": "paid_amount", "min": "500"}],
         "then": [{"kind": "assign_courier", "courier": "SF"}]},
        {"id": 18, "name": "remote", "when": [{"kind": "remote_region"}],
         "then": [{"kind": "add_tag", "tag": "remote"}]},
        {"id": 19, "name": "first order", "when": [{"kind": "first_order"},
                                                   {"kind": "paid_amount", "min": "1000"}],
         "then": [{"kind": "add_tag", "tag": "new-big"}]},
        {"id": 20, "name": "any message", "when": [{"kind": "any", "conditions": [
            {"kind": "buyer_message", "contains": ["发票"]},
            {"kind": "seller_memo", "contains": ["发票"]}]}],
         "then": [{"kind": "add_tag", "tag": "invoice"}]},
    ]
    return {"default": "approve", "sku_groups": {"fragile": [f"SKU-{i:04d}" for i in
                                                             range(0, 40)]},
            "rules": rules}


def _gift_rules() -> dict[str, object]:
    gifts = []
    for i in range(1, 11):
        gifts.append({"id": i, "name": f"gift {i}", "min_amount": str(100 * i),
                      "skus": [f"SKU-{j:04d}" for j in range(i * 10, i * 10 + 20)],
                      "gifts": [{"sku": f"GIFT-{i}", "qty": 1}],
                      "limit_per_buyer": 2, "limit_total": 5000 if i % 2 else None})
    return {"rules": gifts}


def seed(store: Store, n_orders: int, rnd: random.Random) -> list[int]:
    now = utcnow()
    with store.write() as s:
        shops = [cat.upsert_shop(s, platform=p, name=f"店铺{i}", now=now)
                 for i, p in enumerate(["taobao", "taobao", "jd"], 1)]
        whs = [cat.upsert_warehouse(s, code=c, name=n, province=p).id for c, n, p in
               [("HZ", "杭州仓", "浙江省"), ("GZ", "广州仓", "广东省"), ("BJ", "北京仓", "北京市")]]
        items = [cat.SkuInput(f"SKU-{i:04d}", f"商品{i}", rnd.randint(100, 3000),
                              D(rnd.randint(5, 200))) for i in range(N_SKUS)]
        items += [cat.SkuInput(f"BUNDLE-{i}", f"组合装{i}", 0, D(0), is_bundle=True)
                  for i in range(20)]
        items += [cat.SkuInput(f"GIFT-{i}", f"赠品{i}", 50, D(1), is_gift=True)
                  for i in range(1, 11)]
        ids = cat.upsert_skus(s, items, now)
        for i in range(20):
            comps = rnd.sample(range(N_SKUS), 2)
            cat.set_bundle(s, ids[f"BUNDLE-{i}"], [(ids[f"SKU-{comps[0]:04d}"], 1),
                                                   (ids[f"SKU-{comps[1]:04d}"], 2)])
        for code, name in [("ZTO", "中通"), ("YTO", "圆通"), ("STO", "申通"), ("SF", "顺丰"),
                           ("EMS", "邮政")]:
            cid = cat.upsert_courier(s, code=code, name=name)
            base = D(rnd.randint(4, 12))
            rates = [cat.RateInput("*", base, D(2))]
            rates += [cat.RateInput(p, base + D(rnd.randint(0, 4)), D(rnd.randint(1, 4)))
                      for p in PROVINCES[:10]]
            rates.append(cat.RateInput("新疆", base + 10, D(8), excluded=code == "STO"))
            rates.append(cat.RateInput("西藏", base + 15, D(10), excluded=code != "EMS"))
            cat.upsert_rates(s, cid, rates)
        ps.set_province_priority(s, "*", whs)
        ps.save_rules(s, ps.REVIEW_RULES, ruleset_from_dict(_rules()).to_dict(), now, "bench")
        from ecerp_desktop.domain.gifts import gift_rules_to_dict
        ps.save_rules(s, ps.GIFT_RULES, gift_rules_to_dict(
            gift_rules_from_dict(_gift_rules())), now, "bench")
        # Enough stock for ~97 % of lines: the rest is held out of stock.
        per = max(50, n_orders * 3 // N_SKUS)
        moves = [Move(w, ids[it.code], MoveKind.OPENING, "bench", "seed",
                      d_on_hand=per if rnd.random() > 0.03 else 0)
                 for w in whs for it in items if not it.is_bundle]
        post_moves(s, [m for m in moves if m.d_on_hand], now)
    _orders(store, shops, rnd, n_orders, "P", datetime.now(UTC) - timedelta(days=1),
            timedelta(seconds=1))
    return shops


def _orders(store: Store, shops: list[int], rnd: random.Random, n_orders: int, prefix: str,
            start: datetime, step: timedelta) -> None:
    """*n_orders* paid orders taken in through the real ingest, one every *step* from
    *start*."""
    batch: list[PlatformOrder] = []
    for n in range(n_orders):
        lines = []
        for j in range(rnd.choice((1, 1, 2, 2, 2, 3, 3))):
            if rnd.random() < 0.05:
                code = f"BUNDLE-{rnd.randrange(20)}"
            else:
                code = f"SKU-{rnd.randrange(N_SKUS):04d}"
            lines.append(PlatformOrderLine(f"{n}-{j}", rnd.randint(1, 3), D("30.00"),
                                           D("60.00"), f"i{code}", "", code, code))
        buyer = f"b{rnd.randrange(n_orders)}"
        at = start + step * n
        batch.append(PlatformOrder(
            f"{prefix}{n}", "WAIT_SELLER_SEND_GOODS", OrderStatus.NEW, at, at, tuple(lines),
            Address("张三", f"138{abs(hash(buyer)) % 10**8:08d}", rnd.choice(PROVINCES),
                    "某市", "某区", "", "某路 123 号 4 栋 501"), at, buyer,
            rnd.choice(["", "", "", "请尽快发货", "要发票", "退款"]), "", 0,
            D(60 * len(lines)), D(60 * len(lines))))
        if len(batch) == 5000:
            _ingest(store, shops[n % 3], batch)
            batch = []
    if batch:
        _ingest(store, shops[0], batch)


def _more_stock(store: Store, n_orders: int) -> None:
    """On hand for *n_orders* more orders (the dry run plans against on hand)."""
    now = utcnow()
    per = n_orders * 3 // N_SKUS
    with store.write() as s:
        keys = [(w, k) for w, k, n in s.execute(select(
            StockBalanceRow.warehouse_id, StockBalanceRow.sku_id, StockBalanceRow.on_hand))
            if n > 0]
        post_moves(s, [Move(w, k, MoveKind.OPENING, "bench", "dry-run", d_on_hand=per)
                       for w, k in keys], now)


def _ingest(store: Store, shop: int, batch: list[PlatformOrder]) -> None:
    with store.write() as s:
        order_store.upsert_orders(s, shop, batch, utcnow())


@dataclass
class Figures:
    processed: svc.ProcessResult
    rate: float  # orders per second of wall time
    cpu_rate: float  # per second of this process's CPU time
    dry: svc.ProcessResult
    dry_rate: float
    dry_cpu_rate: float
    dry_seconds: float


def measure(store: Store, n_orders: int, dry_orders: int, days: int = 30) -> Figures:
    """The run over *n_orders* fresh orders, then the dry run of the saved rules over
    the last *days* days holding *dry_orders* orders (older orders added for it, and
    stock for them). CPU time is this process's: it does not depend on what else the
    machine runs (for PostgreSQL the server's CPU is not in it)."""
    rnd = random.Random(7)
    shops = seed(store, n_orders, rnd)
    t, c = time.perf_counter(), time.process_time()
    res = svc.process_pending(store, SYSTEM)
    rate = res.processed / (time.perf_counter() - t)
    cpu_rate = res.processed / max(time.process_time() - c, 1e-9)
    extra = dry_orders - n_orders
    if extra > 0:  # spread over the window, before the fresh ones
        start = datetime.now(UTC) - timedelta(days=days) + timedelta(hours=1)
        _orders(store, shops, rnd, extra, "D", start,
                (timedelta(days=days - 1) - timedelta(hours=2)) / extra)
        _more_stock(store, extra)
    t, c = time.perf_counter(), time.process_time()
    dry = svc.dry_run(store, SYSTEM, days=days, keep_why=False)
    wall = time.perf_counter() - t
    return Figures(res, rate, cpu_rate, dry, dry.processed / wall,
                   dry.processed / max(time.process_time() - c, 1e-9), wall)


def _print(db: str, f: Figures) -> None:
    print(f"# {db}: {f.processed.summary()}")
    print(f"# {db} dry run, 30 days: {f.dry.summary()} in {f.dry_seconds:.1f} s")
    print(f"BENCH pipeline_{db}_orders_per_s {f.rate:.0f}")
    print(f"BENCH pipeline_{db}{'_client' if db == 'postgres' else ''}_orders_per_cpu_s "
          f"{f.cpu_rate:.0f}")
    print(f"BENCH pipeline_dry_run_{db}_orders {f.dry.processed}")
    print(f"BENCH pipeline_dry_run_{db}_seconds {f.dry_seconds:.1f}")
    print(f"BENCH pipeline_dry_run_{db}_orders_per_s {f.dry_rate:.0f}")
    print(f"BENCH pipeline_dry_run_{db}{'_client' if db == 'postgres' else ''}"
          f"_orders_per_cpu_s {f.dry_cpu_rate:.0f}")


def run(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="ecerp bench pipeline")
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--dry-run-orders", type=int, default=300_000,
                    help="orders in the 30 days the dry run plans (default 300,000; at "
                         "least --orders)")
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--pg-url", default=os.environ.get(
        "ECERP_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        try:
            figures = measure(store, args.orders, args.dry_run_orders)
        finally:
            store.dispose()
    _print("sqlite", figures)
    if not args.no_postgres:
        _postgres(args.pg_url, args.orders, args.dry_run_orders)
    return 0


def _postgres(admin_url: str, n_orders: int, dry_orders: int) -> None:
    try:
        import psycopg

        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except Exception as exc:  # any failure: report and skip
        print(f"# postgres skipped: {exc}")
        return
    name = f"ecerp_bench_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        store = open_store(admin_url.rsplit("/", 1)[0] + f"/{name}")
        try:
            figures = measure(store, n_orders, dry_orders)
        finally:
            store.dispose()
        _print("postgres", figures)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    import sys

    raise SystemExit(run(sys.argv[1:]))
