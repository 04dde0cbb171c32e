"""The pipeline on a real database: NEW orders to APPROVED parcels with stock reserved, or
HELD with the reason and the rule; on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.platform_order import PlatformOrderLine
from ecerp_desktop.domain.rules import ruleset_from_dict
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import pipeline as svc
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import pipeline as ps
from ecerp_desktop.store.schema import ParcelRow
from ecerp_desktop.store.stock import Move, post_moves
from sqlalchemy import text, update

from .conftest import World

D = Decimal


def test_plain_order_is_approved_with_a_parcel_and_reserved_stock(world: World) -> None:
    oid = world.order([("TEA-1", 2), ("CUP-1", 1)], province="广东省")
    res = svc.process_pending(world.store, SYSTEM)
    assert res.approved == 1 and res.held_total == 0
    assert world.status(oid) == "approved"
    [(_pid, status, wh, courier, lines)] = world.parcels(oid)
    assert status == "open" and wh == world.gz  # nearest warehouse to 广东 has it all
    assert courier == world.couriers["ZTO"]  # cheapest
    assert sorted((sku, q) for _, sku, q in lines) == sorted(
        [(world.sku["TEA-1"], 2), (world.sku["CUP-1"], 1)])
    assert world.balance(world.gz, "TEA-1") == (100, 2)
    h = world.history(oid)[-1]
    assert h.action == "approved" and any("courier ZTO" in w for w in h.detail["why"])



def save(world: World, doc: dict[str, Any]) -> int:
    return svc.save_rules(world.store, SYSTEM, ruleset_from_dict(doc))


def test_rule_hold_names_the_rule_and_release_lets_it_through(world: World) -> None:
    save(world, {"rules": [{"id": 4, "name": "大单人工审", "when": [
        {"kind": "paid_amount", "min": "500"}], "then": [
        {"kind": "hold", "reason": "rule", "detail": "big order"},
        {"kind": "add_tag", "tag": "big"}]}]})
    big = world.order([("TEA-1", 1)], paid="800.00")
    small = world.order([("TEA-1", 1)], paid="80.00")
    res = svc.process_pending(world.store, SYSTEM)
    assert res.approved == 1 and res.held == {"rule": 1}
    assert world.status(big) == "held" and world.parcels(big) == []
    assert world.holds(big) == [("rule", "big order")]
    h = world.history(big)[-1]
    assert h.rule == "大单人工审" and h.to_status == "held"
    assert world.order_row(big).tags == ["big"]
    assert world.balance(world.gz, "TEA-1") == (100, 1)  # a held order is never reserved
    # Running again changes nothing for the held order (no new hold row, no new history).
    n_hist = len(world.history(big))
    svc.process_pending(world.store, SYSTEM)
    assert len(world.history(big)) == n_hist and len(world.holds(big, open_only=False)) == 1
    svc.release_hold(world.store, big, SYSTEM, "called the buyer")
    assert world.status(big) == "review" and world.holds(big) == []
    res = svc.process_pending(world.store, SYSTEM)
    assert res.approved == 1 and world.status(big) == "approved"
    assert any("skipped: a clerk released its hold" in w
               for w in world.history(big)[-1].detail["why"])
    assert world.status(small) == "approved"


def test_unmapped_sku_holds_then_remapping_rerun_approves(world: World) -> None:
    oid = world.order([PlatformOrderLine("x1", 2, D("10"), D("20"), "num-77", "sku-5",
                                         "TE A1", "龙井茶 250g 新包装")])
    svc.process_pending(world.store, SYSTEM)
    assert world.status(oid) == "held"
    [(reason, detail)] = world.holds(oid)
    assert reason == "unmapped_sku" and "likely" in detail and "TEA-1" in detail
    with world.store.write() as s:
        cat.upsert_listings(s, world.shop, [cat.ListingInput("num-77", "sku-5", "TE A1", "",
                                                             world.sku["TEA-1"])])
    res = svc.process_pending(world.store, SYSTEM)
    assert res.approved == 1 and world.status(oid) == "approved"
    assert world.holds(oid) == [] and len(world.holds(oid, open_only=False)) == 1
    assert world.lines(oid)[0].sku_id == world.sku["TEA-1"]


def test_out_of_stock_waits_and_goes_when_stock_arrives(world: World) -> None:
    oid = world.order([("POT-1", 150)])
    svc.process_pending(world.store, SYSTEM)
    assert world.holds(oid)[0][0] == "out_of_stock"
    assert world.balance(world.gz, "POT-1") == (100, 0)
    world.stock(world.hz, "POT-1", 60)  # HZ now has 160
    res = svc.process_pending(world.store, SYSTEM)
    assert res.approved == 1
    [(_, _, wh, _, _)] = world.parcels(oid)
    assert wh == world.hz and world.balance(world.hz, "POT-1") == (160, 150)


def test_bundle_expands_and_splits_across_warehouses_with_gift(world: World) -> None:
    from ecerp_desktop.domain.gifts import gift_rules_from_dict

    svc.save_gift_rules(world.store, SYSTEM, gift_rules_from_dict({"rules": [
        {"id": 1, "name": "买组合送试用装", "skus": ["SET-1"], "limit_per_buyer": 1,
         "gifts": [{"sku": "GIFT-1", "qty": 1}]}]}))
    with world.store.write() as s:  # cups only in HZ, pots only in GZ: two parcels
        post_moves(s, [Move(world.gz, world.sku["CUP-1"], MoveKind.ADJUSTMENT, "test", "x",
                            d_on_hand=-100),
                       Move(world.hz, world.sku["POT-1"], MoveKind.ADJUSTMENT, "test", "x",
                            d_on_hand=-100)], utcnow())
    oid = world.order([("SET-1", 1)], buyer="tom", phone="13900000001")
    res = svc.process_pending(world.store, SYSTEM)
    assert res.approved == 1 and res.split == 1
    lines = {ln.platform_line_id: ln for ln in world.lines(oid)}
    bundle = next(ln for ln in lines.values() if ln.sku_id == world.sku["SET-1"])
    comps = [ln for ln in lines.values() if ln.bundle_line_id == bundle.id]
    assert sorted((ln.sku_id, ln.qty) for ln in comps) == sorted(
        [(world.sku["POT-1"], 1), (world.sku["CUP-1"], 2)])
    gift = next(ln for ln in lines.values() if ln.is_gift)
    assert gift.sku_id == world.sku["GIFT-1"] and gift.price == 0
    parcels = world.parcels(oid)
    assert len(parcels) == 2
    shipped = {lid: q for _, _, _, _, pl in parcels for lid, _, q in pl}
    assert bundle.id not in shipped  # components ship, not the bundle line
    assert shipped == {c.id: c.qty for c in comps} | {gift.id: 1}
    by_wh = {wh: {sku for _, sku, _ in pl} for _, _, wh, _, pl in parcels}
    assert world.sku["CUP-1"] in by_wh[world.hz] and world.sku["POT-1"] in by_wh[world.gz]
    assert world.balance(world.hz, "CUP-1") == (100, 2)
    # The same buyer's next order gets no second gift (limit 1 per buyer).
    again = world.order([("SET-1", 1)], buyer="tom", phone="13900000002")
    svc.process_pending(world.store, SYSTEM)
    assert not any(ln.is_gift for ln in world.lines(again))


def test_merge_one_parcel_and_undo(world: World) -> None:
    a = world.order([("TEA-1", 1)], buyer="ann", phone="13700000000")
    b = world.order([("CUP-1", 2)], buyer="ann", phone="13700000000")
    c = world.order([("CUP-1", 1)], buyer="ann", phone="13700000000", cod=True)
    res = svc.process_pending(world.store, SYSTEM)
    assert res.approved == 3 and res.merged == 1
    [(_pid, _, _, _, lines)] = world.parcels(a)
    assert {ln[1] for ln in lines} == {world.sku["TEA-1"], world.sku["CUP-1"]}
    assert world.parcels(b) == [] and world.order_row(b).merged_into_id == a
    assert len(world.parcels(c)) == 1  # cash on delivery never merges
    assert world.history(b)[-1].action == "merged"
    before = world.balance(world.gz, "CUP-1")
    assert svc.unmerge(world.store, b, SYSTEM) == [b]
    assert world.order_row(b).merged_into_id is None
    [(_, _, _, _, blines)] = world.parcels(b)
    assert blines == [(world.lines(b)[0].id, world.sku["CUP-1"], 2)]
    [(_, _, _, _, alines)] = world.parcels(a)
    assert [ln[1] for ln in alines] == [world.sku["TEA-1"]]
    assert world.balance(world.gz, "CUP-1") == before  # the reservation moved with the lines
    assert "no_merge" in world.order_row(b).tags


def test_refund_on_one_merged_order_sends_the_other_back_to_review(world: World) -> None:
    a = world.order([("TEA-1", 1)], buyer="bo", phone="13600000000")
    b = world.order([("CUP-1", 1)], buyer="bo", phone="13600000000")
    svc.process_pending(world.store, SYSTEM)
    [(pid, _, _, _, _)] = world.parcels(a)
    assert world.balance(world.gz, "TEA-1") == (100, 1)
    # A packing station holds the parcel: it stops whole. (An untouched merged parcel
    # only loses the refunded order's lines: tests/pipeline_merge.)
    with world.store.write() as s:
        s.execute(update(ParcelRow).where(ParcelRow.id == pid).values(station="PACK-1"))
    res = svc.intercept(world.store, b, "refund requested")
    assert res.status == "intercepted" and res.parcels == [pid] and res.back_to_review == [a]
    assert world.status(b) == "intercepted" and world.status(a) == "review"
    assert world.parcels(a)[0][1] == "intercepted"
    assert world.balance(world.gz, "TEA-1") == (100, 0)
    assert world.balance(world.gz, "CUP-1") == (100, 0)
    svc.process_pending(world.store, SYSTEM)  # the other order ships on its own
    assert world.status(a) == "approved"
    live = [p for p in world.parcels(a) if p[1] == "open"]
    assert [[ln[1] for ln in p[4]] for p in live] == [[world.sku["TEA-1"]]]
    assert world.balance(world.gz, "TEA-1") == (100, 1)


def test_partial_refund_intercepts_only_that_lines_parcel(world: World) -> None:
    with world.store.write() as s:  # TEA only in HZ, CUP only in GZ: two parcels
        post_moves(s, [Move(world.gz, world.sku["TEA-1"], MoveKind.ADJUSTMENT, "t", "x",
                            d_on_hand=-100),
                       Move(world.hz, world.sku["CUP-1"], MoveKind.ADJUSTMENT, "t", "x",
                            d_on_hand=-100)], utcnow())
    oid = world.order([("TEA-1", 1), ("CUP-1", 1)])
    svc.process_pending(world.store, SYSTEM)
    parcels = world.parcels(oid)
    assert len(parcels) == 2
    cup_line = next(ln.id for ln in world.lines(oid) if ln.sku_id == world.sku["CUP-1"])
    res = svc.intercept(world.store, oid, "refund of the cup", line_ids=[cup_line])
    assert res.status == "approved" and len(res.parcels) == 1
    status = {p[2]: p[1] for p in world.parcels(oid)}
    assert status == {world.gz: "intercepted", world.hz: "open"}
    assert world.balance(world.gz, "CUP-1") == (100, 0)
    assert world.balance(world.hz, "TEA-1") == (100, 1)
    # Refunding the other line too stops the order.
    tea_line = next(ln.id for ln in world.lines(oid) if ln.sku_id == world.sku["TEA-1"])
    assert svc.intercept(world.store, oid, "all", line_ids=[tea_line]).status == "intercepted"


def test_intercept_enqueues_waybill_cancel_and_refuses_shipped(world: World) -> None:
    from ecerp_desktop.store.schema import OrderRow, OutboxRow, WaybillRow
    from sqlalchemy import insert, select, update

    oid = world.order([("TEA-1", 1)])
    svc.process_pending(world.store, SYSTEM)
    [(pid, _, _, courier, _)] = world.parcels(oid)
    with world.store.write() as s:
        s.execute(insert(WaybillRow).values(parcel_id=pid, courier_id=courier, number="ZT123",
                                            request_key=f"p{pid}", issued_at=utcnow()))
    res = svc.intercept(world.store, oid, "buyer cancelled")
    assert res.waybill_cancels == 1
    with world.store.read() as s:
        [row] = s.execute(select(OutboxRow.kind, OutboxRow.target, OutboxRow.payload)).all()
    assert row.kind == "waybill_cancel" and row.payload["number"] == "ZT123"
    assert row.target == f"courier:{courier}"
    shipped = world.order([("TEA-1", 1)])
    with world.store.write() as s:
        s.execute(update(OrderRow).where(OrderRow.id == shipped).values(status="shipped"))
    with pytest.raises(DomainError) as e:
        svc.intercept(world.store, shipped, "too late")
    assert e.value.code == ErrorCode.ORDER_NOT_INTERCEPTABLE


def test_dry_run_changes_nothing_and_explains(world: World) -> None:
    a = world.order([("TEA-1", 1)], paid="900.00")
    b = world.order([("CUP-1", 1)], message="记得开发票")
    svc.process_pending(world.store, SYSTEM)
    draft = ruleset_from_dict({"rules": [
        {"id": 1, "name": "big", "when": [{"kind": "paid_amount", "min": "500"}],
         "then": [{"kind": "hold"}]},
        {"id": 2, "name": "invoice by SF", "when": [
            {"kind": "buyer_message", "contains": ["发票"]}],
         "then": [{"kind": "assign_courier", "courier": "SF"}]}]})

    def snapshot() -> tuple[Any, ...]:
        with world.store.read() as s:
            counts = [s.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                      for t in ("orders", "order_lines", "order_holds", "order_history",
                                "parcels", "parcel_lines", "stock_moves", "gift_grants",
                                "rule_versions")]
        return (*counts, world.balance(world.gz, "TEA-1"), world.status(a), world.status(b))

    before = snapshot()
    res = svc.dry_run(world.store, SYSTEM, draft, days=1)
    assert snapshot() == before
    assert res.processed == 2 and res.held == {"rule": 1} and res.approved == 1
    assert res.rerouted == 1  # b would go with SF instead of ZTO
    assert res.outcome[a] == "held: rule" and any("rule 1 'big'" in w for w in res.why[a])
    assert any("courier SF" in w for w in res.why[b])


def test_rules_are_versioned_and_export_import_round_trips(world: World) -> None:
    v1 = save(world, {"rules": [{"id": 1, "name": "a", "when": [], "then": []}]})
    v2 = save(world, {"rules": [{"id": 1, "name": "b", "when": [], "then": []}]})
    assert (v1, v2) == (1, 2)
    with world.store.read() as s:
        versions = ps.rule_versions(s, ps.REVIEW_RULES)
    assert [(v.version, v.document["rules"][0]["name"]) for v in versions] == [(2, "b"),
                                                                               (1, "a")]
    doc = svc.export_document(world.store)
    assert doc["version"] == 2
    assert svc.import_document(world.store, SYSTEM, doc) == (3, 1)
    rules, gifts = svc.current_rules(world.store)
    assert rules.version == 3 and rules.rules[0].name == "b" and gifts == ()


def test_split_by_hand_keeps_every_unit_and_the_reservation(world: World) -> None:
    oid = world.order([("TEA-1", 3), ("CUP-1", 1)])
    svc.process_pending(world.store, SYSTEM)
    [(old, _, wh, _, _)] = world.parcels(oid)
    tea, cup = (ln.id for ln in world.lines(oid))
    with pytest.raises(DomainError) as e:
        svc.split_by_hand(world.store, oid, [[(tea, 2)], [(cup, 1)]], SYSTEM)
    assert e.value.code == ErrorCode.SPLIT_INVALID and "every unit" in str(e.value)
    ids = svc.split_by_hand(world.store, oid, [[(tea, 2)], [(tea, 1), (cup, 1)]], SYSTEM)
    parcels = {p[0]: p for p in world.parcels(oid)}
    assert parcels[old][1] == "cancelled"
    assert [sorted((ln[0], ln[2]) for ln in parcels[i][4]) for i in ids] == [
        [(tea, 2)], sorted([(tea, 1), (cup, 1)])]
    assert world.balance(wh, "TEA-1") == (100, 3) and world.balance(wh, "CUP-1") == (100, 1)
    assert world.history(oid)[-1].action == "split"


def test_first_order_gift_and_other_open_orders_by_buyer_phone(world: World) -> None:
    from ecerp_desktop.domain.gifts import gift_rules_from_dict

    svc.save_gift_rules(world.store, SYSTEM, gift_rules_from_dict({"rules": [
        {"id": 3, "name": "新客礼", "first_order_only": True,
         "gifts": [{"sku": "GIFT-1"}]}]}))
    save(world, {"rules": [{"id": 1, "name": "repeat buyer", "when": [
        {"kind": "other_open_order"}], "then": [{"kind": "add_tag", "tag": "repeat"}]}]})
    first = world.order([("TEA-1", 1)], phone="13511112222", detail="甲路 1 号 1 室")
    svc.process_pending(world.store, SYSTEM)
    second = world.order([("TEA-1", 1)], phone="13511112222", detail="乙路 2 号 2 室")
    svc.process_pending(world.store, SYSTEM)
    assert any(ln.is_gift for ln in world.lines(first))
    assert not any(ln.is_gift for ln in world.lines(second))
    assert world.order_row(second).tags == ["repeat"]


def test_reopen_gives_stock_back_and_a_rerun_replans(world: World) -> None:
    a = world.order([("TEA-1", 2)], buyer="cy", phone="13300000000")
    b = world.order([("TEA-1", 1)], buyer="cy", phone="13300000000")
    svc.process_pending(world.store, SYSTEM)
    assert world.balance(world.gz, "TEA-1") == (100, 3)
    assert sorted(svc.reopen(world.store, b, SYSTEM, "rules changed")) == [a, b]
    assert world.status(a) == world.status(b) == "review"
    assert world.balance(world.gz, "TEA-1") == (100, 0)
    save(world, {"rules": [{"id": 1, "name": "to HZ", "when": [],
                            "then": [{"kind": "assign_warehouse", "warehouse": "HZ"}]}]})
    svc.process_pending(world.store, SYSTEM)
    assert world.balance(world.hz, "TEA-1") == (100, 3)
    assert world.balance(world.gz, "TEA-1") == (100, 0)
    assert [p[2] for p in world.parcels(a) if p[1] == "open"] == [world.hz]
