"""plan_and_enqueue on SQLite and PostgreSQL: what gets queued, and only when it changed."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import shops
from ecerp_desktop.services.stock_sync import plan_and_enqueue
from ecerp_desktop.store import Store
from ecerp_desktop.store import sync as sync_store
from ecerp_desktop.store.schema import ListingRow
from stock_sync_world import (
    add_listings,
    make_skus,
    make_warehouse,
    receive,
    reserve,
    set_shop_share,
)


def _shop(store: Store, name: str) -> int:
    return shops.add_shop(store, SYSTEM, platform="taobao", name=name,
                          endpoint="http://127.0.0.1:1/router/rest", app_key="k",
                          app_secret="s", session="x").id


def _queued(store: Store) -> dict[str, dict[tuple[str, str], int]]:
    """target → {(item, sku): qty} of the pending stock rows, later rows overriding."""
    out: dict[str, dict[tuple[str, str], int]] = {}
    with store.read() as s:
        for r in sync_store.pending(s, limit=10_000):
            assert r.kind == "stock"
            for q in r.payload["quantities"]:
                out.setdefault(r.target, {})[(q["platform_item_id"], q["platform_sku_id"])] = (
                    q["quantity"])
    return out


@pytest.fixture
def world(store: Store) -> dict:
    skus = make_skus(store, ["A", "B", "C"])
    wh = make_warehouse(store)
    wh2 = make_warehouse(store, "二号仓")
    s1, s2 = _shop(store, "店一"), _shop(store, "店二")
    set_shop_share(store, s1, stock_share_pct=70, stock_safety_buffer=2)
    set_shop_share(store, s2, stock_share_pct=50, stock_max_shown=20, stock_zero_below=3)
    add_listings(store, s1, [("i1", "a", skus["A"]), ("i1", "b", skus["B"]),
                             ("i2", "", skus["C"])], override={skus["C"]: 100})
    add_listings(store, s2, [("j1", "a", skus["A"]), ("j1", "b", skus["B"])])
    return {"skus": skus, "wh": wh, "wh2": wh2, "s1": s1, "s2": s2}


def test_quantities_shares_and_only_changes(store: Store, world: dict) -> None:
    sk, wh = world["skus"], world["wh"]
    receive(store, wh, {sk["A"]: 30, sk["B"]: 5})
    receive(store, world["wh2"], {sk["A"]: 12})  # available summed over warehouses
    reserve(store, wh, sk["A"], 2)
    n = plan_and_enqueue(store)
    assert n == 5
    q = _queued(store)
    s1, s2 = f"shop:{world['s1']}", f"shop:{world['s2']}"
    # A: available 40. shop1 70% of 38 = 26; shop2 min(50% of 40, 20) = 20 → 46 > 40,
    # scaled 26:20 of 40 → 22.6/17.4 → 23, 17 (sum 40, never oversold)
    assert q[s1][("i1", "a")] + q[s2][("j1", "a")] == 40
    assert (q[s1][("i1", "a")], q[s2][("j1", "a")]) == (23, 17)
    # B: available 5: shop1 70% of 3 = 2; shop2 50% of 5 = 2 < 3 → 0
    assert q[s1][("i1", "b")] == 2 and q[s2][("j1", "b")] == 0
    assert q[s1][("i2", "")] == 0  # nothing received
    # a second plan with no change queues nothing
    assert plan_and_enqueue(store) == 0
    with store.read() as s:
        before = len(sync_store.pending(s, limit=10_000))
        pushed = dict(s.query(ListingRow.platform_item_id + ":" + ListingRow.platform_sku_id,
                              ListingRow.last_pushed_qty).where(
                                  ListingRow.shop_id == world["s1"]).all())
    assert pushed == {"i1:a": 23, "i1:b": 2, "i2:": 0}
    # a change of one SKU queues only its listings
    receive(store, wh, {sk["C"]: 9}, doc="R2")
    assert plan_and_enqueue(store, only_sku_ids=[sk["C"]]) == 1
    with store.read() as s:
        rows = sync_store.pending(s, limit=10_000)
    assert len(rows) == before + 1
    assert rows[-1].payload["quantities"] == [
        {"platform_item_id": "i2", "platform_sku_id": "", "quantity": 7}]


def test_back_to_an_earlier_quantity_is_pushed_again(store: Store, world: dict) -> None:
    sk, wh = world["skus"], world["wh"]
    receive(store, wh, {sk["C"]: 10})
    assert plan_and_enqueue(store, [sk["C"]]) == 1
    reserve(store, wh, sk["C"], 4)
    assert plan_and_enqueue(store, [sk["C"]]) == 1
    receive(store, wh, {sk["C"]: 4}, doc="R2")  # available back to 10
    assert plan_and_enqueue(store, [sk["C"]]) == 1
    with store.read() as s:
        got = [r.payload["quantities"][0]["quantity"] for r in sync_store.pending(s)]
    assert got == [8, 4, 8]  # 100% of (available − 2)


def test_concurrent_planners_queue_each_change_once(store: Store, world: dict) -> None:
    import threading

    sk = world["skus"]
    receive(store, world["wh"], {sk["A"]: 50, sk["B"]: 9, sk["C"]: 4})
    results: list[int] = []
    errors: list[BaseException] = []

    def plan() -> None:
        try:
            results.append(plan_and_enqueue(store))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=plan) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert sum(results) == 5
    with store.read() as s:
        n = sum(len(r.payload["quantities"]) for r in sync_store.pending(s, limit=10_000))
    assert n == 5


def test_full_requeues_everything_once(store: Store, world: dict) -> None:
    receive(store, world["wh"], {world["skus"]["A"]: 10})
    assert plan_and_enqueue(store) == 5
    assert plan_and_enqueue(store) == 0
    assert plan_and_enqueue(store, full=True) == 5
    assert plan_and_enqueue(store) == 0
    with store.read() as s:
        rows = sync_store.pending(s, limit=10_000)
    assert sum(len(r.payload["quantities"]) for r in rows) == 10


def test_stock_in_an_inactive_warehouse_is_not_offered(store: Store, world: dict) -> None:
    """Damaged returns go to an inactive 次品仓; closed warehouses are inactive too: what
    they hold can never be sold, so shops are never shown it."""
    from ecerp_desktop.store.schema import WarehouseRow
    from sqlalchemy import update

    sk = world["skus"]
    receive(store, world["wh"], {sk["C"]: 4})
    receive(store, world["wh2"], {sk["C"]: 50})
    with store.write() as s:
        s.execute(update(WarehouseRow).where(WarehouseRow.id == world["wh2"])
                  .values(active=False))
    plan_and_enqueue(store)
    assert _queued(store)[f"shop:{world['s1']}"][("i2", "")] == 2  # 100 % of 4 − buffer 2
