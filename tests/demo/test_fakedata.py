"""The fake buyers the simulators and the demo draw: realistic, deterministic, fast."""

from __future__ import annotations

import random
import re
import time

from ecerp_desktop.sim import fakedata


def _sample(seed: int, n: int) -> list:
    rng = random.Random(seed)
    return [fakedata.address(rng) for _ in range(n)]


def test_same_seed_same_buyers() -> None:
    assert _sample(7, 200) == _sample(7, 200)
    assert _sample(7, 200) != _sample(8, 200)


def test_addresses_cover_remote_regions_municipalities_and_county_cities() -> None:
    addrs = _sample(1, 20_000)
    provinces = {a.province for a in addrs}
    assert fakedata.REMOTE_PROVINCES <= provinces
    assert provinces == set(fakedata.PROVINCES)
    beijing = [a for a in addrs if a.province == "北京市"]
    assert {a.city for a in beijing} == {"北京市", "市辖区"}
    # 仙桃 sits directly under Hubei: Taobao sends no city, the county-level city as district
    xiantao = [a for a in addrs if a.district == "仙桃市"]
    assert xiantao and all(a.province == "湖北省" and a.city == "" for a in xiantao)
    for a in addrs:
        assert re.fullmatch(r"1[3-9]\d{9}", a.phone)
        assert re.fullmatch(r"\d{6}", a.zip_code)
        assert a.name and a.detail and a.town


def test_messages_mostly_empty_with_some_hostile() -> None:
    rng = random.Random(3)
    msgs = [fakedata.buyer_message(rng) for _ in range(10_000)]
    empty = sum(1 for m in msgs if not m)
    assert 0.6 < empty / len(msgs) < 0.85
    assert "请发顺丰" in msgs
    hostile = {m for m in msgs if m.startswith(("^XZ", "=", "'", "+", "@"))}
    assert "^XZ^XA^FO0,0^FDPWNED^FS" in hostile and "=cmd|'/c calc'!A1" in hostile
    assert any("\r\n" in m for m in msgs)


def test_nicks_and_names_vary() -> None:
    rng = random.Random(5)
    assert len({fakedata.nick(rng) for _ in range(1000)}) > 950
    assert len({fakedata.name(rng) for _ in range(1000)}) > 300


def test_fast_enough_for_100k_orders() -> None:
    rng = random.Random(9)
    t0 = time.perf_counter()
    for _ in range(20_000):
        fakedata.address(rng)
        fakedata.buyer_message(rng)
        fakedata.nick(rng)
    # the sync benchmark draws 100,000 orders: a few microseconds each
    assert time.perf_counter() - t0 < 5.0  # ~0.3 s idle; generous for shared CI
