"""End to end over loopback: stock changes → plan_and_enqueue → the sync engine's outbox
drain → the Taobao simulator shows exactly the computed quantities."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import shops
from ecerp_desktop.services.stock_sync import plan_and_enqueue
from ecerp_desktop.services.sync import make_engine
from ecerp_desktop.sim.generator import make_catalog
from ecerp_desktop.sim.taobao import TaobaoSim
from ecerp_desktop.store import Store
from stock_sync_world import (
    add_listings,
    make_skus,
    make_warehouse,
    receive,
    reserve,
    set_shop_share,
)

CODES = [f"SS-{i:03d}" for i in range(30)]


@pytest.fixture
def sim() -> Iterator[TaobaoSim]:
    s = TaobaoSim(seed=5)
    cat = make_catalog(CODES, platform="taobao", seed=5)
    # one item with 25 SKUs (more than one call may carry), the rest three per item
    big = cat[0].item_id
    s.generator.catalog = [replace(c, item_id=big) if i < 25 else c for i, c in enumerate(cat)]
    s.start()
    yield s
    s.stop()


def test_pushes_computed_quantities_batched_and_only_once(store: Store, sim: TaobaoSim) -> None:
    shop = shops.add_shop(store, SYSTEM, platform="taobao", name="淘宝店",
                          endpoint=sim.endpoint, app_key=sim.app_key,
                          app_secret=sim.app_secret, session=sim.session, backfill_days=1)
    set_shop_share(store, shop.id, stock_share_pct=80, stock_safety_buffer=1,
                   stock_max_shown=50)
    skus = make_skus(store, CODES)
    wh = make_warehouse(store)
    add_listings(store, shop.id, [(c.item_id, c.sku_id, skus[c.code])
                                  for c in sim.generator.catalog])
    receive(store, wh, {skus[c]: 3 * i for i, c in enumerate(CODES)})
    reserve(store, wh, skus[CODES[10]], 5)

    def expected() -> dict[tuple[str, str], int]:
        from ecerp_desktop.services import stock as stock_svc
        out = {}
        for c in sim.generator.catalog:
            st = stock_svc.show(store, SYSTEM, c.code)
            avail = sum(b.on_hand - b.reserved for _, b in st.rows)
            out[(c.item_id, c.sku_id)] = min(max(avail - 1, 0) * 80 // 100, 50)
        return out

    engine = make_engine(store, process_orders=False)
    assert plan_and_enqueue(store) == 30
    engine.run_once()
    assert sim.stock == expected()
    assert sim.stock[(sim.generator.catalog[10].item_id, sim.generator.catalog[10].sku_id)] == 19  # (30−5−1)·80 %
    calls = len(sim.stock_calls)
    assert calls == 2 + 2  # the big item in 20 + 5, the other five SKUs in two items
    for call in sim.stock_calls:
        assert len(call.get("skuid_quantities", "x").split(";")) <= 20

    # nothing changed: nothing queued, nothing pushed
    assert plan_and_enqueue(store) == 0
    engine.run_once()
    assert len(sim.stock_calls) == calls

    # a reservation on one SKU pushes just that SKU
    reserve(store, wh, skus[CODES[29]], 40)
    assert plan_and_enqueue(store, only_sku_ids=[skus[CODES[29]]]) == 1
    engine.run_once()
    assert len(sim.stock_calls) == calls + 1
    assert sim.stock == expected()


def test_cli_stock_sync_once(store: Store, sim: TaobaoSim,
                             capsys: pytest.CaptureFixture[str]) -> None:
    from ecerp_desktop.cli.main import main

    assert main(["--db", store.url, "shop", "add", "--platform", "taobao", "--name", "tb",
                 "--endpoint", sim.endpoint, "--app-key", sim.app_key,
                 "--app-secret", sim.app_secret, "--session", sim.session]) == 0
    shop = shops.get_shop(store, "tb")
    skus = make_skus(store, CODES[:3])
    wh = make_warehouse(store)
    cat = sim.generator.catalog[:3]
    add_listings(store, shop.id, [(c.item_id, c.sku_id, skus[c.code]) for c in cat])
    receive(store, wh, {skus[c.code]: 7 for c in cat})
    capsys.readouterr()
    assert main(["--db", store.url, "stock", "sync", "--once"]) == 0
    assert "3 listings queued" in capsys.readouterr().out
    assert sim.stock == {(c.item_id, c.sku_id): 7 for c in cat}  # default: 100 %, no buffer
    assert main(["--db", store.url, "stock", "sync", "--once"]) == 0
    assert "0 listings queued" in capsys.readouterr().out


def test_a_parked_push_is_queued_again_by_the_next_plan(store: Store, sim: TaobaoSim) -> None:
    """A push the shop never took must not be remembered as shown there."""
    from ecerp_desktop.connectors import registry
    from ecerp_desktop.connectors.registry import ConnectorConfig
    from ecerp_desktop.domain.timeutil import utcnow
    from ecerp_desktop.services.stock_sync import forget_parked_push
    from ecerp_desktop.sync.outbox import OutboxRelay, ShopDeliverer

    shop = shops.add_shop(store, SYSTEM, platform="taobao", name="淘宝店",
                          endpoint=sim.endpoint, app_key=sim.app_key,
                          app_secret=sim.app_secret, session=sim.session, backfill_days=1)
    skus = make_skus(store, CODES[:3])
    wh = make_warehouse(store)
    cat = sim.generator.catalog[:3]
    add_listings(store, shop.id, [(c.item_id, c.sku_id, skus[c.code]) for c in cat])
    receive(store, wh, {skus[c.code]: 4 for c in cat})
    assert make_engine(store).on_parked is forget_parked_push  # the app's relays use it
    connector = registry.create(ConnectorConfig("taobao", sim.endpoint, sim.app_key,
                                                sim.app_secret, sim.session))
    relay = OutboxRelay(store, lambda _t: ShopDeliverer(connector), now=utcnow,
                        max_attempts=1, on_parked=forget_parked_push)

    assert plan_and_enqueue(store) == 3
    sim.faults.set("http500=1")
    assert relay.drain().parked == 1
    assert sim.stock == {}
    sim.faults.set("")
    assert plan_and_enqueue(store) == 3  # not "0 changed": the shop never saw them
    assert relay.drain().delivered == 1
    assert sim.stock == {(c.item_id, c.sku_id): 4 for c in cat}
    assert plan_and_enqueue(store) == 0
