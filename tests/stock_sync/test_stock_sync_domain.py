"""The allocation of available stock among shops' listings."""

from __future__ import annotations

from ecerp_desktop.domain.stock import shop_share
from ecerp_desktop.domain.stock_sync import ListingStock, ShareSettings, allocate, plan_quantities
from hypothesis import given
from hypothesis import strategies as st


def test_single_shop_share_buffer_cap_and_zero_below() -> None:
    shops = {1: ShareSettings(share_pct=50, safety_buffer=2, max_shown=30, zero_below=3)}
    ls = [ListingStock(10, 1, 100), ListingStock(11, 1, 101), ListingStock(12, 1, 102),
          ListingStock(13, 1, 103)]
    got = plan_quantities({100: 12, 101: 500, 102: 7, 103: 0}, ls, shops)
    assert got == {10: 5, 11: 30, 12: 0, 13: 0}  # (12-2)/2, capped, 2.5→2 < 3, none


def test_override_replaces_shop_share() -> None:
    shops = {1: ShareSettings(share_pct=30)}
    got = plan_quantities({5: 100}, [ListingStock(1, 1, 5, share_pct_override=80)], shops)
    assert got == {1: 80}


def test_shares_over_100_are_scaled_to_available() -> None:
    shops = {1: ShareSettings(share_pct=100), 2: ShareSettings(share_pct=60)}
    got = plan_quantities({7: 10}, [ListingStock(1, 1, 7), ListingStock(2, 2, 7)], shops)
    assert sum(got.values()) == 10
    assert got == {1: 6, 2: 4}  # 10 : 6 of 10 units


def test_allocate_largest_remainder() -> None:
    assert allocate(10, {1: 5, 2: 5, 3: 5}) == {1: 4, 2: 3, 3: 3}
    assert allocate(20, {1: 5, 2: 5}) == {1: 5, 2: 5}


shops_st = st.dictionaries(
    st.integers(1, 4),
    st.builds(ShareSettings, st.integers(0, 100), st.integers(0, 20),
              st.none() | st.integers(0, 200), st.integers(0, 10)),
    min_size=1)


@given(shops=shops_st, avail=st.dictionaries(st.integers(1, 5), st.integers(-5, 500)),
       raw=st.lists(st.tuples(st.integers(1, 4), st.integers(1, 5),
                              st.none() | st.integers(0, 100)), max_size=15))
def test_never_negative_never_oversold_shares_respected(
        shops: dict[int, ShareSettings], avail: dict[int, int],
        raw: list[tuple[int, int, int | None]]) -> None:
    listings = [ListingStock(i, shop, sku, ov) for i, (shop, sku, ov) in enumerate(raw)]
    got = plan_quantities(avail, listings, shops)
    per_sku: dict[int, int] = {}
    for ls in listings:
        cfg = shops.get(ls.shop_id)
        if cfg is None:
            assert ls.listing_id not in got
            continue
        q = got[ls.listing_id]
        a = max(avail.get(ls.sku_id, 0), 0)
        pct = cfg.share_pct if ls.share_pct_override is None else ls.share_pct_override
        assert q >= 0
        assert q <= max(a - cfg.safety_buffer, 0) * pct // 100  # never above its share
        if cfg.max_shown is not None:
            assert q <= cfg.max_shown
        assert q == 0 or q >= cfg.zero_below
        per_sku[ls.sku_id] = per_sku.get(ls.sku_id, 0) + q
    for sku, total in per_sku.items():
        assert total <= max(avail.get(sku, 0), 0)


@given(avail=st.integers(0, 1000), pcts=st.lists(st.integers(0, 100), min_size=1, max_size=5),
       buffer=st.integers(0, 30))
def test_shares_exact_when_they_fit_and_proportional_when_scaled(
        avail: int, pcts: list[int], buffer: int) -> None:
    shops = {i: ShareSettings(share_pct=p, safety_buffer=buffer) for i, p in enumerate(pcts)}
    listings = [ListingStock(i, i, 1) for i in shops]
    got = plan_quantities({1: avail}, listings, shops)
    wanted = {i: shop_share(avail, p, buffer) for i, p in enumerate(pcts)}
    total = sum(wanted.values())
    if total <= avail:
        assert got == wanted  # each shop exactly its share
    else:
        assert sum(got.values()) == avail  # scaled down, nothing lost to rounding
        for i, w in wanted.items():
            assert avail * w // total <= got[i] <= w
