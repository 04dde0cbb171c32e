"""JD and Pinduoduo connectors against their simulators, over real loopback HTTP.

The same behaviour is asked of both (full pull exactly once, pushes read back, every
fault), then what is particular to each (signing vectors, statuses, address shapes).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from ecerp_desktop.connectors import jd, pdd
from ecerp_desktop.connectors.base import (
    AuthFailed,
    BadPayload,
    ConnectorError,
    RateLimited,
    Shipment,
    StockQuantity,
)
from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import PlatformOrder
from ecerp_desktop.sim.jd import JdSim
from ecerp_desktop.sim.pdd import PddSim
from ecerp_desktop.sim.server import PlatformSim
from ecerp_desktop.sim.signing import md5_wrapped

NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass
class Platform:
    name: str
    sim_cls: type[PlatformSim]
    connector_cls: Any
    courier: str
    list_method: str


PLATFORMS = {
    "jd": Platform("jd", JdSim, jd.JdConnector, "2100", "jingdong.pop.order.search"),
    "pdd": Platform("pdd", PddSim, pdd.PddConnector, "SF",
                    "pdd.order.number.list.increment.get"),
}


@pytest.fixture(params=sorted(PLATFORMS))
def platform(request: pytest.FixtureRequest) -> Platform:
    return PLATFORMS[request.param]


@pytest.fixture
def sim(platform: Platform) -> Iterator[PlatformSim]:
    with platform.sim_cls(seed=21) as s:
        yield s


def connector(platform: Platform, sim: PlatformSim, secret: str | None = None,
              token: str | None = None) -> Any:
    return platform.connector_cls(sim.app_key, sim.app_secret if secret is None else secret,
                                  sim.session if token is None else token,
                                  endpoint=sim.endpoint)  # type: ignore[attr-defined]


def pull(conn: Any, start: datetime, end: datetime
         ) -> tuple[list[PlatformOrder], list[BadPayload]]:
    orders: list[PlatformOrder] = []
    bad: list[BadPayload] = []
    for page in conn.pull_orders(start, end):
        orders += page.orders
        bad += page.bad
    return orders, bad


# -- signing -----------------------------------------------------------------------------

def test_jd_sign_matches_the_official_vector() -> None:
    params = {
        "360buy_param_json": '{"end_date":null,"optional_fields":null,"order_state":'
                             '"WAIT_SELLER_STOCK_OUT","page":"1","page_size":"200",'
                             '"start_date":null}',
        "access_token": "yourtoken", "app_key": "yourappkey",
        "method": "jingdong.pop.order.search", "timestamp": "2021-05-07 09:20:39.683+0800",
        "v": "2.0"}
    assert jd.sign_request(params, "yourappSecret") == "D70825340F4084360B9362B60DFD7930"
    assert md5_wrapped(params, "yourappSecret") == "D70825340F4084360B9362B60DFD7930"


def test_pdd_sign_matches_the_official_vector() -> None:
    params = {"access_token": "asd78172s8ds9a921j9qqwda12312w1w21211", "client_id": "1",
              "data_type": "XML", "order_status": "1", "page": "1", "page_size": "10",
              "timestamp": "1480411125", "type": "pdd.order.number.list.get"}
    assert pdd.sign_request(params, "testSecret") == "E4DE3ED21002510DED352819E7AE6775"
    assert pdd.sign_request({**params, "sign": "X"}, "testSecret") == \
        "E4DE3ED21002510DED352819E7AE6775"
    assert md5_wrapped(params, "testSecret") == "E4DE3ED21002510DED352819E7AE6775"


# -- the same behaviour on both -----------------------------------------------------------

def test_full_pull_brings_every_order_exactly_once_and_unchanged(
        platform: Platform, sim: PlatformSim) -> None:
    start = NOW - timedelta(hours=12)
    expected = sim.book.pregenerate(2500, start, NOW, follow_up_rate=0.4)
    orders, bad = pull(connector(platform, sim), start, NOW + timedelta(seconds=1))
    assert bad == []
    ids = [o.platform_order_id for o in orders]
    assert len(ids) == len(set(ids)) == 2500
    by_id = {o.platform_order_id: o for o in expected}
    for got in orders:
        assert replace(got, platform_status="") == by_id[got.platform_order_id]
    assert {o.status for o in orders} >= {OrderStatus.NEW, OrderStatus.CANCELLED}
    assert any(ln.refund_state == RefundState.REQUESTED for o in orders for ln in o.lines)


def test_fetch_one_order_and_refunds(platform: Platform, sim: PlatformSim) -> None:
    start = NOW - timedelta(hours=2)
    expected = sim.book.pregenerate(400, start, NOW, follow_up_rate=0.6)
    conn = connector(platform, sim)
    assert replace(conn.fetch_order(expected[9].platform_order_id), platform_status="") \
        == expected[9]
    with pytest.raises(ConnectorError) as err:
        conn.fetch_order("no-such-order")
    assert not err.value.retryable
    changes = [c for batch in conn.pull_refunds(start, NOW + timedelta(seconds=1))
               for c in batch]
    want = {(o.platform_order_id, o.lines[0].refund_state.value) for o in expected
            if o.lines[0].refund_state != RefundState.NONE}
    assert want and {(c.platform_order_id, c.refund_state) for c in changes} == want


def test_shipment_is_recorded_and_the_order_becomes_shipped(
        platform: Platform, sim: PlatformSim) -> None:
    expected = sim.book.pregenerate(60, NOW - timedelta(minutes=20), NOW, follow_up_rate=0)
    conn = connector(platform, sim)
    order = next(o for o in expected if o.status == OrderStatus.NEW)
    shipment = Shipment(order.platform_order_id, platform.courier, "YT7788990011")
    conn.confirm_shipment(shipment)
    conn.confirm_shipment(shipment)  # a replay after a lost reply is accepted once
    assert len(sim.shipments) == 1
    (shipped,) = sim.shipments
    assert order.platform_order_id in shipped.values()
    assert "YT7788990011" in shipped.values()
    assert conn.fetch_order(order.platform_order_id).status == OrderStatus.SHIPPED
    # an order that cannot ship any more is refused, not retried
    with pytest.raises(ConnectorError) as err:
        conn.confirm_shipment(Shipment(order.platform_order_id, platform.courier, "OTHER1"))
    assert not err.value.retryable


def test_stock_push_is_read_back(platform: Platform, sim: PlatformSim) -> None:
    conn = connector(platform, sim)
    wanted = [StockQuantity(c.item_id, c.sku_id, i * 3) for i, c in
              enumerate(sim.generator.catalog[:12])]
    conn.push_stock(wanted)
    for q in wanted:
        assert sim.stock[(q.platform_item_id, q.platform_sku_id)] == q.quantity
    assert len(sim.stock_calls) == 12
    with pytest.raises(ConnectorError):
        conn.push_stock([StockQuantity("1", "not-a-sku", 1)])


def test_wrong_secret_and_token_are_auth_failures(platform: Platform,
                                                  sim: PlatformSim) -> None:
    with pytest.raises(AuthFailed):
        connector(platform, sim, secret="wrong").fetch_order("1")
    with pytest.raises(AuthFailed):
        connector(platform, sim, token="expired").fetch_order("1")


def test_simulator_refuses_wide_windows(platform: Platform, sim: PlatformSim) -> None:
    conn = connector(platform, sim)
    with pytest.raises(ConnectorError) as err:
        conn._page(NOW - timedelta(minutes=31), NOW, 1, True)
    assert not err.value.retryable


def test_platform_rate_limit_and_429(platform: Platform, sim: PlatformSim) -> None:
    sim.faults.set("code7=1,ban=4")
    with pytest.raises(RateLimited) as err:
        pull(connector(platform, sim), NOW - timedelta(minutes=5), NOW)
    assert err.value.retryable and err.value.retry_after and err.value.retry_after >= 1
    sim.faults.set("rate429=1,ban=2")
    with pytest.raises(RateLimited) as err:
        connector(platform, sim).fetch_order("1")
    assert err.value.retry_after == 2.0


@pytest.mark.parametrize(("spec", "code"), [
    ("http500=1", "http5"), ("html200=1", "html"), ("truncated=1", "bad_json")])
def test_broken_replies_are_retryable_errors(platform: Platform, sim: PlatformSim,
                                             spec: str, code: str) -> None:
    sim.book.pregenerate(40, NOW - timedelta(minutes=10), NOW)
    sim.faults.set(spec)
    with pytest.raises(ConnectorError) as err:
        pull(connector(platform, sim), NOW - timedelta(minutes=10), NOW)
    assert err.value.code.startswith(code) and err.value.retryable
    sim.faults.clear()
    orders, _ = pull(connector(platform, sim), NOW - timedelta(minutes=10),
                     NOW + timedelta(seconds=1))
    assert len(orders) == 40


def test_an_order_repeated_across_pages_arrives_once(platform: Platform,
                                                     sim: PlatformSim) -> None:
    start = NOW - timedelta(hours=2)
    sim.book.pregenerate(700, start, NOW)
    sim.faults.set("repeat=1")
    orders, _ = pull(connector(platform, sim), start, NOW + timedelta(seconds=1))
    assert sim.faults.counts["repeat"] > 5
    ids = [o.platform_order_id for o in orders]
    assert len(ids) == len(set(ids)) == 700


def test_endless_paging_stops_with_an_error(platform: Platform, sim: PlatformSim) -> None:
    sim.book.pregenerate(150, NOW - timedelta(minutes=10), NOW)
    sim.faults.set("endless_paging")
    with pytest.raises(ConnectorError) as err:
        pull(connector(platform, sim), NOW - timedelta(minutes=10), NOW)
    assert "pages" in str(err.value) and not err.value.retryable
    assert sim.requests_served < 20


def test_poison_order_is_quarantined_and_the_rest_arrive(platform: Platform,
                                                         sim: PlatformSim) -> None:
    start = NOW - timedelta(hours=1)
    expected = sim.book.pregenerate(300, start, NOW)
    sim.faults.set("poison=2")
    orders, bad = pull(connector(platform, sim), start, NOW + timedelta(seconds=1))
    poisoned = {expected[3].platform_order_id, expected[104].platform_order_id}
    assert {b.platform_order_id for b in bad} == poisoned
    assert all(b.reason for b in bad)
    assert {o.platform_order_id for o in orders} == \
        {o.platform_order_id for o in expected} - poisoned


# -- particular to each -------------------------------------------------------------------

def test_jd_order_info_sample_is_read() -> None:
    # the OrderInfo fields of PROTOCOLS.md §2.3; money as strings, end time "not yet"
    order = jd.parse_order(json.loads('''{
      "orderId": "231234567890", "orderState": "WAIT_SELLER_STOCK_OUT",
      "orderTotalPrice": "199.00", "orderPayment": "189.00", "freightPrice": "0.00",
      "sellerDiscount": "10.00", "orderStartTime": "2026-11-11 00:00:05",
      "paymentConfirmTime": "2026-11-11 00:00:09", "modified": "2026-11-11 00:00:09",
      "orderEndTime": "0001-01-01 00:00:00", "orderRemark": "请发顺丰",
      "consigneeInfo": {"fullname": "张三", "mobile": "13800000000", "province": "河南省",
        "city": "", "county": "济源市", "town": "沁园街道",
        "fullAddress": "河南省济源市沁园街道宣化街1号"},
      "itemInfoList": [{"skuId": "100012345678", "outerSkuId": "A-1", "skuName": "杯",
        "jdPrice": "99.50", "wareId": "10001", "itemTotal": "2"}]}'''))
    assert order.status == OrderStatus.NEW and order.buyer_message == "请发顺丰"
    assert order.paid_amount == Decimal("189.00") and order.discount_amount == Decimal("10.00")
    assert (order.address.city, order.address.district, order.address.town) == \
        ("济源市", "济源市", "沁园街道")
    assert order.address.detail == "宣化街1号"
    (line,) = order.lines
    assert (line.platform_sku_id, line.merchant_sku_code, line.qty, line.paid_amount) == \
        ("100012345678", "A-1", 2, Decimal("189.00"))


def test_pdd_statuses_and_amounts_as_numbers() -> None:
    base = {"order_sn": "261111-1", "order_status": 1, "refund_status": 1,
            "confirm_status": 1, "group_status": 1, "created_time": "2026-11-11 00:00:01",
            "updated_at": "2026-11-11 00:00:02", "pay_amount": 29.9, "postage": 0,
            "goods_amount": 29.9, "province": "上海市", "city": "上海市", "town": "宝山区",
            "receiver_address": "共和新路1号",
            "item_list": [{"goods_id": 1, "sku_id": 2, "outer_id": "SKU-1",
                           "goods_price": "29.90", "goods_count": "1"}]}

    def parse(**kw: Any) -> PlatformOrder:
        return pdd.parse_order(json.loads(json.dumps({**base, **kw}),
                                          parse_float=Decimal))

    order = parse()
    assert order.status == OrderStatus.NEW and order.paid_amount == Decimal("29.90")
    assert (order.address.city, order.address.district) == ("上海市", "宝山区")
    assert parse(group_status=0).status == OrderStatus.UNPAID  # group still forming
    assert parse(group_status=2).status == OrderStatus.CANCELLED
    assert parse(refund_status=4).status == OrderStatus.CANCELLED
    assert parse(order_status=2, refund_status=3).lines[0].refund_state == \
        RefundState.REQUESTED
    assert parse(order_status=3).status == OrderStatus.DONE
    with pytest.raises(ValueError):
        parse(pay_amount="abc")
