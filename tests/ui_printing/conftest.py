"""Fixtures for the printing page: orders taken in through the real ingest service and
approved into parcels by the real pipeline, a TCP listener on 127.0.0.1 playing a 9100
label printer, a port where nothing listens (a printer that is off), and the page itself
in Chinese, logged in as a clerk."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from ecerp_desktop.domain.auth import SYSTEM, Actor, Role, actor_for
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.printing import transports
from ecerp_desktop.services import pipeline
from ecerp_desktop.services.ingest import ingest_orders
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store.schema import ParcelRow
from ecerp_desktop.store.stock import Move, post_moves
from ecerp_desktop.ui import i18n
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.fonts import register_bundled_font
from ecerp_desktop.ui.ops import wait_all
from sqlalchemy import select

D = Decimal
_seq = itertools.count(1)


class TcpPrinter:
    """A label printer on 127.0.0.1: keeps the bytes of each connection (one job each).
    ``start()`` may be called late, on a port chosen before (the printer switched on)."""

    def __init__(self, port: int = 0) -> None:
        self.port = port
        self.jobs: list[bytes] = []
        self._lock = threading.Lock()
        self._reading = 0
        self._stop = False
        self.sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> TcpPrinter:
        self.sock = socket.create_server(("127.0.0.1", self.port))
        self.port = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    @property
    def target(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        assert self.sock is not None
        self.sock.settimeout(0.1)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self._reading += 1
            with conn:
                data = b""
                while chunk := conn.recv(65536):
                    data += chunk
            with self._lock:
                self.jobs.append(data)
                self._reading -= 1

    @property
    def data(self) -> bytes:
        """Everything received, once the sender's last connection is read to its end (the
        sender returns when its bytes are in the socket, before this thread stores them)."""
        deadline = time.monotonic() + 2.0
        last, stable_since = None, time.monotonic()
        while True:
            with self._lock:
                data, busy = b"".join(self.jobs), self._reading > 0
            now = time.monotonic()
            if data != last:
                last, stable_since = data, now
            if (not busy and now - stable_since >= 0.15) or now > deadline:
                return data
            time.sleep(0.02)

    def labels(self) -> list[bytes]:
        """Each ZPL label received (^XA … ^XZ), in order."""
        return [b"^XA" + part.split(b"^XZ")[0] + b"^XZ"
                for part in self.data.split(b"^XA")[1:]]

    def close(self) -> None:
        self._stop = True
        if self._thread is not None:
            self._thread.join(2)
        if self.sock is not None:
            self.sock.close()


@pytest.fixture
def printer() -> Iterator[TcpPrinter]:
    p = TcpPrinter().start()
    yield p
    p.close()


@pytest.fixture
def off_printer() -> Iterator[TcpPrinter]:
    """A printer that is switched off: its port is free until the test calls start()."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    p = TcpPrinter(port)
    yield p
    p.close()


@dataclass
class Shop:
    store: Store
    shop: int

    def orders(self, n: int, sku: str = "TEA-1") -> list[tuple[int, str]]:
        """Ingest *n* paid orders and run the pipeline: [(parcel id, platform order id)]."""
        at = datetime.now(UTC) - timedelta(minutes=5)
        pos = []
        for _ in range(n):
            k = next(_seq)
            poid = f"T{k:07d}"
            line = PlatformOrderLine(f"L{k}", 1, D("10.00"), D("10.00"), f"item-{sku}", "",
                                     sku, f"商品 {sku}")
            pos.append(PlatformOrder(
                poid, "WAIT_SELLER_SEND_GOODS", OrderStatus.NEW, at, at, (line,),
                Address("张三", f"1380000{k % 10000:04d}", "浙江省", "杭州市", "西湖区", "",
                        "文三路 1 号"), at, f"buyer{k}", "", "", 0, D("10.00"), D("10.00")))
        ids = ingest_orders(self.store, self.shop, pos).order_ids
        pipeline.process_pending(self.store, SYSTEM)
        oids = {ids[p.platform_order_id]: p.platform_order_id for p in pos}
        with self.store.read() as s:
            rows = s.execute(select(ParcelRow.id, ParcelRow.order_id)
                             .where(ParcelRow.order_id.in_(list(oids)))
                             .order_by(ParcelRow.id)).all()
        assert len(rows) == n, "the pipeline did not approve every order"
        return [(pid, oids[oid]) for pid, oid in rows]


@pytest.fixture
def shop(store: Store) -> Shop:
    now = utcnow()
    with store.write() as s:
        shop_id = cat.upsert_shop(s, platform="taobao", name="天猫旗舰店", now=now)
        wh = cat.upsert_warehouse(s, code="HZ", name="杭州仓", province="浙江省").id
        ids = cat.upsert_skus(s, [cat.SkuInput("TEA-1", "龙井茶 250g", 300, D("30.00")),
                                  cat.SkuInput("CUP-1", "玻璃杯", 500, D("10.00"))], now)
        zto = cat.upsert_courier(s, code="ZTO", name="中通")
        cat.upsert_rates(s, zto, [cat.RateInput("*", D("5.00"), D("2.00"))])
        post_moves(s, [Move(wh, ids[c], MoveKind.OPENING, "test", "seed", d_on_hand=10_000)
                       for c in ("TEA-1", "CUP-1")], now)
    return Shop(store, shop_id)


@pytest.fixture
def clerk() -> Actor:
    return actor_for(None, "clerk1", Role.CLERK)


@pytest.fixture
def page(qtbot, store: Store, clerk: Actor):  # type: ignore[no-untyped-def]
    from ecerp_desktop.ui.printing_page import PrintingPage

    p = PrintingPage(PageContext(store, clerk))
    qtbot.addWidget(p)
    p.resize(1400, 800)
    yield p
    p.batch.cancel()
    wait_all()
    transports.set_system_pdf_printer(None)  # the page installed Qt system printing


@pytest.fixture(autouse=True)
def chinese(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    register_bundled_font(qapp)
    assert i18n.install("zh_CN")
    yield
    wait_all()
