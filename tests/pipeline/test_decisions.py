"""The other pure decisions: SKU mapping, gifts, merge, split, warehouse order, couriers,
and the whole chunk plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ecerp_desktop.domain.facts import LineFacts, OrderFacts
from ecerp_desktop.domain.gifts import GiftUsage, evaluate_gifts, gift_rules_from_dict
from ecerp_desktop.domain.mapping import Catalog, LineRef, SkuInfo, expand_bundle, map_line
from ecerp_desktop.domain.merge import NO_MERGE_TAG, plan_merges
from ecerp_desktop.domain.pipeline import Config, Options, RemoteRoute, plan_chunk
from ecerp_desktop.domain.regions import RegionPattern, address_problems, province_short
from ecerp_desktop.domain.routing import (
    CourierInfo,
    ParcelFacts,
    Rate,
    WarehouseInfo,
    choose_courier,
    warehouse_order,
)
from ecerp_desktop.domain.rules import RuleSet, ruleset_from_dict
from ecerp_desktop.domain.split import Item, allocate, split_by_hand, split_by_weight

D = Decimal
T0 = datetime(2026, 11, 11, 8, tzinfo=UTC)

CAT = Catalog.build(
    [SkuInfo(1, "TEA-1", "西湖龙井 250g", 300, D("30"), cost=D("30")),
     SkuInfo(2, "CUP-1", "玻璃杯", 500, cost=D("10")),
     SkuInfo(3, "SET-1", "茶具组合装", 0, is_bundle=True),
     SkuInfo(4, "OLD-1", "停产", 100, active=False),
     SkuInfo(9, "GIFT-1", "试用装", 50, is_gift=True)],
    listings=[(7, "num1", "sku1", 2), (7, "num2", "", 1)],
    barcodes=[("6901234567892", 1)], bundles=[(3, 1, 1), (3, 2, 2)])


# --- mapping -------------------------------------------------------------------------------

def test_mapping_order_table_then_code_then_barcode() -> None:
    assert map_line(CAT, 7, LineRef("num1", "sku1", "TEA-1")).sku_id == 2  # table first
    assert map_line(CAT, 7, LineRef("num2", "skuX", "")).how == "listing_item"
    assert map_line(CAT, 8, LineRef("num1", "sku1", " tea-1 ")).how == "code"
    r = map_line(CAT, 8, LineRef("", "", "6901234567892"))
    assert r.sku_id == 1 and r.how == "barcode" and "barcode" in r.why


def test_unmapped_line_suggests_likely_matches() -> None:
    r = map_line(CAT, 8, LineRef("", "", "TEA-01", "西湖龙井 250 g 礼盒"))
    assert r.sku_id is None and r.suggestions[0] == "TEA-1"
    assert map_line(CAT, 8, LineRef("", "", "OLD-1")).how == "inactive"


def test_bundle_components_share_the_paid_amount_exactly() -> None:
    parts = expand_bundle(CAT, 3, 2, D("99.99"))
    assert [(p.sku_id, p.qty) for p in parts] == [(1, 2), (2, 4)]
    assert sum(p.paid_amount for p in parts) == D("99.99")
    assert parts[0].paid_amount > parts[1].paid_amount  # by cost: 30 vs 2×10


# --- regions, warehouses, couriers -------------------------------------------------------------

def test_region_names_and_addresses() -> None:
    assert province_short("新疆维吾尔自治区") == "新疆" == province_short("新疆")
    assert province_short("上海市") == "上海"
    assert RegionPattern.parse("浙江/杭州/西湖").matches("浙江省", "杭州市", "西湖区")
    assert not RegionPattern.parse("浙江/杭州/西湖").matches("浙江省", "杭州市", "滨江区")
    assert RegionPattern.parse("四川/甘孜").matches("四川省", "甘孜藏族自治州")
    assert address_problems("浙江省", "杭州市", "西湖区", "文三路 100 号") == []
    assert "no district" in address_problems("浙江省", "杭州市", "", "文三路 100 号")


def test_warehouse_order_priority_table_then_nearest() -> None:
    whs = [WarehouseInfo(1, "HZ", "浙江省"), WarehouseInfo(2, "GZ", "广东省"),
           WarehouseInfo(3, "BJ", "北京市"), WarehouseInfo(4, "OFF", "浙江", active=False)]
    assert warehouse_order("广东", whs, {}) == [2, 1, 3]
    assert warehouse_order("江苏省", whs, {}) == [1, 3, 2]  # same area, then 华北 before 华南
    assert warehouse_order("辽宁省", whs, {}) == [3, 1, 2]  # neighbouring area
    assert warehouse_order("广东", whs, {"广东": [3], "*": [1]}) == [3, 1, 2]


ZTO = CourierInfo.build(1, "ZTO", "中通", [Rate("*", 1000, D(5), 1000, D(2)),
                                            Rate("新疆", 1000, D(20), 1000, D(10))],
                        {"max_weight_g": 30000, "exclude_skus": ["LIQUID-1"], "cod": False})
SF = CourierInfo.build(2, "SF", "顺丰", [Rate("*", 1000, D(12), 500, D(3)),
                                         Rate("西藏", 0, D(0), 0, D(0), excluded=True)])
EMS = CourierInfo.build(3, "EMS", "邮政", [Rate("西藏", 1000, D(25), 1000, D(12))],
                        {"shops": ["天猫旗舰店"]})


def test_rate_table_first_weight_then_steps() -> None:
    assert SF.rate_for("浙江") is not None
    assert SF.rates["*"].price(1000) == D(12)
    assert SF.rates["*"].price(1001) == D(15)
    assert SF.rates["*"].price(2000) == D(18)


def test_courier_cheapest_that_serves_unless_asked_otherwise() -> None:
    p = ParcelFacts("浙江省", 1500, D(100), 1, "天猫旗舰店", frozenset({"TEA-1"}))
    c = choose_courier([SF, ZTO, EMS], p)
    assert c.code == "ZTO" and c.cost == D(7) and "cheapest" in c.why
    assert choose_courier([SF, ZTO], p, "SF", "rule 3").code == "SF"
    heavy = ParcelFacts("浙江省", 40000, D(100))
    assert choose_courier([SF, ZTO], heavy).code == "SF"  # over ZTO's weight limit
    liquid = ParcelFacts("浙江省", 100, D(1), sku_codes=frozenset({"liquid-1"}))
    assert choose_courier([SF, ZTO], liquid).code == "SF"
    cod = ParcelFacts("浙江省", 100, D(1), is_cod=True)
    assert choose_courier([SF, ZTO], cod).code == "SF"
    tibet = ParcelFacts("西藏自治区", 100, D(1), shop_name="京东店")
    none = choose_courier([SF, EMS], tibet)
    assert none.courier_id is None
    assert "SF: does not serve 西藏" in none.why and "EMS: not contracted" in none.why
    # ZTO has no 西藏 row but a '*' default, so it takes it once SF refuses.
    assert choose_courier([SF, ZTO], ParcelFacts("西藏", 100, D(1))).code == "ZTO"


# --- split ---------------------------------------------------------------------------------

def items(*spec: tuple[int, int, int]) -> list[Item]:
    return [Item(line, 1, sku, qty, 100) for line, sku, qty in spec]


def test_one_warehouse_when_it_has_everything_else_split_else_short() -> None:
    its = items((1, 1, 2), (2, 2, 1))
    a = allocate(its, [10, 20], {(10, 1): 5, (20, 1): 5, (20, 2): 1})
    assert a.ok and [p.warehouse_id for p in a.parcels] == [20]
    a = allocate(its, [10, 20], {(10, 1): 5, (20, 2): 1})
    assert a.ok and [(p.warehouse_id, [i.line_id for i in p.items]) for p in a.parcels] == [
        (10, [1]), (20, [2])]
    a = allocate(its, [10, 20], {(10, 1): 5, (20, 2): 1}, allow_split=False)
    assert not a.ok
    a = allocate(its, [10, 20], {(10, 1): 1}, sku_name=lambda s: {1: "TEA-1"}.get(s, str(s)))
    assert not a.ok and "TEA-1 needs 2" in a.why[-1]


def test_weight_limit_divides_quantities_and_keeps_every_unit() -> None:
    from ecerp_desktop.domain.split import PlannedParcel

    p = PlannedParcel(1, [Item(1, 1, 1, 5, 400), Item(2, 1, 2, 1, 900), Item(3, 1, 3, 2, 0)])
    parts = split_by_weight(p, 1000)
    assert all(q.weight_g <= 1000 for q in parts)
    got: dict[int, int] = {}
    for q in parts:
        for i in q.items:
            got[i.line_id] = got.get(i.line_id, 0) + i.qty
    assert got == {1: 5, 2: 1, 3: 2}
    too_heavy = split_by_weight(PlannedParcel(1, [Item(1, 1, 1, 2, 3000)]), 1000)
    assert [i.qty for q in too_heavy for i in q.items] == [1, 1]


def test_split_by_hand_checks_every_unit() -> None:
    its = items((1, 1, 3), (2, 2, 1))
    ok = split_by_hand(its, [[(1, 2)], [(1, 1), (2, 1)]])
    assert isinstance(ok, list) and len(ok) == 2
    assert "every unit" in str(split_by_hand(its, [[(1, 2)], [(2, 1)]]))
    assert "not a shipping line" in str(split_by_hand(its, [[(9, 1)]]))
    assert "empty" in str(split_by_hand(its, [[]]))


# --- gifts and merge -----------------------------------------------------------------------

def facts(oid: int, **kw: object) -> OrderFacts:
    base: dict[str, object] = dict(
        id=oid, shop_id=7, shop_name="天猫旗舰店", platform="taobao", buyer_key="taobao:tom",
        phone_hash="p1", receiver_name="张三", province="浙江省", city="杭州市",
        district="西湖区", address_detail="文三路 100 号", paid_amount=D("120.00"),
        paid_at=T0, created_at=T0, lines=[LineFacts(oid * 10, 1, "TEA-1", 1, weight_g=300)])
    base.update(kw)
    return OrderFacts(**base)  # type: ignore[arg-type]


GIFTS = gift_rules_from_dict({"rules": [
    {"id": 1, "name": "双11", "min_amount": "100", "skus": ["TEA-1"], "min_qty": 1,
     "start": "2026-11-11T00:00:00+08:00", "end": "2026-11-12T00:00:00+08:00",
     "limit_per_buyer": 1, "limit_total": 2, "gifts": [{"sku": "GIFT-1", "qty": 2}]},
    {"id": 2, "name": "新客", "first_order_only": True, "shops": ["天猫旗舰店"],
     "gifts": [{"sku": "GIFT-1"}]},
]})


def test_gift_conditions_and_limits() -> None:
    usage = GiftUsage()
    g = evaluate_gifts(GIFTS, facts(1), usage)
    assert [(x.rule_id, x.sku_code, x.qty) for x in g.grants] == [(1, "GIFT-1", 2),
                                                                  (2, "GIFT-1", 1)]
    again = evaluate_gifts(GIFTS, facts(2, buyer_order_count=1), usage)
    assert again.grants == [] and "already got it" in again.why[0]  # per buyer
    other = evaluate_gifts(GIFTS, facts(3, buyer_key="taobao:ann"), usage)
    assert [x.rule_id for x in other.grants] == [1, 2]
    third = evaluate_gifts(GIFTS, facts(4, buyer_key="taobao:bob"), usage)
    assert 1 not in [x.rule_id for x in third.grants] and "total limit" in third.why[0]
    late = evaluate_gifts(GIFTS, facts(5, buyer_key="x", paid_at=T0 + timedelta(days=2)),
                          GiftUsage())
    assert [x.rule_id for x in late.grants] == [2]  # outside the promotion window
    cheap = evaluate_gifts(GIFTS, facts(6, buyer_key="y", paid_amount=D(99)), GiftUsage())
    assert [x.rule_id for x in cheap.grants] == [2]
    assert evaluate_gifts(GIFTS, facts(7), GiftUsage(), frozenset({1, 2})).grants == []


def test_merge_same_buyer_phone_address_within_window() -> None:
    a, b = facts(1), facts(2, paid_at=T0 + timedelta(hours=3), address_detail="文三路100号")
    c = facts(3, paid_at=T0 + timedelta(hours=30))
    d = facts(4, phone_hash="p2")
    plan = plan_merges([c, b, a, d], timedelta(hours=24))
    assert [(g.lead_id, g.order_ids) for g in plan.groups] == [(1, (1, 2))]


def test_merge_never_cod_presale_other_shop_or_no_merge_tag() -> None:
    for other in (facts(2, is_cod=True), facts(2, is_presale=True),
                  facts(2, shop_allows_merge=False), facts(2, tags=[NO_MERGE_TAG]),
                  facts(2, receiver_name="李四")):
        assert plan_merges([facts(1), other], timedelta(hours=24)).groups == []


def test_held_order_never_merges_silently() -> None:
    plan = plan_merges([facts(1), facts(2), facts(3)], timedelta(hours=24), held=[2])
    assert [g.order_ids for g in plan.groups] == [(1, 3)]
    assert "held order(s) 2" in plan.notes[1][0] and "held" in plan.notes[2][0]


# --- the chunk plan ------------------------------------------------------------------------

def cfg(rules: RuleSet | None = None, **kw: object) -> Config:
    whs = [WarehouseInfo(10, "HZ", "浙江省"), WarehouseInfo(20, "GZ", "广东省")]
    return Config(CAT, rules or RuleSet(), (), whs, {}, [SF, ZTO], **kw)  # type: ignore[arg-type]


def raw(oid: int, code: str, qty: int = 1, **kw: object) -> OrderFacts:
    f = facts(oid, **kw)
    f.lines = [LineFacts(oid * 10, None, "", qty, paid_amount=D(60),
                         platform_line_id=f"L{oid}", ref=LineRef("", "", code, code))]
    return f


def test_plan_maps_expands_bundles_and_routes_components_apart() -> None:
    stock = {(10, 1): 5, (20, 2): 5}
    plan = plan_chunk([raw(1, "SET-1")], cfg(), stock)
    [out] = plan.outcomes
    assert out.status == "approved"
    assert plan.mapped == [(10, 3)]
    assert [(n.sku_id, n.qty, n.parent_id) for n in plan.new_lines] == [(1, 1, 10), (2, 2, 10)]
    assert sorted((p.warehouse_id, [i.sku_id for i in p.items]) for p in plan.parcels) == [
        (10, [1]), (20, [2])]
    assert stock == {(10, 1): 4, (20, 2): 3}
    assert plan.reservations() == {(10, 1): 1, (20, 2): 2}


def test_plan_holds_unmapped_out_of_stock_remote_and_no_courier() -> None:
    remote = [RemoteRoute(RegionPattern.parse("新疆"), hold=True),
              RemoteRoute(RegionPattern.parse("青海"), courier="SF")]
    c = cfg(remote=remote)
    plan = plan_chunk([raw(1, "NOPE"), raw(2, "TEA-1", 9), raw(3, "TEA-1", province="新疆"),
                       raw(4, "TEA-1", province="青海省"), raw(5, "TEA-1", province="西藏")],
                      c, {(10, 1): 5})
    by = {o.order_id: o for o in plan.outcomes}
    assert by[1].hold_reason == "unmapped_sku"
    assert by[2].hold_reason == "out_of_stock"
    assert by[3].hold_reason == "remote_region"
    assert by[4].status == "approved" and by[4].courier_id == SF.id  # routed, not cheapest
    assert by[5].status == "approved" and by[5].courier_id == ZTO.id
    held = [o for o in plan.outcomes if o.status == "held"]
    assert all(p.order_id not in {o.order_id for o in held} for p in plan.parcels)


def test_priority_gets_short_stock_first() -> None:
    rules = ruleset_from_dict({"rules": [{"id": 1, "name": "vip", "when": [
        {"kind": "buyer_message", "contains": ["VIP"]}], "then": [
        {"kind": "set_priority", "priority": 5}]}]})
    a = raw(1, "TEA-1", 1, phone_hash="a")
    b = raw(2, "TEA-1", 1, phone_hash="b", buyer_message="VIP")
    plan = plan_chunk([a, b], cfg(rules), {(10, 1): 1})
    by = {o.order_id: o.status for o in plan.outcomes}
    assert by == {1: "held", 2: "approved"}


def test_merged_parcel_carries_both_orders_lines() -> None:
    plan = plan_chunk([raw(1, "TEA-1"), raw(2, "TEA-1", paid_at=T0 + timedelta(hours=1))],
                      cfg(options=Options(merge_window_hours=24)), {(10, 1): 5})
    [p] = plan.parcels
    assert p.order_id == 1 and sorted(i.order_id for i in p.items) == [1, 2]
    assert {o.order_id: o.merged_into for o in plan.outcomes} == {1: None, 2: 1}


def test_plan_never_merges_a_held_order_and_says_so() -> None:
    rules = ruleset_from_dict({"rules": [{"id": 1, "name": "msg", "when": [
        {"kind": "buyer_message", "contains": ["等"]}], "then": [{"kind": "hold"}]}]})
    a, b = raw(1, "TEA-1"), raw(2, "TEA-1", buyer_message="等我通知")
    c = raw(3, "TEA-1")
    plan = plan_chunk([a, b, c], cfg(rules), {(10, 1): 5})
    by = {o.order_id: o for o in plan.outcomes}
    assert by[2].status == "held" and any("not merged" in w for w in by[2].why)
    assert by[3].merged_into == 1 and any("held order(s) 2" in w for w in by[1].why)
