"""Purchase orders: numbering, the draft → placed → received / closed / cancelled life, and
what each step does to stock in transit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ecerp_desktop.domain.auth import Role, actor_for
from ecerp_desktop.domain.errors import DomainError, ErrorCode, PermissionDenied
from ecerp_desktop.domain.purchasing import LineInput, POStatus
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import purchasing as pur
from ecerp_desktop.services import receiving as rcv
from ecerp_desktop.store import stock as st

from .conftest import World


def test_a_draft_is_numbered_by_day_and_puts_nothing_in_transit(world: World) -> None:
    n1 = world.po([("TEA-1", 10, "30.00"), ("6920000000011", 24, "7.80")], place=False)
    n2 = world.po([("POT-1", 2, "100")], place=False)
    day = utcnow().strftime("%Y%m%d")
    assert (n1, n2) == (f"PO{day}-0001", f"PO{day}-0002")
    po = pur.get_po(world.store, world.actor, n1)
    assert po.status is POStatus.DRAFT
    assert [(ln.code, ln.qty_ordered, ln.unit_cost) for ln in po.lines] == [
        ("TEA-1", 10, Decimal("30.00")), ("CUP-1", 24, Decimal("7.80"))]  # barcode → SKU
    assert po.amount == Decimal("487.20")
    assert world.balance("TEA-1").in_transit == 0
    [row] = [r for r in pur.list_pos(world.store, world.actor) if r.number == n1]
    assert (row.lines, row.qty_ordered, row.amount) == (2, 34, Decimal("487.20"))


def test_placing_puts_the_lines_in_transit_and_cancelling_gives_them_back(world: World) -> None:
    number = world.po([("TEA-1", 10, "30"), ("CUP-1", 24, "7.8")])
    assert pur.get_po(world.store, world.actor, number).status is POStatus.PLACED
    assert (world.balance("TEA-1").in_transit, world.balance("CUP-1").in_transit) == (10, 24)
    with world.store.read() as s:
        moves = st.moves(s, doc_type="po", doc_id=number)
    assert sorted((m.kind.value, m.d_in_transit) for m in moves) == [
        ("in_transit", 10), ("in_transit", 24)]
    with pytest.raises(DomainError) as e:  # placed twice: refused, nothing doubled
        pur.place(world.store, world.actor, number)
    assert e.value.code is ErrorCode.PO_ILLEGAL_TRANSITION
    assert world.balance("TEA-1").in_transit == 10
    po = pur.cancel(world.store, world.actor, number, "supplier out of stock")
    assert po.status is POStatus.CANCELLED and po.finished_at is not None
    assert (world.balance("TEA-1").in_transit, world.balance("CUP-1").in_transit) == (0, 0)
    assert world.ledger_clean()


def test_only_a_draft_is_edited(world: World) -> None:
    number = world.po([("TEA-1", 10, "30")], place=False)
    po = pur.update_po(world.store, world.actor, number, supplier="SUP1", warehouse="GZ",
                       lines=[LineInput("POT-1", 3, Decimal("99.90"))], remark="改仓")
    assert (po.warehouse_code, [ln.code for ln in po.lines], po.remark) == (
        "GZ", ["POT-1"], "改仓")
    pur.place(world.store, world.actor, number)
    assert world.balance("POT-1", world.wh2).in_transit == 3
    with pytest.raises(DomainError) as e:
        pur.update_po(world.store, world.actor, number, supplier="SUP1", warehouse="GZ",
                      lines=[LineInput("POT-1", 30, Decimal("1"))])
    assert e.value.code is ErrorCode.PO_ILLEGAL_TRANSITION


def test_bad_lines_are_refused(world: World) -> None:
    def create(lines: list[LineInput]) -> None:
        pur.create_po(world.store, world.actor, supplier="SUP1", warehouse="HZ", lines=lines)

    for lines, code in [
        ([], ErrorCode.REQUIRED),
        ([LineInput("TEA-1", 0, Decimal("1"))], ErrorCode.INVALID_QUANTITY),
        ([LineInput("NOPE", 1, Decimal("1"))], ErrorCode.NOT_FOUND),
        ([LineInput("SET-1", 1, Decimal("1"))], ErrorCode.NOT_FOUND),  # a bundle
        ([LineInput("TEA-1", 1, Decimal("1")), LineInput("TEA1-OLD", 1, Decimal("1"))],
         ErrorCode.ALREADY_EXISTS),
    ]:
        with pytest.raises(DomainError) as e:
            create(lines)
        assert e.value.code is code
    with pytest.raises(DomainError) as e:
        pur.create_po(world.store, world.actor, supplier="NOBODY", warehouse="HZ",
                      lines=[LineInput("TEA-1", 1, Decimal("1"))])
    assert e.value.code is ErrorCode.NOT_FOUND
    with pytest.raises(PermissionDenied):
        pur.create_po(world.store, actor_for(None, "p", Role.PACKER), supplier="SUP1",
                      warehouse="HZ", lines=[LineInput("TEA-1", 1, Decimal("1"))])


def test_closing_a_partly_received_po_gives_back_only_the_rest(world: World) -> None:
    number = world.po([("TEA-1", 10, "30"), ("CUP-1", 5, "8")])
    rcv.receive_codes(world.store, world.actor, number, ["TEA-1*4", "6920000000011"],
                      post_it=True)
    po = pur.get_po(world.store, world.actor, number)
    assert po.status is POStatus.PARTIAL
    with pytest.raises(DomainError):  # something arrived: cancel is no longer the word
        pur.cancel(world.store, world.actor, number)
    pur.close(world.store, world.actor, number, "rest discontinued")
    tea, cup = world.balance("TEA-1"), world.balance("CUP-1")
    assert (tea.on_hand, tea.in_transit, cup.on_hand, cup.in_transit) == (4, 0, 1, 0)
    assert pur.get_po(world.store, world.actor, number).status is POStatus.CLOSED
    with pytest.raises(DomainError) as e:  # and nothing more can be received against it
        rcv.open_session(world.store, world.actor, number)
    assert e.value.code is ErrorCode.PO_ILLEGAL_TRANSITION
    assert world.ledger_clean()


def test_placing_remembers_the_suppliers_cost(world: World) -> None:
    number = world.po([("TEA-1", 10, "31.20")])
    assert number
    found = pur.lookup_sku(world.store, world.actor, "6901234567892")
    assert found is not None and found[0].code == "TEA-1" and found[1] == Decimal("31.20")
    other = pur.lookup_sku(world.store, world.actor, "CUP-1")
    assert other is not None and other[1] == Decimal("8.50")  # no supplier cost: SKU cost


def test_a_po_exported_for_its_supplier(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    pur.add_supplier(world.store, world.actor, "EVIL", "+SUM(1,2)", contact="=1+1")
    pur.link_sku(world.store, world.actor, "TEA-1", "EVIL", supplier_code="-LJ-250")
    po = pur.create_po(world.store, world.actor, supplier="EVIL", warehouse="HZ",
                       lines=[LineInput("TEA-1", 10, Decimal("30.50")),
                              LineInput("CUP-1", 4, Decimal("8"))],
                       remark="=WEBSERVICE(\"http://x\")")
    path = tmp_path / "po.xlsx"
    assert pur.export_po(world.store, world.actor, po.number, path) == 2
    ws = openpyxl.load_workbook(path).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    for row in rows:  # rows read back padded to the widest
        while row and row[-1] in (None, ""):
            row.pop()
    assert ["supplier", "EVIL", "'+SUM(1,2)"] in rows
    assert [1, "TEA-1", "'-LJ-250", "龙井茶 250g", 10, 30.5, 305, 0] in rows
    assert [2, "CUP-1", None, "玻璃杯", 4, 8, 32, 0] in rows
    assert any("'=WEBSERVICE" in str(v) for row in rows for v in row)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    csv_path = tmp_path / "po.csv"
    pur.export_po(world.store, world.actor, po.number, csv_path)
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "'+SUM(1,2)" in text and "'-LJ-250" in text and "\n=" not in text


@pytest.mark.parametrize("cost", [Decimal("-5"), Decimal("NaN"), Decimal("Infinity")])
def test_a_supplier_link_refuses_a_cost_that_is_not_an_amount(world: World,
                                                              cost: Decimal) -> None:
    # a negative last cost would be proposed on every PO line and break reorder drafts
    with pytest.raises(DomainError) as info:
        pur.link_sku(world.store, world.actor, "TEA-1", "SUP1", last_cost=cost)
    assert info.value.code is ErrorCode.INVALID_MONEY
    assert pur.lookup_sku(world.store, world.actor, "TEA-1")[1] == Decimal("35.00")
