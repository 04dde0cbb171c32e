"""Reading orders for lists and exports: keyset pages of frozen records, lines and open
hold reasons fetched per page in bulk (never one query per order)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecerp_desktop.store.schema import OrderHoldRow, OrderLineRow, OrderRow, ShopRow, SkuRow


@dataclass(frozen=True, slots=True)
class OrderLineView:
    platform_line_id: str
    platform_sku_id: str
    merchant_sku_code: str
    sku: str | None  # our SKU code once mapped
    title: str
    qty: int
    price: Decimal
    refund_state: str


@dataclass(frozen=True, slots=True)
class OrderView:
    id: int
    shop: str
    platform: str
    platform_order_id: str
    status: str
    hold_reasons: tuple[str, ...]
    platform_status: str
    paid_amount: Decimal
    created_at: datetime
    modified_at: datetime
    province: str
    city: str
    district: str
    buyer_nick: str
    receiver_name: str
    receiver_phone: str
    lines: tuple[OrderLineView, ...]


def order_page(s: Session, *, shop_id: int | None = None, status: str | None = None,
               after_id: int = 0, limit: int = 500) -> list[OrderView]:
    """Orders with id > *after_id*, oldest id first (keyset paging)."""
    q = (select(OrderRow.id, ShopRow.name, ShopRow.platform, OrderRow.platform_order_id,
                OrderRow.status, OrderRow.platform_status, OrderRow.paid_amount,
                OrderRow.created_at, OrderRow.modified_at, OrderRow.province, OrderRow.city,
                OrderRow.district, OrderRow.buyer_nick, OrderRow.receiver_name,
                OrderRow.receiver_phone)
         .join(ShopRow, ShopRow.id == OrderRow.shop_id)
         .where(OrderRow.id > after_id).order_by(OrderRow.id).limit(limit))
    if shop_id is not None:
        q = q.where(OrderRow.shop_id == shop_id)
    if status is not None:
        q = q.where(OrderRow.status == status)
    rows = s.execute(q).all()
    if not rows:
        return []
    ids = [r.id for r in rows]
    lines: dict[int, list[OrderLineView]] = {}
    for ln in s.execute(
            select(OrderLineRow.order_id, OrderLineRow.platform_line_id,
                   OrderLineRow.platform_sku_id, OrderLineRow.merchant_sku_code, SkuRow.code,
                   OrderLineRow.title, OrderLineRow.qty, OrderLineRow.price,
                   OrderLineRow.refund_state)
            .outerjoin(SkuRow, SkuRow.id == OrderLineRow.sku_id)
            .where(OrderLineRow.order_id.in_(ids)).order_by(OrderLineRow.id)):
        lines.setdefault(ln.order_id, []).append(OrderLineView(
            ln.platform_line_id, ln.platform_sku_id, ln.merchant_sku_code, ln.code, ln.title,
            ln.qty, ln.price, ln.refund_state))
    holds: dict[int, list[str]] = {}
    for h in s.execute(select(OrderHoldRow.order_id, OrderHoldRow.reason)
                       .where(OrderHoldRow.order_id.in_(ids),
                              OrderHoldRow.released_at.is_(None))
                       .order_by(OrderHoldRow.id)):
        holds.setdefault(h.order_id, []).append(h.reason)
    return [OrderView(r.id, r.name, r.platform, r.platform_order_id, r.status,
                      tuple(holds.get(r.id, ())), r.platform_status, r.paid_amount,
                      r.created_at, r.modified_at, r.province, r.city, r.district,
                      r.buyer_nick, r.receiver_name, r.receiver_phone,
                      tuple(lines.get(r.id, ()))) for r in rows]
