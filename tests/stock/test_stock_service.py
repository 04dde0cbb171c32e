"""Stock and catalogue use cases: rights checked in the service, changes audited."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.auth import SYSTEM, Role, actor_for
from ecerp_desktop.domain.errors import DomainError, ErrorCode, PermissionDenied
from ecerp_desktop.services import catalog, stock
from ecerp_desktop.store import Store, audit

from .conftest import Stocked

WAREHOUSE = actor_for(None, "wang", Role.WAREHOUSE)
CLERK = actor_for(None, "li", Role.CLERK)
PACKER = actor_for(None, "zhao", Role.PACKER)


def test_warehouse_staff_adjust_and_it_is_audited(stocked: Stocked) -> None:
    b = stock.adjust(stocked.store, WAREHOUSE, "HZ", "SKU-0", 5, reason="盘盈")
    assert (b.on_hand, b.available) == (5, 5)
    b = stock.adjust(stocked.store, WAREHOUSE, "杭州仓", "SKU-0", -2, reason="破损")
    assert b.on_hand == 3
    with stocked.store.read() as s:
        entries = [e for e in audit.recent(s) if e.action == "stock.adjust"]
        assert audit.verify_chain(s) is None
    assert [(e.username, e.detail["delta"], e.detail["reason"]) for e in entries] == [
        ("wang", -2, "破损"), ("wang", 5, "盘盈")]
    found = stock.show(stocked.store, PACKER, "SKU-0")  # packers may look
    assert [(wh.code, bal.on_hand) for wh, bal in found.rows] == [("HZ", 3)]


def test_adjusting_needs_the_right_and_a_reason(stocked: Stocked) -> None:
    with pytest.raises(PermissionDenied):
        stock.adjust(stocked.store, CLERK, "HZ", "SKU-0", 5, reason="x")
    with pytest.raises(PermissionDenied):
        stock.adjust(stocked.store, PACKER, "HZ", "SKU-0", 5, reason="x")
    with pytest.raises(DomainError) as info:
        stock.adjust(stocked.store, WAREHOUSE, "HZ", "SKU-0", 5, reason="  ")
    assert info.value.code is ErrorCode.REQUIRED
    with pytest.raises(DomainError) as info:
        stock.adjust(stocked.store, WAREHOUSE, "HZ", "SKU-0", -1, reason="丢失")
    assert info.value.code is ErrorCode.INSUFFICIENT_STOCK
    with pytest.raises(DomainError) as info:
        stock.adjust(stocked.store, WAREHOUSE, "HZ\x00", "SKU-0", 1, reason="x")
    assert info.value.code is ErrorCode.NOT_FOUND  # hostile key: a clear miss on both DBs


def test_recount_sets_the_quantity_once(stocked: Stocked) -> None:
    assert stock.set_quantity(stocked.store, WAREHOUSE, "HZ", "SKU-1", 9, "盘点") == 9
    assert stock.set_quantity(stocked.store, WAREHOUSE, "HZ", "SKU-1", 9, "盘点") == 0
    assert stock.check(stocked.store, CLERK) == []


def test_adding_a_warehouse_twice_changes_nothing(store: Store) -> None:
    wh, created = catalog.add_warehouse(store, WAREHOUSE, "成都仓", province="四川省")
    assert created and wh.code == "WH01"
    again, created = catalog.add_warehouse(store, WAREHOUSE, "成都仓")
    assert not created and again == wh
    catalog.add_warehouse(store, SYSTEM, "广州仓", code="GZ")
    with pytest.raises(DomainError) as info:  # a second warehouse may not take the name
        catalog.add_warehouse(store, SYSTEM, "成都仓", code="GZ")
    assert info.value.code is ErrorCode.ALREADY_EXISTS
    with pytest.raises(DomainError) as info:
        catalog.add_warehouse(store, SYSTEM, "仓" * 200)
    assert info.value.code is ErrorCode.TEXT_TOO_LONG
    with pytest.raises(PermissionDenied):
        catalog.add_warehouse(store, CLERK, "北京仓")
    assert [w.code for w in catalog.list_warehouses(store, CLERK)] == ["GZ", "WH01"]
    with store.read() as s:
        assert [e.action for e in audit.recent(s)].count("warehouse.add") == 2
