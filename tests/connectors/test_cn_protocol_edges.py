"""Edges of the Chinese platform protocols: error-code mapping, timeouts, refused
connections, and the simulators' own checks of timestamps, as raw HTTP would meet them."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from ecerp_desktop.connectors import jd, pdd, taobao
from ecerp_desktop.connectors.base import AuthFailed, ConnectorError, RateLimited
from ecerp_desktop.connectors.wire import normalise_region
from ecerp_desktop.domain.timeutil import CHINA
from ecerp_desktop.sim.jd import JdSim
from ecerp_desktop.sim.pdd import PddSim
from ecerp_desktop.sim.taobao import TaobaoSim


def test_top_error_codes_map_to_what_the_sync_engine_must_do() -> None:
    def err(**kw: object) -> ConnectorError:
        return taobao.error_from(kw, "taobao", "taobao.trades.sold.increment.get")

    limited = err(code=7, msg="App Call Limited",
                  sub_code="accesscontrol.limited-by-app-api-access-count",
                  sub_msg="This ban will last for 17 more seconds")
    assert isinstance(limited, RateLimited) and limited.retry_after == 17.0
    daily = err(code=7, sub_code="accesscontrol.limited-by-app-access-count",
                sub_msg="daily quota used up")
    assert isinstance(daily, RateLimited) and 0 < daily.retry_after <= 86_400  # type: ignore[operator]
    assert isinstance(err(code=27, msg="Invalid Session"), AuthFailed)
    assert isinstance(err(code=25, msg="Invalid Signature"), AuthFailed)
    platform_side = err(code=15, sub_code="isp.top-remote-connection-timeout")
    assert platform_side.retryable and not isinstance(platform_side, RateLimited)
    caller_side = err(code=15, sub_code="isv.invalid-parameter:tid")
    assert not caller_side.retryable


def test_jd_and_pdd_error_codes() -> None:
    assert isinstance(jd.error_from({"code": "203", "zh_desc": "请求过于频繁"}, "m"),
                      RateLimited)
    assert isinstance(jd.error_from({"code": "202", "en_desc": "Invalid access_token"}, "m"),
                      AuthFailed)
    limited = pdd.error_from({"error_code": 70031, "error_msg": "调用太频繁",
                              "sub_msg": "请6秒后重试"}, "m")
    assert isinstance(limited, RateLimited) and limited.retry_after == 6.0
    assert isinstance(pdd.error_from({"error_code": 20004, "error_msg": "签名校验失败"}, "m"),
                      AuthFailed)
    assert not pdd.error_from({"error_code": 10000, "error_msg": "参数错误"}, "m").retryable


def test_a_slow_platform_times_out_as_a_retryable_error() -> None:
    with TaobaoSim(faults="latency=1.0") as sim:
        conn = taobao.TaobaoConnector(sim.app_key, sim.app_secret, sim.session,
                                      endpoint=sim.endpoint, timeout=(1.0, 0.2))
        started = time.monotonic()
        with pytest.raises(ConnectorError) as err:
            conn.fetch_order("1")
        assert err.value.code == "timeout" and err.value.retryable
        assert time.monotonic() - started < 0.9


def test_nobody_listening_is_a_retryable_connection_error() -> None:
    with TaobaoSim() as sim:
        endpoint = sim.endpoint
    conn = pdd.PddConnector("k", "s", "t", endpoint=endpoint.replace("/router/rest",
                                                                        "/api/router"))
    with pytest.raises(ConnectorError) as err:
        conn.fetch_order("1")
    assert err.value.code == "connection" and err.value.retryable


def test_taobao_sim_refuses_an_old_timestamp_with_code_31() -> None:
    with TaobaoSim() as sim:
        old = (datetime.now(UTC) - timedelta(minutes=11)).astimezone(CHINA)
        params = {"method": "taobao.trade.fullinfo.get", "app_key": sim.app_key,
                  "session": sim.session, "timestamp": old.strftime("%Y-%m-%d %H:%M:%S"),
                  "format": "json", "v": "2.0", "sign_method": "md5", "fields": "tid",
                  "tid": "1"}
        params["sign"] = taobao.sign_request(params, sim.app_secret)
        body = requests.post(sim.endpoint, data=params, timeout=5).json()
        assert body["error_response"]["code"] == 31
        params["sign"] = "0" * 32
        body = requests.post(sim.endpoint, data=params, timeout=5).json()
        assert body["error_response"]["code"] == 25


def test_pdd_sim_refuses_an_old_timestamp_and_a_bad_sign() -> None:
    with PddSim() as sim:
        params = {"type": "pdd.order.information.get", "client_id": sim.app_key,
                  "access_token": sim.session, "data_type": "JSON", "order_sn": "x",
                  "timestamp": str(int(time.time()) - 700)}
        params["sign"] = pdd.sign_request(params, sim.app_secret)
        body = requests.post(sim.endpoint, json=params, timeout=5).json()
        assert body["error_response"]["error_code"] == 10000
        assert "timestamp" in body["error_response"]["sub_msg"]
        params["timestamp"] = str(int(time.time()))  # changed after signing
        body = requests.post(sim.endpoint, json=params, timeout=5).json()
        assert body["error_response"]["error_code"] == 20004


def test_jd_sim_accepts_the_three_timestamp_forms() -> None:
    with JdSim() as sim:
        now = datetime.now(UTC).astimezone(CHINA)
        for stamp in (now.strftime("%Y-%m-%d %H:%M:%S"),
                      now.strftime("%Y-%m-%d %H:%M:%S") + ".000+0800",
                      now.strftime("%Y-%m-%d %H:%M:%S") + ".683+0800"):
            params = {"method": "jingdong.pop.order.get", "app_key": sim.app_key,
                      "access_token": sim.session, "timestamp": stamp, "v": "2.0",
                      "360buy_param_json": json.dumps({"order_id": "1"})}
            params["sign"] = jd.sign_request(params, sim.app_secret)
            # the official SDK sends the params in the URL query of a POST
            body = requests.post(sim.endpoint, params=params, timeout=5).json()
            result = body["jingdong_pop_order_get_responce"]["orderDetailInfo"]
            assert result["apiResult"]["success"] is False  # order 1 does not exist


@pytest.mark.parametrize("offset", [900, -900])
@pytest.mark.parametrize(("sim_cls", "connector_cls"), [
    (TaobaoSim, taobao.TaobaoConnector), (JdSim, jd.JdConnector), (PddSim, pdd.PddConnector)])
def test_a_pc_clock_15_minutes_off_still_gets_through(sim_cls: type, connector_cls: type,
                                                     offset: int) -> None:
    # the platform refuses timestamps more than 10 minutes off; the connector learns the
    # platform's clock from the refusal's Date header and signs again, once
    with sim_cls(clock_offset=offset) as sim:
        order = sim.book.pregenerate(5, datetime.now(UTC) - timedelta(minutes=5),
                                     datetime.now(UTC))[2]
        conn = connector_cls(sim.app_key, sim.app_secret, sim.session, endpoint=sim.endpoint)
        assert conn.fetch_order(order.platform_order_id).platform_order_id == \
            order.platform_order_id
        assert abs(conn.http.clock_offset - offset) < 5
        assert abs((conn.platform_now() - sim.now()).total_seconds()) < 5
        served = sim.requests_served
        conn.fetch_order(order.platform_order_id)
        assert sim.requests_served == served + 1  # no more refusals once learnt


@pytest.mark.parametrize(("raw", "stored"), [
    (("北京", "北京", "朝阳区"), ("北京市", "北京市", "朝阳区")),  # JD short names
    (("上海市", "市辖区", "宝山区"), ("上海市", "上海市", "宝山区")),
    (("重庆市", "", "渝中区"), ("重庆市", "重庆市", "渝中区")),
    (("河南省", "", "济源市"), ("河南省", "济源市", "济源市")),  # county-level city
    (("湖北省", "省直辖县级行政区划", "仙桃市"), ("湖北省", "仙桃市", "仙桃市")),
    (("广西", "南宁市", "青秀区"), ("广西壮族自治区", "南宁市", "青秀区")),
    (("新疆维吾尔自治区", "乌鲁木齐市", "天山区"), ("新疆维吾尔自治区", "乌鲁木齐市", "天山区")),
    (("广东省", "东莞市", ""), ("广东省", "东莞市", "")),  # a city without districts
])
def test_regions_are_stored_one_way_whatever_the_platform_wrote(
        raw: tuple[str, str, str], stored: tuple[str, str, str]) -> None:
    assert normalise_region(*raw) == stored


def test_wire_amounts_round_half_up_like_our_money() -> None:
    """A platform amount with a third decimal rounds the way every other amount of ours
    does (half up), so an order total read off the wire equals the one we compute."""
    from decimal import Decimal

    from ecerp_desktop.connectors.wire import dec
    from ecerp_desktop.domain.money import money

    for text in ("0.125", "2.675", "-0.005", "10.005"):
        assert dec(text) == money(text), text
        assert dec(Decimal(text)) == money(text), text
    assert dec("0.125") == Decimal("0.13")
