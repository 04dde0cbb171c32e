"""The review list's queries on SQLite and PostgreSQL: keyset pages, each filter kind,
hostile search text, sort keys, counts, masking, saved filters."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.services import review as rv
from ecerp_desktop.services.review import ReviewFilter, Sort

from .conftest import ADMIN, CLERK, PACKER, World

D = Decimal


def _walk(w: World, flt: ReviewFilter, sort: Sort, limit: int) -> list[rv.ReviewRow]:
    rows: list[rv.ReviewRow] = []
    after = None
    for _ in range(1000):
        page = rv.list_page(w.store, ADMIN, flt, sort, after, limit)
        assert len(page.rows) <= limit
        rows += page.rows
        after = page.next
        if after is None:
            return rows
    raise AssertionError("paging never ended")


def _sort_value(r: rv.ReviewRow, key: str) -> object:
    return {"id": r.id, "paid_at": r.paid_at, "modified_at": r.modified_at,
            "paid_amount": r.paid_amount}[key]


@pytest.mark.parametrize("key", ["id", "paid_at", "modified_at", "paid_amount"])
def test_keyset_paging_returns_every_order_once_in_the_chosen_order(world: World,
                                                                    key: str) -> None:
    rng = random.Random(7)
    base = datetime(2026, 10, 1, tzinfo=UTC)
    ids = []
    for i in range(23):
        # many equal sort values, so the id tie-break is what keeps pages apart
        ids.append(world.order([("TEA-1", 1)], paid=f"{rng.choice([10, 20, 30])}.00",
                               paid_at=base + timedelta(hours=rng.choice([1, 2, 3])),
                               unpaid=(i % 7 == 0)))
    for desc in (True, False):
        rows = _walk(world, ReviewFilter(), Sort(key, desc), limit=4)
        got = [r.id for r in rows]
        assert sorted(got) == sorted(ids) and len(got) == len(set(got))
        with_value = [r for r in rows if _sort_value(r, key) is not None]
        nulls = rows[len(with_value):]
        assert all(_sort_value(r, key) is None for r in nulls)  # NULLs last
        keyed = [(_sort_value(r, key), r.id) for r in with_value]
        assert keyed == sorted(keyed, reverse=desc)
        assert [r.id for r in nulls] == sorted((r.id for r in nulls), reverse=desc)
    if key == "paid_at":
        assert nulls, "unpaid orders have no paid time and must still be listed"


def test_a_sort_key_outside_the_allowed_list_is_refused(world: World) -> None:
    for bad in ("receiver_phone", "id; DROP TABLE orders", "paid_at desc", ""):
        with pytest.raises(DomainError) as err:
            rv.list_page(world.store, CLERK, ReviewFilter(), Sort(bad))
        assert err.value.code == ErrorCode.SORT_KEY_NOT_ALLOWED


def _ids(w: World, flt: ReviewFilter) -> set[int]:
    return {r.id for r in _walk(w, flt, Sort(), 50)}


def test_each_filter_kind(world: World) -> None:
    w = world
    t0 = datetime(2026, 11, 10, tzinfo=UTC)
    a = w.order([("TEA-1", 1)], buyer="王小明", name="王小明", phone="13912345678",
                province="浙江省", city="杭州市", paid="50.00", paid_at=t0)
    b = w.order([("CUP-1", 2)], shop=w.shop2, buyer="李雷", message="请尽快发货",
                paid="300.00", paid_at=t0 + timedelta(days=2))
    c = w.order([("NOPE-9", 1)], paid="6000.00", paid_at=t0 + timedelta(days=4))
    d = w.order([("TEA-1", 1)], message="我要投诉", paid_at=t0 + timedelta(days=5))
    w.process()
    assert (w.status(a), w.status(b), w.status(c), w.status(d)) == (
        "approved", "approved", "held", "held")
    rv.run_batch(w.store, ADMIN, "add_tag", [b], tag="vip")
    rv.run_batch(w.store, ADMIN, "assign_courier", [a], courier_id=w.couriers["SF"])
    rv.run_batch(w.store, ADMIN, "assign_warehouse", [b], warehouse_id=w.hz)
    cases = {
        "status": (ReviewFilter(statuses=("held",)), {c, d}),
        "held reason": (ReviewFilter(held_reason="buyer_message"), {d}),
        "shop": (ReviewFilter(shop_ids=(w.shop2,)), {b}),
        "platform": (ReviewFilter(platform="jd"), {b}),
        "paid range": (ReviewFilter(paid_from=t0 + timedelta(days=1),
                                    paid_to=t0 + timedelta(days=4, hours=1)), {b, c}),
        "modified range": (ReviewFilter(modified_to=t0 + timedelta(days=1)), {a}),
        "buyer nick": (ReviewFilter(buyer="李雷"), {b}),
        "receiver name": (ReviewFilter(buyer="小明"), {a}),
        "phone hash": (ReviewFilter(phone_hash=rv.phone_filter("139-1234-5678")), {a}),
        "sku": (ReviewFilter(sku="CUP-1"), {b}),
        "unmapped merchant code": (ReviewFilter(sku="NOPE-9"), {c}),
        "province": (ReviewFilter(province="浙江省"), {a}),
        "city": (ReviewFilter(city="杭州市"), {a}),
        "courier": (ReviewFilter(courier_id=w.couriers["SF"]), {a}),
        # a ships from Hangzhou (nearest to 浙江), b was moved there from Guangzhou by hand
        "warehouse": (ReviewFilter(warehouse_id=w.hz), {a, b}),
        "warehouse emptied": (ReviewFilter(warehouse_id=w.gz), set()),
        "tag": (ReviewFilter(tag="vip"), {b}),
        "message present": (ReviewFilter(has_message=True), {b, d}),
        "amount range": (ReviewFilter(amount_min=D("100.01"), amount_max=D("6000")), {b, c}),
        "combined": (ReviewFilter(statuses=("held",), amount_min=D("1000")), {c}),
    }
    for name, (flt, want) in cases.items():
        assert _ids(w, flt) == want, name


def test_hostile_search_text_matches_literally(world: World) -> None:
    w = world
    plain = w.order([("TEA-1", 1)], buyer="normal", name="普通")
    quote = w.order([("TEA-1", 1)], buyer="O'Brien' OR 1=1 --", order_no="X' OR 1=1 --")
    pct = w.order([("TEA-1", 1)], buyer="100%off", name="a_b")
    back = w.order([("A_B%1", 1)], buyer="C:\\temp")
    assert _ids(w, ReviewFilter(buyer="' OR 1=1 --")) == {quote}
    assert _ids(w, ReviewFilter(order_no="' OR 1=1")) == {quote}
    assert _ids(w, ReviewFilter(buyer="%")) == {pct}
    assert _ids(w, ReviewFilter(buyer="_")) == {pct}
    assert _ids(w, ReviewFilter(buyer="\\")) == {back}
    assert _ids(w, ReviewFilter(buyer="%off")) == {pct}
    assert _ids(w, ReviewFilter(sku="A_B%1")) == {back}
    assert _ids(w, ReviewFilter(sku="A%")) == set()
    assert _ids(w, ReviewFilter(tag='"')) == set()
    assert _ids(w, ReviewFilter(buyer="norm")) == {plain}


def test_counts_per_status_follow_the_other_filters(world: World) -> None:
    w = world
    w.order([("TEA-1", 1)])
    w.order([("TEA-1", 1)], shop=w.shop2)
    w.order([("NOPE", 1)], shop=w.shop2)
    w.order([("TEA-1", 1)], unpaid=True)
    w.process()
    assert rv.status_counts(w.store, CLERK, ReviewFilter()) == {
        "approved": 2, "held": 1, "unpaid": 1}
    # the status choice itself does not narrow the counts; the shop does
    assert rv.status_counts(w.store, CLERK, ReviewFilter(
        statuses=("held",), shop_ids=(w.shop2,))) == {"approved": 1, "held": 1}


def test_the_clerk_sees_buyer_data_masked_in_list_detail_and_export(world: World) -> None:
    w = world
    oid = w.order([("TEA-1", 1)], buyer="buyer_secret", name="欧阳娜娜",
                  phone="13912345678", detail="文三路 478 号 华星科技大厦")
    w.process()
    row = rv.list_page(w.store, CLERK, ReviewFilter(), Sort()).rows[0]
    assert row.receiver_phone == "139****5678"
    assert row.receiver_name == "欧***" and "buyer_secret" not in row.buyer_nick
    d = rv.order_detail(w.store, CLERK, oid)
    assert d.row.receiver_phone == "139****5678"
    assert "华星" not in d.address_detail and "478" not in d.address_detail
    exported = rv.export_rows(w.store, CLERK, ReviewFilter())
    flat = repr(exported)
    assert "13912345678" not in flat and "欧阳娜娜" not in flat and "华星" not in flat
    # a role with PII_VIEW (the packer) sees it whole
    assert rv.order_detail(w.store, PACKER, oid).address_detail.startswith("文三路 478")
    assert rv.list_page(w.store, PACKER, ReviewFilter(), Sort()).rows[0].receiver_phone \
        == "13912345678"


def test_viewing_and_acting_need_their_permissions(world: World) -> None:
    from ecerp_desktop.domain.auth import Role, actor_for

    oid = world.order([("TEA-1", 1)])
    warehouse = actor_for(None, "wh", Role.WAREHOUSE)
    finance = actor_for(None, "fin", Role.FINANCE)
    with pytest.raises(DomainError) as err:
        rv.list_page(world.store, warehouse, ReviewFilter(), Sort())
    assert err.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError):
        rv.run_batch(world.store, finance, "approve", [oid])
    assert world.status(oid) == "new"


def test_saved_filters_are_per_user(world: World) -> None:
    from ecerp_desktop.domain.auth import Role, actor_for

    a = actor_for(1, "a", Role.CLERK)
    b = actor_for(2, "b", Role.CLERK)
    flt = ReviewFilter(statuses=("held",), paid_from=datetime(2026, 1, 1, tzinfo=UTC),
                       amount_min=D("9.90"), buyer="' OR 1=1 --", shop_ids=(1, 2))
    rv.save_filter(world.store, a, "待审大单", flt)
    assert rv.saved_filters(world.store, a) == {"待审大单": flt}
    assert rv.saved_filters(world.store, b) == {}
    rv.save_filter(world.store, a, "待审大单", None)
    assert rv.saved_filters(world.store, a) == {}


def test_matching_ids_cover_the_whole_filter_result(world: World) -> None:
    ids = {world.order([("TEA-1", 1)]) for _ in range(7)}
    world.order([("TEA-1", 1)], shop=world.shop2)
    got = rv.matching_ids(world.store, CLERK, ReviewFilter(shop_ids=(world.shop,)))
    assert set(got) == ids and len(got) == len(ids)


def test_csv_export_is_masked_neutralized_and_audited(world: World, tmp_path) -> None:
    import csv

    from ecerp_desktop.store import audit

    w = world
    w.order([("TEA-1", 1)], buyer="=cmd|'/c calc'!A1", name="+1+1", phone="13912345678",
            detail="文三路 478 号")
    w.order([("TEA-1", 1)], buyer="@SUM(A1)", name="-2")
    path = tmp_path / "orders.csv"
    assert rv.export_csv(w.store, CLERK, ReviewFilter(), str(path)) == 2
    text = path.read_text(encoding="utf-8-sig")
    assert "13912345678" not in text and "478" not in text
    rows = list(csv.DictReader(text.splitlines()))
    for r in rows:
        for cell in r.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert {r["receiver_phone"] for r in rows} >= {"139****5678"}
    with w.store.read() as s:
        entry = audit.recent(s)[0]
    assert entry.action == "orders.export" and entry.username == "clerk1"
    assert entry.detail["rows"] == 2 and entry.detail["masked"] is True
