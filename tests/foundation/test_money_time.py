"""Money is exact Decimal to the fen; times are aware UTC and shown in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.money import allocate, from_fen, money, parse_money, to_fen
from ecerp_desktop.domain.timeutil import format_local, iso, parse_platform_time
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(("text", "expected"), [
    ("1,234.00", "1234.00"), ("¥12", "12.00"), ("￥ 8.5", "8.50"), ("12元", "12.00"),
    ("(12.00)", "-12.00"), ("-3.456", "-3.46"), ("0.005", "0.01"), (".5", "0.50"),
])
def test_parse_money_reads_what_platforms_and_statements_write(text: str, expected: str) -> None:
    assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize("bad", ["", "abc", "1.2.3", "12,3a", "--1", "1e5"])
def test_parse_money_refuses_garbage_with_a_code(bad: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_money(bad)
    assert info.value.code is ErrorCode.INVALID_MONEY


def test_floats_are_refused() -> None:
    with pytest.raises(DomainError):
        money(0.1)  # type: ignore[arg-type]


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_fen_round_trip_is_exact(fen: int) -> None:
    assert to_fen(from_fen(fen)) == fen


@given(st.decimals(min_value=0, max_value=10**6, places=2),
       st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=8))
def test_allocation_sums_exactly(total: Decimal, weights: list[int]) -> None:
    parts = allocate(total, [Decimal(w) for w in weights])
    assert sum(parts, Decimal(0)) == money(total)
    assert all(p >= 0 for p in parts)


def test_naive_platform_time_is_beijing_time() -> None:
    t = parse_platform_time("2026-11-11 00:00:01")
    assert t == datetime(2026, 11, 10, 16, 0, 1, tzinfo=UTC)
    assert format_local(t) == "2026-11-11 00:00:01"
    assert iso(t) == "2026-11-10T16:00:01+00:00"


@pytest.mark.parametrize("value", ["2026-11-10T16:00:01Z", "2026-11-11T00:00:01+08:00",
                                   1794326401, "1794326401", 1794326401000])
def test_offsets_and_unix_seconds_agree(value: object) -> None:
    assert parse_platform_time(value) == datetime(2026, 11, 10, 16, 0, 1, tzinfo=UTC)


def test_bad_time_is_a_coded_error() -> None:
    with pytest.raises(DomainError) as info:
        parse_platform_time("yesterday")
    assert info.value.code is ErrorCode.INVALID_TIME
