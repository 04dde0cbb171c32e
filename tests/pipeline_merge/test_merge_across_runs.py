"""Merge (合单) across runs: a buyer's later order joins the parcel of an order approved
in an earlier run while that parcel is untouched, never once it is waybilled, printed or
being packed; undo gives back exactly what the merge took; a refund on one of the merged
orders stops only that order's lines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.pipeline import Options
from ecerp_desktop.domain.rules import ruleset_from_dict
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import pipeline as svc
from ecerp_desktop.store.schema import ParcelRow, StockBalanceRow, WaybillRow
from ecerp_desktop.store.schema_printing import PrintJobRow
from sqlalchemy import insert, select, update

from .conftest import World

PHONE = "13512345678"


def _first(world: World, buyer: str = "ann", **kw: object) -> tuple[int, int]:
    """An order of *buyer* approved in its own run; returns (order id, parcel id)."""
    a = world.order([("TEA-1", 1)], buyer=buyer, phone=PHONE, **kw)  # type: ignore[arg-type]
    assert svc.process_pending(world.store, SYSTEM).approved == 1
    [(pid, status, wh, _c, _l)] = world.parcels(a)
    assert status == "open" and wh == world.gz
    return a, pid


def _reserved(world: World) -> dict[tuple[int, int], int]:
    with world.store.read() as s:
        return {(w, k): r for w, k, r in s.execute(select(
            StockBalanceRow.warehouse_id, StockBalanceRow.sku_id, StockBalanceRow.reserved))}


def _weight(world: World, pid: int) -> int:
    with world.store.read() as s:
        return int(s.scalar(select(ParcelRow.expected_weight_g).where(ParcelRow.id == pid))
                   or 0)


def _cost(world: World, pid: int) -> object:
    with world.store.read() as s:
        return s.scalar(select(ParcelRow.courier_cost).where(ParcelRow.id == pid))


def test_a_later_order_joins_the_open_parcel_and_undo_gives_it_back(world: World) -> None:
    a, pid = _first(world)
    before = _reserved(world)
    weight_before, cost_before = _weight(world, pid), _cost(world, pid)
    b = world.order([("CUP-1", 2)], buyer="ann", phone=PHONE)
    res = svc.process_pending(world.store, SYSTEM)
    assert (res.approved, res.merged, res.parcels) == (1, 1, 0)
    assert world.status(b) == "approved" and world.order_row(b).merged_into_id == a
    [(p2, status, wh, _c, lines)] = world.parcels(a)
    assert p2 == pid and status == "open" and wh == world.gz
    assert sorted((sku, q) for _l, sku, q in lines) == sorted(
        [(world.sku["TEA-1"], 1), (world.sku["CUP-1"], 2)])
    assert world.parcels(b) == []
    # The reservation grew in the same transaction, on the parcel's warehouse.
    assert world.balance(world.gz, "CUP-1") == (100, 2)
    assert _weight(world, pid) == weight_before + 2 * 500
    assert _cost(world, pid) > cost_before  # type: ignore[operator]  # 1.3 kg: a step more
    # Both orders' history names the merge.
    hb = world.history(b)[-1]
    assert hb.action == "merged" and hb.detail["merged_into"] == a
    assert any(f"parcel {pid}" in w for w in hb.detail["why"])
    ha = world.history(a)[-1]
    assert ha.action == "merged" and str(b) in ha.reason and ha.detail["parcel"] == pid

    assert svc.unmerge(world.store, b, SYSTEM) == [b]
    assert _reserved(world) == {**before, (world.gz, world.sku["CUP-1"]): 2}
    [(_p, _s, _w, _c, alines)] = world.parcels(a)
    assert [sku for _l, sku, _q in alines] == [world.sku["TEA-1"]]
    assert (_weight(world, pid), _cost(world, pid)) == (weight_before, cost_before)
    [(bpid, bstatus, bwh, _c, blines)] = world.parcels(b)
    assert _cost(world, bpid) == cost_before  # 1 kg alone: the first-weight price
    assert bstatus == "open" and bwh == world.gz
    assert blines == [(world.lines(b)[0].id, world.sku["CUP-1"], 2)]
    assert world.order_row(b).merged_into_id is None
    # Undone means undone: the next order of the buyer does not pull b back in.
    svc.process_pending(world.store, SYSTEM)
    assert world.order_row(b).merged_into_id is None


def _print_job(world: World, pid: int) -> None:
    now = utcnow()
    with world.store.write() as s:
        s.execute(insert(PrintJobRow).values(
            batch="b1", kind="waybill", parcel_id=pid, template="t", printer="p",
            target="file:x", profile="zpl", language="zh", created_by="t",
            created_at=now, updated_at=now))


def _waybill(world: World, pid: int) -> None:
    with world.store.write() as s:
        s.execute(insert(WaybillRow).values(
            parcel_id=pid, courier_id=world.couriers["ZTO"], number="ZT0001",
            request_key=f"t:{pid}", issued_at=utcnow()))


def _packing(world: World, pid: int) -> None:
    with world.store.write() as s:
        s.execute(update(ParcelRow).where(ParcelRow.id == pid).values(station="PACK-1"))


@pytest.mark.parametrize("touch", [_print_job, _waybill, _packing],
                         ids=["printed", "waybilled", "being packed"])
def test_never_into_a_printed_waybilled_or_packing_parcel(
        world: World, touch: Callable[[World, int], None]) -> None:
    a, pid = _first(world)
    touch(world, pid)
    b = world.order([("CUP-1", 1)], buyer="ann", phone=PHONE)
    res = svc.process_pending(world.store, SYSTEM)
    assert (res.approved, res.merged, res.parcels) == (1, 0, 1)
    assert world.order_row(b).merged_into_id is None
    [(_p, _s, _w, _c, lines)] = world.parcels(a)
    assert [sku for _l, sku, _q in lines] == [world.sku["TEA-1"]]
    assert len(world.parcels(b)) == 1


def test_outside_the_window_or_cod_or_another_address_ships_alone(world: World) -> None:
    svc.set_options(world.store, SYSTEM, Options(merge_window_hours=2))
    a, _pid = _first(world, paid_at=utcnow() - timedelta(hours=5))
    late = world.order([("CUP-1", 1)], buyer="ann", phone=PHONE)
    cod = world.order([("CUP-1", 1)], buyer="ann", phone=PHONE, cod=True,
                      paid_at=utcnow() - timedelta(hours=5))
    elsewhere = world.order([("CUP-1", 1)], buyer="ann", phone=PHONE, detail="深南大道 1 号",
                            paid_at=utcnow() - timedelta(hours=5))
    res = svc.process_pending(world.store, SYSTEM)
    assert (res.approved, res.merged) == (3, 0)
    assert all(world.order_row(o).merged_into_id is None for o in (late, cod, elsewhere))
    assert len(world.parcels(a)[0][4]) == 1


def test_two_units_joining_one_parcel_count_each_other_in_its_limits(world: World) -> None:
    # b and c are 46 h apart (two units of the chunk), each within 24 h of a's payment:
    # both may join a's parcel, but the weight limit has room for one CUP-1 only.
    t = utcnow() - timedelta(days=2)
    a, pid = _first(world, paid_at=t)
    svc.set_options(world.store, SYSTEM, Options(max_parcel_weight_g=300 + 500 + 100))
    b = world.order([("CUP-1", 1)], buyer="ann", phone=PHONE, paid_at=t - timedelta(hours=23))
    c = world.order([("CUP-1", 1)], buyer="ann", phone=PHONE, paid_at=t + timedelta(hours=23))
    res = svc.process_pending(world.store, SYSTEM)
    assert (res.approved, res.merged) == (2, 1)
    joined = [o for o in (b, c) if world.order_row(o).merged_into_id == a]
    assert len(joined) == 1
    assert _weight(world, pid) == 300 + 500
    [alone] = [o for o in (b, c) if o not in joined]
    assert len(world.parcels(alone)) == 1


def test_a_held_order_never_joins_and_says_why(world: World) -> None:
    svc.save_rules(world.store, SYSTEM, ruleset_from_dict({"rules": [
        {"id": 1, "name": "wait", "when": [{"kind": "buyer_message", "contains": ["等"]}],
         "then": [{"kind": "hold", "reason": "manual"}]}]}))
    a, pid = _first(world)
    b = world.order([("CUP-1", 1)], buyer="ann", phone=PHONE, message="等我通知")
    svc.process_pending(world.store, SYSTEM)
    assert world.status(b) == "held" and world.order_row(b).merged_into_id is None
    assert len(world.parcels(a)[0][4]) == 1
    why = world.history(b)[-1].detail["why"]
    assert any(f"not merged into open parcel {pid}" in w for w in why)


def test_no_join_when_the_parcels_warehouse_lacks_the_stock(world: World) -> None:
    from ecerp_desktop.domain.stock import MoveKind
    from ecerp_desktop.store.stock import Move, post_moves

    _a, _pid = _first(world)  # shipped from GZ
    with world.store.write() as s:
        post_moves(s, [Move(world.gz, world.sku["POT-1"], MoveKind.ADJUSTMENT, "t", "x",
                            d_on_hand=-100)], utcnow())
    b = world.order([("POT-1", 1)], buyer="ann", phone=PHONE)
    svc.process_pending(world.store, SYSTEM)
    assert world.status(b) == "approved" and world.order_row(b).merged_into_id is None
    [(_p, _s, wh, _c, _l)] = world.parcels(b)
    assert wh == world.hz
    assert any("lacks POT-1" in w for w in world.history(b)[-1].detail["why"])


def test_refund_on_the_joined_order_stops_only_its_lines(world: World) -> None:
    a, pid = _first(world)
    b = world.order([("CUP-1", 2)], buyer="ann", phone=PHONE)
    svc.process_pending(world.store, SYSTEM)
    assert world.order_row(b).merged_into_id == a
    res = svc.intercept(world.store, b, "refund requested")
    assert res.status == "intercepted" and res.back_to_review == []
    assert pid not in res.parcels and len(res.parcels) == 1
    assert world.status(a) == "approved" and world.status(b) == "intercepted"
    [(_p, status, _w, _c, lines)] = [x for x in world.parcels(a) if x[0] == pid]
    assert status == "open" and [sku for _l, sku, _q in lines] == [world.sku["TEA-1"]]
    assert world.balance(world.gz, "TEA-1") == (100, 1)  # a keeps its reservation
    assert world.balance(world.gz, "CUP-1") == (100, 0)  # b's is given back
    assert world.history(a)[-1].action == "unmerged"


def test_refund_on_the_lead_order_leaves_the_parcel_to_the_other(world: World) -> None:
    a, pid = _first(world)
    b = world.order([("CUP-1", 2)], buyer="ann", phone=PHONE)
    svc.process_pending(world.store, SYSTEM)
    res = svc.intercept(world.store, a, "refund requested")
    assert res.status == "intercepted" and res.back_to_review == []
    assert world.status(b) == "approved" and world.order_row(b).merged_into_id is None
    [(p, status, wh, _c, lines)] = world.parcels(b)  # b leads the parcel now
    assert p == pid and status == "open" and wh == world.gz
    assert [(sku, q) for _l, sku, q in lines] == [(world.sku["CUP-1"], 2)]
    assert world.balance(world.gz, "TEA-1") == (100, 0)
    assert world.balance(world.gz, "CUP-1") == (100, 2)


def test_refund_once_waybilled_stops_the_whole_parcel(world: World) -> None:
    a, pid = _first(world)
    b = world.order([("CUP-1", 1)], buyer="ann", phone=PHONE)
    svc.process_pending(world.store, SYSTEM)
    _waybill(world, pid)
    res = svc.intercept(world.store, b, "refund requested")
    assert res.parcels == [pid] and res.back_to_review == [a] and res.waybill_cancels == 1
    assert world.status(a) == "review"
    assert world.balance(world.gz, "TEA-1") == (100, 0)


class _RolledBack(Exception):
    pass


def test_a_parcel_claimed_while_the_chunk_was_planned_is_a_conflict(world: World) -> None:
    from ecerp_desktop.domain.gifts import GiftUsage
    from ecerp_desktop.domain.pipeline import plan_chunk
    from ecerp_desktop.store import pipeline as ps
    from ecerp_desktop.store import pipeline_merge as pm

    _a, pid = _first(world)
    b = world.order([("CUP-1", 1)], buyer="ann", phone=PHONE)
    with pytest.raises(_RolledBack), world.store.write() as s:
        shops = ps.shops(s)
        cfg = ps.load_config(s)
        loaded = ps.load_facts(s, [b], shops)
        plan = plan_chunk(loaded.facts, cfg, {}, GiftUsage(),
                          lambda skus: ps.available(s, skus),
                          lambda hashes: pm.open_parcels(s, hashes, shops))
        assert [j.parcel_id for j in plan.joins] == [pid]
        # a packing station claims the parcel before the plan is written
        s.execute(update(ParcelRow).where(ParcelRow.id == pid).values(station="PACK-1"))
        with pytest.raises(ps.Conflict):
            ps.write_plan(s, plan, loaded, ps.Actorish(None, "t"), utcnow())
        raise _RolledBack
    assert world.status(b) == "new"
