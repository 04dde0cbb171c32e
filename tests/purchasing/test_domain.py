"""The pure purchasing rules: which actions a PO's status allows, how a scan is split
between counted and over, and how scans are judged again after another station's receipt."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.purchasing import (
    ExpectedLine,
    POAction,
    POStatus,
    ScanFact,
    ScanKind,
    check_action,
    judge_scan,
    parse_line_spec,
    rejudge,
    status_after_receipt,
)
from hypothesis import given
from hypothesis import strategies as st

S = POStatus
ALLOWED = {
    POAction.PLACE: {S.DRAFT},
    POAction.EDIT: {S.DRAFT},
    POAction.CANCEL: {S.DRAFT, S.PLACED},
    POAction.CLOSE: {S.PLACED, S.PARTIAL},
    POAction.RECEIVE: {S.PLACED, S.PARTIAL},
}


@pytest.mark.parametrize("action", list(POAction))
@pytest.mark.parametrize("status", list(POStatus))
def test_each_action_only_from_its_statuses(action: POAction, status: POStatus) -> None:
    if status in ALLOWED[action]:
        check_action("PO1", status, action)
    else:
        with pytest.raises(DomainError) as e:
            check_action("PO1", status, action)
        assert e.value.code is ErrorCode.PO_ILLEGAL_TRANSITION
        assert e.value.params == {"number": "PO1", "status": status.value,
                                  "action": action.value}


def test_received_only_when_every_line_is_complete() -> None:
    assert status_after_receipt([(5, 5), (3, 3)]) is S.RECEIVED
    assert status_after_receipt([(5, 5), (3, 2)]) is S.PARTIAL


LINE = ExpectedLine(1, 10, "TEA-1", "茶", ordered=10, received=4)


def test_a_scan_is_split_at_what_remains() -> None:
    d = judge_scan(LINE, sku_found=True, is_bundle=False, qty=5, counted_so_far=3)
    assert (d.kind, d.counted, d.over, d.line_id) == (ScanKind.OVER, 3, 2, 1)
    d = judge_scan(LINE, sku_found=True, is_bundle=False, qty=1, counted_so_far=0)
    assert (d.kind, d.counted, d.over) == (ScanKind.COUNTED, 1, 0)
    assert judge_scan(None, sku_found=False, is_bundle=False, qty=1,
                      counted_so_far=0).kind is ScanKind.UNKNOWN
    assert judge_scan(None, sku_found=True, is_bundle=True, qty=1,
                      counted_so_far=0).kind is ScanKind.BUNDLE
    assert judge_scan(None, sku_found=True, is_bundle=False, qty=1,
                      counted_so_far=0).kind is ScanKind.NOT_ON_PO
    with pytest.raises(DomainError):
        judge_scan(LINE, sku_found=True, is_bundle=False, qty=0, counted_so_far=0)


@given(st.lists(st.integers(1, 20), max_size=30), st.integers(0, 100), st.integers(0, 100))
def test_rejudging_never_counts_more_than_remains(qtys: list[int], first_room: int,
                                                  room: int) -> None:
    """Judge scans against one room, then again against another: every unit stays either
    counted or over, and the counted ones never exceed the new room."""
    facts, used = [], 0
    for i, n in enumerate(qtys):
        counted = min(n, max(first_room - used, 0))
        used += counted
        facts.append(ScanFact(i, 7, n, counted, n - counted))
    changed = rejudge(facts, {7: room})
    split = {f.scan_id: changed.get(f.scan_id, (f.counted, f.over)) for f in facts}
    assert all(c + o == f.qty and c >= 0 and o >= 0
               for f, (c, o) in zip(facts, split.values(), strict=True))
    assert sum(c for c, _ in split.values()) == min(sum(qtys), room)
    if room == first_room:
        assert changed == {}


def test_line_specs() -> None:
    assert parse_line_spec("TEA-1:5:30.5").qty == 5
    spec = parse_line_spec("A:B:3:1.20")  # a code with a colon
    assert (spec.sku, spec.qty, spec.unit_cost) == ("A:B", 3, Decimal("1.20"))
    for bad in ("TEA-1", "TEA-1:5", ":5:1"):
        with pytest.raises(DomainError):
            parse_line_spec(bad)
