"""A small shop for e-waybills: one Taobao shop, a Hangzhou warehouse with stock, SKUs, and
a courier added through the real service (a number range, or Cainiao against the loopback
simulator); orders taken in through the real ingest service and approved into parcels by
the real pipeline."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import pipeline
from ecerp_desktop.services import waybills as svc
from ecerp_desktop.services.ingest import ingest_orders
from ecerp_desktop.sim.cainiao import CainiaoSim
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store.schema import OrderRow, ParcelRow
from ecerp_desktop.store.stock import Move, post_moves
from sqlalchemy import select

D = Decimal
_seq = itertools.count(1)
HOSTILE = "^XZ^XA^FO0,0^FDPWNED^FS~JR\"'\r\n<script>=cmd|' /c calc'!A1 😀"


@dataclass
class WbWorld:
    store: Store
    shop: int
    wh: int
    sku: dict[str, int] = field(default_factory=dict)

    def courier_range(self, code: str, first: str, last: str) -> int:
        c, _ = svc.add_courier(self.store, SYSTEM, code=code, name=f"{code} 快递",
                               number_range=(first, last))
        self._rates(c.id)
        return c.id

    def courier_cainiao(self, code: str, sim: CainiaoSim, sign_method: str = "md5") -> int:
        c, _ = svc.add_courier(self.store, SYSTEM, code=code, name=f"{code} 快递", cainiao=True,
                               endpoint=sim.endpoint, app_key=sim.app_key,
                               app_secret=sim.app_secret, session=sim.session,
                               sign_method=sign_method)
        self._rates(c.id)
        return c.id

    def _rates(self, courier_id: int) -> None:
        with self.store.write() as s:
            cat.upsert_rates(s, courier_id, [cat.RateInput("*", D("5.00"), D("2.00"))])

    def orders(self, n: int, lines: tuple[tuple[str, int], ...] = (("TEA-1", 1),), *,
               name: str = "张三", detail: str = "文三路 1 号") -> list[int]:
        """Ingest *n* paid orders and run the pipeline; returns the order ids."""
        at = datetime.now(UTC) - timedelta(minutes=5)
        pos = []
        for _ in range(n):
            k = next(_seq)
            pls = tuple(PlatformOrderLine(f"L{k}-{i}", qty, D("10.00"), D("10.00") * qty,
                                          f"item-{code}", "", code, f"商品 {code}")
                        for i, (code, qty) in enumerate(lines))
            pos.append(PlatformOrder(
                f"W{k:07d}", "WAIT_SELLER_SEND_GOODS", OrderStatus.NEW, at, at, pls,
                Address(name, f"1380000{k % 10000:04d}", "广东省", "深圳市", "南山区", "",
                        detail), at, f"buyer{k}", "", "", 0, D("100.00"), D("100.00")))
        ids = ingest_orders(self.store, self.shop, pos).order_ids
        pipeline.process_pending(self.store, SYSTEM)
        return [ids[p.platform_order_id] for p in pos]

    def parcels(self, order_id: int) -> list[int]:
        with self.store.read() as s:
            return list(s.scalars(select(ParcelRow.id).where(ParcelRow.order_id == order_id)
                                  .order_by(ParcelRow.seq)))

    def status(self, order_id: int) -> str:
        with self.store.read() as s:
            return str(s.scalar(select(OrderRow.status).where(OrderRow.id == order_id)))


def build(store: Store) -> WbWorld:
    now = utcnow()
    with store.write() as s:
        shop = cat.upsert_shop(s, platform="taobao", name="天猫旗舰店", now=now)
        wh = cat.upsert_warehouse(s, code="HZ", name="杭州仓", province="浙江省").id
        ids = cat.upsert_skus(s, [cat.SkuInput("TEA-1", "龙井茶 250g", 300, D("30.00")),
                                  cat.SkuInput("CUP-1", "玻璃杯", 500, D("10.00"))], now)
        post_moves(s, [Move(wh, ids[c], MoveKind.OPENING, "test", "seed", d_on_hand=100_000)
                       for c in ("TEA-1", "CUP-1")], now)
    return WbWorld(store, shop, wh, dict(ids))


@pytest.fixture
def wb(store: Store) -> WbWorld:
    return build(store)


@pytest.fixture
def swb(sqlite_store: Store) -> WbWorld:
    return build(sqlite_store)


@pytest.fixture
def pwb(pg_store: Store) -> WbWorld:
    return build(pg_store)


@pytest.fixture
def sim() -> Iterator[CainiaoSim]:
    s = CainiaoSim()
    s.start()
    yield s
    s.stop()
