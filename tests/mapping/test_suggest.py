"""Likely matches: the n-gram index finds what comparing every SKU finds, and a big
catalogue (where the pipeline's suggest() switches to the index) still answers well."""

from __future__ import annotations

import time

from ecerp_desktop.domain.mapping import SCAN_LIMIT, Catalog, LineRef, SkuInfo, suggest
from ecerp_desktop.domain.mapping_suggest import SuggestIndex

NAMES = ["龙井茶", "玻璃杯", "茶壶", "礼盒", "保温杯", "不锈钢", "连衣裙", "纯棉T恤", "数据线",
         "手机壳"]


def _skus(n: int) -> list[SkuInfo]:
    return [SkuInfo(i, f"SKU-{i:06d}", f"{NAMES[i % 10]}{NAMES[(i // 10) % 10]} {i}号",
                    active=i % 50 != 0) for i in range(1, n + 1)]


def test_index_agrees_with_the_full_scan_on_a_small_catalogue() -> None:
    skus = _skus(500)
    small = Catalog.build(skus)
    index = SuggestIndex(skus)
    for code in ("sku-000123", "SKU000321", "SKU-00O377"):
        ref = LineRef("i", "s", code, "")
        assert index.suggest(ref)[0] in suggest(small, ref)
    # an inactive SKU is never suggested
    assert "SKU-000100" not in index.suggest(LineRef("i", "s", "SKU-000100", ""))


def test_a_title_containing_our_name_finds_it() -> None:
    skus = _skus(500)
    index = SuggestIndex(skus)
    assert skus[320].name == "玻璃杯茶壶 321号"
    got = index.suggest(LineRef("i", "s", "", "【包邮】玻璃杯茶壶 321号 正品 限时特价"))
    assert got and got[0] == "SKU-000321"


def test_a_big_catalogue_answers_fast_through_the_index() -> None:
    skus = _skus(SCAN_LIMIT * 10)
    cat = Catalog.build(skus)
    suggest(cat, LineRef("i", "s", "x", ""))  # builds the index once
    assert cat.suggest_index is not None
    started = time.perf_counter()
    for i in (i for i in range(1, 101) if (i * 97 + 1) % 50):
        assert suggest(cat, LineRef("i", "s", f"sku{i * 97 + 1:06d}", ""))[0] == (
            f"SKU-{i * 97 + 1:06d}")
    assert time.perf_counter() - started < 5  # a full scan: about 0.2 s per line here
