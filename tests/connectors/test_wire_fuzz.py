"""Hostile wire data: any field of a real-shaped order replaced by any JSON value, or
removed, never crashes a page. The damaged order is either read (with exact Decimal money
and aware times) or quarantined with its id and a reason; the order beside it still comes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from ecerp_desktop.connectors import jd, pdd, taobao
from ecerp_desktop.connectors.wire import parse_items
from ecerp_desktop.sim.jd import JdSim
from ecerp_desktop.sim.pdd import PddSim
from ecerp_desktop.sim.taobao import TaobaoSim
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

AT = datetime(2026, 11, 11, 1, 2, 3, tzinfo=UTC)


def _wire(sim_cls: Any, n: int = 3) -> list[dict[str, Any]]:
    sim = sim_cls(seed=5)  # never started: only its encoder is used
    orders = sim.book.pregenerate(n, AT - timedelta(minutes=n), AT, follow_up_rate=0)
    return [json.loads(sim.wire_text(o), parse_float=Decimal) for o in orders]


CASES = {
    "taobao": (_wire(TaobaoSim), taobao.parse_trade, ("tid_str", "tid"), "orders"),
    "jd": (_wire(JdSim), jd.parse_order, ("orderId",), "itemInfoList"),
    "pdd": (_wire(PddSim), pdd.parse_order, ("order_sn",), "item_list"),
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.text(max_size=30) | st.sampled_from(
        ["", "NaN", "Infinity", "1E+100", "-0", "12.345", "¥12", "2026-13-45 25:61:61",
         "0001-01-01 00:00:00", "^XA^FDx^FS", "=cmd|'/c calc'!A1", "\x00", "\ud800"])
    | st.decimals(allow_nan=False, allow_infinity=False, places=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=6)


def _mutate(order: dict[str, Any], lines_key: str, data: st.DataObject) -> dict[str, Any]:
    order = json.loads(json.dumps(order, default=str), parse_float=Decimal)
    target = order
    lines = order.get(lines_key)
    if isinstance(lines, dict):
        lines = lines.get("order")
    if lines and data.draw(st.booleans()):
        target = lines[data.draw(st.integers(0, len(lines) - 1))]
    key = data.draw(st.sampled_from(sorted(target)))
    if data.draw(st.integers(0, 4)) == 0:
        del target[key]
    else:
        target[key] = data.draw(json_values)
    return order


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(platform=st.sampled_from(sorted(CASES)), data=st.data())
def test_one_damaged_order_never_sinks_the_page(platform: str, data: st.DataObject) -> None:
    wire, parse, id_keys, lines_key = CASES[platform]
    damaged = _mutate(wire[0], lines_key, data)
    page = parse_items([damaged, wire[1]], parse, id_keys, platform, set())
    assert len(page.orders) + len(page.bad) == 2
    good_id = str(next(wire[1][k] for k in id_keys if k in wire[1]))
    assert good_id in {o.platform_order_id for o in page.orders}
    for o in page.orders:
        for amount in (o.paid_amount, o.total_amount, o.post_fee, o.discount_amount,
                       *(x for ln in o.lines for x in (ln.price, ln.paid_amount))):
            assert type(amount) is Decimal and amount.is_finite() and amount >= 0
        assert o.modified_at.tzinfo is not None and o.created_at.tzinfo is not None
        assert all(type(ln.qty) is int and ln.qty >= 1 for ln in o.lines)
    for bad in page.bad:
        assert bad.reason and bad.raw
