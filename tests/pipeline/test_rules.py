"""Review rules (智能审单): every condition kind, every action, the first-match semantics,
and the readable document round trip."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.facts import LineFacts, OrderFacts
from ecerp_desktop.domain.regions import RegionPattern
from ecerp_desktop.domain.rules import Context, Reviewer, describe, parse_rules, ruleset_from_dict

D = Decimal


def order(**kw: Any) -> OrderFacts:
    base: dict[str, Any] = dict(
        id=1, shop_id=3, shop_name="天猫旗舰店", platform="taobao", buyer_key="taobao:tom",
        phone_hash="h", province="浙江省", city="杭州市", district="西湖区",
        address_detail="文三路 100 号 2 单元", paid_amount=D("99.00"),
        paid_at=datetime(2026, 11, 11, tzinfo=UTC),
        lines=[LineFacts(10, 1, "TEA-1", 2, D("40"), D("80"), weight_g=300,
                         price_floor=D("30"))])
    base.update(kw)
    return OrderFacts(**base)


def decide(cond: dict[str, Any] | list[dict[str, Any]], o: OrderFacts,
           ctx: Context | None = None) -> bool:
    """True when a rule with *cond* holds *o*."""
    when = cond if isinstance(cond, list) else [cond]
    rs = ruleset_from_dict({"rules": [{"id": 7, "name": "r", "when": when,
                                       "then": [{"kind": "hold"}]}]})
    return not Reviewer(rs, ctx).decide(o).approved


CASES: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    # condition, order that matches, order that does not
    ({"kind": "shop", "shops": ["天猫旗舰店"]}, {}, {"shop_name": "京东店", "shop_id": 4}),
    ({"kind": "shop", "shops": [3]}, {}, {"shop_id": 4, "shop_name": ""}),
    ({"kind": "platform", "platforms": ["TAOBAO"]}, {}, {"platform": "jd"}),
    ({"kind": "paid_amount", "min": "1000"}, {"paid_amount": D("1000.00")}, {}),
    ({"kind": "paid_amount", "min": "10", "max": "50"}, {"paid_amount": D("50")}, {}),
    ({"kind": "line_count", "min": 2}, {"lines": [LineFacts(1, 1, "A", 1),
                                                  LineFacts(2, 2, "B", 1)]}, {}),
    ({"kind": "sku", "skus": ["tea-1"]}, {}, {"lines": [LineFacts(1, 2, "CUP-1", 1)]}),
    ({"kind": "sku", "skus": ["TEA-1", "CUP-1"], "match": "all"},
     {"lines": [LineFacts(1, 1, "TEA-1", 1), LineFacts(2, 2, "CUP-1", 1)]}, {}),
    ({"kind": "sku", "skus": ["TEA-1"], "match": "only"}, {},
     {"lines": [LineFacts(1, 1, "TEA-1", 1), LineFacts(2, 2, "CUP-1", 1)]}),
    ({"kind": "sku", "group": "fragile"}, {"lines": [LineFacts(1, 2, "CUP-1", 1)]}, {}),
    ({"kind": "quantity", "min": 5}, {"lines": [LineFacts(1, 1, "TEA-1", 5)]}, {}),
    ({"kind": "quantity", "max": 1, "skus": ["TEA-1"]},
     {"lines": [LineFacts(1, 1, "TEA-1", 1)]}, {}),
    ({"kind": "weight", "min_g": 500}, {}, {"lines": [LineFacts(1, 1, "TEA-1", 1,
                                                                weight_g=300)]}),
    ({"kind": "buyer_message"}, {"buyer_message": "请发顺丰"}, {"buyer_message": "  "}),
    ({"kind": "buyer_message", "present": False}, {}, {"buyer_message": "hi"}),
    ({"kind": "buyer_message", "contains": ["发票"]}, {"buyer_message": "要开发票"},
     {"buyer_message": "快点"}),
    ({"kind": "seller_memo", "contains": ["暂停"]}, {"seller_memo": "暂停发货"}, {}),
    ({"kind": "seller_flag", "flags": ["red", 2]}, {"seller_flag": 1}, {"seller_flag": 3}),
    ({"kind": "region", "regions": ["浙江/杭州"]}, {}, {"city": "宁波市"}),
    ({"kind": "region", "regions": ["广东省"]}, {"province": "广东"}, {}),
    ({"kind": "remote_region"}, {"province": "新疆维吾尔自治区"}, {}),
    ({"kind": "address_incomplete"}, {"district": ""}, {}),
    ({"kind": "address_incomplete"}, {"address_detail": "123"}, {}),
    ({"kind": "address_incomplete"}, {"address_detail": "测试地址不要发货"}, {}),
    ({"kind": "cod"}, {"is_cod": True}, {}),
    ({"kind": "presale"}, {"is_presale": True}, {}),
    ({"kind": "blacklist"}, {"buyer_blacklisted": True}, {}),
    ({"kind": "price_below_floor"}, {"lines": [LineFacts(1, 1, "TEA-1", 2, D("40"), D("50"),
                                                         price_floor=D("30"))]}, {}),
    ({"kind": "other_open_order"}, {"other_open_orders": 1}, {}),
    ({"kind": "first_order"}, {}, {"buyer_order_count": 3}),
    ({"kind": "any", "conditions": [{"kind": "cod"}, {"kind": "presale"}]},
     {"is_presale": True}, {}),
    ({"kind": "cod", "not": True}, {}, {"is_cod": True}),
]


@pytest.mark.parametrize(("cond", "yes", "no"), CASES,
                         ids=[f"{c['kind']}-{i}" for i, (c, _, _) in enumerate(CASES)])
def test_each_condition_matches_and_misses(cond: dict[str, Any], yes: dict[str, Any],
                                           no: dict[str, Any]) -> None:
    rs = {"sku_groups": {"fragile": ["CUP-1"]},
          "rules": [{"id": 1, "name": "r", "when": [cond], "then": [{"kind": "hold"}]}]}
    reviewer = Reviewer(ruleset_from_dict(rs))
    assert not reviewer.decide(order(**yes)).approved
    assert reviewer.decide(order(**no)).approved


def test_remote_list_is_editable() -> None:
    ctx = Context((RegionPattern.parse("四川/甘孜"),))
    assert decide({"kind": "remote_region"}, order(province="四川省", city="甘孜藏族自治州"), ctx)
    assert not decide({"kind": "remote_region"}, order(province="新疆"), ctx)
    assert not decide({"kind": "remote_region"}, order(province="四川省", city="成都市"), ctx)


def test_first_matching_hold_wins_and_stops_reading() -> None:
    rs = parse_rules("""{"rules": [
      {"id": 1, "name": "tag all", "when": [], "then": [{"kind": "add_tag", "tag": "seen"}]},
      {"id": 2, "name": "big", "when": [{"kind": "paid_amount", "min": "50"}],
       "then": [{"kind": "hold", "reason": "rule", "detail": "big order"},
                {"kind": "add_tag", "tag": "big"}]},
      {"id": 3, "name": "msg", "when": [], "then": [{"kind": "hold", "reason": "buyer_message"}]},
      {"id": 4, "name": "late tag", "when": [], "then": [{"kind": "add_tag", "tag": "late"}]}
    ]}""")
    d = Reviewer(rs).decide(order())
    assert not d.approved and d.rule_id == 2 and d.rule_name == "big"
    assert d.hold_reason == "rule" and d.hold_detail == "big order"
    assert d.tags == ["seen", "big"]  # the holding rule's side actions apply, later rules don't
    assert any("rule 2 'big' matched: paid 99.00" in w for w in d.why)


def test_approve_rule_is_a_fast_lane_and_default_hold_waits_for_a_clerk() -> None:
    rs = ruleset_from_dict({"default": "hold", "rules": [
        {"id": 1, "name": "vip shop", "when": [{"kind": "shop", "shops": ["VIP"]}],
         "then": [{"kind": "approve"}]},
        {"id": 2, "name": "hold all", "when": [], "then": [{"kind": "hold"}]}]})
    r = Reviewer(rs)
    assert r.decide(order(shop_name="VIP")).approved
    assert r.decide(order(shop_name="VIP")).rule_name == "vip shop"
    d = r.decide(order())
    assert not d.approved and d.rule_id == 2
    d = Reviewer(ruleset_from_dict({"default": "hold", "rules": []})).decide(order())
    assert not d.approved and d.hold_reason == "manual"


def test_side_actions_first_come_for_courier_warehouse_priority() -> None:
    rs = ruleset_from_dict({"rules": [
        {"id": 1, "name": "a", "when": [], "then": [
            {"kind": "assign_courier", "courier": "SF"}, {"kind": "set_priority", "priority": 9},
            {"kind": "add_gift", "sku": "GIFT-1", "qty": 2}]},
        {"id": 2, "name": "b", "when": [], "then": [
            {"kind": "assign_courier", "courier": "ZTO"},
            {"kind": "assign_warehouse", "warehouse": "GZ"},
            {"kind": "set_priority", "priority": 1}, {"kind": "add_gift", "sku": "GIFT-2"}]}]})
    d = Reviewer(rs).decide(order())
    assert d.approved and d.courier == "SF" and d.warehouse == "GZ" and d.priority == 9
    assert [(c, q) for c, q, _, _ in d.gifts] == [("GIFT-1", 2), ("GIFT-2", 1)]


def test_released_rule_is_skipped() -> None:
    rs = ruleset_from_dict({"rules": [{"id": 5, "name": "msg", "when": [],
                                       "then": [{"kind": "hold"}]}]})
    d = Reviewer(rs).decide(order(released_rule_ids=frozenset({5})))
    assert d.approved and any("skipped" in w for w in d.why)


def test_disabled_rule_is_not_read() -> None:
    rs = ruleset_from_dict({"rules": [{"id": 1, "name": "x", "enabled": False, "when": [],
                                       "then": [{"kind": "hold"}]}]})
    assert Reviewer(rs).decide(order()).approved


def test_document_round_trips_through_json_and_toml() -> None:
    doc = {"default": "approve", "sku_groups": {"fragile": ["CUP-1"]}, "rules": [
        {"id": 1, "name": "big", "enabled": True, "note": "ask the owner",
         "when": [{"kind": "paid_amount", "min": "1000"},
                  {"kind": "any", "conditions": [{"kind": "cod"}, {"kind": "presale",
                                                                  "not": True}]}],
         "then": [{"kind": "hold", "reason": "rule", "detail": "big"}]}]}
    rs = ruleset_from_dict(doc)
    again = parse_rules(rs.to_json())
    assert again.to_dict() == rs.to_dict()
    toml = """
default = "approve"
[[rules]]
id = 1
name = "大单"
when = [{kind = "paid_amount", min = "1000"}]
then = [{kind = "hold", detail = "big"}]
"""
    t = parse_rules(toml, "toml")
    assert t.rules[0].name == "大单" and not Reviewer(t).decide(order(paid_amount=D(2000))).approved
    assert describe(rs.rules[0]).startswith("when paid_amount(min=1000) and any")


@pytest.mark.parametrize("bad", [
    {"rules": [{"id": 1, "when": [{"kind": "moon_phase"}], "then": []}]},
    {"rules": [{"id": 1, "when": [], "then": [{"kind": "launch"}]}]},
    {"rules": [{"id": 1, "when": [{"kind": "paid_amount"}], "then": []}]},
    {"rules": [{"id": 1, "when": [{"kind": "paid_amount", "min": "abc"}], "then": []}]},
    {"rules": [{"id": 1, "when": [], "then": [{"kind": "approve"}, {"kind": "hold"}]}]},
    {"rules": [{"id": 1, "when": [], "then": []}, {"id": 1, "when": [], "then": []}]},
    {"rules": [{"id": 0, "when": [], "then": []}]},
    {"rules": [{"id": 1, "when": [{"kind": "sku", "group": "nope"}], "then": []}]},
    {"rules": [{"id": 1, "when": [], "then": [{"kind": "assign_courier"}]}]},
    {"default": "maybe"},
    {"format": "other/2"},
])
def test_bad_documents_are_refused_with_a_coded_error(bad: dict[str, Any]) -> None:
    with pytest.raises(DomainError) as e:
        ruleset_from_dict(bad)
    assert e.value.code == ErrorCode.RULES_INVALID


def test_garbage_text_is_refused() -> None:
    with pytest.raises(DomainError):
        parse_rules("{not json")
    with pytest.raises(DomainError):
        parse_rules("= = =", "toml")


def test_hostile_buyer_text_is_only_compared() -> None:
    hostile = "'; DROP TABLE orders; -- {__import__('os')} ^XA~JR 退款"
    assert decide({"kind": "buyer_message", "contains": ["退款"]}, order(buyer_message=hostile))
    assert not decide({"kind": "buyer_message", "contains": ["发票"]},
                      order(buyer_message=hostile))
