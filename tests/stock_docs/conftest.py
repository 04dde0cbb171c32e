"""A small two-warehouse world for stock documents: the packing tests' warehouse (SKUs,
barcodes, a bundle, a courier, 50 of each SKU in 杭州仓) plus 上海仓, and orders taken in,
approved, numbered and shipped through the real services and packing station store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from ecerp_desktop.domain.auth import SYSTEM, Role, actor_for
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import waybills
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import packing as pk
from ecerp_desktop.store import stock as st

from packing.conftest import PackWorld, build

KEEPER = actor_for(None, "keeper", Role.WAREHOUSE)


@dataclass
class Shipped:
    order_id: int
    parcel_id: int
    platform_order_id: str
    waybill: str


@dataclass
class DocWorld:
    pack: PackWorld
    sh: int  # 上海仓

    @property
    def store(self) -> Store:
        return self.pack.store

    @property
    def hz(self) -> int:
        return self.pack.wh

    def sku(self, code: str) -> int:
        return self.pack.sku[code]

    def bal(self, wh: int, code: str) -> tuple[int, int, int]:
        """(on hand, reserved, in transit)."""
        with self.store.read() as s:
            b = st.balance(s, wh, self.sku(code))
        return b.on_hand, b.reserved, b.in_transit

    def ship_order(self, lines: list[tuple[str, int]]) -> Shipped:
        """An order taken in, approved into a parcel, numbered, packed and shipped."""
        oid, pid, poid = self.pack.order(lines)
        return Shipped(oid, pid, poid, self.ship_parcel(pid))

    def ship_parcel(self, pid: int) -> str:
        """Number, claim and ship parcel *pid* at station S1; its waybill number."""
        waybills.assign_waybills(self.store, SYSTEM, [pid])
        wb = waybills.waybill_for(self.store, pid)
        assert wb is not None
        now = utcnow()
        with self.store.write() as s:
            assert pk.claim(s, pid, "S1").ok
            pk.ship(s, pk.ShipRequest(pid, "S1", None, now - timedelta(seconds=30), 1, 0,
                                      None, "packer1"), now)
        return wb.number

    def ledger_ok(self) -> None:
        with self.store.read() as s:
            assert st.rebuild_from_ledger(s) == []


def build_docs(store: Store) -> DocWorld:
    pack = build(store)
    with store.write() as s:
        sh = cat.upsert_warehouse(s, code="SH", name="上海仓", province="上海").id
    return DocWorld(pack, sh)


@pytest.fixture
def world(store: Store) -> DocWorld:
    return build_docs(store)


@pytest.fixture(autouse=True)
def _collect_after_qt_test(collect_after_qt_test: None) -> None:
    """See tests/conftest.py: this folder's screens hold widgets in reference cycles."""
