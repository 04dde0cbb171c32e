"""Taobao / Tmall connector against the TOP simulator, over real loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from ecerp_desktop.connectors.base import (
    AuthFailed,
    BadPayload,
    ConnectorError,
    RateLimited,
    Shipment,
    StockQuantity,
)
from ecerp_desktop.connectors.taobao import TaobaoConnector, parse_trade, sign_request
from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import PlatformOrder
from ecerp_desktop.sim.signing import top_sign
from ecerp_desktop.sim.taobao import TaobaoSim

NOW = datetime.now(UTC).replace(microsecond=0)

OFFICIAL = {
    "method": "taobao.item.seller.get", "app_key": "12345678", "session": "test",
    "timestamp": "2016-01-01 12:00:00", "format": "json", "v": "2.0", "sign_method": "md5",
    "fields": "num_iid,title,nick,price,num", "num_iid": "11223344"}


@pytest.mark.parametrize(("method", "expected"), [
    ("md5", "66987CB115214E59E6EC978214934FB8"),  # official TOP docId 101617
    ("hmac", "D56D7858309C31B6251083A874D48273"),
    ("hmac-sha256", "04DB15AD0774D5CFCE2C837DE43E3FCEA9011ED74F3038FB6AB5F3C4CEA119E8"),
])
def test_sign_request_matches_the_published_vectors(method: str, expected: str) -> None:
    params = {**OFFICIAL, "sign_method": method}
    assert sign_request(params, "helloworld", method) == expected
    assert top_sign(params, "helloworld", method) == expected  # the simulator agrees
    # sign is never part of its own input, empty values are skipped
    assert sign_request({**params, "sign": "X", "empty": ""}, "helloworld", method) == expected


def test_hmac_primitives_match_the_rfc_vectors() -> None:
    assert sign_request({"Hi": " There"}, "\x0b" * 16, "hmac") == \
        "9294727A3638BB1C13F48EF8158BFC9D"
    assert sign_request({"Hi": " There"}, "\x0b" * 20, "hmac-sha256") == \
        "B0344C61D8DB38535CA8AFCEAF0BF12B881DC200C9833DA726E9376C2E32CFF7"


@pytest.fixture
def sim() -> Iterator[TaobaoSim]:
    with TaobaoSim(seed=11) as s:
        yield s  # type: ignore[misc]


def connector(sim: TaobaoSim, **kw: object) -> TaobaoConnector:
    return TaobaoConnector(sim.app_key, sim.app_secret, sim.session, endpoint=sim.endpoint,
                           **kw)  # type: ignore[arg-type]


def pull(conn: TaobaoConnector, start: datetime, end: datetime
         ) -> tuple[list[PlatformOrder], list[BadPayload]]:
    orders: list[PlatformOrder] = []
    bad: list[BadPayload] = []
    for page in conn.pull_orders(start, end):
        orders += page.orders
        bad += page.bad
    return orders, bad


def test_full_pull_brings_every_order_exactly_once_and_unchanged(sim: TaobaoSim) -> None:
    start = NOW - timedelta(hours=12)
    expected = sim.book.pregenerate(3000, start, NOW)
    orders, bad = pull(connector(sim), start, NOW + timedelta(seconds=1))
    assert bad == []
    ids = [o.platform_order_id for o in orders]
    assert len(ids) == len(set(ids)) == 3000
    by_id = {o.platform_order_id: o for o in expected}
    for got in orders:
        # everything the simulator meant arrives: money, lines, address, times, refunds
        assert replace(got, platform_status="") == by_id[got.platform_order_id]
    statuses = {o.platform_status for o in orders}
    assert {"WAIT_SELLER_SEND_GOODS", "WAIT_BUYER_PAY"} <= statuses
    # windows of at most 30 minutes, each paged from the last page back to page 1
    calls = [q for _m, _p, q in sim.request_log]
    assert all(q == {} for q in calls)  # params travel in the POST body, never the URL (secrets, length)
    assert sim.requests_served > 24 * 2


def test_pages_are_read_from_the_last_one_backwards(sim: TaobaoSim) -> None:
    start = NOW - timedelta(minutes=30)
    sim.book.pregenerate(350, start, NOW)
    seen: list[tuple[str, str]] = []
    original = sim.handle

    def spy(request):  # type: ignore[no-untyped-def]
        p = request.params()
        if p.get("method") == "taobao.trades.sold.increment.get":
            seen.append((p["page_no"], p["use_has_next"]))
        return original(request)

    sim.handle = spy  # type: ignore[method-assign]
    orders, _ = pull(connector(sim), start, NOW)
    assert len(orders) == 350
    assert seen == [("1", "false"), ("4", "true"), ("3", "true"), ("2", "true"),
                    ("1", "true")]


def test_simplified_json_and_hmac_sha256(sim: TaobaoSim) -> None:
    start = NOW - timedelta(hours=2)
    expected = sim.book.pregenerate(400, start, NOW)
    orders, bad = pull(connector(sim, simplify=True, sign_method="hmac-sha256"), start,
                       NOW + timedelta(seconds=1))
    assert not bad
    assert {o.platform_order_id for o in orders} == {o.platform_order_id for o in expected}


def test_real_captured_trade_fragment_is_read() -> None:
    # PROTOCOLS.md §1.4, the values of a real response (tid as a string, money as text)
    trade = json.loads('''{"modified":"2018-10-23 10:31:20","orders":{"order":[
     {"adjust_fee":"0.00","buyer_rate":true,"cid":50021631,"consign_time":"2018-09-28 10:21:38",
      "discount_fee":"20.00","divide_order_fee":"140.00","end_time":"2018-10-08 10:21:44",
      "invoice_no":"048929553270","is_daixiao":false,"logistics_company":"顺丰速运","num":1,
      "num_iid":559884639463,"oid":"227668460417201790","outer_iid":"06-18-08",
      "payment":"148.00","price":"160.00","refund_status":"NO_REFUND","seller_rate":true,
      "seller_type":"C","shipping_type":"express","status":"TRADE_FINISHED",
      "title":"潍柴发动机专用停机断油熄火电磁阀612600180175/+A装载机熄火器","total_fee":"140.00"}]},
     "pay_time":"2018-09-27 19:54:34","payment":"148.00","post_fee":"8.00",
     "status":"TRADE_FINISHED","tid":"227668460417201790","type":"fixed",
     "created":"2018-09-27 19:54:00"}''')
    order = parse_trade(trade)
    assert order.platform_order_id == "227668460417201790"
    assert order.status == OrderStatus.DONE
    assert order.paid_amount == Decimal("148.00") and order.post_fee == Decimal("8.00")
    assert order.paid_at == datetime(2018, 9, 27, 11, 54, 34, tzinfo=UTC)  # +08:00 → UTC
    (line,) = order.lines
    assert line.platform_line_id == "227668460417201790"
    assert line.merchant_sku_code == "06-18-08"  # no outer_sku_id: the item code
    assert line.paid_amount == Decimal("140.00") and line.price == Decimal("160.00")
    assert line.refund_state == RefundState.NONE


def test_county_level_city_and_municipality_are_normalised() -> None:
    base = {"tid": 1, "status": "WAIT_SELLER_SEND_GOODS", "created": "2026-11-11 00:00:01",
            "orders": [{"oid": 2, "num": 1, "price": "1.00", "num_iid": 3}]}
    jiyuan = parse_trade({**base, "receiver_state": "河南省", "receiver_city": "",
                          "receiver_district": "济源市"})
    assert (jiyuan.address.city, jiyuan.address.district) == ("济源市", "济源市")
    shanghai = parse_trade({**base, "receiver_state": "上海市", "receiver_city": "市辖区",
                            "receiver_district": "宝山区"})
    assert (shanghai.address.city, shanghai.address.district) == ("上海市", "宝山区")


def test_fetch_order_and_refunds(sim: TaobaoSim) -> None:
    start = NOW - timedelta(hours=3)
    expected = sim.book.pregenerate(600, start, NOW, follow_up_rate=0.6)
    conn = connector(sim)
    one = expected[17]
    assert replace(conn.fetch_order(one.platform_order_id), platform_status="") == one
    with pytest.raises(ConnectorError) as err:
        conn.fetch_order("999")
    assert "trade-not-exist" in err.value.code and not err.value.retryable
    changes = [c for batch in conn.pull_refunds(start, NOW + timedelta(seconds=1))
               for c in batch]
    want = {(o.platform_order_id, ln.platform_line_id, ln.refund_state.value)
            for o in expected for ln in o.lines if ln.refund_state != RefundState.NONE}
    assert want  # the generator did ask for refunds after payment
    assert {(c.platform_order_id, c.platform_line_ids[0], c.refund_state)
            for c in changes} == want


def test_shipments_whole_and_split_are_recorded(sim: TaobaoSim) -> None:
    start = NOW - timedelta(minutes=20)
    orders = [o for o in sim.book.pregenerate(80, start, NOW, follow_up_rate=0)
              if o.status == OrderStatus.NEW]
    conn = connector(sim)
    whole = orders[0]
    conn.confirm_shipment(Shipment(whole.platform_order_id, "SF", "SF1234567890"))
    conn.confirm_shipment(Shipment(whole.platform_order_id, "SF", "SF1234567890"))  # replay
    multi = next(o for o in orders[1:] if len(o.lines) > 1)
    first = multi.lines[0].platform_line_id
    conn.confirm_shipment(Shipment(multi.platform_order_id, "ZTO", "ZT001", (first,)))
    assert [(s["tid"], s["out_sid"], s["company_code"], s["sub_tid"]) for s in sim.shipments] \
        == [(whole.platform_order_id, "SF1234567890", "SF", []),
            (multi.platform_order_id, "ZT001", "ZTO", [first])]
    assert conn.fetch_order(whole.platform_order_id).status == OrderStatus.SHIPPED
    part = conn.fetch_order(multi.platform_order_id)
    assert (part.platform_status, part.status) == ("SELLER_CONSIGNED_PART", OrderStatus.NEW)
    unpaid = next(o for o in sim.book.all() if o.status == OrderStatus.UNPAID)
    with pytest.raises(ConnectorError) as err:
        conn.confirm_shipment(Shipment(unpaid.platform_order_id, "SF", "SF999"))
    assert not err.value.retryable


def test_stock_push_batches_twenty_skus_per_call() -> None:
    codes = [f"SKU-{i:03d}" for i in range(60)]  # three SKUs per item … 20 items
    with TaobaoSim(seed=2, sku_codes=codes) as sim:
        catalog = sim.generator.catalog
        item = catalog[0].item_id
        # 45 SKUs under one item id: the platform takes at most 20 per call
        many = [StockQuantity(item, str(9_000 + i), i) for i in range(45)]
        sim.generator.catalog.extend(replace(catalog[0], sku_id=q.platform_sku_id)
                                     for q in many)
        others = [StockQuantity(c.item_id, c.sku_id, 7) for c in catalog[3:9]]
        conn = connector(sim)
        conn.push_stock(many + others)
        calls = [c for c in sim.stock_calls if c["num_iid"] == item]
        assert [len(c["quantities"]) for c in calls] == [20, 20, 5]
        assert all(len(c["quantities"]) <= 20 for c in sim.stock_calls)
        for q in many + others:
            assert sim.stock[(q.platform_item_id, q.platform_sku_id)] == q.quantity
        with pytest.raises(ConnectorError):
            conn.push_stock([StockQuantity(item, "not-a-sku", 1)])


def test_wrong_secret_and_session_are_auth_failures(sim: TaobaoSim) -> None:
    bad_secret = TaobaoConnector(sim.app_key, "wrong", sim.session, endpoint=sim.endpoint)
    with pytest.raises(AuthFailed) as err:
        bad_secret.fetch_order("1")
    assert err.value.code == "25" and not err.value.retryable
    bad_session = TaobaoConnector(sim.app_key, sim.app_secret, "expired",
                                  endpoint=sim.endpoint)
    with pytest.raises(AuthFailed) as err:
        bad_session.fetch_order("1")
    assert err.value.code.startswith("27")


def test_simulator_refuses_wide_windows_and_big_pages(sim: TaobaoSim) -> None:
    conn = connector(sim)
    with pytest.raises(ConnectorError) as err:
        conn.call("taobao.trades.sold.increment.get", {
            "fields": "tid", "start_modified": "2026-11-11 00:00:00",
            "end_modified": "2026-11-11 00:31:00"})
    assert err.value.code.startswith("41:isv.invalid-parameter") and not err.value.retryable
    with pytest.raises(ConnectorError):
        conn.call("taobao.trades.sold.increment.get", {
            "fields": "tid", "start_modified": "2026-11-11 00:00:00",
            "end_modified": "2026-11-11 00:10:00", "page_size": "101"})


# -- faults ------------------------------------------------------------------------------

def test_code7_is_a_rate_limit_with_the_ban_time(sim: TaobaoSim) -> None:
    sim.faults.set("code7=1,ban=3")
    with pytest.raises(RateLimited) as err:
        pull(connector(sim), NOW - timedelta(minutes=5), NOW)
    assert err.value.retry_after == 3.0 and err.value.retryable
    assert err.value.code == "7:accesscontrol.limited-by-api-access-count"


def test_http_429_is_a_rate_limit_with_retry_after(sim: TaobaoSim) -> None:
    sim.faults.set("rate429=1,ban=2")
    with pytest.raises(RateLimited) as err:
        connector(sim).fetch_order("1")
    assert err.value.retry_after == 2.0


def test_qps_limit_answers_code7(sim: TaobaoSim) -> None:
    sim.faults.set("qps=3")
    conn = connector(sim)
    with pytest.raises(RateLimited):
        for _ in range(10):
            pull(conn, NOW - timedelta(minutes=5), NOW)


@pytest.mark.parametrize(("spec", "code"), [
    ("http500=1", "http5"), ("html200=1", "html"), ("truncated=1", "bad_json")])
def test_broken_replies_are_retryable_errors(sim: TaobaoSim, spec: str, code: str) -> None:
    sim.book.pregenerate(50, NOW - timedelta(minutes=10), NOW)
    sim.faults.set(spec)
    with pytest.raises(ConnectorError) as err:
        pull(connector(sim), NOW - timedelta(minutes=10), NOW)
    assert err.value.code.startswith(code) and err.value.retryable
    assert not isinstance(err.value, RateLimited | AuthFailed)
    sim.faults.clear()
    orders, _ = pull(connector(sim), NOW - timedelta(minutes=10), NOW + timedelta(seconds=1))
    assert len(orders) == 50


def test_an_order_repeated_across_pages_arrives_once(sim: TaobaoSim) -> None:
    start = NOW - timedelta(hours=2)
    sim.book.pregenerate(900, start, NOW)
    sim.faults.set("repeat=1")
    orders, _ = pull(connector(sim), start, NOW + timedelta(seconds=1))
    assert sim.faults.counts["repeat"] > 10
    ids = [o.platform_order_id for o in orders]
    assert len(ids) == len(set(ids)) == 900


def test_endless_paging_stops_with_an_error(sim: TaobaoSim) -> None:
    sim.book.pregenerate(120, NOW - timedelta(minutes=10), NOW)
    sim.faults.set("endless_paging")
    with pytest.raises(ConnectorError) as err:
        pull(connector(sim), NOW - timedelta(minutes=10), NOW)
    assert "pages" in str(err.value) and not err.value.retryable
    assert sim.requests_served < 20  # it gave up quickly


def test_poison_order_is_quarantined_and_the_rest_arrive(sim: TaobaoSim) -> None:
    start = NOW - timedelta(hours=1)
    expected = sim.book.pregenerate(300, start, NOW)
    sim.faults.set("poison=2")
    orders, bad = pull(connector(sim), start, NOW + timedelta(seconds=1))
    poisoned = {expected[3].platform_order_id, expected[104].platform_order_id}
    assert {b.platform_order_id for b in bad} == poisoned
    assert all(b.reason and "CORRUPT" in b.raw for b in bad)
    assert {o.platform_order_id for o in orders} == \
        {o.platform_order_id for o in expected} - poisoned


def test_tmall_uses_the_same_protocol() -> None:
    with TaobaoSim(platform="tmall", seed=4) as sim:
        sim.book.pregenerate(30, NOW - timedelta(minutes=10), NOW)
        conn = TaobaoConnector(sim.app_key, sim.app_secret, sim.session,
                               endpoint=sim.endpoint, platform="tmall")
        orders, _ = pull(conn, NOW - timedelta(minutes=10), NOW + timedelta(seconds=1))
        assert conn.platform == "tmall" and len(orders) == 30
