"""Benchmark: waybill labels per second in each printer language, and a batch of 1,000
waybills from the database to a TCP 9100 printer.

    ecerp bench labels [--labels N] [--batch M]

prints ``BENCH zpl_labels_per_s``, ``BENCH tspl_labels_per_s``, ``BENCH pdf_labels_per_s``
(N 100×180 mm waybills each, from parcel data to bytes: values, layout, render; the PDF is
one multi-page document; each also as ``…_per_cpu_s``, per second of this process's CPU
time, which stays meaningful when other work shares the machine) and ``BENCH batch_1000_tcp_s`` (M parcels in a fresh SQLite
database: "select" — queue the batch — to the last byte received by a local TCP listener,
through the print queue with its job states). Targets: ≥ 5,000, ≥ 5,000, ≥ 200, < 2 s.
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.printing import render
from ecerp_desktop.printing.fields import sample_waybill, waybill_values
from ecerp_desktop.printing.pdf import ensure_font
from ecerp_desktop.printing.profiles import generic_profile, get_profile
from ecerp_desktop.printing.templates import get_template
from ecerp_desktop.services import printing
from ecerp_desktop.services.setup import open_store
from ecerp_desktop.store import Store
from ecerp_desktop.store import printing as q
from ecerp_desktop.store.schema import (
    CourierRow,
    OrderLineRow,
    OrderRow,
    ParcelLineRow,
    ParcelRow,
    ShopRow,
    SkuRow,
    WaybillRow,
)
from sqlalchemy import insert


def labels_per_s(language: str, n: int) -> float:
    profile = {"zpl": get_profile("zebra-zd421"), "tspl": get_profile("tsc-ttp-244"),
               "pdf": generic_profile("pdf", 203)}[language]
    template = get_template("waybill-100x180")
    data = [sample_waybill(i) for i in range(n)]  # as the store hands it out
    render.renderer_for(template, profile)  # compile once, as a station does at start
    if language == "pdf":
        ensure_font()
    start, cpu = time.perf_counter(), time.process_time()
    now = datetime.now(UTC)
    out = render.render_values(template, profile, (waybill_values(d, now) for d in data))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert len(out) > n * 100
    # the CPU figure tells a busy machine (2 shared cores) from a slow renderer
    print(f"BENCH {language}_labels_per_cpu_s {n / cpu:.0f}", flush=True)
    return n / elapsed


class _Listener:
    """A TCP 9100 stand-in that counts the labels (^XZ) it has received."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.labels = 0
        self.cond = threading.Condition()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                tail = b""
                while chunk := conn.recv(1 << 16):
                    data = tail + chunk
                    with self.cond:
                        self.labels += data.count(b"^XZ")
                        self.cond.notify_all()
                    tail = data[-2:] if not data.endswith(b"^XZ") else b""

    def wait(self, n: int, timeout: float = 60) -> None:
        with self.cond:
            self.cond.wait_for(lambda: self.labels >= n, timeout)

    def close(self) -> None:
        self.sock.close()


def _seed(store: Store, n: int) -> list[str]:
    now = datetime.now(UTC)
    with store.write() as s:
        s.execute(insert(ShopRow), [{"id": 1, "platform": "taobao", "name": "基准店",
                                     "created_at": now, "settings": {}}])
        s.execute(insert(CourierRow), [{"id": 1, "code": "ZTO", "name": "中通快递",
                                        "settings": {}}])
        s.execute(insert(SkuRow), [{"id": 1, "code": "SKU-0001", "name": "纯棉短袖T恤 白色 XL",
                                    "created_at": now, "updated_at": now}])
        orders, lines, parcels, plines, waybills = [], [], [], [], []
        for i in range(1, n + 1):
            d = sample_waybill(i)
            orders.append({"id": i, "shop_id": 1, "platform_order_id": d.platform_order_id,
                           "status": "waybilled", "receiver_name": d.receiver_name,
                           "receiver_phone": d.receiver_phone, "province": d.province,
                           "city": d.city, "district": d.district,
                           "address_detail": d.address_detail, "buyer_message": d.buyer_message,
                           "created_at": now, "paid_at": now, "modified_at": now,
                           "pulled_at": now, "updated_at": now, "courier_id": 1, "tags": []})
            lines.append({"id": i, "order_id": i, "platform_line_id": "1", "sku_id": 1,
                          "title": "纯棉短袖T恤 白色 XL", "qty": 1})
            parcels.append({"id": i, "order_id": i, "seq": 1, "status": "waybilled",
                            "courier_id": 1, "created_at": now})
            plines.append({"parcel_id": i, "order_line_id": i, "sku_id": 1, "qty": 1})
            waybills.append({"parcel_id": i, "courier_id": 1, "number": d.waybill_number,
                             "request_key": f"p{i}", "sort_code": d.sort_code,
                             "issued_at": now})
        for table, rows in ((OrderRow, orders), (OrderLineRow, lines), (ParcelRow, parcels),
                            (ParcelLineRow, plines), (WaybillRow, waybills)):
            s.execute(insert(table), rows)
    return [str(i) for i in range(1, n + 1)]


def batch_tcp_s(n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        listener = _Listener()
        try:
            refs = _seed(store, n)
            printer = printing.Printer("bench", get_profile("zebra-zd421"),
                                       f"tcp://127.0.0.1:{listener.port}")
            render.renderer_for(get_template("waybill-100x180"), printer.profile)
            start = time.perf_counter()
            with store.read() as s:  # "select": the parcels of the chosen orders
                parcel_ids = [p for pids in q.parcels_of_orders(
                    s, [int(r) for r in refs]).values() for p in pids]
            batch = printing.enqueue_waybills(store, SYSTEM, printer, parcel_ids=parcel_ids,
                                              size="100x180")
            result = printing.run_jobs(store, batch.job_ids)
            listener.wait(n)
            elapsed = time.perf_counter() - start
            assert result.ok and len(result.sent) == n and listener.labels == n, result
            return elapsed
        finally:
            listener.close()
            store.dispose()


def run(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="ecerp bench labels")
    ap.add_argument("--labels", type=int, default=10_000, help="labels per language")
    ap.add_argument("--batch", type=int, default=1_000, help="parcels in the TCP batch")
    args = ap.parse_args(argv)
    print(f"BENCH zpl_labels_per_s {labels_per_s('zpl', args.labels):.0f}", flush=True)
    print(f"BENCH tspl_labels_per_s {labels_per_s('tspl', args.labels):.0f}", flush=True)
    print(f"BENCH pdf_labels_per_s {labels_per_s('pdf', args.labels):.0f}", flush=True)
    name = "batch_1000_tcp_s" if args.batch == 1000 else f"batch_{args.batch}_tcp_s"
    print(f"BENCH {name} {batch_tcp_s(args.batch):.3f}", flush=True)
    return 0
