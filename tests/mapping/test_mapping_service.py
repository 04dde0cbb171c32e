"""The mapping screen's use cases on a real database: the lines holding orders as
"unmapped SKU" with their waiting orders and likely SKUs, mapping them (a listing or a
whole item) re-runs exactly the orders they free, refusals, the mapping table."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.auth import SYSTEM, Role, actor_for
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.services import mapping
from ecerp_desktop.store.schema import AuditRow, SkuRow
from sqlalchemy import select, update

from .conftest import World, line, parcel_skus, run


def _seed(world: World) -> dict[str, int]:
    """Three orders wait on one line, one on another (in the second shop), one order has
    both, and one order is held for stock (unrelated)."""
    tea = line("num-77", "sku-5", "TEA1", "龙井茶 250g 新包装", qty=2)
    glass = line("num-88", "", "ZZ-404", "进口 玻璃杯 透明")
    ids = {f"tea{i}": world.order([tea]) for i in range(3)}
    ids["glass"] = world.order([glass], shop=world.shop2)
    ids["both"] = world.order([tea, line("num-88", "", "ZZ-404", "进口 玻璃杯 透明",
                                         key="g2")])
    ids["mapped"] = world.order([("TEA-1", 1)])
    run(world)
    for k in ("tea0", "tea1", "tea2", "glass", "both"):
        assert world.status(ids[k]) == "held"
        assert world.holds(ids[k])[0][0] == "unmapped_sku"
    assert world.status(ids["mapped"]) == "approved"
    return ids


def test_unmapped_lists_each_line_with_its_waiting_orders_and_likely_sku(
        world: World) -> None:
    _seed(world)
    rows = mapping.unmapped(world.store, SYSTEM)
    assert [(r.platform_item_id, r.platform_sku_id, r.orders, r.units) for r in rows] == [
        ("num-77", "sku-5", 4, 8), ("num-88", "", 1, 1), ("num-88", "", 1, 1)]
    tea = rows[0]
    assert tea.shop == "天猫旗舰店" and tea.merchant_code == "TEA1"
    assert tea.title == "龙井茶 250g 新包装"
    assert tea.suggestions[0].code == "TEA-1" and tea.suggestions[0].name == "龙井茶 250g"
    glass = [r for r in rows if r.shop_id == world.shop][1]
    assert "CUP-1" in [s.code for s in glass.suggestions]  # 玻璃杯 in the title
    # shop filter, text filter, keyset paging
    assert [r.shop_id for r in mapping.unmapped(world.store, SYSTEM, shop=world.shop2)] == [
        world.shop2]
    assert [r.platform_item_id for r in mapping.unmapped(world.store, SYSTEM,
                                                         text="龙井")] == ["num-77"]
    page1 = mapping.unmapped(world.store, SYSTEM, limit=2)
    page2 = mapping.unmapped(world.store, SYSTEM, limit=2, after=page1[-1].key)
    assert [r.key for r in page1 + page2] == [r.key for r in rows]
    assert mapping.unmapped_totals(world.store, SYSTEM) == (3, 5)


def test_mapping_reruns_exactly_the_orders_it_frees(world: World) -> None:
    ids = _seed(world)
    before = {k: len(world.history(v)) for k, v in ids.items()}
    res = mapping.map_listing(world.store, SYSTEM, world.shop, "num-77", "sku-5", "tea-1",
                              merchant_code="TEA1", title="龙井茶 250g 新包装")
    assert (res.changed, res.rerun, res.approved, res.still_held) == (1, 4, 3, 1)
    for k in ("tea0", "tea1", "tea2"):
        assert world.status(ids[k]) == "approved"
        assert parcel_skus(world, ids[k]) == [world.sku["TEA-1"]]
    assert world.status(ids["both"]) == "held"  # its glass line still maps to nothing
    reserved = sum(world.balance(wh, "TEA-1")[1] for wh in (world.hz, world.gz))
    assert reserved == 3 * 2 + 1  # three freed orders of 2, the order mapped by code
    # unrelated orders untouched: no new history at all
    assert len(world.history(ids["glass"])) == before["glass"]
    assert len(world.history(ids["mapped"])) == before["mapped"]
    rows = mapping.unmapped(world.store, SYSTEM)
    assert [(r.platform_item_id, r.orders) for r in rows] == [("num-88", 1), ("num-88", 1)]
    [table] = mapping.listings(world.store, SYSTEM)
    assert (table.sku_code, table.merchant_code, table.title) == (
        "TEA-1", "TEA1", "龙井茶 250g 新包装")
    with world.store.read() as s:
        detail, who = s.execute(select(AuditRow.detail, AuditRow.username)
                                .where(AuditRow.action == "mapping.set")).one()
    assert detail["changes"][0]["to"] == "TEA-1" and who == "system"
    # mapping the same again changes nothing and re-runs nothing held
    again = mapping.map_listing(world.store, SYSTEM, world.shop, "num-77", "sku-5", "TEA-1")
    assert (again.changed, again.unchanged, again.rerun) == (0, 1, 0)


def test_a_whole_item_maps_every_sku_of_it(world: World) -> None:
    a = world.order([line("num-99", "red", "", "茶壶 红色")])
    b = world.order([line("num-99", "blue", "", "茶壶 蓝色")])
    other = world.order([line("num-98", "red", "", "茶壶 红色")])
    run(world)
    res = mapping.map_listing(world.store, SYSTEM, world.shop, "num-99", "", "POT-1")
    assert (res.rerun, res.approved) == (2, 2)
    assert world.status(a) == world.status(b) == "approved"
    assert world.status(other) == "held"
    # the item's own SKU wins over the whole-item mapping
    mapping.map_listing(world.store, SYSTEM, world.shop, "num-98", "", "POT-1")
    mapping.map_listing(world.store, SYSTEM, world.shop, "num-98", "red", "CUP-1")
    c = world.order([line("num-98", "red", "", "茶壶 红色", key="c")])
    run(world)
    assert parcel_skus(world, c) == [world.sku["CUP-1"]]


def test_a_bundle_mapping_ships_its_components(world: World) -> None:
    o = world.order([line("set-1", "", "", "茶具 礼盒")])
    run(world)
    res = mapping.map_listing(world.store, SYSTEM, world.shop, "set-1", "", "SET-1")
    assert res.approved == 1
    assert parcel_skus(world, o) == sorted([world.sku["POT-1"], world.sku["CUP-1"]])


def test_unknown_inactive_and_incomplete_mappings_are_refused(world: World) -> None:
    o = world.order([line("num-77", "sku-5", "TEA1", "龙井茶")])
    run(world)
    with pytest.raises(DomainError) as e:
        mapping.map_listing(world.store, SYSTEM, world.shop, "num-77", "sku-5", "NOPE-1")
    assert e.value.code == ErrorCode.NOT_FOUND and e.value.params["key"] == "NOPE-1"
    with world.store.write() as s:
        s.execute(update(SkuRow).where(SkuRow.code == "CUP-1").values(active=False))
    with pytest.raises(DomainError) as e:
        mapping.map_listing(world.store, SYSTEM, world.shop, "num-77", "sku-5", "CUP-1")
    assert e.value.code == ErrorCode.SKU_INACTIVE and e.value.params["sku"] == "CUP-1"
    for item, code, err in (("", "TEA-1", ErrorCode.REQUIRED),
                            ("num-77", "", ErrorCode.REQUIRED),
                            ("x" * 65, "TEA-1", ErrorCode.TEXT_TOO_LONG)):
        with pytest.raises(DomainError) as e:
            mapping.map_listing(world.store, SYSTEM, world.shop, item, "", code)
        assert e.value.code == err
    with pytest.raises(DomainError) as e:
        mapping.map_listing(world.store, SYSTEM, 999, "num-77", "", "TEA-1")
    assert e.value.code == ErrorCode.NOT_FOUND
    packer = actor_for(None, "packer", Role.PACKER)
    with pytest.raises(DomainError) as e:
        mapping.map_listing(world.store, packer, world.shop, "num-77", "sku-5", "TEA-1")
    assert e.value.code == ErrorCode.PERMISSION_DENIED
    # a bulk write is all or nothing
    with pytest.raises(DomainError):
        mapping.map_many(world.store, SYSTEM, [
            mapping.Mapping(world.shop, "num-77", "sku-5", "TEA-1"),
            mapping.Mapping(world.shop, "num-78", "", "NOPE")])
    assert mapping.listings(world.store, SYSTEM) == []
    assert world.status(o) == "held"
    # a barcode is as good as the code
    res = mapping.map_listing(world.store, SYSTEM, world.shop, "num-77", "sku-5",
                              "6901234567892")
    assert res.approved == 1 and mapping.listings(world.store, SYSTEM)[0].sku_code == "TEA-1"


def test_the_mapping_table_filters_pages_edits_and_unmaps(world: World) -> None:
    items = [mapping.Mapping(world.shop, f"it-{i:02d}", "", "TEA-1" if i % 2 else "CUP-1",
                             title=f"标题 {i}") for i in range(10)]
    items.append(mapping.Mapping(world.shop2, "it-00", "", "POT-1"))
    res = mapping.map_many(world.store, SYSTEM, items)
    assert (res.changed, res.rerun) == (11, 0)
    everything = mapping.listings(world.store, SYSTEM)
    assert len(everything) == 11
    page1 = mapping.listings(world.store, SYSTEM, limit=4)
    page2 = mapping.listings(world.store, SYSTEM, limit=4, after=page1[-1].key)
    page3 = mapping.listings(world.store, SYSTEM, limit=4, after=page2[-1].key)
    assert [r.key for r in page1 + page2 + page3] == [r.key for r in everything]
    assert len(mapping.listings(world.store, SYSTEM, shop=world.shop2)) == 1
    assert {r.sku_code for r in mapping.listings(world.store, SYSTEM, text="cup")} == {
        "CUP-1"}
    assert [r.platform_item_id for r in mapping.listings(world.store, SYSTEM,
                                                         text="标题 3")] == ["it-03"]
    mapping.map_listing(world.store, SYSTEM, world.shop, "it-03", "", "POT-1")
    assert mapping.listings(world.store, SYSTEM, text="it-03")[0].sku_code == "POT-1"
    assert mapping.unmap_listing(world.store, SYSTEM, world.shop, "it-03").changed == 1
    assert [r.platform_item_id for r in mapping.listings(world.store, SYSTEM,
                                                         mapped=False)] == ["it-03"]
    assert len(mapping.listings(world.store, SYSTEM, mapped=True)) == 10
    with pytest.raises(DomainError) as e:
        mapping.unmap_listing(world.store, SYSTEM, world.shop, "nope")
    assert e.value.code == ErrorCode.NOT_FOUND


def test_sku_search_completes_code_barcode_and_name(world: World) -> None:
    assert [k.code for k in mapping.find_skus(world.store, SYSTEM, "te")] == ["TEA-1"]
    assert [k.code for k in mapping.find_skus(world.store, SYSTEM, "690123")] == ["TEA-1"]
    assert [k.code for k in mapping.find_skus(world.store, SYSTEM, "茶壶")] == ["POT-1"]
    assert mapping.find_skus(world.store, SYSTEM, "%") == []


def test_a_new_sku_makes_stock_sync_push_again_and_fills_missing_text(world: World) -> None:
    from ecerp_desktop.store.schema import ListingRow

    mapping.map_listing(world.store, SYSTEM, world.shop, "it-1", "a", "TEA-1")
    with world.store.write() as s:
        s.execute(update(ListingRow).values(last_pushed_qty=7, merchant_code="OLD"))
    mapping.map_many(world.store, SYSTEM, [mapping.Mapping(world.shop, "it-1", "a", "TEA-1",
                                                           "NEW", "标题")])
    with world.store.read() as s:
        row = s.execute(select(ListingRow.last_pushed_qty, ListingRow.merchant_code,
                               ListingRow.title)).one()
    assert tuple(row) == (7, "OLD", "标题")  # same SKU: pushed quantity kept, text filled
    mapping.map_listing(world.store, SYSTEM, world.shop, "it-1", "a", "CUP-1")
    with world.store.read() as s:
        assert s.scalar(select(ListingRow.last_pushed_qty)) is None
