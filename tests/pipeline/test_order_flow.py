"""After every pull: a refund or a platform close that reaches an order holding stock is
intercepted (stock back, nothing left to pack), then new orders go through the pipeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import PlatformOrder
from ecerp_desktop.services import order_flow
from ecerp_desktop.services.ingest import ingest_orders
from ecerp_desktop.store.schema import OrderRow
from sqlalchemy import select

from .conftest import World


def _platform_copy(world: World, order_id: int) -> PlatformOrder:
    """The order as the platform would send it again, rebuilt from what we stored."""
    from ecerp_desktop.domain.platform_order import Address, PlatformOrderLine

    row = world.order_row(order_id)
    lines = tuple(PlatformOrderLine(ln.platform_line_id, ln.qty, ln.price, ln.paid_amount,
                                    ln.platform_item_id, ln.platform_sku_id,
                                    ln.merchant_sku_code, ln.title)
                  for ln in world.lines(order_id) if not ln.is_gift and ln.bundle_line_id is None
                  and ln.platform_line_id and not ln.platform_line_id.startswith("gift"))
    return PlatformOrder(row.platform_order_id, "WAIT_SELLER_SEND_GOODS", OrderStatus.NEW,
                         row.created_at, row.modified_at, lines,
                         Address(row.receiver_name, row.receiver_phone, row.province, row.city,
                                 row.district, "", row.address_detail),
                         row.paid_at, row.buyer_nick, paid_amount=row.paid_amount)


def test_new_orders_are_processed_after_a_pull(world: World) -> None:
    a = world.order([("TEA-1", 2)])
    result = order_flow.after_pull(world.store)
    assert result.processed == 1 and result.approved == 1
    assert world.status(a) == "approved"
    assert sum(world.balance(w, "TEA-1")[1] for w in (world.hz, world.gz)) == 2


def test_a_refund_request_intercepts_an_approved_order(world: World) -> None:
    a = world.order([("TEA-1", 2)])
    order_flow.after_pull(world.store)
    copy = _platform_copy(world, a)
    refunded = replace(copy, modified_at=copy.modified_at + timedelta(minutes=1),
                       lines=tuple(replace(ln, refund_state=RefundState.REQUESTED)
                                   for ln in copy.lines))
    ingest_orders(world.store, world.shop, [refunded])
    assert world.status(a) == "approved"  # the pull itself only records the refund
    result = order_flow.after_pull(world.store)
    assert result.intercepted == 1
    assert world.status(a) == "intercepted"
    assert sum(world.balance(w, "TEA-1")[1] for w in (world.hz, world.gz)) == 0
    assert [p[1] for p in world.parcels(a)] == ["intercepted"]
    assert order_flow.after_pull(world.store).intercepted == 0  # once only


def test_a_platform_close_intercepts_instead_of_dropping_the_reservation(world: World) -> None:
    a = world.order([("TEA-1", 3)])
    order_flow.after_pull(world.store)
    copy = _platform_copy(world, a)
    closed = replace(copy, status=OrderStatus.CANCELLED, platform_status="TRADE_CLOSED",
                     modified_at=copy.modified_at + timedelta(minutes=1))
    ingest_orders(world.store, world.shop, [closed])
    with world.store.read() as s:
        assert s.scalar(select(OrderRow.platform_status).where(OrderRow.id == a)) \
            == "TRADE_CLOSED"
    assert world.status(a) == "approved"
    assert sum(world.balance(w, "TEA-1")[1] for w in (world.hz, world.gz)) == 3
    order_flow.after_pull(world.store)
    assert world.status(a) == "intercepted"
    assert sum(world.balance(w, "TEA-1")[1] for w in (world.hz, world.gz)) == 0
    assert "platform_closed" in [h.action for h in world.history(a)]


def test_a_close_before_review_just_cancels(world: World) -> None:
    a = world.order([("TEA-1", 1)])
    copy = _platform_copy(world, a)
    ingest_orders(world.store, world.shop, [replace(
        copy, status=OrderStatus.CANCELLED, platform_status="TRADE_CLOSED",
        modified_at=copy.modified_at + timedelta(minutes=1))])
    assert world.status(a) == "cancelled"
    assert order_flow.after_pull(world.store).processed == 0
