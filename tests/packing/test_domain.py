"""The parcel verification state machine, without a database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ecerp_desktop.domain.packing import (
    ExpectedLine,
    ScanResult,
    Stage,
    Verification,
    WeightRule,
    check_weight,
    expand_bundles,
    hash_code,
    verify_code,
)

TEA, CUP, POT, SET = 1, 2, 3, 9
BUNDLES = {SET: ((POT, 1), (CUP, 2))}


def parcel(**kw: object) -> Verification:
    lines = (ExpectedLine(TEA, "TEA-1", "茶", 2, 300), ExpectedLine(CUP, "CUP-1", "杯", 2, 500),
             ExpectedLine(POT, "POT-1", "壶", 1, 1200))
    return Verification(7, lines, BUNDLES, **kw)  # type: ignore[arg-type]


def test_right_items_count_until_complete_then_weighing() -> None:
    v = parcel()
    assert v.scan_sku(TEA) is ScanResult.COUNTED
    assert v.scan_sku(TEA) is ScanResult.COUNTED
    assert v.remaining(TEA) == 0 and v.units_counted == 2 and v.units_total == 5
    assert v.scan_sku(CUP, 2) is ScanResult.COUNTED
    assert v.scan_sku(POT) is ScanResult.COMPLETE
    assert v.stage is Stage.WEIGHING and v.complete and v.errors == 0


def test_wrong_item_too_many_and_unknown_count_nothing() -> None:
    v = parcel()
    v.scan_sku(TEA, 2)
    assert v.scan_sku(TEA) is ScanResult.TOO_MANY
    assert v.scan_sku(CUP, 3) is ScanResult.TOO_MANY  # all or nothing: not 2 of 3
    assert v.scan_sku(42) is ScanResult.WRONG_ITEM
    assert v.scan_sku(None) is ScanResult.UNKNOWN
    assert v.refuse(ScanResult.OTHER_ORDER) is ScanResult.OTHER_ORDER
    assert v.counted == {TEA: 2} and v.errors == 5
    assert all(r.is_error for r in (ScanResult.TOO_MANY, ScanResult.WRONG_ITEM,
                                    ScanResult.UNKNOWN, ScanResult.OTHER_ORDER))
    assert not ScanResult.COUNTED.is_error and not ScanResult.SAME_PARCEL.is_error


def test_bundles_expand_and_a_bundle_barcode_counts_its_components() -> None:
    assert expand_bundles([(SET, 2), (TEA, 1)], BUNDLES) == {POT: 2, CUP: 4, TEA: 1}
    v = parcel()
    assert v.scan_sku(SET) is ScanResult.COUNTED  # one pot + two cups at once
    assert v.counted == {POT: 1, CUP: 2}
    assert v.scan_sku(SET) is ScanResult.TOO_MANY and v.counted == {POT: 1, CUP: 2}
    only_tea = Verification(1, (ExpectedLine(TEA, "T", "t", 1),), BUNDLES)
    assert only_tea.scan_sku(SET) is ScanResult.WRONG_ITEM


def test_no_scanning_after_complete() -> None:
    v = Verification(1, (ExpectedLine(TEA, "T", "t", 1, 300),), {})
    assert v.scan_sku(TEA) is ScanResult.COMPLETE
    assert v.scan_sku(TEA) is ScanResult.NOT_SCANNING


def test_weight_within_and_outside_tolerance() -> None:
    rule = WeightRule(packaging_g=100, tolerance_g=50, tolerance_pct=Decimal("5"))
    v = parcel(rule=rule)
    v.scan_sku(TEA, 2), v.scan_sku(CUP, 2), v.scan_sku(POT)
    assert v.expected_weight_g == 600 + 1000 + 1200 + 100
    tol = rule.tolerance(2900)
    assert tol == 145  # 5 % beats 50 g
    assert v.weigh(2900 + 145).ok and v.stage is Stage.READY
    check = v.weigh(2900 - 146)
    assert not check.ok and check.deviation_g == -146 and v.stage is Stage.WEIGHT_REJECTED
    assert v.errors == 1
    v.weigh(2890)  # a re-weigh in range clears it
    assert v.stage is Stage.READY and not v.override
    v.weigh(5000)
    v.accept_weight()
    assert v.stage is Stage.READY and v.override
    assert check_weight(120, 100, WeightRule(0, 50, Decimal("1"))).ok  # small parcel: 50 g


def test_cannot_weigh_while_scanning_or_accept_without_rejection() -> None:
    v = parcel()
    with pytest.raises(ValueError):
        v.weigh(100)
    with pytest.raises(ValueError):
        v.accept_weight()


def test_supervisor_code_is_hashed_and_checked() -> None:
    h = hash_code("8888")
    assert "8888" not in h
    assert verify_code("8888", h) and not verify_code("8889", h)
    assert not verify_code("8888", "") and not verify_code("", h)
