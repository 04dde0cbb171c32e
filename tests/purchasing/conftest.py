"""A purchasing world: two warehouses, a supplier, SKUs with several barcodes, a bundle."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from ecerp_desktop.domain.auth import Actor, Role, actor_for
from ecerp_desktop.domain.purchasing import LineInput
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import purchasing as pur
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import stock as st
from ecerp_desktop.store.stock import BalanceRecord

BUYER = actor_for(None, "buyer", Role.WAREHOUSE)  # purchase + stock edit


@dataclass
class World:
    store: Store
    actor: Actor
    wh: int
    wh2: int
    sku: dict[str, int]

    def po(self, lines: list[tuple[str, int, str]], supplier: str = "SUP1",
           warehouse: str = "HZ", place: bool = True) -> str:
        po = pur.create_po(self.store, self.actor, supplier=supplier, warehouse=warehouse,
                           lines=[LineInput(c, n, Decimal(p)) for c, n, p in lines])
        if place:
            pur.place(self.store, self.actor, po.number)
        return po.number

    def balance(self, code: str, wh: int | None = None) -> BalanceRecord:
        with self.store.read() as s:
            return st.balance(s, wh or self.wh, self.sku[code])

    def ledger_clean(self) -> bool:
        with self.store.read() as s:
            return st.rebuild_from_ledger(s) == []


def build(store: Store) -> World:
    now = utcnow()
    with store.write() as s:
        wh = cat.upsert_warehouse(s, code="HZ", name="杭州仓", province="浙江省")
        wh2 = cat.upsert_warehouse(s, code="GZ", name="广州仓", province="广东省")
        ids = cat.upsert_skus(s, [
            cat.SkuInput("TEA-1", "龙井茶 250g", 300, Decimal("35.00")),
            cat.SkuInput("CUP-1", "玻璃杯", 200, Decimal("8.50")),
            cat.SkuInput("POT-1", "紫砂壶", 900, Decimal("120.00")),
            cat.SkuInput("SET-1", "茶具套装", 1100, Decimal("130.00"), is_bundle=True),
        ], now)
        cat.add_barcodes(s, [("6901234567892", ids["TEA-1"]), ("TEA1-OLD", ids["TEA-1"]),
                             ("6920000000011", ids["CUP-1"]), ("6920000000028", ids["POT-1"]),
                             ("6930000000000", ids["SET-1"])])
        cat.set_bundle(s, ids["SET-1"], [(ids["POT-1"], 1), (ids["CUP-1"], 2)])
    pur.add_supplier(store, BUYER, "SUP1", "杭州茶厂", contact="王经理 13800000000",
                     lead_time_days=5)
    return World(store, BUYER, wh.id, wh2.id, ids)


@pytest.fixture
def world(store: Store) -> World:
    return build(store)


@pytest.fixture(autouse=True)
def _collect_after_qt_test(collect_after_qt_test: None) -> None:
    """See tests/conftest.py: this folder's screens hold widgets in reference cycles."""
