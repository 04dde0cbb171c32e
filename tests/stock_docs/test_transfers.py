"""Transfers between warehouses (调拨) on SQLite and PostgreSQL: the whole life, in transit
seen at the destination, a short source refused by name, partial receipts, receiving twice,
cancelling, hostile notes; the ledger still adds up afterwards."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.auth import Role, actor_for
from ecerp_desktop.domain.errors import DomainError, ErrorCode, PermissionDenied
from ecerp_desktop.services import stock as stock_service
from ecerp_desktop.services import transfers as tr
from ecerp_desktop.store import audit
from ecerp_desktop.store import stock as st
from ecerp_desktop.store import stock_documents as docs

from .conftest import KEEPER, DocWorld


def test_ship_then_receive_moves_stock_through_transit(world: DocWorld) -> None:
    t = tr.create(world.store, KEEPER, "HZ", "上海仓", [("TEA-1", 5), ("6920000000011", 3),
                                                      ("TEA-1", 2)], note="补货")
    assert t.number.startswith("TR") and t.status == "draft"
    assert [(ln.code, ln.qty) for ln in t.lines] == [("CUP-1", 3), ("TEA-1", 7)]
    assert world.bal(world.hz, "TEA-1") == (50, 0, 0)  # a draft moves nothing

    shipped = tr.ship(world.store, KEEPER, t.number)
    assert shipped.status == "shipped" and shipped.shipped_at is not None
    assert world.bal(world.hz, "TEA-1") == (43, 0, 0)
    assert world.bal(world.sh, "TEA-1") == (0, 0, 7)  # in transit, visible at the destination
    assert world.bal(world.sh, "CUP-1") == (0, 0, 3)
    found = stock_service.show(world.store, KEEPER, "TEA-1")
    assert {(w.code, b.in_transit) for w, b in found.rows} == {("HZ", 0), ("SH", 7)}

    got = tr.receive(world.store, KEEPER, t.number)
    assert got.transfer.status == "received" and got.plan.shortage == {}
    assert world.bal(world.sh, "TEA-1") == (7, 0, 0)
    assert world.bal(world.hz, "CUP-1") == (47, 0, 0)
    with world.store.read() as s:
        kinds = sorted((m.kind.value, m.warehouse_id, m.d_on_hand, m.d_in_transit)
                       for m in st.moves(s, doc_type="transfer", doc_id=t.number,
                                         sku_id=world.sku("TEA-1")))
        actions = [e.action for e in audit.recent(s) if e.entity_id == t.number]
    assert kinds == sorted([("transfer_out", world.hz, -7, 0), ("in_transit", world.sh, 0, 7),
                            ("transfer_in", world.sh, 7, -7)])
    assert sorted(actions) == ["transfer.create", "transfer.receive", "transfer.ship"]
    world.ledger_ok()


def test_short_source_is_refused_naming_the_sku_and_nothing_moves(world: DocWorld) -> None:
    world.pack.order([("POT-1", 45)])  # approved: 45 of 50 pots reserved
    assert world.bal(world.hz, "POT-1") == (50, 45, 0)
    t = tr.create(world.store, KEEPER, "HZ", "SH", [("TEA-1", 5), ("POT-1", 6)])
    with pytest.raises(DomainError) as err:
        tr.ship(world.store, KEEPER, t.number)  # 50 on hand but only 5 available
    assert err.value.code is ErrorCode.INSUFFICIENT_STOCK
    assert err.value.params == {"sku": "POT-1", "warehouse": "杭州仓"}
    assert world.bal(world.hz, "TEA-1") == (50, 0, 0)  # all or nothing
    assert world.bal(world.sh, "TEA-1") == (0, 0, 0)
    assert tr.get(world.store, KEEPER, t.number).status == "draft"
    ok = tr.create(world.store, KEEPER, "HZ", "SH", [("POT-1", 5)])
    tr.ship(world.store, KEEPER, ok.number)  # exactly what is available
    assert world.bal(world.hz, "POT-1") == (45, 45, 0)
    world.ledger_ok()


def test_partial_receipt_keeps_the_rest_in_transit_then_writes_it_off(world: DocWorld) -> None:
    t = tr.create(world.store, KEEPER, "HZ", "SH", [("TEA-1", 10), ("CUP-1", 4)])
    tr.ship(world.store, KEEPER, t.number)
    first = tr.receive(world.store, KEEPER, t.number, {"TEA-1": 8, "CUP-1": 4})
    assert first.transfer.status == "partial"
    assert first.plan.shortage == {world.sku("TEA-1"): 2}
    assert world.bal(world.sh, "TEA-1") == (8, 0, 2)
    with pytest.raises(DomainError) as err:
        tr.receive(world.store, KEEPER, t.number, {"TEA-1": 3})
    assert err.value.code is ErrorCode.TRANSFER_OVER_RECEIPT
    assert err.value.params["sku"] == "TEA-1" and err.value.params["limit"] == 2
    with pytest.raises(DomainError) as err:
        tr.receive(world.store, KEEPER, t.number, {"TEA-1": 1}, write_off=True)
    assert err.value.code is ErrorCode.REQUIRED  # a loss names its reason
    last = tr.receive(world.store, KEEPER, t.number, {"TEA-1": 1}, write_off=True,
                      reason="箱子破损，丢失")
    assert last.transfer.status == "received"
    assert world.bal(world.sh, "TEA-1") == (9, 0, 0)
    assert world.bal(world.hz, "TEA-1") == (40, 0, 0)
    tea = next(ln for ln in last.transfer.lines if ln.code == "TEA-1")
    assert (tea.received, tea.lost, tea.loss_reason) == (9, 1, "箱子破损，丢失")
    with world.store.read() as s:
        loss = [m for m in st.moves(s, doc_id=t.number) if m.kind.value == "adjustment"]
    assert len(loss) == 1 and loss[0].d_in_transit == -1 and "箱子破损" in loss[0].note
    world.ledger_ok()


def test_receiving_twice_is_refused_and_posts_once(world: DocWorld) -> None:
    t = tr.create(world.store, KEEPER, "HZ", "SH", [("TEA-1", 4)])
    tr.ship(world.store, KEEPER, t.number)
    tr.receive(world.store, KEEPER, t.number)
    with pytest.raises(DomainError) as err:
        tr.receive(world.store, KEEPER, t.number)
    assert err.value.code is ErrorCode.TRANSFER_ILLEGAL_TRANSITION
    assert err.value.params["status"] == "received"
    with pytest.raises(DomainError):
        tr.ship(world.store, KEEPER, t.number)
    assert world.bal(world.sh, "TEA-1") == (4, 0, 0)
    # a stale read (another station received meanwhile) loses the conditional UPDATE
    t2 = tr.create(world.store, KEEPER, "HZ", "SH", [("CUP-1", 1)])
    tr.ship(world.store, KEEPER, t2.number)
    with world.store.write() as s:
        stale = docs.get_transfer(s, t2.number)
        assert stale is not None
        assert docs.set_transfer_status(s, stale.id, expected_status="shipped",
                                        expected_version=stale.version, status="received",
                                        now=stale.created_at)
        assert not docs.set_transfer_status(s, stale.id, expected_status="shipped",
                                            expected_version=stale.version,
                                            status="received", now=stale.created_at)


def test_cancel_a_draft_or_a_shipped_transfer_brings_stock_back(world: DocWorld) -> None:
    draft = tr.create(world.store, KEEPER, "HZ", "SH", [("TEA-1", 3)])
    assert tr.cancel(world.store, KEEPER, draft.number).status == "cancelled"
    with pytest.raises(DomainError):
        tr.ship(world.store, KEEPER, draft.number)
    t = tr.create(world.store, KEEPER, "HZ", "SH", [("TEA-1", 6)])
    tr.ship(world.store, KEEPER, t.number)
    assert world.bal(world.hz, "TEA-1") == (44, 0, 0)
    out = tr.cancel(world.store, KEEPER, t.number, reason="车辆故障")
    assert out.status == "cancelled" and out.cancelled_at is not None
    assert world.bal(world.hz, "TEA-1") == (50, 0, 0)
    assert world.bal(world.sh, "TEA-1") == (0, 0, 0)
    p = tr.create(world.store, KEEPER, "HZ", "SH", [("TEA-1", 6)])
    tr.ship(world.store, KEEPER, p.number)
    tr.receive(world.store, KEEPER, p.number, {"TEA-1": 2})
    with pytest.raises(DomainError) as err:
        tr.cancel(world.store, KEEPER, p.number)  # partly received: receive or write off
    assert err.value.code is ErrorCode.TRANSFER_ILLEGAL_TRANSITION
    world.ledger_ok()


def test_refusals_hostile_note_and_permissions(world: DocWorld) -> None:
    hostile = "=HYPERLINK(\"http://x\")\x00'; DROP TABLE stock_transfers;--<script>\ud800"
    t = tr.create(world.store, KEEPER, "HZ", "SH", [("TEA-1", 1)], note=hostile)
    got = tr.get(world.store, KEEPER, t.number)
    assert got.note == hostile.replace("\x00", "\ufffd").replace("\ud800", "\ufffd")
    assert [x.number for x in tr.list_transfers(world.store, KEEPER)] == [t.number]
    for bad, code in (([("NO-SUCH", 1)], ErrorCode.NOT_FOUND),
                      ([("TEA-1", 0)], ErrorCode.INVALID_QUANTITY),
                      ([], ErrorCode.REQUIRED)):
        with pytest.raises(DomainError) as err:
            tr.create(world.store, KEEPER, "HZ", "SH", bad)
        assert err.value.code is code
    with pytest.raises(DomainError) as err:
        tr.create(world.store, KEEPER, "HZ", "杭州仓", [("TEA-1", 1)])
    assert err.value.code is ErrorCode.REQUIRED
    with pytest.raises(DomainError) as err:
        tr.ship(world.store, KEEPER, "TR99999999")
    assert err.value.code is ErrorCode.NOT_FOUND
    packer = actor_for(None, "p", Role.PACKER)
    with pytest.raises(PermissionDenied):
        tr.ship(world.store, packer, t.number)
    assert tr.list_transfers(world.store, packer, status="draft")[0].number == t.number
