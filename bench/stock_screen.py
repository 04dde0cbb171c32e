"""Benchmark: the stock screen (库存) over 100,000 SKUs in 3 warehouses.

    ecerp bench stock-screen [--skus N] [--keep PATH]

Seeds N SKUs (half with an EAN-13), a balance per SKU and warehouse with its opening move,
and 100,000 shipments over the last 30 days (for days of cover) into a temporary SQLite
file with driver-level bulk inserts, in a child process so that its memory does not count.
Then, in this process, opens the real StockPage offscreen and measures:

- ``stock_first_page_ms``: page shown until the balances' first page is in the table and
  painted (the days of cover of its rows included);
- ``stock_filter_ms``: a text filter (a SKU code prefix matching 100 SKUs, see
  :func:`search_text`) until its rows are shown;
  ``stock_sort_ms``: sorting by value, largest first;
- ``stock_totals_ms``: the totals of the whole stock (all rows, one aggregate);
- ``stock_turnover_ms``: turnover of every (warehouse, SKU) over 30 days, slow movers
  first (the turnover tab's background op);
- ``stock_export_xlsx_rows_per_s``, ``stock_export_csv_rows_per_s``: the whole stock
  (3 × N rows) streamed to an XLSX / CSV file;
- ``stock_peak_rss_mb``: this process's peak resident memory, the export included.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from ecerp_desktop.cli.bench import peak_rss_mb, print_figures, seed_in_child, wait_until

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CHUNK = 20_000
SHIPMENTS = 100_000


def seed(path: str, n: int) -> float:
    """Create and fill the database; returns seconds."""
    from ecerp_desktop.domain.barcodes import make_ean13
    from ecerp_desktop.domain.timeutil import utcnow
    from ecerp_desktop.services.setup import open_store
    from ecerp_desktop.store import bulk
    from ecerp_desktop.store import catalog as cat
    from ecerp_desktop.store.schema import SkuBarcodeRow, SkuRow, StockBalanceRow, StockMoveRow

    started = time.perf_counter()
    store = open_store(f"sqlite:///{path}")
    rng = random.Random(20261127)
    now = utcnow()
    with store.write() as s:
        whs = [cat.upsert_warehouse(s, code=c, name=f"{name}仓", province=pv).id
               for c, name, pv in (("HZ", "杭州", "浙江省"), ("GZ", "广州", "广东省"),
                                   ("BJ", "北京", "北京市"))]
    opened = now - timedelta(days=60)
    sold: dict[tuple[int, int], int] = {}
    for _ in range(SHIPMENTS):
        key = (whs[rng.randrange(3)], 1 + int(rng.paretovariate(1.2)) % n)
        sold[key] = sold.get(key, 0) + 1
    move_id = 0
    for first in range(0, n, CHUNK):
        skus, codes, balances, moves = [], [], [], []
        for i in range(first, min(first + CHUNK, n)):
            sku_id = i + 1
            skus.append({"id": sku_id, "code": f"SKU-{i:06d}", "name": f"商品 {i} 号 规格{i % 7}",
                         "weight_g": 300, "cost": Decimal(rng.randrange(100, 20_000)) / 100,
                         "created_at": now, "updated_at": now})
            if i % 2 == 0:
                codes.append({"barcode": make_ean13("690", i), "sku_id": sku_id})
            for wh in whs:
                out = sold.get((wh, sku_id), 0)
                on_hand = rng.randrange(0, 500)
                reserved = min(on_hand, rng.randrange(0, 5) if i % 10 == 0 else 0)
                transit = rng.randrange(1, 100) if i % 25 == 0 else 0
                balances.append({"warehouse_id": wh, "sku_id": sku_id, "on_hand": on_hand,
                                 "reserved": reserved, "in_transit": transit,
                                 "updated_at": now})
                move_id += 1
                moves.append({"id": move_id, "at": opened, "warehouse_id": wh,
                              "sku_id": sku_id, "kind": "opening", "d_on_hand": on_hand + out,
                              "d_reserved": reserved, "d_in_transit": transit,
                              "doc_type": "import", "doc_id": "opening"})
                for k in range(out):
                    move_id += 1
                    moves.append({"id": move_id, "at": now - timedelta(minutes=1 + k * 37),
                                  "warehouse_id": wh, "sku_id": sku_id, "kind": "shipment",
                                  "d_on_hand": -1, "d_reserved": 0, "d_in_transit": 0,
                                  "doc_type": "order", "doc_id": str(move_id)})
        with store.write() as s:
            bulk.insert_rows(s, SkuRow.__table__, skus)
            bulk.insert_rows(s, SkuBarcodeRow.__table__, codes)
            bulk.insert_rows(s, StockBalanceRow.__table__, balances)
            bulk.insert_rows(s, StockMoveRow.__table__, moves)
    with store.write() as s:
        s.connection().exec_driver_sql("ANALYZE")
    store.dispose()
    return time.perf_counter() - started


def search_text(n: int) -> str:
    """The SKU code prefix the filter looks for: the hundred codes around 12.3 % of *n*
    (``SKU-0123`` at 100,000 SKUs, ``SKU-0002`` at 2,000), which exist at any size."""
    return f"SKU-{n * 123 // 1000:06d}"[:-2]


def measure(path: str, tmp: str, n: int) -> dict[str, float]:
    from ecerp_desktop.domain.auth import Role, actor_for
    from ecerp_desktop.services import stock_export
    from ecerp_desktop.services.setup import open_store
    from ecerp_desktop.services.stock_view import BalanceFilter, BalanceSort
    from ecerp_desktop.ui.areas import PageContext
    from ecerp_desktop.ui.ops import wait_all
    from ecerp_desktop.ui.stock_page import StockPage
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["ecerp-bench"])
    store = open_store(f"sqlite:///{path}")
    owner = actor_for(None, "owner", Role.ADMIN)
    out: dict[str, float] = {}

    def wait(cond: Callable[[], object], timeout: float = 120.0) -> None:
        wait_until(cond, app.processEvents, timeout)

    t = time.perf_counter()
    page = StockPage(PageContext(store=store, actor=owner))
    page.resize(1400, 900)
    page.show()
    wait(lambda: page.current_tab() is not None)
    tab = page.current_tab()

    def shown() -> bool:
        if tab.model.loading or tab.model.rowCount() == 0:
            return False
        tab.table.viewport().repaint()
        return True

    wait(shown)
    out["stock_first_page_ms"] = (time.perf_counter() - t) * 1000
    wait(lambda: tab.totals is not None)

    def timed(change: object) -> float:
        t = time.perf_counter()
        change()  # type: ignore[operator]
        wait(shown)
        return (time.perf_counter() - t) * 1000

    def search() -> None:
        tab.text_edit.setText(search_text(n))
        tab.apply_filter()

    out["stock_filter_ms"] = timed(search)
    tab.text_edit.clear()
    tab.apply_filter()
    wait(shown)
    from PySide6.QtCore import Qt

    value_col = [c.key for c in tab.model.columns].index("value")
    out["stock_sort_ms"] = timed(lambda: tab.table.horizontalHeader().setSortIndicator(
        value_col, Qt.SortOrder.DescendingOrder))
    t = time.perf_counter()
    totals = stock_export.stock_view.balance_totals(store, owner, BalanceFilter())
    out["stock_totals_ms"] = (time.perf_counter() - t) * 1000
    page.close()
    wait_all()

    from ecerp_desktop.domain.timeutil import utcnow
    from ecerp_desktop.services.stock_view import turnover_rows

    t = time.perf_counter()
    turnover_rows(store, owner, utcnow() - timedelta(days=30), utcnow())
    out["stock_turnover_ms"] = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    csv_result = stock_export.export_balances(store, owner, BalanceFilter(), BalanceSort(),
                                              Path(tmp) / "stock.csv")
    out["stock_export_csv_rows_per_s"] = csv_result.rows / (time.perf_counter() - t)

    t = time.perf_counter()
    result = stock_export.export_balances(store, owner, BalanceFilter(), BalanceSort(),
                                          Path(tmp) / "stock.xlsx")
    seconds = time.perf_counter() - t
    if result.rows != totals.rows:
        raise RuntimeError(f"exported {result.rows} rows of {totals.rows}")
    out["stock_export_xlsx_rows"] = result.rows
    out["stock_export_xlsx_rows_per_s"] = result.rows / seconds
    out["stock_peak_rss_mb"] = peak_rss_mb()
    store.dispose()
    return out


def run(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="ecerp bench stock-screen")
    ap.add_argument("--skus", type=int, default=100_000, help="SKUs to seed (× 3 warehouses)")
    ap.add_argument("--keep", help="seed into (or reuse, seeded with the same --skus) this "
                    "SQLite file and keep it")
    ap.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.seed_only:
        print(f"{seed(args.keep, args.skus):.3f}")
        return 0
    with tempfile.TemporaryDirectory(prefix="ecerp-bench-stock-") as tmp:
        path = args.keep or str(Path(tmp) / "stock.sqlite3")
        if not (args.keep and Path(path).exists()):
            if seed_in_child(__file__, ["--skus", str(args.skus), "--keep", path]) is None:
                return 1
        figures = measure(path, tmp, args.skus)
    print_figures(figures)
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
