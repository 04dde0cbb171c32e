"""A small warehouse for the packing station: SKUs with weights and several barcodes, a
bundle, a courier with rates, stock; orders taken in through the real ingest service and
approved into parcels by the real pipeline; and a TCP listener playing the printer."""

from __future__ import annotations

import itertools
import os
import socket
import threading
import tty
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from ecerp_desktop.domain.auth import SYSTEM, Role, actor_for
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import pipeline, waybills
from ecerp_desktop.services.ingest import ingest_orders
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import stock as st
from ecerp_desktop.store.schema import ParcelRow
from ecerp_desktop.store.stock import Move, post_moves
from sqlalchemy import select

D = Decimal
_seq = itertools.count(1)
PACKER = actor_for(None, "packer1", Role.PACKER)


@dataclass
class PackWorld:
    store: Store
    shop: int
    wh: int
    courier: int
    sku: dict[str, int] = field(default_factory=dict)

    def order(self, lines: list[tuple[str, int]], *, message: str = "", memo: str = "",
              buyer: str | None = None, process: bool = True) -> tuple[int, int, str]:
        """Ingest one paid order and run the pipeline: (order id, parcel id, platform id);
        with *process* False the order is only taken in (parcel id 0)."""
        n = next(_seq)
        at = datetime.now(UTC) - timedelta(minutes=5)
        pls = tuple(PlatformOrderLine(f"L{n}-{i}", qty, D("10.00"), D("10.00") * qty,
                                      f"item-{code}", "", code, f"商品 {code}")
                    for i, (code, qty) in enumerate(lines))
        poid = f"P{n:06d}{id(self) % 1000}"
        phone = "13800001111" if buyer else f"1380000{n:04d}"
        po = PlatformOrder(poid, "WAIT_SELLER_SEND_GOODS", OrderStatus.NEW, at, at, pls,
                           Address("张三", phone, "浙江省", "杭州市", "西湖区", "",
                                   "文三路 1 号"), at, buyer or f"buyer{n}", message, memo, 0,
                           D("100.00"), D("100.00"))
        oid = ingest_orders(self.store, self.shop, [po]).order_ids[poid]
        if not process:
            return oid, 0, poid
        pipeline.process_pending(self.store, SYSTEM)
        with self.store.read() as s:
            pid = s.scalar(select(ParcelRow.id).where(ParcelRow.order_id == oid))
        assert pid is not None, "the pipeline did not approve the order"
        return oid, int(pid), poid

    def balance(self, code: str) -> tuple[int, int]:
        with self.store.read() as s:
            b = st.balance(s, self.wh, self.sku[code])
        return b.on_hand, b.reserved


def build(store: Store) -> PackWorld:
    now = utcnow()
    with store.write() as s:
        shop = cat.upsert_shop(s, platform="taobao", name="天猫旗舰店", now=now)
        wh = cat.upsert_warehouse(s, code="HZ", name="杭州仓", province="浙江省").id
        ids = cat.upsert_skus(s, [
            cat.SkuInput("TEA-1", "龙井茶 250g", 300, D("30.00")),
            cat.SkuInput("CUP-1", "玻璃杯", 500, D("10.00")),
            cat.SkuInput("POT-1", "茶壶", 1200, D("50.00")),
            cat.SkuInput("SET-1", "茶具组合装", 0, D("0"), is_bundle=True),
        ], now)
        cat.add_barcodes(s, [("6901234567892", ids["TEA-1"]), ("TEA1-OLD", ids["TEA-1"]),
                             ("6920000000011", ids["CUP-1"]), ("6920000000028", ids["POT-1"]),
                             ("6920000000035", ids["SET-1"])])
        cat.set_bundle(s, ids["SET-1"], [(ids["POT-1"], 1), (ids["CUP-1"], 2)])
        post_moves(s, [Move(wh, ids[c], MoveKind.OPENING, "test", "seed", d_on_hand=50)
                       for c in ("TEA-1", "CUP-1", "POT-1")], now)
    zto, _ = waybills.add_courier(store, SYSTEM, code="ZTO", name="中通",
                                  number_range=("ZT7000000001", "ZT7000009999"),
                                  rate=(D("5.00"), D("2.00")))
    return PackWorld(store, shop, wh, zto.id, dict(ids))


@pytest.fixture
def pack(store: Store) -> PackWorld:
    return build(store)


class TcpPrinter:
    """A label printer on 127.0.0.1: stores the bytes of each connection."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def target(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                data = b""
                while chunk := conn.recv(65536):
                    data += chunk
            self.jobs.append(data)

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def printer() -> Iterator[TcpPrinter]:
    p = TcpPrinter()
    yield p
    p.close()


@pytest.fixture
def dead_target() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"tcp://127.0.0.1:{port}"


class PtyScale:
    """A scale on a real pty pair; ``link`` is the port path the station is set up with."""

    def __init__(self, link: Path) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        self.link = link
        link.symlink_to(os.ttyname(self.slave))

    def send(self, frame: bytes) -> None:
        os.write(self.master, frame)

    def close(self) -> None:
        """Unplug: the path goes away and the port fails under the reader."""
        self.link.unlink(missing_ok=True)
        for fd in (self.master, self.slave):
            if fd >= 0:
                os.close(fd)
        self.master = self.slave = -1


@pytest.fixture
def pty_scale(tmp_path: Path) -> Iterator[PtyScale]:
    scale = PtyScale(tmp_path / "ttyScale")
    yield scale
    scale.close()
