"""The pure decisions of a count: differences, their value, the posting plan, scan files."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.stocktake import (
    Uncounted,
    VarianceLine,
    parse_quantity,
    parse_scans,
    posting_plan,
    totals,
)


def line(sku: int, counted: int | None, book: int | None, on_hand: int, reserved: int = 0,
         cost: str = "2.50") -> VarianceLine:
    return VarianceLine(sku, f"S{sku}", "x", Decimal(cost), counted, book, on_hand, reserved)


def test_the_delta_is_against_the_book_at_first_count_not_the_current_on_hand() -> None:
    ln = line(1, counted=9, book=10, on_hand=4)  # 6 shipped since it was counted
    assert (ln.delta(), ln.after(), ln.value()) == (-1, 3, Decimal("-2.50"))


def test_uncounted_is_zero_or_left_alone() -> None:
    ln = line(1, counted=None, book=None, on_hand=7)
    assert (ln.delta(Uncounted.ZERO), ln.delta(Uncounted.EXCLUDE)) == (-7, 0)
    assert ln.value(Uncounted.ZERO) == Decimal("-17.50")


def test_posting_plan_lists_changes_and_refuses_naming_every_sku_below_reserved() -> None:
    lines = [line(3, 5, 5, 5), line(1, 12, 10, 10), line(2, None, None, 4)]
    assert posting_plan(lines, Uncounted.ZERO) == [(1, 2), (2, -4)]
    assert posting_plan(lines, Uncounted.EXCLUDE) == [(1, 2)]
    blocked = [line(5, 1, 10, 10, reserved=3), line(4, None, None, 2, reserved=1)]
    with pytest.raises(DomainError) as info:
        posting_plan(lines + blocked, Uncounted.ZERO)
    assert info.value.code is ErrorCode.COUNT_BELOW_RESERVED
    assert info.value.params == {"count": 2, "skus": "S4, S5"}
    # excluding the uncounted one leaves only S5 in the way
    with pytest.raises(DomainError) as info:
        posting_plan(lines + blocked, Uncounted.EXCLUDE)
    assert info.value.params["skus"] == "S5"


def test_totals_add_up_over_and_short_and_value() -> None:
    t = totals([line(1, 12, 10, 10), line(2, 3, 5, 5, cost="10"), line(3, 4, 4, 4)])
    assert (t.in_scope, t.counted, t.differing, t.units_over, t.units_short) == (3, 3, 2, 2, 2)
    assert t.value == Decimal("-15.00")


def test_scan_files() -> None:
    text = "\ufeff# 手持机导出\n6901234567892\n6901234567892,12\n\nTEA-2\t3\nCUP-1*2\n"
    assert parse_scans(text) == [("6901234567892", 1), ("6901234567892", 12), ("TEA-2", 3),
                                 ("CUP-1", 2)]
    with pytest.raises(DomainError) as info:
        parse_scans("A\nB,-1\n", "f.txt")
    assert info.value.params == {"path": "f.txt", "row": 2, "column": "qty", "error": "-1"}
    assert parse_scans("B,0") == [("B", 0)]  # looked, found none
    with pytest.raises(DomainError) as info:
        parse_scans(",5\n")
    assert info.value.params["column"] == "barcode"


@pytest.mark.parametrize("bad", [-1, "", "1.5", "x", True, 100_001, None])
def test_typed_quantities_are_whole_and_sane(bad: object) -> None:
    with pytest.raises(DomainError) as info:
        parse_quantity(bad)
    assert info.value.code is ErrorCode.INVALID_QUANTITY


def test_zero_only_where_allowed() -> None:
    assert parse_quantity("0") == 0
    with pytest.raises(DomainError):
        parse_quantity(0, allow_zero=False)


def test_typed_quantities() -> None:
    assert (parse_quantity(" 12 "), parse_quantity(1), parse_quantity(100_000)) == (12, 1,
                                                                                    100_000)
