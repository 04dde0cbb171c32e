"""Stock sync to shops (按比例同步): queue stock pushes for listings whose quantity changed.

Call :func:`plan_and_enqueue` after stock changes (a receipt, a reservation, an adjustment,
the orders pulled by a sync run). It computes every affected listing's quantity
(:mod:`ecerp_desktop.domain.stock_sync`), and for each shop queues "stock" outbox rows for
the listings whose quantity differs from the one last queued, in the same transaction that
records the new quantities — so a change is pushed once, repeated calls with no change queue
nothing, and the relay delivers the pushes in order through the connector's ``push_stock``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from ecerp_desktop.connectors.base import StockQuantity
from ecerp_desktop.domain.stock_sync import ListingStock, plan_quantities
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import stock_sync as q
from ecerp_desktop.store import sync as sync_store
from ecerp_desktop.store.sync import OutboxRecord
from ecerp_desktop.sync.outbox import STOCK, shop_target, stock_payload

BATCH = 500  # listings per outbox row; the connector splits further per platform limits


def _key(shop_id: int, generation: int, batch: list[tuple[int, int]], prefix: str) -> str:
    # The key carries the quantities (a repeat with the same numbers is a no-op) and the
    # shop's newest outbox id, so going back to an earlier quantity is a new push.
    digest = hashlib.sha256(";".join(f"{lid}:{n}" for lid, n in batch).encode()).hexdigest()
    return f"{prefix}:{shop_id}:{generation}:{digest[:40]}"


def forget_parked_push(s: Any, entry: OutboxRecord) -> None:
    """A stock push was parked (it will not reach the shop by itself): its listings' recorded
    quantities are cleared in the same transaction, so the next plan queues them again
    instead of believing the shop shows them."""
    if entry.kind != STOCK or not entry.target.startswith("shop:"):
        return
    items = [(str(x.get("platform_item_id", "")), str(x.get("platform_sku_id", "")))
             for x in entry.payload.get("quantities", ()) if isinstance(x, dict)]
    if items:
        q.forget_pushed(s, int(entry.target.split(":", 1)[1]), items)


def plan_and_enqueue(store: Store, only_sku_ids: Sequence[int] | None = None, *,
                     full: bool = False) -> int:
    """Queue pushes for listings (of *only_sku_ids*, or all) whose quantity changed.

    With *full*, queue every listing's quantity whatever was queued before (to repair a
    shop after a parked push or a change made on the platform's side).
    Returns how many listings were queued."""
    now = utcnow()
    queued = 0
    with store.write() as s:
        q.lock_planning(s)
        shops = q.share_settings(s)
        listings = q.mapped_listings(s, only_sku_ids)
        if not listings:
            return 0
        available = q.available_by_sku(s, None if only_sku_ids is None
                                       else sorted({ls.sku_id for ls in listings}))
        plan = plan_quantities(available, [
            ListingStock(ls.listing_id, ls.shop_id, ls.sku_id, ls.share_pct_override)
            for ls in listings], shops)
        changed: dict[int, list] = defaultdict(list)
        for ls in listings:
            n = plan.get(ls.listing_id)
            if n is not None and (full or n != ls.last_pushed_qty):
                changed[ls.shop_id].append((ls, n))
        recorded: dict[int, int] = {}
        for shop_id, items in sorted(changed.items()):
            target = shop_target(shop_id)
            generation = q.last_outbox_id(s, target)
            for i in range(0, len(items), BATCH):
                chunk = items[i:i + BATCH]
                payload = stock_payload([StockQuantity(ls.platform_item_id, ls.platform_sku_id,
                                                       n) for ls, n in chunk])
                key = _key(shop_id, generation, [(ls.listing_id, n) for ls, n in chunk],
                           "stockfull" if full else "stock")
                if sync_store.enqueue(s, STOCK, target, key, payload, now=now):
                    recorded.update({ls.listing_id: n for ls, n in chunk})
                    queued += len(chunk)
        q.set_last_pushed(s, recorded)
    return queued
