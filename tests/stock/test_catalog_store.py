"""Catalogue upserts by natural key: the same data twice changes nothing, an existing
mapping is never overwritten by a re-import."""

from __future__ import annotations

from decimal import Decimal

from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat


def test_skus_barcodes_and_bundles(store: Store) -> None:
    now = utcnow()
    with store.write() as s:
        ids = cat.upsert_skus(s, [cat.SkuInput("A", "杯子", 100, Decimal("5")),
                                  cat.SkuInput("B", "盖子", 20, Decimal("1"))], now)
        cat.add_barcodes(s, [("6901234567892", ids["A"]), ("4006381333931", ids["A"])])
        bundle = cat.upsert_skus(s, [cat.SkuInput("AB", "组合装", 120, Decimal("6"),
                                                  is_bundle=True)], now)["AB"]
        cat.set_bundle(s, bundle, [(ids["A"], 1), (ids["B"], 2)])
    with store.write() as s:  # the same again, and a changed name
        again = cat.upsert_skus(s, [cat.SkuInput("A", "保温杯", 100, Decimal("5"))], now)
        cat.add_barcodes(s, [("6901234567892", ids["B"])])  # taken: left with A
        cat.set_bundle(s, bundle, [(ids["A"], 1), (ids["B"], 2)])
    assert again["A"] == ids["A"]
    with store.read() as s:
        found = cat.sku_by_barcode(s, "4006381333931")
        assert found is not None and found.code == "A" and found.name == "保温杯"
        assert found.barcodes == ("4006381333931", "6901234567892")
        assert cat.bundle_components(s) == {bundle: ((ids["A"], 1), (ids["B"], 2))}
        assert cat.count_skus(s) == 3


def test_listings_keep_their_mapping(store: Store) -> None:
    now = utcnow()
    with store.write() as s:
        sku = cat.upsert_skus(s, [cat.SkuInput("A", "杯子")], now)["A"]
        shop = cat.upsert_shop(s, platform="taobao", name="淘宝店", now=now)
        assert cat.upsert_shop(s, platform="taobao", name="淘宝店", now=now) == shop
        cat.upsert_listings(s, shop, [cat.ListingInput("1001", "1", "A", "杯子", sku),
                                      cat.ListingInput("1002", "", "OLD", "旧款", None)])
        # a re-pull with a new title and no mapping must not drop the mapping
        cat.upsert_listings(s, shop, [cat.ListingInput("1001", "1", "A", "新杯子", None)])
    with store.read() as s:
        got = cat.listing_skus(s, [(shop, "1001", "1"), (shop, "1002", ""), (shop, "9", "")])
        assert got == {(shop, "1001", "1"): sku, (shop, "1002", ""): None}
        assert (cat.count_listings(s, mapped=True), cat.count_listings(s, mapped=False)) == (1, 1)


def test_courier_rates_upsert(store: Store) -> None:
    with store.write() as s:
        cid = cat.upsert_courier(s, code="ZTO", name="中通")
        cat.upsert_rates(s, cid, [cat.RateInput("*", Decimal("5"), Decimal("2")),
                                  cat.RateInput("西藏自治区", Decimal("0"), Decimal("0"),
                                                excluded=True)])
        assert cat.upsert_courier(s, code="ZTO", name="中通快递") == cid
        cat.upsert_rates(s, cid, [cat.RateInput("*", Decimal("6"), Decimal("2"))])
    with store.read() as s:
        rates = {r.province: r for r in cat.rates(s, cid)}
        assert [c.name for c in cat.couriers(s)] == ["中通快递"]
    assert rates["*"].first_price == Decimal("6.00") and rates["西藏自治区"].excluded
