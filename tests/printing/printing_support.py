"""Helpers for the printing tests: a TCP listener standing in for a 9100 printer, and
orders with parcels and waybills to print. (Imported by name: conftest modules are not.)"""

from __future__ import annotations

import socket
import threading


class RawPrinter:
    """A TCP server on 127.0.0.1 that stores the bytes of each connection (one job each)."""

    def __init__(self, port: int = 0) -> None:
        self.sock = socket.create_server(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def target(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                chunks = []
                while True:
                    b = conn.recv(65536)
                    if not b:
                        break
                    chunks.append(b)
            with self._lock:
                self.jobs.append(b"".join(chunks))
                self._done.notify_all()

    def wait_jobs(self, n: int, timeout: float = 10.0) -> list[bytes]:
        with self._lock:
            self._done.wait_for(lambda: len(self.jobs) >= n, timeout)
            return list(self.jobs)

    @property
    def data(self) -> bytes:
        with self._lock:
            return b"".join(self.jobs)

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.sock.close()


# --- orders to print ------------------------------------------------------------------------

def make_order(store, *, platform_order_id: str = "3719055060544802021", parcels: int = 1,
               waybills: bool = True, platform: str = "taobao", receiver_name: str = "张三",
               address: str = "文三路100号", message: str = "", shop_name: str = "示例旗舰店",
               number_base: int = 700059605746) -> int:
    """One paid order of two lines in *parcels* parcels, each with a waybill (or not)."""
    from datetime import UTC, datetime

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
    from sqlalchemy import select

    now = datetime.now(UTC)
    with store.write() as s:
        shop = s.scalar(select(ShopRow).where(ShopRow.name == shop_name))
        if shop is None:
            shop = ShopRow(platform=platform, name=shop_name, created_at=now,
                           settings={"sender_phone": "0571-88886666",
                                     "sender_address": "浙江省杭州市余杭区文一西路1001号"})
            s.add(shop)
        courier = s.scalar(select(CourierRow).where(CourierRow.code == "ZTO"))
        if courier is None:
            courier = CourierRow(code="ZTO", name="中通快递")
            s.add(courier)
        skus = []
        for code, name in (("TS-WHITE-XL", "纯棉短袖T恤 白色 XL"), ("MUG-01", "陶瓷马克杯")):
            sku = s.scalar(select(SkuRow).where(SkuRow.code == code))
            if sku is None:
                sku = SkuRow(code=code, name=name, created_at=now, updated_at=now)
                s.add(sku)
            skus.append(sku)
        s.flush()
        order = OrderRow(shop_id=shop.id, platform_order_id=platform_order_id, status="waybilled",
                         receiver_name=receiver_name, receiver_phone="13812345678",
                         province="浙江省", city="杭州市", district="西湖区",
                         address_detail=address, buyer_message=message, created_at=now,
                         paid_at=now, modified_at=now, pulled_at=now, updated_at=now,
                         courier_id=courier.id)
        s.add(order)
        s.flush()
        lines = []
        for i, sku in enumerate(skus):
            line = OrderLineRow(order_id=order.id, platform_line_id=f"L{i}", title=sku.name,
                                sku_id=sku.id, merchant_sku_code=sku.code, qty=i + 1)
            s.add(line)
            lines.append(line)
        s.flush()
        for n in range(1, parcels + 1):
            parcel = ParcelRow(order_id=order.id, seq=n, status="waybilled", created_at=now,
                               courier_id=courier.id)
            s.add(parcel)
            s.flush()
            line = lines[(n - 1) % len(lines)]
            s.add(ParcelLineRow(parcel_id=parcel.id, order_line_id=line.id,
                                sku_id=line.sku_id, qty=line.qty))
            if waybills:
                s.add(WaybillRow(parcel_id=parcel.id, courier_id=courier.id,
                                 number=str(number_base + order.id * 10 + n),
                                 request_key=f"parcel:{parcel.id}", sort_code="310-01 杭州西湖",
                                 issued_at=now))
        return order.id
