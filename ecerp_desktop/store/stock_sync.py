"""Queries for stock sync to shops: listings with their SKUs' available stock, in bulk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.orm import Session

from ecerp_desktop.domain.stock_sync import ShareSettings
from ecerp_desktop.store.schema import (
    ListingRow,
    OutboxRow,
    ShopRow,
    StockBalanceRow,
    WarehouseRow,
)

_CHUNK = 900  # stays under SQLite's bound-parameter limit
_PLAN_LOCK = 0x65637373  # "ecss": one PostgreSQL advisory lock for stock-sync planning


def lock_planning(s: Session) -> None:
    """Serialise planners for the rest of the transaction, so two of them cannot read the
    same last-pushed quantities and queue pushes whose order differs from their data's.
    (SQLite write transactions are serialised already.)"""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PLAN_LOCK})


@dataclass(frozen=True, slots=True)
class SyncListing:
    listing_id: int
    shop_id: int
    sku_id: int
    platform_item_id: str
    platform_sku_id: str
    share_pct_override: int | None
    last_pushed_qty: int | None


def share_settings(s: Session) -> dict[int, ShareSettings]:
    """The stock-share settings of every active shop."""
    rows = s.execute(select(ShopRow.id, ShopRow.stock_share_pct, ShopRow.stock_safety_buffer,
                            ShopRow.stock_max_shown, ShopRow.stock_zero_below)
                     .where(ShopRow.active.is_(True)))
    return {sid: ShareSettings(pct, buf or 0, mx, zb or 0) for sid, pct, buf, mx, zb in rows}


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    ids = sorted(set(ids))
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def mapped_listings(s: Session, sku_ids: Sequence[int] | None = None) -> list[SyncListing]:
    """Listings mapped to a SKU (all, or those of *sku_ids*), ordered by id."""
    q = select(ListingRow.id, ListingRow.shop_id, ListingRow.sku_id, ListingRow.platform_item_id,
               ListingRow.platform_sku_id, ListingRow.stock_share_pct,
               ListingRow.last_pushed_qty).where(ListingRow.sku_id.is_not(None))
    if sku_ids is None:
        rows = list(s.execute(q.order_by(ListingRow.id)))
    else:
        rows = [r for chunk in _chunks(sku_ids)
                for r in s.execute(q.where(ListingRow.sku_id.in_(chunk)))]
        rows.sort(key=lambda r: r[0])
    return [SyncListing(*r) for r in rows]


def available_by_sku(s: Session, sku_ids: Sequence[int] | None = None) -> dict[int, int]:
    """Available (on hand − reserved) summed over the active warehouses, per SKU. Inactive
    ones (a closed warehouse, the damaged-goods 次品仓 of returns) sell nothing."""
    B = StockBalanceRow
    q = (select(B.sku_id, func.sum(B.on_hand - B.reserved))
         .join(WarehouseRow, WarehouseRow.id == B.warehouse_id)
         .where(WarehouseRow.active.is_(True)).group_by(B.sku_id))
    if sku_ids is None:
        return {sku: int(total or 0) for sku, total in s.execute(q)}
    out: dict[int, int] = {}
    for chunk in _chunks(sku_ids):
        out.update({sku: int(total or 0)
                    for sku, total in s.execute(q.where(B.sku_id.in_(chunk)))})
    return out


def set_last_pushed(s: Session, quantities: Mapping[int, int]) -> None:
    """Record the quantity queued for each listing (listing id → quantity)."""
    if quantities:
        s.execute(update(ListingRow), [{"id": lid, "last_pushed_qty": q}
                                       for lid, q in quantities.items()])


def forget_pushed(s: Session, shop_id: int, items: Sequence[tuple[str, str]]) -> int:
    """Clear the recorded quantity of these listings (platform item id, SKU id) of a shop,
    so the next plan queues them again; returns how many listings were cleared."""
    cleared = 0
    for i in range(0, len(items), _CHUNK // 2):
        chunk = items[i:i + _CHUNK // 2]
        cond = [(ListingRow.platform_item_id == item) & (ListingRow.platform_sku_id == sku)
                for item, sku in chunk]
        res = s.execute(update(ListingRow).where(ListingRow.shop_id == shop_id)
                        .where(or_(*cond)).values(last_pushed_qty=None))
        cleared += int(res.rowcount)  # type: ignore[attr-defined]
    return cleared


def last_outbox_id(s: Session, target: str) -> int:
    """The newest outbox row for *target* (0 when none): a generation for idempotency keys."""
    return int(s.execute(select(func.max(OutboxRow.id)).where(OutboxRow.target == target))
               .scalar() or 0)
