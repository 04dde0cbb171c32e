"""Own shops end to end: the simulators as ``ecerp sim serve`` starts them, the connectors
as the registry builds them from a shop's credentials, the real sync engine storing into
SQLite, and a shipment going out through the outbox exactly once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from ecerp_desktop.connectors import registry
from ecerp_desktop.connectors.base import ConnectorError
from ecerp_desktop.connectors.shopify import ShopifyConnector
from ecerp_desktop.connectors.woocommerce import WooCommerceConnector, parse_shipment_notes
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.services import shops
from ecerp_desktop.services.orders_query import list_orders
from ecerp_desktop.sim.serve import credentials, start_all, stop_all
from ecerp_desktop.sim.server import SimServer
from ecerp_desktop.sim.shopify import LeakyBucket, ShopifySim
from ecerp_desktop.store import Store
from ecerp_desktop.store import sync as sync_store
from ecerp_desktop.sync.backoff import Backoff
from ecerp_desktop.sync.engine import SyncEngine, SyncSettings
from ecerp_desktop.sync.outbox import SHIPMENT, shipment_key, shop_target
from ecerp_desktop.sync.pull import PullSettings

N = 300
FAST = SyncSettings(
    pull=PullSettings(overlap=timedelta(minutes=3), skew=timedelta(seconds=0),
                      backoff=Backoff(base=0.01, cap=0.05)),
    interval=0.05, lane_backoff=Backoff(base=0.01, cap=0.05),
    outbox_backoff=Backoff(base=0.01, cap=0.05), outbox_max_attempts=3)


@pytest.fixture(scope="module")
def sims() -> Iterator[dict[str, SimServer]]:
    started = start_all(["woocommerce", "shopify"], backfill=N, backfill_hours=10)
    for sim in started:
        if isinstance(sim, ShopifySim):  # a Plus-sized bucket: these tests are not about pacing
            sim.bucket = LeakyBucket(400, 200.0)
    try:
        yield {s.platform: s for s in started}
    finally:
        stop_all(started)


def test_registry_builds_working_connectors_from_sim_credentials(
        sims: dict[str, SimServer]) -> None:
    now = datetime.now(UTC)
    for platform, cls in (("woocommerce", WooCommerceConnector),
                          ("shopify", ShopifyConnector)):
        c = credentials(sims[platform])
        conn = registry.create(registry.ConnectorConfig(
            platform=platform, endpoint=c["endpoint"], app_key=c["app_key"],
            app_secret=c["app_secret"], session=c["session"]))
        assert isinstance(conn, cls)
        ids: Counter[str] = Counter()
        for page in conn.pull_orders(now - timedelta(hours=11), now):
            assert page.bad == []
            ids.update(o.platform_order_id for o in page.orders)
        assert len(ids) == N and max(ids.values()) == 1


def test_sync_engine_stores_every_order_once_and_ships_through_the_outbox(
        sqlite_store: Store, sims: dict[str, SimServer]) -> None:
    records = {}
    for platform, sim in sims.items():
        c = credentials(sim)
        records[platform] = shops.add_shop(
            sqlite_store, SYSTEM, platform=platform, name=f"own-{platform}",
            endpoint=c["endpoint"], app_key=c["app_key"], app_secret=c["app_secret"],
            session=c["session"], backfill_days=1)
    engine = SyncEngine(sqlite_store, settings=FAST)
    runs = engine.run_once()
    assert [r.error for r in runs] == ["", ""], runs
    engine.run_once()  # a second round changes nothing
    stored = list_orders(sqlite_store)
    for platform, sim in sims.items():
        mine = [o for o in stored if o.platform == platform]
        assert Counter(o.platform_order_id for o in mine) == Counter(
            {o.platform_order_id: 1 for o in sim.book.all()})  # type: ignore[attr-defined]

    # one shipment per platform, enqueued twice (same key), delivered once
    for platform, sim in sims.items():
        order = next(o for o in sorted(sim.book.all(),  # type: ignore[attr-defined]
                                       key=lambda o: int(o.platform_order_id))
                     if o.status == OrderStatus.NEW)
        shop = records[platform]
        payload = {"platform_order_id": order.platform_order_id, "courier_code": "SF",
                   "waybill_number": f"SF{order.platform_order_id}", "line_ids": []}
        key = shipment_key(shop.id, order.platform_order_id, payload["waybill_number"])
        with sqlite_store.write() as s:
            assert sync_store.enqueue(s, SHIPMENT, shop_target(shop.id), key, payload)
            assert not sync_store.enqueue(s, SHIPMENT, shop_target(shop.id), key, payload)
    runs = engine.run_once()
    assert [r.error for r in runs] == ["", ""], runs
    woo, shopify = sims["woocommerce"], sims["shopify"]
    assert len(woo.shipments) == 1  # type: ignore[attr-defined]
    [(courier, waybill, lines)] = parse_shipment_notes(woo.shipments)  # type: ignore[attr-defined]
    assert courier == "SF" and waybill.startswith("SF") and lines == ()
    assert len(woo.completed) == 1  # type: ignore[attr-defined]
    assert len(shopify.shipments) == 1  # type: ignore[attr-defined]
    assert shopify.shipments[0]["tracking_number"].startswith("SF")  # type: ignore[attr-defined]
    # the shipped orders come back on the next pull with the platform's new status
    engine.run_once()
    by_id = {(o.platform, o.platform_order_id): o for o in list_orders(sqlite_store)}
    woo_id = woo.completed[0]  # type: ignore[attr-defined]
    assert by_id[("woocommerce", woo_id)].platform_status == "completed"
    shop_id = str(shopify.shipments[0]["order_id"])  # type: ignore[attr-defined]
    assert by_id[("shopify", shop_id)].platform_status == "paid/fulfilled"


def test_error_messages_never_carry_credentials(sims: dict[str, SimServer]) -> None:
    """Errors end up in logs and on screen: no key, secret or token in them, whatever failed
    (refused credentials, a dead port, garbage answers)."""
    key, secret, token = "ck_SENTINEL_KEY", "cs_SENTINEL_SECRET", "shpat_SENTINEL_TOKEN"
    woo, shopify = sims["woocommerce"], sims["shopify"]
    dead = "http://127.0.0.1:9"  # discard port: nothing listens
    now = datetime.now(UTC)
    attempts = [WooCommerceConnector(woo.url, key, secret),
                WooCommerceConnector(woo.url, key, secret, auth="basic"),
                WooCommerceConnector(dead, key, secret),
                ShopifyConnector(shopify.url, token), ShopifyConnector(dead, token)]
    messages = []
    for conn in attempts:
        conn.http.sleep = lambda s: None
        with pytest.raises(ConnectorError) as info:
            for _ in conn.pull_orders(now - timedelta(hours=1), now):
                pass
        messages.append(str(info.value))
    woo.faults.set("html200=1")  # type: ignore[attr-defined]
    try:
        c = credentials(woo)
        conn = WooCommerceConnector(woo.url, c["app_key"], c["app_secret"])
        conn.http.sleep = lambda s: None
        with pytest.raises(ConnectorError) as info:
            next(iter(conn.pull_orders(now - timedelta(hours=1), now)))
        messages.append(str(info.value))
    finally:
        woo.faults.clear()  # type: ignore[attr-defined]
    assert len(messages) == 6 and all(messages)
    for text in messages:
        for sentinel in (key, secret, token, c["app_key"], c["app_secret"], "oauth_signature"):
            assert sentinel not in text, text
