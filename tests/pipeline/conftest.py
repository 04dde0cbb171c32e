"""A small shop world for the pipeline: two shops, two warehouses (Hangzhou, Guangzhou),
SKUs with weights, a bundle, a gift SKU, two couriers with rate tables, stock; and a
helper that takes orders in through the real ingest service."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services.ingest import ingest_orders
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store.schema import (
    OrderHistoryRow,
    OrderHoldRow,
    OrderLineRow,
    OrderRow,
    ParcelLineRow,
    ParcelRow,
    StockBalanceRow,
)
from ecerp_desktop.store.stock import Move, post_moves
from sqlalchemy import select

D = Decimal
_seq = itertools.count(1)


@dataclass
class World:
    store: Store
    shop: int
    shop2: int
    hz: int
    gz: int
    sku: dict[str, int] = field(default_factory=dict)
    couriers: dict[str, int] = field(default_factory=dict)

    def stock(self, wh: int, code: str, qty: int) -> None:
        """Set on hand of *code* in *wh* to at least *qty* (adds the difference)."""
        with self.store.write() as s:
            post_moves(s, [Move(wh, self.sku[code], MoveKind.OPENING, "test", "seed",
                                d_on_hand=qty)], utcnow())

    def balance(self, wh: int, code: str) -> tuple[int, int]:
        with self.store.read() as s:
            r = s.execute(select(StockBalanceRow.on_hand, StockBalanceRow.reserved).where(
                StockBalanceRow.warehouse_id == wh,
                StockBalanceRow.sku_id == self.sku[code])).first()
        return (0, 0) if r is None else (r[0], r[1])

    def order(self, lines: list[tuple[str, int] | PlatformOrderLine], *, shop: int | None = None,
              buyer: str | None = None, phone: str | None = None, province: str = "广东省",
              city: str = "深圳市", district: str = "南山区", detail: str = "科技园南路 88 号",
              paid: str = "100.00", message: str = "", memo: str = "", flag: int = 0,
              cod: bool = False, presale: bool = False,
              paid_at: datetime | None = None) -> int:
        """Take one paid order in; *lines* are (merchant code, qty) pairs. Returns its id."""
        n = next(_seq)
        pls = []
        for i, ln in enumerate(lines):
            if isinstance(ln, PlatformOrderLine):
                pls.append(ln)
            else:
                code, qty = ln
                pls.append(PlatformOrderLine(f"L{n}-{i}", qty, D("10.00"),
                                             D(paid) / len(lines), f"item-{code}", "",
                                             code, f"商品 {code}"))
        at = paid_at or datetime.now(UTC) - timedelta(minutes=5)
        po = PlatformOrder(
            f"T{n}", "WAIT_SELLER_SEND_GOODS", OrderStatus.NEW, at, at, tuple(pls),
            Address("张三", phone or f"1380000{n:04d}", province, city, district, "",
                    detail), at, buyer or f"buyer{n}", message, memo, flag, D(paid), D(paid),
            is_cod=cod, is_presale=presale)
        res = ingest_orders(self.store, shop or self.shop, [po])
        return res.order_ids[po.platform_order_id]

    def status(self, order_id: int) -> str:
        with self.store.read() as s:
            return str(s.scalar(select(OrderRow.status).where(OrderRow.id == order_id)))

    def holds(self, order_id: int, open_only: bool = True) -> list[tuple[str, str]]:
        with self.store.read() as s:
            q = select(OrderHoldRow.reason, OrderHoldRow.detail).where(
                OrderHoldRow.order_id == order_id)
            if open_only:
                q = q.where(OrderHoldRow.released_at.is_(None))
            return [(a, b) for a, b in s.execute(q)]

    def parcels(self, order_id: int) -> list[tuple[int, str, int | None, int | None,
                                                   list[tuple[int, int, int]]]]:
        """(parcel id, status, warehouse, courier, [(line id, sku id, qty)]) led by order."""
        with self.store.read() as s:
            out = []
            for p in s.execute(select(ParcelRow).where(ParcelRow.order_id == order_id)
                               .order_by(ParcelRow.seq)).scalars():
                lines = [(a, b, c) for a, b, c in s.execute(
                    select(ParcelLineRow.order_line_id, ParcelLineRow.sku_id,
                           ParcelLineRow.qty).where(ParcelLineRow.parcel_id == p.id))]
                out.append((p.id, p.status, p.warehouse_id, p.courier_id, lines))
            return out

    def lines(self, order_id: int) -> list[SimpleNamespace]:
        with self.store.read() as s:
            return [_plain(r) for r in s.scalars(select(OrderLineRow).where(
                OrderLineRow.order_id == order_id).order_by(OrderLineRow.id))]

    def history(self, order_id: int) -> list[SimpleNamespace]:
        with self.store.read() as s:
            return [_plain(r) for r in s.scalars(select(OrderHistoryRow).where(
                OrderHistoryRow.order_id == order_id).order_by(OrderHistoryRow.id))]

    def order_row(self, order_id: int) -> SimpleNamespace:
        with self.store.read() as s:
            row = s.get(OrderRow, order_id)
            assert row is not None
            return _plain(row)


def _plain(row: object) -> SimpleNamespace:
    """A detached copy of an ORM row's columns (the read session is closed after use)."""
    table = row.__table__  # type: ignore[attr-defined]
    return SimpleNamespace(**{c.key: getattr(row, c.key) for c in table.columns})


def build_world(store: Store, stock: bool = True) -> World:
    now = utcnow()
    with store.write() as s:
        shop = cat.upsert_shop(s, platform="taobao", name="天猫旗舰店", now=now)
        shop2 = cat.upsert_shop(s, platform="jd", name="京东店", now=now)
        hz = cat.upsert_warehouse(s, code="HZ", name="杭州仓", province="浙江省").id
        gz = cat.upsert_warehouse(s, code="GZ", name="广州仓", province="广东省").id
        ids = cat.upsert_skus(s, [
            cat.SkuInput("TEA-1", "龙井茶 250g", 300, D("30.00"), ("6901234567892",)),
            cat.SkuInput("CUP-1", "玻璃杯", 500, D("10.00")),
            cat.SkuInput("POT-1", "茶壶", 1200, D("50.00")),
            cat.SkuInput("SET-1", "茶具组合装", 0, D("0"), is_bundle=True),
            cat.SkuInput("GIFT-1", "试用装", 50, D("1.00"), is_gift=True),
        ], now)
        cat.add_barcodes(s, [("6901234567892", ids["TEA-1"])])
        cat.set_bundle(s, ids["SET-1"], [(ids["POT-1"], 1), (ids["CUP-1"], 2)])
        zto = cat.upsert_courier(s, code="ZTO", name="中通")
        sf = cat.upsert_courier(s, code="SF", name="顺丰")
        cat.upsert_rates(s, zto, [cat.RateInput("*", D("5.00"), D("2.00")),
                                  cat.RateInput("新疆", D("20.00"), D("10.00"))])
        cat.upsert_rates(s, sf, [cat.RateInput("*", D("12.00"), D("5.00")),
                                 cat.RateInput("西藏", D("0"), D("0"), excluded=True)])
    w = World(store, shop, shop2, hz, gz, dict(ids), {"ZTO": zto, "SF": sf})
    if stock:
        for code in ("TEA-1", "CUP-1", "POT-1", "GIFT-1"):
            w.stock(hz, code, 100)
            w.stock(gz, code, 100)
    return w


@pytest.fixture
def world(store: Store) -> World:
    return build_world(store)


@pytest.fixture
def sworld(sqlite_store: Store) -> World:
    """SQLite only: for property tests and the slower edge cases."""
    return build_world(sqlite_store)
