"""The WooCommerce connector against the WooCommerce simulator, over real loopback HTTP."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from ecerp_desktop.connectors.base import (
    AuthFailed,
    ConnectorError,
    RateLimited,
    Shipment,
    StockQuantity,
)
from ecerp_desktop.connectors.woocommerce import (
    WooCommerceConnector,
    order_from_wire,
    parse_shipment_notes,
)
from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import PlatformOrder
from ecerp_desktop.sim.woocommerce import WooCommerceSim

END = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
START = END - timedelta(days=2)
KEY, SECRET = "ck_test_key", "cs_test_secret"


def _sim(n: int = 0, *, faults: str | None = None, auth: str = "oauth1",
         seed: int = 1) -> WooCommerceSim:
    sim = WooCommerceSim(consumer_key=KEY, consumer_secret=SECRET, auth=auth, seed=seed,
                         faults=faults)
    if n:
        sim.book.pregenerate(n, START, END - timedelta(seconds=1), follow_up_rate=0.4)
    return sim.start()  # type: ignore[return-value]


@pytest.fixture(scope="module")
def big() -> Iterator[WooCommerceSim]:
    sim = _sim(3000)
    yield sim
    sim.stop()


@pytest.fixture
def small() -> Iterator[WooCommerceSim]:
    sim = _sim(250, seed=7)
    yield sim
    sim.stop()


def _connector(sim: WooCommerceSim, **kw: object) -> WooCommerceConnector:
    return WooCommerceConnector(sim.url, KEY, SECRET, **kw)  # type: ignore[arg-type]


def _pull(conn: WooCommerceConnector, start: datetime = START, end: datetime = END):
    orders: list[PlatformOrder] = []
    bad = []
    for page in conn.pull_orders(start, end):
        orders.extend(page.orders)
        bad.extend(page.bad)
    return orders, bad


def _expected_status(o: PlatformOrder) -> OrderStatus:
    return {OrderStatus.SHIPPED: OrderStatus.DONE}.get(o.status, o.status)


def test_full_pull_every_order_exactly_once_and_faithful(big: WooCommerceSim) -> None:
    conn = _connector(big)
    t0 = time.perf_counter()
    orders, bad = _pull(conn)
    elapsed = time.perf_counter() - t0
    assert bad == []
    ids = Counter(o.platform_order_id for o in orders)
    assert len(ids) == 3000 and max(ids.values()) == 1
    assert set(ids) == {o.platform_order_id for o in big.book.all()}
    assert conn.http.requests_sent >= 31  # 30 pages of 100, plus the count
    refunded_seen = 0
    for got in orders:
        want = big.book.get(got.platform_order_id)
        assert want is not None
        assert got.status == _expected_status(want)
        assert got.created_at == want.created_at and got.created_at.tzinfo is UTC
        assert got.modified_at == want.modified_at
        assert got.paid_at == want.paid_at
        assert isinstance(got.paid_amount, Decimal) and isinstance(got.lines[0].price, Decimal)
        assert got.total_amount == want.paid_amount
        assert got.post_fee == want.post_fee and got.discount_amount == want.discount_amount
        assert got.buyer_message == want.buyer_message
        a, w = got.address, want.address
        assert (a.name, a.phone, a.province, a.city, a.town, a.detail, a.zip_code) == \
               (w.name, w.phone, w.province, w.city, w.town, w.detail, w.zip_code)
        assert a.district == ("" if w.district == w.city else w.district)
        assert [(ln.merchant_sku_code, ln.qty, ln.price, ln.paid_amount, ln.platform_sku_id)
                for ln in got.lines] == \
               [(ln.merchant_sku_code, ln.qty, ln.price, ln.paid_amount, ln.platform_sku_id)
                for ln in want.lines]
        for g, w2 in zip(got.lines, want.lines, strict=True):
            expect = RefundState.REFUNDED if w2.refund_state == RefundState.REFUNDED \
                else RefundState.NONE
            assert g.refund_state == expect
            refunded_seen += expect == RefundState.REFUNDED
    assert refunded_seen > 0  # the refund lookups were exercised
    assert elapsed < 30


def test_windows_partition_the_orders(big: WooCommerceSim) -> None:
    conn = _connector(big)
    seen: Counter[str] = Counter()
    t = START
    while t < END:
        for page in conn.pull_orders(t, t + timedelta(hours=6)):
            seen.update(o.platform_order_id for o in page.orders)
        t += timedelta(hours=6)
    assert len(seen) == 3000
    # windows step back one second at the start, so an order exactly on a boundary may
    # come twice; none may be missing
    assert sum(seen.values()) - 3000 <= 8


def test_order_modified_while_paging_is_not_missed(small: WooCommerceSim) -> None:
    conn = _connector(small, per_page=20)
    pages = conn.pull_orders(START, END)
    got = {o.platform_order_id for o in next(pages).orders}  # the last page comes first
    lowest = min(small.book.all(), key=lambda o: int(o.platform_order_id))
    # the first order (page 1) is modified now, leaving the window: every later order
    # moves up one place on the server
    small.book.change(lowest.platform_order_id,
                      lambda o: replace(o, modified_at=datetime.now(UTC).replace(microsecond=0)))
    for page in pages:
        got.update(o.platform_order_id for o in page.orders)
    expected = {o.platform_order_id for o in small.book.all()} - {lowest.platform_order_id}
    assert expected <= got


def test_a_pc_clock_an_hour_off_is_corrected_from_the_site_date(small: WooCommerceSim) -> None:
    conn = _connector(small, clock=lambda: time.time() - 3600)
    assert len(_pull(conn)[0]) == 250
    assert 3590 < conn.clock_offset < 3610
    failures = small.auth_failures
    _pull(conn)  # the offset is kept: no refusal the second time
    assert small.auth_failures == failures == 1


def test_hmac_sha256_signatures_are_accepted(small: WooCommerceSim) -> None:
    conn = _connector(small, signature_method="HMAC-SHA256")
    assert len(_pull(conn)[0]) == 250


def test_basic_auth_and_refused_credentials(small: WooCommerceSim) -> None:
    with pytest.raises(AuthFailed) as info:
        next(WooCommerceConnector(small.url, KEY, "wrong").pull_orders(START, END))
    assert "woocommerce_rest_authentication_error" in str(info.value)
    basic = _sim(30, auth="basic")
    try:
        assert len(_pull(WooCommerceConnector(basic.url, KEY, SECRET, auth="basic"))[0]) == 30
        with pytest.raises(AuthFailed):
            _pull(WooCommerceConnector(basic.url, KEY, "nope", auth="basic"))
        # OAuth over what the site treats as HTTPS is refused the same way
        with pytest.raises(AuthFailed):
            _pull(WooCommerceConnector(basic.url, KEY, SECRET, auth="oauth1"))
    finally:
        basic.stop()


def test_fetch_order_and_refunds(small: WooCommerceSim) -> None:
    conn = _connector(small)
    refunded = [o for o in small.book.all()
                if any(ln.refund_state == RefundState.REFUNDED for ln in o.lines)]
    assert refunded
    one = conn.fetch_order(refunded[0].platform_order_id)
    assert one.platform_order_id == refunded[0].platform_order_id
    changes = [c for batch in conn.pull_refunds(START, END) for c in batch]
    assert conn.refunds_endpoint  # the store-wide /refunds feed was used
    by_order = {c.platform_order_id: c for c in changes if c.refund_state == "refunded"}
    assert set(by_order) == {o.platform_order_id for o in refunded}
    for o in refunded:
        lines = {conn_line.platform_line_id for conn_line in
                 conn.fetch_order(o.platform_order_id).lines
                 if conn_line.refund_state == RefundState.REFUNDED}
        assert set(by_order[o.platform_order_id].platform_line_ids) == lines
    # an older site without /refunds: the orders of the window are read instead
    small.refunds_endpoint = False
    older = _connector(small)
    again = [c for batch in older.pull_refunds(START, END) for c in batch]
    assert not older.refunds_endpoint
    assert {(c.platform_order_id, c.platform_line_ids) for c in again
            if c.refund_state == "refunded"} == \
        {(c.platform_order_id, c.platform_line_ids) for c in by_order.values()}
    with pytest.raises(ConnectorError) as info:
        conn.fetch_order("999999999")
    assert info.value.code == "woocommerce_rest_shop_order_invalid_id"
    assert not info.value.retryable


def _open_order(sim: WooCommerceSim, lines: int = 1) -> PlatformOrder:
    return next(o for o in sorted(sim.book.all(), key=lambda o: int(o.platform_order_id))
                if o.status == OrderStatus.NEW and len(o.lines) >= lines
                and all(ln.refund_state == RefundState.NONE for ln in o.lines))


def test_whole_shipment_completes_once(small: WooCommerceSim) -> None:
    conn = _connector(small)
    order = _open_order(small)
    ship = Shipment(order.platform_order_id, "SF", "SF1234567890")
    conn.confirm_shipment(ship)
    conn.confirm_shipment(ship)  # the outbox may deliver twice
    notes = small.notes[order.platform_order_id]
    assert len(notes) == 1 and notes[0]["customer_note"] is True
    assert parse_shipment_notes(notes) == [("SF", "SF1234567890", ())]
    assert small.completed == [order.platform_order_id]
    assert small.meta[order.platform_order_id] == [{"key": "ecerp_tracking",
                                                    "value": "SF:SF1234567890"}]
    again = conn.fetch_order(order.platform_order_id)
    assert again.platform_status == "completed" and again.status == OrderStatus.DONE


def test_split_shipment_completes_after_the_last_parcel(small: WooCommerceSim) -> None:
    conn = _connector(small)
    order = _open_order(small, lines=2)
    line_ids = [ln.platform_line_id for ln in conn.fetch_order(order.platform_order_id).lines]
    conn.confirm_shipment(Shipment(order.platform_order_id, "ZTO", "ZT001", (line_ids[0],)))
    assert order.platform_order_id not in small.completed
    conn.confirm_shipment(Shipment(order.platform_order_id, "YTO", "YT002",
                                   tuple(line_ids[1:])))
    assert small.completed.count(order.platform_order_id) == 1
    recorded = parse_shipment_notes(small.notes[order.platform_order_id])
    assert {(c, w) for c, w, _ in recorded} == {("ZTO", "ZT001"), ("YTO", "YT002")}
    assert sorted(x for _, _, lines in recorded for x in lines) == sorted(line_ids)
    with pytest.raises(ConnectorError) as info:
        conn.confirm_shipment(Shipment(order.platform_order_id, "SF", "SF9", ("42",)))
    assert info.value.code == "unknown_line" and not info.value.retryable


def test_refunded_line_is_not_waited_for(small: WooCommerceSim) -> None:
    order = next(o for o in small.book.all() if o.status == OrderStatus.NEW
                 and len(o.lines) >= 2
                 and any(ln.refund_state == RefundState.REFUNDED for ln in o.lines)
                 and any(ln.refund_state == RefundState.NONE for ln in o.lines))
    conn = _connector(small)
    lines = conn.fetch_order(order.platform_order_id).lines
    open_lines = tuple(ln.platform_line_id for ln in lines
                       if ln.refund_state != RefundState.REFUNDED)
    conn.confirm_shipment(Shipment(order.platform_order_id, "JTSD", "JT77", open_lines))
    assert small.completed == [order.platform_order_id]


def test_cancelled_order_is_not_shipped(small: WooCommerceSim) -> None:
    cancelled = next(o for o in small.book.all() if o.status == OrderStatus.CANCELLED)
    with pytest.raises(ConnectorError) as info:
        _connector(small).confirm_shipment(Shipment(cancelled.platform_order_id, "SF", "X1"))
    assert info.value.code == "order_closed" and not info.value.retryable
    assert cancelled.platform_order_id not in small.notes


def test_stock_push_batches_and_reports_refusals(small: WooCommerceSim) -> None:
    catalog = small.book.generator.catalog
    quantities = [StockQuantity(c.item_id, c.sku_id, 5 + i) for i, c in enumerate(catalog)]
    quantities.append(StockQuantity(catalog[0].item_id, "", 7))  # a simple product
    _connector(small).push_stock(quantities)
    for i, c in enumerate(catalog):
        assert small.stock[(c.item_id, c.sku_id)] == 5 + i
    assert small.stock[(catalog[0].item_id, "")] == 7
    many = [StockQuantity(catalog[0].item_id, catalog[0].sku_id, n) for n in range(230)]
    _connector(small).push_stock(many)  # 3 batches of ≤ 100, last one wins
    assert small.stock[(catalog[0].item_id, catalog[0].sku_id)] == 229
    with pytest.raises(ConnectorError) as info:
        _connector(small).push_stock([StockQuantity("123", "456", 1), StockQuantity("x", "", 1),
                                      StockQuantity(catalog[1].item_id, catalog[1].sku_id, -3)])
    assert "456" in str(info.value) and "x/" in str(info.value)
    assert info.value.code == "stock_refused"
    assert small.stock[(catalog[1].item_id, catalog[1].sku_id)] == 0  # never negative


def test_transient_faults_are_retried_and_nothing_is_lost() -> None:
    sim = _sim(400, faults="http500=0.08,html200=0.08,truncated=0.08,repeat=0.3,seed=3")
    try:
        orders, bad = _pull(_connector(sim, per_page=25))
        counts = sim.faults.counts
        assert counts["http500"] and counts["html200"] and counts["truncated"]
        assert counts["repeat"]
        assert bad == []
        ids = Counter(o.platform_order_id for o in orders)
        assert len(ids) == 400 and max(ids.values()) == 1
    finally:
        sim.stop()


def test_rate_limit_retry_after_is_honoured() -> None:
    sim = _sim(60, faults="rate429=0.35,ban=1,seed=5")
    waits: list[float] = []
    try:
        conn = _connector(sim, per_page=10)
        real_sleep = conn.http.sleep

        def sleep(seconds: float) -> None:
            waits.append(seconds)
            real_sleep(seconds)
        conn.http.sleep = sleep
        started = time.monotonic()
        orders, _ = _pull(conn)
        assert len({o.platform_order_id for o in orders}) == 60
        assert sim.faults.counts["rate429"] >= 1
        assert waits and all(w == 1.0 for w in waits)
        assert time.monotonic() - started >= len(waits) * 1.0
        # a ban longer than the client will sleep through goes to the sync engine
        sim.faults.set("rate429=1,ban=120")
        with pytest.raises(RateLimited) as info:
            _pull(conn)
        assert info.value.retry_after == 120.0
    finally:
        sim.stop()


@pytest.mark.parametrize(("spec", "words"), [("html200=1", "HTML"),
                                             ("truncated=1", "truncated"),
                                             ("http500=1", "HTTP 50")])
def test_persistent_garbage_is_a_retryable_error_with_a_clear_message(spec: str,
                                                                      words: str) -> None:
    sim = _sim(5, faults=spec)
    try:
        conn = _connector(sim)
        conn.http.sleep = lambda s: None  # no need to wait for the retries here
        with pytest.raises(ConnectorError) as info:
            _pull(conn)
        assert info.value.retryable and words in str(info.value)
        assert conn.http.requests_sent == conn.http.attempts  # bounded retries
    finally:
        sim.stop()


def test_poison_orders_are_quarantined_and_the_rest_flow() -> None:
    sim = _sim(500, faults="poison=0.02,seed=11")
    try:
        orders, bad = _pull(_connector(sim, per_page=50))
        assert 3 <= len(bad) <= 30
        assert len(orders) + len(bad) == 500
        assert {b.platform_order_id for b in bad}.isdisjoint(o.platform_order_id for o in orders)
        for b in bad:
            assert b.platform_order_id and b.raw.startswith("{") and b.reason
        reasons = " ".join(b.reason for b in bad)
        assert "status" in reasons or "total" in reasons or "line_items" in reasons
    finally:
        sim.stop()


def test_endless_paging_ends_with_an_error() -> None:
    sim = _sim(20, faults="endless_paging")
    try:
        started = time.monotonic()
        with pytest.raises(ConnectorError) as info:
            _pull(_connector(sim))
        assert info.value.code == "paging_runaway"
        assert time.monotonic() - started < 5 and sim.requests_served <= 2
    finally:
        sim.stop()


def test_mapping_of_a_hand_written_order() -> None:
    """Shapes the simulator does not produce: on-hold, Western names, a partial refund,
    the province and city typed again in address_1, missing GMT times."""
    data = {
        "id": 77, "status": "on-hold", "currency": "CNY",
        "date_created": "2026-11-11T00:00:01", "date_modified": "2026-11-11T08:30:00",
        "total": "199.00", "shipping_total": "10.00", "discount_total": "5.00",
        "customer_note": "=cmd|'/c calc'!A1",
        "billing": {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com",
                    "phone": "13800000000"},
        "shipping": {"first_name": "Ann", "last_name": "Lee", "state": "CN10",
                     "city": "上海市", "address_1": "上海市浦东新区张江镇祖冲之路 2号",
                     "address_2": "3楼", "postcode": "201203", "country": "CN"},
        "line_items": [{"id": 5, "product_id": 9, "variation_id": 0, "quantity": 2,
                        "subtotal": "194.00", "total": "189.00", "total_tax": "0.00",
                        "sku": "SKU-1", "name": "杯", "price": Decimal("94.5")}],
        "refunds": [{"id": 8, "total": "-94.50"}],
    }
    refunds = [{"id": 8, "line_items": [{"id": 9, "product_id": 9, "variation_id": 0,
                                         "quantity": -1}]}]
    o = order_from_wire(data, refunds)
    assert o.status == OrderStatus.UNPAID  # on-hold waits for the payment to be confirmed
    assert o.created_at == datetime(2026, 11, 10, 16, 0, 1, tzinfo=UTC)  # site time +08:00
    assert o.address.name == "Ann Lee" and o.address.phone == "13800000000"
    assert (o.address.province, o.address.city, o.address.district, o.address.town,
            o.address.detail) == ("上海市", "上海市", "浦东新区", "张江镇", "祖冲之路 2号 3楼")
    assert o.lines[0].price == Decimal("97.00") and o.lines[0].paid_amount == Decimal("189.00")
    assert o.lines[0].refund_state == RefundState.REQUESTED  # 1 of 2 refunded: hold, look
    assert o.buyer_message == "=cmd|'/c calc'!A1"  # kept verbatim; outputs escape it
    assert o.paid_amount == Decimal("0.00")


def test_last_page_vanishing_while_paging_is_skipped_not_fatal(small: WooCommerceSim) -> None:
    conn = _connector(small, per_page=20)  # 250 orders: 13 pages, the last one has 10
    pages = conn.pull_orders(START, END)
    got = {o.platform_order_id for o in next(pages).orders}
    leaving = sorted(small.book.all(), key=lambda o: int(o.platform_order_id))[:30]
    now = datetime.now(UTC).replace(microsecond=0)
    for o in leaving:  # modified again now: out of the window, 11 pages remain
        small.book.change(o.platform_order_id, lambda x: replace(x, modified_at=now))
    for page in pages:
        got.update(o.platform_order_id for o in page.orders)
    expected = {o.platform_order_id for o in small.book.all()} - \
        {o.platform_order_id for o in leaving}
    assert expected <= got


def test_raw_payload_kept_on_request_and_storable(small: WooCommerceSim) -> None:
    import json

    conn = _connector(small)
    oid = small.book.all()[0].platform_order_id
    fetched = conn.fetch_order(oid)  # a single fetch keeps the payload for support
    assert fetched.raw is not None and fetched.raw["id"] == int(oid)
    json.dumps(fetched.raw)  # Decimals (line "price" is a JSON number) became text
    assert isinstance(fetched.raw["line_items"][0]["price"], str)
    pulled = next(iter(conn.pull_orders(START, END))).orders[0]
    assert pulled.raw is None  # bulk pulls stay lean unless keep_raw is set
    keeping = _connector(small, keep_raw=True)
    assert next(iter(keeping.pull_orders(START, END))).orders[0].raw is not None
