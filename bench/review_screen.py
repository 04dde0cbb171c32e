"""Benchmark: the order review screen (订单审核) over a big database.

    ecerp bench review-screen [--orders N] [--keep PATH]

Seeds N orders (default 1,000,000; one line each, 5 % held with a reason, buyer text from
sim/fakedata) into a temporary SQLite file with driver-level bulk inserts, in a child
process so that its memory does not count. Then, in this process, opens the real
OrdersPage offscreen and measures:

- ``review_first_page_ms``: page constructed and shown until the first page of rows is in
  the table and painted (target < 300);
- ``review_filter_ms``: a status filter chosen in the navigation until its rows are shown
  (< 200); ``review_search_ms``: a buyer-name search with many matches,
  ``review_search_rare_ms``: one with none (a full scan: there is no text index yet);
  ``review_sort_ms``: a sort change;
- ``review_scroll_end_s``, ``review_scroll_rows`` and ``review_scroll_max_cached_rows``:
  fetching page after page to the end of the held orders (5 % of all) — the model must
  never hold more than a few pages of rows however far the user scrolls;
- ``review_peak_rss_mb``: this process's peak resident memory (< 400).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from ecerp_desktop.cli.bench import peak_rss_mb, print_figures, seed_in_child, wait_until

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CHUNK = 20_000
STATUSES = (("approved", 0.55), ("review", 0.20), ("held", 0.05), ("shipped", 0.15),
            ("unpaid", 0.03), ("intercepted", 0.02))
HOLD_REASONS = ("out_of_stock", "buyer_message", "address_incomplete", "unmapped_sku")


def seed(path: str, n: int) -> float:
    """Create and fill the database; returns seconds."""
    from ecerp_desktop.domain.timeutil import utcnow
    from ecerp_desktop.services.setup import open_store
    from ecerp_desktop.sim import fakedata
    from ecerp_desktop.store import bulk
    from ecerp_desktop.store import catalog as cat
    from ecerp_desktop.store.orders import phone_hash
    from ecerp_desktop.store.schema import OrderHoldRow, OrderLineRow, OrderRow

    started = time.perf_counter()
    store = open_store(f"sqlite:///{path}")
    rng = random.Random(20261126)
    now = utcnow()
    with store.write() as s:
        shops = [cat.upsert_shop(s, platform=p, name=f"{p} 店 {i}", now=now)
                 for i, p in enumerate(("taobao", "tmall", "jd", "pdd", "shopify"))]
        whs = [cat.upsert_warehouse(s, code=c, name=f"{c} 仓", province=pv).id
               for c, pv in (("HZ", "浙江省"), ("GZ", "广东省"), ("BJ", "北京市"))]
        couriers = [cat.upsert_courier(s, code=c, name=c) for c in ("ZTO", "YTO", "SF", "YD")]
        skus = cat.upsert_skus(s, [cat.SkuInput(f"SKU-{i:04d}", f"商品 {i}", 300,
                                                Decimal("10.00")) for i in range(400)], now)
    sku_ids = list(skus.items())
    # a pool of buyers: fakedata per row would cost more than the inserts
    buyers = []
    for _ in range(20_000):
        a = fakedata.address(rng, hostile_rate=0.01)
        buyers.append((fakedata.nick(rng), a, phone_hash(a.phone)))
    messages = [fakedata.buyer_message(rng) for _ in range(2000)]
    cum, acc = [], 0.0
    for _st, w in STATUSES:
        acc += w
        cum.append(acc)
    t0 = datetime(2025, 12, 1, tzinfo=UTC)
    step = (now - t0).total_seconds() / max(n, 1)  # orders arrive over the year, in id order
    # bulk load: drop the secondary indexes, fill, build them again (sorted builds)
    with store.write() as s:
        conn = s.connection()
        indexes = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('orders', 'order_lines', 'order_holds')").all()
        for name, _sql in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
    oid = 0
    while oid < n:
        k = min(CHUNK, n - oid)
        orders, lines, holds = [], [], []
        for _ in range(k):
            oid += 1
            nick, a, ph = buyers[rng.randrange(len(buyers))]
            st = rng.choices(STATUSES, cum_weights=cum)[0][0]
            created = t0 + timedelta(seconds=oid * step + rng.randrange(600))
            paid = None if st == "unpaid" else created + timedelta(minutes=rng.randrange(60))
            amount = Decimal(rng.randrange(990, 99_900)) / 100
            routed = st in ("approved", "shipped")
            orders.append({
                "id": oid, "shop_id": shops[oid % len(shops)],
                "platform_order_id": f"P{oid:010d}", "status": st,
                "platform_status": "WAIT_SELLER_SEND_GOODS", "buyer_nick": nick,
                "receiver_name": a.name, "receiver_phone": a.phone, "phone_hash": ph,
                "province": a.province, "city": a.city, "district": a.district,
                "address_detail": a.detail, "buyer_message": messages[oid % len(messages)],
                "paid_amount": amount, "total_amount": amount, "created_at": created,
                "paid_at": paid, "modified_at": paid or created, "pulled_at": now,
                "updated_at": now,
                "warehouse_id": whs[oid % 3] if routed else None,
                "courier_id": couriers[oid % 4] if routed else None,
                "tags": ["vip"] if oid % 50 == 0 else []})
            code, sku = sku_ids[oid % len(sku_ids)]
            lines.append({"order_id": oid, "platform_line_id": "1", "merchant_sku_code": code,
                          "title": f"商品 {code}", "sku_id": sku, "qty": 1 + oid % 3,
                          "price": amount, "paid_amount": amount})
            if st == "held":
                holds.append({"order_id": oid, "reason": HOLD_REASONS[oid % 4],
                              "detail": "", "created_at": now})
        with store.write() as s:
            bulk.insert_rows(s, OrderRow.__table__, orders)
            bulk.insert_rows(s, OrderLineRow.__table__, lines)
            bulk.insert_rows(s, OrderHoldRow.__table__, holds)
    with store.write() as s:
        for _name, sql in indexes:
            s.connection().exec_driver_sql(sql)
        s.connection().exec_driver_sql("ANALYZE")
    store.dispose()
    return time.perf_counter() - started


def measure(path: str) -> dict[str, float]:
    from ecerp_desktop.domain.auth import Role, actor_for
    from ecerp_desktop.services.setup import open_store
    from ecerp_desktop.ui.areas import PageContext
    from ecerp_desktop.ui.ops import wait_all
    from ecerp_desktop.ui.orders_page import OrdersPage
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["ecerp-bench"])
    store = open_store(f"sqlite:///{path}")
    clerk = actor_for(None, "clerk", Role.CLERK)
    out: dict[str, float] = {}

    def wait(cond: Callable[[], object], timeout: float = 60.0) -> None:
        wait_until(cond, app.processEvents, timeout)

    def rows_shown(page: OrdersPage) -> bool:
        if page.model.loading:
            return False
        page.table.viewport().repaint()  # painted, not only loaded
        return True

    # The page opens inside a main window that is already on screen: warm up what that
    # window has warmed (the widget style, the CJK font's glyphs) before timing.
    from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

    warm = QTableWidget(3, 3)
    for i, text in enumerate(("订单审核 天猫旗舰店 浙江省杭州市", "已审核 待审核 挂起 中通",
                              "2026-11-26 12:00 1,234.00 ✉ 张*")):
        warm.setItem(i, 0, QTableWidgetItem(text))
    warm.show()
    app.processEvents()
    warm.viewport().repaint()
    warm.close()

    t = time.perf_counter()
    page = OrdersPage(PageContext(store=store, actor=clerk))
    page.resize(1400, 900)
    page.show()
    wait(lambda: page.model.rowCount() > 0 and rows_shown(page))
    out["review_first_page_ms"] = (time.perf_counter() - t) * 1000
    wait(lambda: page.status_count("__all__") not in (None, 0))

    def timed(change: object) -> float:
        t = time.perf_counter()
        change()  # type: ignore[operator]
        wait(lambda: rows_shown(page) and page.model.rowCount() > 0)
        return (time.perf_counter() - t) * 1000

    out["review_filter_ms"] = timed(lambda: page.select_status("held"))
    page.select_status(None)
    wait(lambda: rows_shown(page))
    page.search.setText("王")
    out["review_search_ms"] = timed(page.apply_filter)
    # a name nobody has: the LIKE scans every row (no text index yet), shown for honesty
    page.search.setText("欧阳娜娜娜")
    t = time.perf_counter()
    page.apply_filter()
    wait(lambda: rows_shown(page))
    out["review_search_rare_ms"] = (time.perf_counter() - t) * 1000
    page.search.clear()
    from PySide6.QtCore import Qt

    out["review_sort_ms"] = timed(lambda: page.table.horizontalHeader().setSortIndicator(
        5, Qt.SortOrder.DescendingOrder))  # paid at, newest first
    out["review_peak_rss_mb_before_scroll"] = peak_rss_mb()

    # scroll to the end of the held orders (5 %: 50,000 of a million), page by page
    page.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    wait(lambda: rows_shown(page))
    page.select_status("held")
    wait(lambda: rows_shown(page) and page.model.rowCount() > 0)
    t = time.perf_counter()
    peak_cached = 0
    while page.model.canFetchMore():
        page.table.scrollToBottom()
        page.model.fetchMore()
        wait(lambda: not page.model.loading)
        peak_cached = max(peak_cached, page.model.cached_rows())
    app.processEvents()
    out["review_scroll_end_s"] = time.perf_counter() - t
    out["review_scroll_rows"] = page.model.rowCount()
    out["review_scroll_max_cached_rows"] = peak_cached
    out["review_peak_rss_mb"] = peak_rss_mb()
    page.close()
    wait_all()
    store.dispose()
    return out


def run(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="ecerp bench review-screen")
    ap.add_argument("--orders", type=int, default=1_000_000, help="orders to seed")
    ap.add_argument("--keep", help="seed into (or reuse) this SQLite file and keep it")
    ap.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.seed_only:
        print(f"{seed(args.keep, args.orders):.3f}")
        return 0
    with tempfile.TemporaryDirectory(prefix="ecerp-bench-review-") as tmp:
        path = args.keep or str(Path(tmp) / "review.sqlite3")
        if not (args.keep and Path(path).exists()):
            seconds = seed_in_child(__file__, ["--orders", str(args.orders), "--keep", path])
            if seconds is None:
                return 1
            print(f"BENCH review_seed_orders_per_s {args.orders / seconds:.0f}", flush=True)
        figures = measure(path)
    print_figures(figures)
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
