"""A warehouse with a few SKUs (each with an EAN barcode and a cost) and some stock in it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from ecerp_desktop.domain.auth import Role, actor_for
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import stock as st

KEEPER = actor_for(None, "wang", Role.WAREHOUSE)
COUNTER = actor_for(None, "zhao", Role.WAREHOUSE)
CLERK = actor_for(None, "li", Role.CLERK)

# code → (barcode, cost, on hand at the start)
GOODS = {
    "TEA-1": ("6901234567892", Decimal("12.50"), 10),
    "TEA-2": ("6901234567908", Decimal("30.00"), 5),
    "CUP-1": ("6901234567915", Decimal("8.80"), 0),
    "POT-1": ("6901234567922", Decimal("99.00"), 3),
}


@dataclass(frozen=True)
class World:
    store: Store
    warehouse_id: int
    other_warehouse_id: int
    sku: dict[str, int]

    def barcode(self, code: str) -> str:
        return GOODS[code][0]

    def on_hand(self, code: str, warehouse_id: int | None = None) -> tuple[int, int]:
        with self.store.read() as s:
            b = st.balance(s, warehouse_id or self.warehouse_id, self.sku[code])
        return b.on_hand, b.reserved

    def move(self, code: str, kind: MoveKind, d_on_hand: int, doc: str = "x") -> None:
        with self.store.write() as s:
            st.post_moves(s, [st.Move(self.warehouse_id, self.sku[code], kind, "test", doc,
                                      d_on_hand=d_on_hand)], utcnow())

    def reserve(self, code: str, qty: int) -> None:
        with self.store.write() as s:
            assert st.reserve(s, self.warehouse_id, self.sku[code], qty, doc_type="order",
                              doc_id="o1", now=utcnow())

    def ship(self, code: str, qty: int) -> None:
        with self.store.write() as s:
            assert st.ship(s, self.warehouse_id, self.sku[code], qty, doc_type="order",
                           doc_id="o1", now=utcnow())


def make_world(store: Store) -> World:
    now = utcnow()
    with store.write() as s:
        wh = cat.upsert_warehouse(s, code="HZ", name="杭州仓", province="浙江省")
        wh2 = cat.upsert_warehouse(s, code="GZ", name="广州仓", province="广东省")
        ids = cat.upsert_skus(s, [cat.SkuInput(code, f"商品 {code}", 100, cost)
                                  for code, (_b, cost, _q) in GOODS.items()], now)
        cat.add_barcodes(s, [(b, ids[code]) for code, (b, _c, _q) in GOODS.items()])
        st.post_moves(s, [st.Move(wh.id, ids[code], MoveKind.OPENING, "opening", "1",
                                  d_on_hand=q) for code, (_b, _c, q) in GOODS.items() if q],
                      now)
        st.post_moves(s, [st.Move(wh2.id, ids["TEA-1"], MoveKind.OPENING, "opening", "1",
                                  d_on_hand=7)], now)
    return World(store, wh.id, wh2.id, ids)


@pytest.fixture
def world(store: Store) -> World:
    return make_world(store)


@pytest.fixture(autouse=True)
def _collect_after_qt_test(collect_after_qt_test: None) -> None:
    """See tests/conftest.py: this folder's screens hold widgets in reference cycles."""
