"""The simulators' order generator and book: what the demo, the tests and the sync benchmark
rely on (seeded, mapped to our SKU codes, realistic changes over time, fast window queries)."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.sim import fakedata
from ecerp_desktop.sim.generator import OrderBook, OrderGenerator

END = datetime(2026, 11, 11, 16, 0, tzinfo=UTC)


def test_same_seed_same_orders_and_codes_are_ours() -> None:
    codes = [f"A{i:03d}" for i in range(30)]
    a = OrderGenerator(seed=9, sku_codes=codes, bundle_codes=["BUNDLE-1", "BUNDLE-2"])
    b = OrderGenerator(seed=9, sku_codes=codes, bundle_codes=["BUNDLE-1", "BUNDLE-2"])
    one = [a.new_order(END - timedelta(minutes=i)) for i in range(300)]
    two = [b.new_order(END - timedelta(minutes=i)) for i in range(300)]
    assert one == two
    used = {ln.merchant_sku_code for o in one for ln in o.lines}
    assert used <= {*codes, "BUNDLE-1", "BUNDLE-2"}
    assert {"BUNDLE-1", "BUNDLE-2"} & used  # bundles are sold too
    assert max(len(o.lines) for o in one) == 3 and min(len(o.lines) for o in one) == 1
    assert any(o.buyer_message for o in one)
    assert {o.address.province for o in one} & fakedata.REMOTE_PROVINCES
    for o in one:  # money adds up exactly, in Decimal
        assert o.paid_amount == o.total_amount - o.discount_amount + o.post_fee
        assert sum(ln.paid_amount for ln in o.lines) == o.total_amount - o.discount_amount
        assert o.created_at <= o.modified_at and (o.paid_at is None or o.paid_at <= o.modified_at)


def test_follow_ups_pay_close_refund_after_payment_and_edit_memos() -> None:
    gen = OrderGenerator(seed=3, unpaid_rate=0.5)
    seen: set[str] = set()
    for i in range(400):
        order = gen.new_order(END)
        later = gen.follow_up(order, END + timedelta(minutes=i + 1))
        if later is None:
            continue
        assert later.modified_at > order.modified_at
        if order.status == OrderStatus.UNPAID:
            assert later.status in (OrderStatus.NEW, OrderStatus.CANCELLED)
            seen.add(later.status.value)
        elif any(ln.refund_state == RefundState.REQUESTED for ln in later.lines):
            assert order.paid_at is not None  # refunds only ever follow a payment
            seen.add("refund")
        elif later.seller_memo:
            seen.add("memo")
    assert seen == {"new", "cancelled", "refund", "memo"}


def test_book_serves_windows_newest_first_with_current_versions_only() -> None:
    book = OrderBook(OrderGenerator(seed=1))
    orders = book.pregenerate(2000, END - timedelta(hours=10), END, follow_up_rate=0.5)
    assert len(book) == 2000
    changed = [o for o in orders if o.modified_at - o.created_at > timedelta(minutes=6)]
    assert changed  # some orders were modified again later
    window = book.modified_between(END - timedelta(hours=2), END - timedelta(hours=1, minutes=30))
    assert window == sorted(window, key=lambda o: o.modified_at, reverse=True)
    stamps = [o.modified_at for o in window]
    assert all(END - timedelta(hours=2) <= t <= END - timedelta(hours=1, minutes=30)
               for t in stamps)
    # a new version moves the order out of its old window into the new one
    victim = window[0]
    book.change(victim.platform_order_id, lambda o: replace(o, modified_at=END))
    again = book.modified_between(END - timedelta(hours=2), END - timedelta(hours=1, minutes=30))
    assert victim.platform_order_id not in {o.platform_order_id for o in again}
    assert victim.platform_order_id in {
        o.platform_order_id for o in book.modified_between(END, END)}


def test_pregenerating_many_orders_is_fast() -> None:
    book = OrderBook(OrderGenerator(seed=2))
    started = time.perf_counter()
    book.pregenerate(10_000, END - timedelta(days=2), END)
    assert time.perf_counter() - started < 10  # ~1 s on an idle 2-core machine
    started = time.perf_counter()
    for h in range(48):
        book.modified_between(END - timedelta(hours=h + 1), END - timedelta(hours=h))
    assert time.perf_counter() - started < 1


def test_feed_adds_orders_at_the_requested_rate() -> None:
    book = OrderBook(OrderGenerator(seed=4))
    book.start_feed(orders_per_minute=3000)  # one every 20 ms
    try:
        time.sleep(0.5)
    finally:
        book.stop_feed()
    n = len(book)
    assert 5 <= n <= 30
    time.sleep(0.1)
    assert len(book) == n  # stopped means stopped
