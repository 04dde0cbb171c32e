"""Helpers for the stock sync tests: SKUs, a warehouse, listings and stock in bulk."""

from __future__ import annotations

from collections.abc import Sequence

from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import catalog
from ecerp_desktop.store import Store
from ecerp_desktop.store.schema import ListingRow, SkuRow
from ecerp_desktop.store.stock import Move, post_moves
from sqlalchemy import insert, select, update


def make_skus(store: Store, codes: Sequence[str]) -> dict[str, int]:
    now = utcnow()
    with store.write() as s:
        s.execute(insert(SkuRow), [{"code": c, "name": c, "created_at": now,
                                    "updated_at": now} for c in codes])
        rows = s.execute(select(SkuRow.code, SkuRow.id).where(SkuRow.code.in_(codes)))
        return {code: sid for code, sid in rows}


def make_warehouse(store: Store, name: str = "主仓") -> int:
    wh, _ = catalog.add_warehouse(store, SYSTEM, name)
    return wh.id


def add_listings(store: Store, shop_id: int, rows: Sequence[tuple[str, str, int]],
                 override: dict[int, int] | None = None) -> dict[int, int]:
    """(item id, sku id, our sku id) rows → {our sku id: listing id}."""
    with store.write() as s:
        s.execute(insert(ListingRow), [
            {"shop_id": shop_id, "platform_item_id": item, "platform_sku_id": sku,
             "sku_id": sku_id, "stock_share_pct": (override or {}).get(sku_id)}
            for item, sku, sku_id in rows])
        rows = s.execute(select(ListingRow.sku_id, ListingRow.id)
                         .where(ListingRow.shop_id == shop_id))
        return {sku: lid for sku, lid in rows}


def receive(store: Store, wh: int, qty_by_sku: dict[int, int], doc: str = "R1") -> None:
    with store.write() as s:
        post_moves(s, [Move(wh, sku, MoveKind.RECEIPT, "receipt", doc, d_on_hand=q)
                       for sku, q in qty_by_sku.items()], utcnow())


def reserve(store: Store, wh: int, sku: int, qty: int) -> None:
    with store.write() as s:
        post_moves(s, [Move(wh, sku, MoveKind.RESERVE, "order", "O1", d_reserved=qty)],
                   utcnow())


def set_shop_share(store: Store, shop_id: int, **values: object) -> None:
    from ecerp_desktop.store.schema import ShopRow
    with store.write() as s:
        s.execute(update(ShopRow).where(ShopRow.id == shop_id).values(**values))
