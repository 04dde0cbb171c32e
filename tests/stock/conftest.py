"""A warehouse and a few SKUs to move stock of."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat


@dataclass(frozen=True)
class Stocked:
    store: Store
    warehouse_id: int
    other_warehouse_id: int
    sku_ids: list[int]


@pytest.fixture
def stocked(store: Store) -> Stocked:
    with store.write() as s:
        wh = cat.upsert_warehouse(s, code="HZ", name="杭州仓", province="浙江省")
        wh2 = cat.upsert_warehouse(s, code="GZ", name="广州仓", province="广东省")
        ids = cat.upsert_skus(s, [cat.SkuInput(f"SKU-{i}", f"商品{i}", 100, Decimal("9.90"))
                                  for i in range(3)], utcnow())
    return Stocked(store, wh.id, wh2.id, [ids[f"SKU-{i}"] for i in range(3)])
