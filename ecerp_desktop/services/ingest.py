"""Taking orders in: one transaction per batch, exactly once per (shop, platform order id)."""

from __future__ import annotations

from collections.abc import Sequence

from ecerp_desktop.domain.platform_order import PlatformOrder
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import orders as order_store
from ecerp_desktop.store.orders import UpsertResult


def ingest_orders(store: Store, shop_id: int, orders: Sequence[PlatformOrder],
                  actor: str = "sync") -> UpsertResult:
    """Store a batch of one shop's orders. Any thread but the GUI thread."""
    with store.write() as s:
        return order_store.upsert_orders(s, shop_id, orders, utcnow(), actor)
