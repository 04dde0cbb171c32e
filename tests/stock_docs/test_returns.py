"""Buyer returns (退货入库) on SQLite and PostgreSQL: found by waybill, platform order id or
order number; good units back into the warehouse they left, damaged ones into its 次品仓,
gifts too; over-returns refused; unknown parcels kept and matched later; the refund link;
the order's status untouched and its history told; the ledger still adds up."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.auth import Role, actor_for
from ecerp_desktop.domain.errors import DomainError, ErrorCode, PermissionDenied
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import returns as rt
from ecerp_desktop.store import stock_documents as docs
from ecerp_desktop.store.schema import OrderHistoryRow, OrderLineRow, OrderRow, WarehouseRow
from sqlalchemy import select, update

from .conftest import KEEPER, DocWorld

Item = rt.ReturnItem


def _history(world: DocWorld, order_id: int) -> list[tuple[str, str | None, str | None]]:
    with world.store.read() as s:
        return [(h.action, h.from_status, h.to_status) for h in s.scalars(
            select(OrderHistoryRow).where(OrderHistoryRow.order_id == order_id)
            .order_by(OrderHistoryRow.id))]


def test_return_by_waybill_good_into_stock_damaged_into_damaged_warehouse(
        world: DocWorld) -> None:
    o = world.ship_order([("TEA-1", 3), ("CUP-1", 2)])
    assert world.bal(world.hz, "TEA-1") == (47, 0, 0)
    cand = rt.lookup(world.store, KEEPER, o.waybill)
    assert cand is not None and [h.id for h in cand.orders] == [o.order_id]
    assert sorted((ln.code, ln.shipped, ln.returnable) for ln in cand.lines) == [
        ("CUP-1", 2, 2), ("TEA-1", 3, 3)]
    rec = rt.receive(world.store, KEEPER, o.waybill,
                     [Item("TEA-1", 2), Item("6901234567892", 1, "damaged"),
                      Item("CUP-1", 1, "written_off")], tracking_number="SF123456")
    assert rec.status == "received" and rec.order_id == o.order_id
    assert rec.number.startswith("RT") and rec.total_qty == 4
    assert world.bal(world.hz, "TEA-1") == (49, 0, 0)  # good: back where it left from
    assert world.bal(world.hz, "CUP-1") == (48, 0, 0)  # written off: nowhere
    with world.store.read() as s:
        dmg = s.execute(select(WarehouseRow.id, WarehouseRow.active)
                        .where(WarehouseRow.name == "杭州仓-次品")).one()
        assert not dmg.active  # routing never ships from it
        status = s.scalar(select(OrderRow.status).where(OrderRow.id == o.order_id))
    with world.store.write() as s:
        assert docs.damaged_warehouse(s, world.hz) == dmg.id  # made once, then found
    assert world.bal(dmg.id, "TEA-1") == (1, 0, 0)
    assert {(ln.code, ln.qty, ln.condition, ln.warehouse_name) for ln in rec.lines} == {
        ("TEA-1", 2, "good", "杭州仓"), ("TEA-1", 1, "damaged", "杭州仓-次品"),
        ("CUP-1", 1, "written_off", "")}
    assert status == "shipped"  # a return is no order transition
    assert _history(world, o.order_id)[-1] == ("return", "shipped", "shipped")
    # the platform order id finds the same order; what is left to return shrinks
    again = rt.lookup(world.store, KEEPER, o.platform_order_id)
    assert again is not None
    assert sorted((ln.code, ln.returned, ln.returnable) for ln in again.lines) == [
        ("CUP-1", 1, 1), ("TEA-1", 3, 0)]
    world.ledger_ok()


def test_over_return_is_refused_and_nothing_moves(world: DocWorld) -> None:
    o = world.ship_order([("TEA-1", 2)])
    with pytest.raises(DomainError) as err:
        rt.receive(world.store, KEEPER, o.platform_order_id, [Item("TEA-1", 3)])
    assert err.value.code is ErrorCode.RETURN_OVER_SHIPPED
    assert err.value.params == {"sku": "TEA-1", "qty": 3, "limit": 2}
    rt.receive(world.store, KEEPER, str(o.order_id), [Item("TEA-1", 2)])
    with pytest.raises(DomainError) as err:
        rt.receive(world.store, KEEPER, o.waybill, [Item("TEA-1", 1)])
    assert err.value.code is ErrorCode.RETURN_OVER_SHIPPED and err.value.params["limit"] == 0
    with pytest.raises(DomainError) as err:
        rt.receive(world.store, KEEPER, o.waybill, [Item("POT-1", 1)])  # never shipped
    assert err.value.code is ErrorCode.NOT_FOUND
    assert world.bal(world.hz, "TEA-1") == (50, 0, 0)
    # an order that was only approved (not shipped) takes no return
    _oid, _pid, poid = world.pack.order([("CUP-1", 1)])
    with pytest.raises(DomainError) as err:
        rt.receive(world.store, KEEPER, poid, [Item("CUP-1", 1)])
    assert err.value.code is ErrorCode.NOT_FOUND
    world.ledger_ok()


def test_bundle_components_and_gift_lines_come_back(world: DocWorld) -> None:
    o = world.ship_order([("SET-1", 1)])  # ships as 1 pot + 2 cups
    with world.store.write() as s:  # the second cup line plays a gift (赠品)
        s.execute(update(OrderLineRow).where(OrderLineRow.order_id == o.order_id,
                                             OrderLineRow.sku_id == world.sku("CUP-1"))
                  .values(is_gift=True))
    cand = rt.lookup(world.store, KEEPER, o.waybill)
    assert cand is not None
    assert sorted((ln.code, ln.returnable, ln.is_gift) for ln in cand.lines) == [
        ("CUP-1", 2, True), ("POT-1", 1, False)]
    rt.receive(world.store, KEEPER, o.waybill, [Item("CUP-1", 2), Item("POT-1", 1)])
    assert world.bal(world.hz, "CUP-1") == (50, 0, 0)
    assert world.bal(world.hz, "POT-1") == (50, 0, 0)
    world.ledger_ok()


def test_unknown_parcel_is_kept_then_matched(world: DocWorld) -> None:
    o = world.ship_order([("TEA-1", 2)])
    assert rt.lookup(world.store, KEEPER, "YT0000000000") is None
    with pytest.raises(DomainError) as err:
        rt.receive(world.store, KEEPER, "YT0000000000", [Item("TEA-1", 1)])
    assert err.value.code is ErrorCode.NOT_FOUND
    note = "=cmd|' /C calc'!A0 <b>无头件</b>\x00"
    unknown = rt.record_unknown(world.store, KEEPER, "YT0000000000",
                                [Item("TEA-1", 1), Item("TEA-1", 1, "damaged")],
                                warehouse="HZ", note=note)
    assert unknown.status == "unmatched" and unknown.order_id is None
    assert unknown.note == note.replace("\x00", "\ufffd")
    assert world.bal(world.hz, "TEA-1") == (48, 0, 0)  # nothing moves while unknown
    listed = rt.list_returns(world.store, KEEPER, status="unmatched")
    assert [r.tracking_number for r in listed] == ["YT0000000000"]
    matched = rt.match(world.store, KEEPER, unknown.number, o.waybill)
    assert matched.status == "matched" and matched.order_id == o.order_id
    assert world.bal(world.hz, "TEA-1") == (49, 0, 0)
    with pytest.raises(DomainError):
        rt.match(world.store, KEEPER, unknown.number, o.waybill)  # once only
    assert _history(world, o.order_id)[-1][0] == "return"
    world.ledger_ok()


def test_refund_link_is_kept(world: DocWorld) -> None:
    o = world.ship_order([("TEA-1", 1)])
    with world.store.write() as s:
        s.execute(update(OrderLineRow).where(OrderLineRow.order_id == o.order_id)
                  .values(refund_state="requested"))
        docs.add_order_history(s, [{"order_id": o.order_id, "at": utcnow(), "actor": "sync",
                                    "action": "refund", "from_status": None,
                                    "to_status": None, "rule": "", "reason": "requested",
                                    "detail": {}}])
        refund_row = s.scalar(select(OrderHistoryRow.id).where(
            OrderHistoryRow.order_id == o.order_id, OrderHistoryRow.action == "refund"))
    rec = rt.receive(world.store, KEEPER, o.waybill, [Item("TEA-1", 1)])
    assert rec.refund_state == "requested" and rec.refund_history_id == refund_row
    assert rec.lines[0].refund_state == "requested"


def test_permissions(world: DocWorld) -> None:
    o = world.ship_order([("TEA-1", 1)])
    finance = actor_for(None, "f", Role.FINANCE)
    assert rt.lookup(world.store, finance, o.waybill) is not None
    with pytest.raises(PermissionDenied):
        rt.receive(world.store, finance, o.waybill, [Item("TEA-1", 1)])



def test_a_merged_parcel_returns_into_each_orders_history(world: DocWorld) -> None:
    from ecerp_desktop.domain.auth import SYSTEM
    from ecerp_desktop.services import pipeline
    from ecerp_desktop.store.schema import ParcelRow

    a, _, _poid_a = world.pack.order([("TEA-1", 1)], buyer="same-buyer", process=False)
    b, _, poid_b = world.pack.order([("CUP-1", 2)], buyer="same-buyer", process=False)
    pipeline.process_pending(world.store, SYSTEM)
    with world.store.read() as s:
        pids = list(s.scalars(select(ParcelRow.id)))
    assert len(pids) == 1  # merged (合单)
    waybill = world.ship_parcel(pids[0])
    cand = rt.lookup(world.store, KEEPER, waybill)
    assert cand is not None and sorted(h.id for h in cand.orders) == sorted([a, b])
    only_b = rt.lookup(world.store, KEEPER, poid_b)
    assert only_b is not None and [ln.code for ln in only_b.lines] == ["CUP-1"]
    rt.receive(world.store, KEEPER, waybill, [Item("TEA-1", 1), Item("CUP-1", 1)])
    assert _history(world, a)[-1][0] == "return" and _history(world, b)[-1][0] == "return"
    assert world.bal(world.hz, "TEA-1") == (50, 0, 0)
    assert world.bal(world.hz, "CUP-1") == (49, 0, 0)
    world.ledger_ok()
