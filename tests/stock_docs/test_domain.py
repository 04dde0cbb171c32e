"""The pure decisions of stock documents: transfer states and receipts, what a return may
bring back and how it is spread over order lines, the CLI's line syntax."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain import returns as rd
from ecerp_desktop.domain import transfers as td
from ecerp_desktop.domain.errors import DomainError, ErrorCode

S = td.TransferStatus


def test_transfer_transitions() -> None:
    td.check_transition("TR1", S.DRAFT, S.SHIPPED)
    td.check_transition("TR1", S.SHIPPED, S.CANCELLED)
    for cur, target in ((S.DRAFT, S.RECEIVED), (S.RECEIVED, S.RECEIVED),
                        (S.PARTIAL, S.CANCELLED), (S.CANCELLED, S.SHIPPED)):
        with pytest.raises(DomainError) as err:
            td.check_transition("TR1", cur, target)
        assert err.value.code is ErrorCode.TRANSFER_ILLEGAL_TRANSITION
        assert err.value.params == {"number": "TR1", "status": cur.value,
                                    "action": target.value}


def test_lines_merge_and_parse() -> None:
    assert td.merge_lines([("A", 1), (" B ", 2), ("A", 3)]) == {"A": 4, "B": 2}
    assert td.parse_line("A:B:7") == ("A:B", 7)
    for bad in ("A", ":3", "A:x", "A:0", "A:-1"):
        with pytest.raises(DomainError):
            td.parse_line(bad)
    with pytest.raises(DomainError):
        td.merge_lines([("A", True)])  # a bool is no quantity


def test_receipt_plans() -> None:
    lines = [td.LineState(1, 10, code="A"), td.LineState(2, 5, received=5, code="B")]
    everything = td.plan_receipt("TR1", S.SHIPPED, lines, None, write_off=False)
    assert everything.status is S.RECEIVED and everything.shortage == {}
    part = td.plan_receipt("TR1", S.SHIPPED, lines, {1: 7}, write_off=False)
    assert part.status is S.PARTIAL and part.shortage == {1: 3}
    assert part.lines[0] == td.LineReceipt(1, 7, 0, 3)
    lost = td.plan_receipt("TR1", S.PARTIAL, lines, {1: 7}, write_off=True, reason="破损")
    assert lost.status is S.RECEIVED and lost.lines[0] == td.LineReceipt(1, 7, 3, 0)
    with pytest.raises(DomainError) as err:
        td.plan_receipt("TR1", S.SHIPPED, lines, {1: 11}, write_off=False)
    assert err.value.code is ErrorCode.TRANSFER_OVER_RECEIPT
    assert err.value.params["sku"] == "A" and err.value.params["limit"] == 10
    for counted, code in (({9: 1}, ErrorCode.NOT_FOUND), ({1: -1}, ErrorCode.INVALID_QUANTITY),
                          ({1: 0}, ErrorCode.INVALID_QUANTITY)):
        with pytest.raises(DomainError) as err:
            td.plan_receipt("TR1", S.SHIPPED, lines, counted, write_off=False)
        assert err.value.code is code
    with pytest.raises(DomainError):
        td.plan_receipt("TR1", S.DRAFT, lines, None, write_off=False)


def _line(i: int, sku: int, shipped: int, returned: int = 0, gift: bool = False,
          wh: int | None = 1) -> rd.ShippedLine:
    return rd.ShippedLine(i, 100, sku, f"S{sku}", "", shipped, returned, gift, wh)


def test_return_spreads_over_paid_lines_before_gifts() -> None:
    shipped = [_line(1, 7, 1, gift=True), _line(2, 7, 2), _line(3, 8, 1, returned=1)]
    plan = rd.plan_return(shipped, [rd.Requested(7, 3, rd.Condition.DAMAGED)])
    assert [(p.order_line_id, p.qty, p.condition) for p in plan] == [
        (2, 2, rd.Condition.DAMAGED), (1, 1, rd.Condition.DAMAGED)]
    with pytest.raises(DomainError) as err:
        rd.plan_return(shipped, [rd.Requested(7, 2), rd.Requested(7, 2)])
    assert err.value.code is ErrorCode.RETURN_OVER_SHIPPED
    assert err.value.params == {"sku": "S7", "qty": 2, "limit": 1}
    with pytest.raises(DomainError) as err:
        rd.plan_return(shipped, [rd.Requested(8, 1)])  # already came back
    assert err.value.params["limit"] == 0
    with pytest.raises(DomainError) as err:
        rd.plan_return(shipped, [rd.Requested(9, 1)])
    assert err.value.code is ErrorCode.NOT_FOUND
    only_gift = rd.plan_return(shipped, [rd.Requested(7, 1, order_line_id=1)])
    assert [(p.order_line_id, p.qty) for p in only_gift] == [(1, 1)]


def test_return_line_syntax_and_names() -> None:
    assert rd.parse_line("TEA-1:2") == ("TEA-1", 2, rd.Condition.GOOD)
    assert rd.parse_line("TEA-1:2:damaged") == ("TEA-1", 2, rd.Condition.DAMAGED)
    assert rd.parse_line("A:B:2:scrap") == ("A:B", 2, rd.Condition.WRITTEN_OFF)
    with pytest.raises(DomainError):
        rd.parse_line("TEA-1:2:broken-ish")
    assert rd.damaged_name("杭州仓") == "杭州仓-次品"
    assert len(rd.damaged_code("W" * 40)) == 32 and rd.damaged_code("HZ", 2) == "HZ-DMG2"
    assert rd.refund_summary(["none", "requested"]) == "requested"
    assert rd.refund_summary(["refunded", "requested"]) == "refunded"
    assert rd.refund_summary([]) == "none"
