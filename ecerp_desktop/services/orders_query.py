"""Listing orders for the command line and exports, buyer data masked unless the actor may
see it (RELIABILITY rule 9). Any thread but the GUI thread."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ecerp_desktop.domain.auth import SYSTEM, Actor, Permission, mask_phone, mask_text
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.domain.timeutil import iso
from ecerp_desktop.store import Store
from ecerp_desktop.store import orders_query as q
from ecerp_desktop.store import shops as shop_store
from ecerp_desktop.store.orders_query import OrderView

PAGE = 1000


def iter_orders(store: Store, *, shop: str | None = None, status: str | None = None,
                actor: Actor = SYSTEM, reveal: bool = False) -> Iterator[OrderView]:
    """Every matching order, page by page (bounded memory). Buyer name and phone are masked
    unless *reveal* is asked for by an actor allowed to see them."""
    if reveal:
        actor.require(Permission.PII_VIEW)
    if status is not None:
        try:
            status = OrderStatus(status.lower()).value
        except ValueError as exc:
            raise DomainError(ErrorCode.NOT_FOUND, what="order status", key=status) from exc
    shop_id = None
    if shop is not None:
        with store.read() as s:
            rec = shop_store.by_name(s, shop)
        if rec is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="shop", key=shop)
        shop_id = rec.id
    after = 0
    while True:
        with store.read() as s:
            page = q.order_page(s, shop_id=shop_id, status=status, after_id=after, limit=PAGE)
        for o in page:
            yield o if reveal else masked(o)
        if len(page) < PAGE:
            return
        after = page[-1].id


def list_orders(store: Store, **kw: Any) -> list[OrderView]:
    return list(iter_orders(store, **kw))


def masked(o: OrderView) -> OrderView:
    return replace(o, receiver_name=mask_text(o.receiver_name),
                   receiver_phone=mask_phone(o.receiver_phone),
                   buyer_nick=mask_text(o.buyer_nick))


def as_json(o: OrderView) -> dict[str, Any]:
    """The documented JSON shape of ``ecerp orders list --json``."""
    return {
        "id": o.id, "shop": o.shop, "platform": o.platform,
        "platform_order_id": o.platform_order_id, "status": o.status.lower(),
        "hold_reasons": list(o.hold_reasons), "platform_status": o.platform_status,
        "paid_amount": f"{o.paid_amount:.2f}", "created_at": iso(o.created_at),
        "modified_at": iso(o.modified_at),
        "lines": [{"platform_sku_id": ln.platform_sku_id,
                   "merchant_sku_code": ln.merchant_sku_code, "sku": ln.sku, "qty": ln.qty,
                   "price": f"{ln.price:.2f}", "refund_state": ln.refund_state}
                  for ln in o.lines],
        "province": o.province, "city": o.city, "district": o.district,
        "buyer_nick": o.buyer_nick, "receiver_name": o.receiver_name,
        "receiver_phone": o.receiver_phone,
    }
