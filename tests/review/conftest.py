"""A seeded shop world for the review screen: two shops, two warehouses, two couriers, SKUs
with stock, review rules that hold some orders, and orders taken in through the real ingest
service and run through the real pipeline, so every status and history row is genuine."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from ecerp_desktop.domain.auth import SYSTEM, Actor, Role, actor_for
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine
from ecerp_desktop.domain.rules import ruleset_from_dict
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import pipeline as pipeline_svc
from ecerp_desktop.services.ingest import ingest_orders
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store.schema import OrderRow
from ecerp_desktop.store.stock import Move, post_moves
from sqlalchemy import select

D = Decimal
_seq = itertools.count(1)
CLERK = actor_for(None, "clerk1", Role.CLERK)
PACKER = actor_for(None, "packer1", Role.PACKER)
FINANCE = actor_for(None, "fin1", Role.FINANCE)  # may view, may not review
ADMIN = SYSTEM

RULES = {"rules": [
    {"id": 1, "name": "big order check", "when": [{"kind": "paid_amount", "min": "5000"}],
     "then": [{"kind": "hold", "detail": "check big orders"}]},
    {"id": 2, "name": "complaint words", "when": [
        {"kind": "buyer_message", "contains": ["投诉"]}],
     "then": [{"kind": "hold", "reason": "buyer_message"}]},
]}


@dataclass
class World:
    store: Store
    shop: int
    shop2: int
    hz: int
    gz: int
    sku: dict[str, int] = field(default_factory=dict)
    couriers: dict[str, int] = field(default_factory=dict)

    def order(self, lines: list[tuple[str, int]], *, shop: int | None = None,
              buyer: str | None = None, name: str = "张三", phone: str | None = None,
              province: str = "广东省", city: str = "深圳市", detail: str = "科技园南路 88 号",
              paid: str = "100.00", message: str = "", paid_at: datetime | None = None,
              order_no: str | None = None, unpaid: bool = False) -> int:
        n = next(_seq)
        pls = [PlatformOrderLine(f"L{n}-{i}", qty, D("10.00"), D(paid) / len(lines),
                                 f"item-{code}", "", code, f"商品 {code}")
               for i, (code, qty) in enumerate(lines)]
        at = paid_at or datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=n)
        po = PlatformOrder(
            order_no or f"T{n:06d}", "WAIT_SELLER_SEND_GOODS",
            OrderStatus.UNPAID if unpaid else OrderStatus.NEW, at, at, tuple(pls),
            Address(name, phone or f"1380000{n:04d}", province, city, "南山区", "", detail),
            None if unpaid else at, buyer or f"buyer{n}", message, "", 0, D(paid), D(paid))
        res = ingest_orders(self.store, shop or self.shop, [po])
        return res.order_ids[po.platform_order_id]

    def status(self, order_id: int) -> str:
        with self.store.read() as s:
            return str(s.scalar(select(OrderRow.status).where(OrderRow.id == order_id)))

    def process(self) -> None:
        pipeline_svc.process_pending(self.store, SYSTEM)


def build_world(store: Store) -> World:
    now = utcnow()
    with store.write() as s:
        shop = cat.upsert_shop(s, platform="taobao", name="天猫旗舰店", now=now)
        shop2 = cat.upsert_shop(s, platform="jd", name="京东店", now=now)
        hz = cat.upsert_warehouse(s, code="HZ", name="杭州仓", province="浙江省").id
        gz = cat.upsert_warehouse(s, code="GZ", name="广州仓", province="广东省").id
        ids = cat.upsert_skus(s, [
            cat.SkuInput("TEA-1", "龙井茶 250g", 300, D("30.00")),
            cat.SkuInput("CUP-1", "玻璃杯", 500, D("10.00")),
            cat.SkuInput("A_B%1", "odd code", 100, D("1.00")),
        ], now)
        zto = cat.upsert_courier(s, code="ZTO", name="中通")
        sf = cat.upsert_courier(s, code="SF", name="顺丰")
        cat.upsert_rates(s, zto, [cat.RateInput("*", D("5.00"), D("2.00"))])
        cat.upsert_rates(s, sf, [cat.RateInput("*", D("12.00"), D("5.00"))])
        post_moves(s, [Move(wh, sid, MoveKind.OPENING, "test", "seed", d_on_hand=100)
                       for wh in (hz, gz) for sid in ids.values()], now)
    pipeline_svc.save_rules(store, SYSTEM, ruleset_from_dict(RULES))
    return World(store, shop, shop2, hz, gz, dict(ids), {"ZTO": zto, "SF": sf})


@pytest.fixture
def world(store: Store) -> World:
    return build_world(store)


@pytest.fixture
def sworld(sqlite_store: Store) -> World:
    return build_world(sqlite_store)


def actor(role: Role) -> Actor:
    return actor_for(None, role.value, role)
