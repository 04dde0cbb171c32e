"""The Shopify connector against the Shopify simulator, over real loopback HTTP."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import requests
from ecerp_desktop.connectors.base import (
    AuthFailed,
    ConnectorError,
    RateLimited,
    Shipment,
    StockQuantity,
)
from ecerp_desktop.connectors.ownshop import parse_link_header
from ecerp_desktop.connectors.shopify import ShopifyConnector, order_from_wire
from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import PlatformOrder
from ecerp_desktop.sim.server import SimRequest, SimResponse, SimServer
from ecerp_desktop.sim.shopify import ShopifySim

END = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
START = END - timedelta(days=2)
TOKEN = "shpat_test_token"


def _sim(n: int = 0, *, faults: str | None = None, seed: int = 1, bucket: int = 40,
         leak_rate: float = 50.0) -> ShopifySim:
    sim = ShopifySim(access_token=TOKEN, seed=seed, faults=faults, bucket=bucket,
                     leak_rate=leak_rate)
    if n:
        sim.book.pregenerate(n, START, END - timedelta(seconds=1), follow_up_rate=0.4)
    return sim.start()  # type: ignore[return-value]


@pytest.fixture(scope="module")
def big() -> Iterator[ShopifySim]:
    sim = _sim(3000)
    yield sim
    sim.stop()


@pytest.fixture
def small() -> Iterator[ShopifySim]:
    sim = _sim(200, seed=5)
    yield sim
    sim.stop()


def _connector(sim: ShopifySim, **kw: object) -> ShopifyConnector:
    kw.setdefault("leak_rate", sim.bucket.rate)
    return ShopifyConnector(sim.url, TOKEN, **kw)  # type: ignore[arg-type]


def _pull(conn: ShopifyConnector, start: datetime = START, end: datetime = END):
    orders: list[PlatformOrder] = []
    bad = []
    for page in conn.pull_orders(start, end):
        orders.extend(page.orders)
        bad.extend(page.bad)
    return orders, bad


def test_full_pull_every_order_exactly_once_and_faithful(big: ShopifySim) -> None:
    conn = _connector(big, limit=100)
    orders, bad = _pull(conn)
    assert bad == []
    ids = Counter(o.platform_order_id for o in orders)
    assert len(ids) == 3000 and max(ids.values()) == 1
    assert set(ids) == {o.platform_order_id for o in big.book.all()}
    assert conn.http.requests_sent == 30  # 100 per page, cursor to cursor
    refunded = 0
    for got in orders:
        want = big.book.get(got.platform_order_id)
        assert want is not None
        assert got.status == want.status
        assert got.created_at == want.created_at and got.modified_at == want.modified_at
        assert got.created_at.tzinfo is UTC
        assert isinstance(got.total_amount, Decimal)
        assert got.total_amount == want.paid_amount
        assert got.post_fee == want.post_fee and got.discount_amount == want.discount_amount
        assert got.buyer_message == want.buyer_message
        a, w = got.address, want.address
        assert (a.name, a.phone, a.province, a.city, a.town, a.detail, a.zip_code) == \
               (w.name, w.phone, w.province, w.city, w.town, w.detail, w.zip_code)
        assert a.district == ("" if w.district == w.city else w.district)
        assert [(ln.merchant_sku_code, ln.qty, ln.price, ln.paid_amount, ln.platform_sku_id,
                 ln.platform_item_id) for ln in got.lines] == \
               [(ln.merchant_sku_code, ln.qty, ln.price, ln.paid_amount, ln.platform_sku_id,
                 ln.platform_item_id) for ln in want.lines]
        for g, w2 in zip(got.lines, want.lines, strict=True):
            expect = RefundState.REFUNDED if w2.refund_state == RefundState.REFUNDED \
                else RefundState.NONE
            assert g.refund_state == expect
            refunded += expect == RefundState.REFUNDED
    assert refunded > 0


def test_windows_partition_the_orders(big: ShopifySim) -> None:
    conn = _connector(big)
    seen: Counter[str] = Counter()
    t = START
    while t < END:
        for page in conn.pull_orders(t, t + timedelta(hours=8)):
            seen.update(o.platform_order_id for o in page.orders)
        t += timedelta(hours=8)
    assert len(seen) == 3000
    assert sum(seen.values()) - 3000 <= 6  # inclusive bounds: boundary orders may repeat


def test_cursor_paging_rules_of_the_simulator(small: ShopifySim) -> None:
    base = f"{small.url}/admin/api/2024-10/orders.json"
    headers = {"X-Shopify-Access-Token": TOKEN}
    first = requests.get(base, params={"status": "any", "limit": 50}, headers=headers,
                         timeout=5)
    nxt = parse_link_header(first.headers["Link"])["next"]
    assert "page_info=" in nxt and "status" not in nxt
    bad = requests.get(nxt + "&updated_at_min=2026-01-01T00:00:00Z", headers=headers,
                       timeout=5)
    assert bad.status_code == 400
    assert "cannot be passed when page_info is present" in bad.json()["errors"]
    too_many = requests.get(base, params={"limit": 251}, headers=headers, timeout=5)
    assert too_many.status_code == 400
    used, size = first.headers["X-Shopify-Shop-Api-Call-Limit"].split("/")
    assert size == "40" and 1 <= int(used) <= 40


def test_order_modified_while_paging_is_not_missed(small: ShopifySim) -> None:
    conn = _connector(small, limit=20)
    pages = conn.pull_orders(START, END)
    got = {o.platform_order_id for o in next(pages).orders}
    newest = max(small.book.all(), key=lambda o: int(o.platform_order_id))
    assert newest.platform_order_id in got  # id-descending: the newest is on page 1
    small.book.change(newest.platform_order_id,
                      lambda o: replace(o, modified_at=datetime.now(UTC).replace(microsecond=0)))
    for page in pages:
        got.update(o.platform_order_id for o in page.orders)
    assert {o.platform_order_id for o in small.book.all()} <= got


def test_bad_token_is_auth_failed(small: ShopifySim) -> None:
    with pytest.raises(AuthFailed) as info:
        _pull(ShopifyConnector(small.url, "shpat_wrong"))
    assert "Invalid API key or access token" in str(info.value)
    assert small.auth_failures == 1  # not retried


def test_fetch_order_and_refunds(small: ShopifySim) -> None:
    conn = _connector(small)
    refunded = [o for o in small.book.all()
                if any(ln.refund_state == RefundState.REFUNDED for ln in o.lines)]
    assert refunded
    changes = {c.platform_order_id: c for batch in conn.pull_refunds(START, END)
               for c in batch if c.refund_state == "refunded"}
    for o in refunded:
        fetched = conn.fetch_order(o.platform_order_id)
        lines = {ln.platform_line_id for ln in fetched.lines
                 if ln.refund_state == RefundState.REFUNDED}
        assert lines and set(changes[o.platform_order_id].platform_line_ids) == lines
    with pytest.raises(ConnectorError) as info:
        conn.fetch_order("424242")
    assert not info.value.retryable and "Not Found" in str(info.value)


def _open_order(sim: ShopifySim, lines: int = 1) -> PlatformOrder:
    return next(o for o in sorted(sim.book.all(), key=lambda o: int(o.platform_order_id))
                if o.status == OrderStatus.NEW and len(o.lines) >= lines
                and all(ln.refund_state == RefundState.NONE for ln in o.lines))


def test_whole_order_fulfilment_with_tracking_once(small: ShopifySim) -> None:
    conn = _connector(small)
    order = _open_order(small)
    ship = Shipment(order.platform_order_id, "SF", "SF1234567890")
    conn.confirm_shipment(ship)
    conn.confirm_shipment(ship)  # delivered twice by the outbox: one fulfilment
    records = small.fulfillments[order.platform_order_id]
    assert len(records) == 1
    assert records[0]["tracking_number"] == "SF1234567890"
    assert records[0]["tracking_company"] == "SF"
    assert sum(li["quantity"] for li in records[0]["line_items"]) == \
        sum(ln.qty for ln in order.lines)
    again = conn.fetch_order(order.platform_order_id)
    assert again.status == OrderStatus.SHIPPED
    assert again.platform_status == "paid/fulfilled"


def test_split_fulfilment_by_lines(small: ShopifySim) -> None:
    conn = _connector(small)
    order = _open_order(small, lines=2)
    line_ids = [ln.platform_line_id for ln in conn.fetch_order(order.platform_order_id).lines]
    conn.confirm_shipment(Shipment(order.platform_order_id, "ZTO", "ZT001", (line_ids[0],)))
    mid = conn.fetch_order(order.platform_order_id)
    assert mid.status == OrderStatus.NEW and mid.platform_status == "paid/partial"
    conn.confirm_shipment(Shipment(order.platform_order_id, "YTO", "YT002",
                                   tuple(line_ids[1:])))
    records = small.fulfillments[order.platform_order_id]
    assert [r["tracking_number"] for r in records] == ["ZT001", "YT002"]
    assert [str(li["id"]) for li in records[0]["line_items"]] == [line_ids[0]]
    assert conn.fetch_order(order.platform_order_id).status == OrderStatus.SHIPPED
    with pytest.raises(ConnectorError) as info:
        conn.confirm_shipment(Shipment(order.platform_order_id, "SF", "SF9", ("1",)))
    assert info.value.code == "unknown_line"


def test_cancelled_order_is_not_fulfilled(small: ShopifySim) -> None:
    cancelled = next(o for o in small.book.all() if o.status == OrderStatus.CANCELLED)
    with pytest.raises(ConnectorError) as info:
        _connector(small).confirm_shipment(Shipment(cancelled.platform_order_id, "SF", "X"))
    assert info.value.code == "order_closed" and not info.value.retryable
    assert cancelled.platform_order_id not in small.fulfillments


def test_stock_push_sets_inventory_levels(small: ShopifySim) -> None:
    catalog = small.book.generator.catalog
    conn = _connector(small)
    conn.push_stock([StockQuantity(c.item_id, c.sku_id, 10 + i) for i, c in enumerate(catalog)])
    location = int(conn.location_id)
    for i, c in enumerate(catalog):
        assert small.inventory[(small.inventory_item_id(c.sku_id), location)] == 10 + i
    other = _connector(small)  # no cache: a variant without its product id
    other.push_stock([StockQuantity("", catalog[2].sku_id, 3)])
    assert small.stock[(catalog[2].item_id, catalog[2].sku_id)] == 3
    with pytest.raises(ConnectorError) as info:
        conn.push_stock([StockQuantity("99999", "88888", 1),
                         StockQuantity(catalog[0].item_id, catalog[0].sku_id, -4)])
    assert "88888" in str(info.value) and info.value.code == "stock_refused"
    assert small.inventory[(small.inventory_item_id(catalog[0].sku_id), location)] == 0


def test_call_limit_header_slows_us_down_before_429() -> None:
    """A 10-request bucket draining 20/s: the connector paces itself on the header and
    the shop never has to refuse it."""
    sim = _sim(300, bucket=10, leak_rate=20.0)
    try:
        conn = _connector(sim, limit=10)
        orders, _ = _pull(conn)
        assert len({o.platform_order_id for o in orders}) == 300
        assert conn.paced > 0 and sim.throttled == 0
        assert conn.call_limit is not None and conn.call_limit[1] == 10
    finally:
        sim.stop()


def test_429_retry_after_is_honoured() -> None:
    """A client that ignores the header (pace_above=2) fills the bucket: 429 with
    Retry-After, slept through, and every order still arrives once."""
    sim = _sim(60, bucket=4, leak_rate=8.0)
    sim.retry_after = 0.5
    waits: list[float] = []
    try:
        conn = _connector(sim, limit=5, pace_above=2.0)

        def sleep(seconds: float) -> None:
            waits.append(seconds)
            time.sleep(seconds)
        conn.http.sleep = sleep
        conn.http.attempts = 10
        orders, _ = _pull(conn)
        assert Counter(o.platform_order_id for o in orders).most_common(1)[0][1] == 1
        assert len(orders) == 60
        assert sim.throttled > 0 and waits and all(w == 0.5 for w in waits)
        sim.faults.set("rate429=1,ban=90")
        with pytest.raises(RateLimited) as info:
            _pull(conn)
        assert info.value.retry_after == 90.0
    finally:
        sim.stop()


def test_transient_faults_are_retried_and_nothing_is_lost() -> None:
    sim = _sim(400, faults="http500=0.1,html200=0.1,truncated=0.1,repeat=0.5,seed=4")
    try:
        orders, bad = _pull(_connector(sim, limit=20))
        counts = sim.faults.counts
        assert counts["http500"] and counts["html200"] and counts["truncated"]
        assert counts["repeat"]
        assert bad == []
        ids = Counter(o.platform_order_id for o in orders)
        assert len(ids) == 400 and max(ids.values()) == 1
    finally:
        sim.stop()


@pytest.mark.parametrize(("spec", "words"), [("html200=1", "HTML"),
                                             ("truncated=1", "truncated"),
                                             ("http500=1", "HTTP 50")])
def test_persistent_garbage_is_a_retryable_error(spec: str, words: str) -> None:
    sim = _sim(5, faults=spec)
    try:
        conn = _connector(sim)
        conn.http.sleep = lambda s: None
        with pytest.raises(ConnectorError) as info:
            _pull(conn)
        assert info.value.retryable and words in str(info.value)
        assert conn.http.requests_sent == conn.http.attempts
    finally:
        sim.stop()


def test_poison_orders_are_quarantined_and_the_rest_flow() -> None:
    sim = _sim(500, faults="poison=0.02,seed=9")
    try:
        orders, bad = _pull(_connector(sim, limit=50))
        assert 3 <= len(bad) <= 30
        assert len(orders) + len(bad) == 500
        for b in bad:
            assert b.platform_order_id and b.raw.startswith("{") and b.reason
    finally:
        sim.stop()


def test_endless_paging_ends_with_an_error() -> None:
    sim = _sim(60, faults="endless_paging")
    try:
        with pytest.raises(ConnectorError) as info:
            _pull(_connector(sim, limit=25))
        assert info.value.code == "endless_paging" and not info.value.retryable
        assert sim.requests_served < 10
    finally:
        sim.stop()


def test_mapping_of_a_hand_written_order() -> None:
    data = {
        "id": 450789469, "created_at": "2026-11-11T00:00:01+08:00",
        "updated_at": "2026-11-11T08:00:00+08:00", "processed_at": "2026-11-11T00:00:05+08:00",
        "cancelled_at": None, "closed_at": None, "financial_status": "authorized",
        "fulfillment_status": None, "currency": "CNY", "total_price": "598.94",
        "total_discounts": "10.00", "note": "^XA^FDhi^FS",
        "total_shipping_price_set": {"shop_money": {"amount": "8.00", "currency_code": "CNY"}},
        "shipping_address": {"first_name": "Bob", "last_name": "Norman", "address1": "Chestnut St 92",
                             "address2": "", "city": "Louisville", "province": "Kentucky",
                             "province_code": "KY", "zip": "40202", "country_code": "US",
                             "phone": "+1 555 555 5555"},
        "line_items": [{"id": 466157049, "variant_id": 39072856, "product_id": 632910392,
                        "sku": "IPOD2008GREEN", "title": "IPod Nano - 8gb",
                        "variant_title": "green", "quantity": 2, "price": "300.47",
                        "total_discount": "0.00",
                        "discount_allocations": [{"amount": "10.00"}]}],
        "refunds": [{"refund_line_items": [{"line_item_id": 466157049, "quantity": 1}]}],
    }
    o = order_from_wire(data)
    assert o.status == OrderStatus.NEW and o.platform_status == "authorized/unfulfilled"
    assert o.created_at == datetime(2026, 11, 10, 16, 0, 1, tzinfo=UTC)
    assert o.lines[0].paid_amount == Decimal("590.94") and o.lines[0].title == \
        "IPod Nano - 8gb green"
    assert o.lines[0].refund_state == RefundState.REQUESTED  # 1 of 2 refunded
    assert (o.address.name, o.address.province, o.address.country, o.address.detail) == \
        ("Bob Norman", "KY", "US", "Chestnut St 92")
    assert o.buyer_message == "^XA^FDhi^FS" and o.post_fee == Decimal("8.00")
    assert order_from_wire({**data, "cancelled_at": "2026-11-12T00:00:00Z"}).status == \
        OrderStatus.CANCELLED
    assert order_from_wire({**data, "financial_status": "paid",
                            "fulfillment_status": "fulfilled",
                            "closed_at": "2026-11-13T00:00:00Z"}).status == OrderStatus.DONE
    assert order_from_wire({**data, "financial_status": "pending"}).status == \
        OrderStatus.UNPAID


class _Elsewhere(SimServer):
    """Another host: records whether anything (our token) ever reached it."""

    def handle(self, request: SimRequest) -> SimResponse:
        return SimResponse.json({"orders": []})


class _Misdirecting(SimServer):
    """A shop that redirects (to *target*) or links its next page to *target*."""

    def __init__(self, target: str, mode: str) -> None:
        super().__init__()
        self.target, self.mode = target, mode

    def handle(self, request: SimRequest) -> SimResponse:
        if self.mode == "redirect" or request.method != "GET":
            return SimResponse(status=301, headers={"Location": f"{self.target}/moved?x=1"})
        return SimResponse.json({"orders": [{"id": 1}]}, **{
            "Link": f'<{self.target}/admin/api/2024-10/orders.json?page_info=abc>; rel="next"'})


@pytest.mark.parametrize("mode", ["redirect", "link"])
def test_the_token_never_leaves_for_another_host(mode: str) -> None:
    elsewhere = _Elsewhere().start()
    # same port, other loopback address: another host as far as the client can tell
    target = elsewhere.url.replace("127.0.0.1", "localhost")
    shop = _Misdirecting(target, mode).start()
    try:
        conn = ShopifyConnector(shop.url, TOKEN)
        with pytest.raises(ConnectorError) as info:
            _pull(conn)
        assert not info.value.retryable
        assert info.value.code == ("redirect" if mode == "redirect" else "bad_link")
        with pytest.raises(ConnectorError):  # a write meeting a 301 is not turned into a GET
            conn.push_stock([StockQuantity("1", "2", 3)])
        assert elsewhere.requests_served == 0
    finally:
        shop.stop()
        elsewhere.stop()
