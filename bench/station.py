"""Benchmark: the packing station against a big database.

    ecerp bench station [--orders 100000] [--skus 10000] [--scans 300] [--parcels 20]

The database (SQLite, a temporary file) gets ``--skus`` SKUs with two barcodes each and
``--orders`` shipped orders with their lines and parcels (bulk inserts, not timed), then a
few dozen real orders taken in through ingest and approved by the pipeline.

- ``scan_p50_ms`` / ``scan_p99_ms``: the real packing screen (offscreen Qt), a scan typed
  through the application's wedge filter; timed inside the app from the scan's last key
  (Enter) to the end of the repaint of the parcel's lines.
- ``scan_wrong_p50_ms``: a code the parcel does not hold (looked up in the database) to
  the red banner.
- ``parcel_software_ms``: a whole parcel through the services (open by pick slip, scan 3
  items, weigh, number the waybill from the courier's range, print it to a TCP listener,
  ship), the median of ``--parcels``.

The issue asks for 1,000,000 orders and 100,000 SKUs (``--orders 1000000 --skus 100000``).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import packing, pipeline, printing, waybills
from ecerp_desktop.services.ingest import ingest_orders
from ecerp_desktop.services.setup import open_store
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store.schema import (
    OrderLineRow,
    OrderRow,
    ParcelLineRow,
    ParcelRow,
    SkuBarcodeRow,
    SkuRow,
)
from ecerp_desktop.store.stock import Move, post_moves
from sqlalchemy import func, insert, select

D = Decimal
CHUNK = 20_000


def _barcode(n: int, k: int) -> str:
    return f"69{k}{n:010d}"


def seed(store: Store, n_orders: int, n_skus: int) -> tuple[int, int]:
    """Bulk SKUs and shipped history; returns (shop id, warehouse id)."""
    now = utcnow()
    with store.write() as s:
        shop = cat.upsert_shop(s, platform="taobao", name="bench shop", now=now)
        wh = cat.upsert_warehouse(s, code="WH", name="bench warehouse", province="浙江省").id
        for start in range(1, n_skus + 1, CHUNK):
            stop = min(n_skus + 1, start + CHUNK)
            s.execute(insert(SkuRow), [
                {"code": f"SKU{n:06d}", "name": f"商品 {n}", "weight_g": 100 + n % 900,
                 "cost": D("1.00"), "is_bundle": False, "is_gift": False, "active": True,
                 "created_at": now, "updated_at": now} for n in range(start, stop)])
        ids = dict(s.execute(select(SkuRow.code, SkuRow.id)).all())
        for start in range(1, n_skus + 1, CHUNK):
            stop = min(n_skus + 1, start + CHUNK)
            s.execute(insert(SkuBarcodeRow), [
                {"barcode": _barcode(n, k), "sku_id": ids[f"SKU{n:06d}"]}
                for n in range(start, stop) for k in (1, 2)])
    courier, _ = waybills.add_courier(store, SYSTEM, code="ZTO", name="中通",
                                      number_range=("ZT7000000001", "ZT7009999999"),
                                      rate=(D("5.00"), D("2.00")))
    zto = courier.id
    rnd = random.Random(7)
    at = now - timedelta(days=30)
    first_order = 1
    for start in range(0, n_orders, CHUNK):
        stop = min(n_orders, start + CHUNK)
        with store.write() as s:
            s.execute(insert(OrderRow), [
                {"shop_id": shop, "platform_order_id": f"H{n:09d}", "status": "shipped",
                 "created_at": at, "paid_at": at, "modified_at": at, "pulled_at": at,
                 "updated_at": at, "warehouse_id": wh, "courier_id": zto}
                for n in range(start, stop)])
            oids = list(s.scalars(select(OrderRow.id).where(OrderRow.id >= first_order)
                                  .order_by(OrderRow.id)))
            first_order = oids[-1] + 1
            lines, parcels = [], []
            for oid in oids:
                for i in range(1 + oid % 2):
                    lines.append({"order_id": oid, "platform_line_id": f"L{i}",
                                  "sku_id": ids[f"SKU{rnd.randint(1, n_skus):06d}"],
                                  "qty": 1})
                parcels.append({"order_id": oid, "seq": 1, "status": "shipped",
                                "warehouse_id": wh, "courier_id": zto, "created_at": at,
                                "shipped_at": at, "station": "old"})
            s.execute(insert(OrderLineRow), lines)
            s.execute(insert(ParcelRow), parcels)
            pmap = dict(s.execute(select(ParcelRow.order_id, ParcelRow.id).where(
                ParcelRow.order_id >= oids[0])).all())
            lmap = s.execute(select(OrderLineRow.id, OrderLineRow.order_id, OrderLineRow.sku_id)
                             .where(OrderLineRow.order_id >= oids[0])).all()
            s.execute(insert(ParcelLineRow), [
                {"parcel_id": pmap[o], "order_line_id": lid, "sku_id": k, "qty": 1}
                for lid, o, k in lmap])
    return shop, wh


def live_orders(store: Store, shop: int, wh: int, n: int, n_skus: int, qty: int,
                prefix: str) -> list[str]:
    """*n* paid orders of 3 SKUs (qty each) through ingest + pipeline; their slip codes."""
    rnd = random.Random(prefix)
    codes = [f"SKU{rnd.randint(1, n_skus):06d}" for _ in range(3 * n)]
    with store.write() as s:
        ids = cat.sku_ids_by_code(s, codes)
        post_moves(s, [Move(wh, k, MoveKind.OPENING, "bench", "seed", d_on_hand=10 * qty * n)
                       for k in set(ids.values())], utcnow())
    at = datetime.now(UTC) - timedelta(minutes=5)
    orders = []
    for i in range(n):
        mine = list(dict.fromkeys(codes[3 * i:3 * i + 3]))
        pls = tuple(PlatformOrderLine(f"B{i}-{j}", qty, D("10.00"), D("10.00") * qty,
                                      f"item-{c}", "", c, f"商品 {c}")
                    for j, c in enumerate(mine))
        orders.append(PlatformOrder(
            f"{prefix}{i:06d}", "WAIT_SELLER_SEND_GOODS", OrderStatus.NEW, at, at, pls,
            Address("张三", f"1380000{i:04d}", "浙江省", "杭州市", "西湖区", "", "文三路 1 号"),
            at, f"buyer{i}", "", "", 0, D("100.00"), D("100.00")))
    ingest_orders(store, shop, orders)
    pipeline.process_pending(store, SYSTEM)
    return [o.platform_order_id for o in orders]


class Listener:
    """A TCP printer on 127.0.0.1 that reads and drops every job."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.target = f"tcp://127.0.0.1:{self.sock.getsockname()[1]}"
        self.jobs = 0
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                while conn.recv(65536):
                    pass
            self.jobs += 1

    def close(self) -> None:
        self._stop = True
        self.sock.close()


def parcel_times(store: Store, slips: list[str], target: str) -> list[float]:
    printer = printing.resolve_printer(None, to=target)
    station = packing.Station(store, SYSTEM, "bench-services", printer=printer)
    out = []
    for slip in slips:
        t0 = time.perf_counter()
        opened = station.handle(slip)
        assert isinstance(opened, packing.OpenOutcome) and opened.view is not None, opened
        for ln in station.lines():  # one scan per unit (qty 1 lines: 3 scans)
            code = next(b for b, k in opened.view.barcodes.items() if k == ln.sku_id)
            for _ in range(ln.qty):
                station.scan(code)
        v = station.verification
        assert v is not None
        station.weigh(v.expected_weight_g)
        printed, shipped = station.finish()
        assert printed is not None and printed.ok and shipped.ok, (printed, shipped)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def scan_times(store: Store, slips: list[str], n_scans: int) -> tuple[list[float], list[float]]:
    """Scans typed into the real packing screen; (item scans, wrong scans) in ms."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ecerp_desktop.devices.wedge import WedgeSettings
    from ecerp_desktop.ui.areas import PageContext
    from ecerp_desktop.ui.ops import wait_all
    from ecerp_desktop.ui.packing_page import PackingPage
    from ecerp_desktop.ui.scanner_filter import ScannerFilter
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    wedge = ScannerFilter(WedgeSettings()).install(app)
    page = PackingPage(PageContext(store, SYSTEM), station="bench-screen",
                       scanner_filter=wedge, start_devices=False)
    page.resize(1280, 900)
    page.show()
    painted = [0.0]
    page.table.painted.connect(lambda t: painted.__setitem__(0, t))
    results: list[str] = []
    page.feedback.connect(results.append)

    def pump_until(cond: object, timeout: float = 10.0) -> None:
        end = time.perf_counter() + timeout
        while not cond() and time.perf_counter() < end:  # type: ignore[operator]
            app.processEvents()
        if not cond():  # type: ignore[operator]
            raise RuntimeError(f"the packing screen did not answer: {results} "
                               f"banner={page.banner.text()!r} typed={page.qty.text()!r}")

    def type_code(code: str) -> float:
        for ch in code:
            QTest.keyClick(page.qty, ch)
        t0 = time.perf_counter()
        QTest.keyClick(page.qty, Qt.Key.Key_Return)
        return t0

    pump_until(lambda: page.station is not None)
    items: list[float] = []
    wrong: list[float] = []
    missed = 0
    for slip in slips:
        if len(items) >= n_scans:
            break
        results.clear()
        type_code(slip)
        pump_until(lambda: bool(results))
        st = page.station
        assert st is not None and st.view is not None and results[-1] == "opened", results
        plan = []
        for ln in st.lines():
            code = next(b for b, k in st.view.barcodes.items() if k == ln.sku_id and b[0] == "6")
            plan += [code] * ln.qty
        for n, code in enumerate(plan):
            if n % 10 == 5:  # now and then a wrong item
                results.clear()
                t0 = type_code("UNKNOWN" + str(n))
                pump_until(lambda: bool(results))
                wrong.append((time.perf_counter() - t0) * 1000)
            results.clear()
            t0 = type_code(code)
            try:
                pump_until(lambda t0=t0: painted[0] > t0 and bool(results), timeout=3.0)
            except RuntimeError:  # a key stalled > 50 ms on a busy machine: typing, not a scan
                missed += 1
                page.qty.clear()
                continue
            items.append((painted[0] - t0) * 1000)
        st.abandon()  # the screen's Esc: put it back for the next run
        page._clear_parcel()
    page.shutdown()
    wedge.uninstall()
    wait_all()
    page.deleteLater()
    if missed:
        print(f"# {missed} scans were read as typing (a key stalled over the wedge gap)")
    return items, wrong


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="ecerp bench station")
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--skus", type=int, default=10_000)
    ap.add_argument("--scans", type=int, default=300)
    ap.add_argument("--parcels", type=int, default=20)
    ap.add_argument("--db", default=None, help="a database URL (default: a temporary SQLite)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(args.db or f"sqlite:///{Path(tmp) / 'station.sqlite3'}")
        listener = Listener()
        try:
            t = time.perf_counter()
            shop, wh = seed(store, args.orders, args.skus)
            with store.read() as s:
                n = s.scalar(select(func.count()).select_from(OrderRow))
            print(f"# seeded {n} orders, {args.skus} SKUs in {time.perf_counter() - t:.0f} s")
            screen_slips = live_orders(store, shop, wh, max(3, args.scans // 25), args.skus,
                                       qty=10, prefix="SCREEN")
            service_slips = live_orders(store, shop, wh, args.parcels, args.skus, qty=1,
                                        prefix="SHIP")
            items, wrong = scan_times(store, screen_slips, args.scans)
            parcels = parcel_times(store, service_slips, listener.target)
        finally:
            listener.close()
            store.dispose()
    print(f"# {len(items)} item scans, {len(wrong)} wrong scans, {len(parcels)} parcels")
    print(f"BENCH scan_p50_ms {pct(items, 50):.2f}")
    print(f"BENCH scan_p99_ms {pct(items, 99):.2f}")
    print(f"BENCH scan_wrong_p50_ms {pct(wrong, 50):.2f}")
    print(f"BENCH parcel_software_ms {statistics.median(parcels):.1f}")
    return 0
