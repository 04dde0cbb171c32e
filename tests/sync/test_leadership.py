"""One sync leader per shop among stations sharing PostgreSQL (RELIABILITY rule 6)."""

from __future__ import annotations

from datetime import timedelta

import psycopg
from ecerp_desktop.store import Store
from ecerp_desktop.store import sync as sync_store
from ecerp_desktop.store.shops import ShopRecord
from ecerp_desktop.store.sync import LeaderLock
from ecerp_desktop.sync.engine import SyncEngine
from ecerp_desktop.sync.outbox import OutboxRelay, ShopDeliverer, shipment_key
from sync_fakes import T0, Clock, FakePlatform, make_order

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _kill_backend(pid: int) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_one_leader_and_takeover_when_its_connection_dies(
        pg_store: Store, fake: FakePlatform, clock: Clock) -> None:
    from ecerp_desktop.domain.auth import SYSTEM
    from ecerp_desktop.services import shops

    shop: ShopRecord = shops.add_shop(pg_store, SYSTEM, platform="taobao", name="tb",
                                      endpoint="http://127.0.0.1:1", app_key="k",
                                      app_secret="s", backfill_days=1)
    station_b = Store(pg_store.url)  # a second station on the same database
    try:
        lock_a = LeaderLock(pg_store, "shop:1")
        lock_b = LeaderLock(station_b, "shop:1")
        assert lock_a.try_acquire()
        assert not lock_b.try_acquire()
        fake.add(make_order("o1", T0 - timedelta(hours=2)))
        engine_a = SyncEngine(pg_store, connector_for=lambda _s: fake, now=clock)
        engine_b = SyncEngine(station_b, connector_for=lambda _s: fake, now=clock)
        assert engine_b.run_shop(shop).skipped == "not leader"
        assert not fake.windows
        run = engine_a.run_shop(shop, lock=lock_a)
        assert not run.error and fake.windows

        # a shipment is queued; the leader's connection is killed before it pushes
        with pg_store.write() as s:
            sync_store.enqueue(s, "shipment", "shop:1", shipment_key(1, "o1", "W1"),
                               {"platform_order_id": "o1", "courier_code": "ZTO",
                                "waybill_number": "W1"}, now=T0)
        pid = lock_a.backend_pid()
        assert pid is not None
        _kill_backend(pid)
        assert lock_b.try_acquire()  # another station takes over
        stale = OutboxRelay(pg_store, lambda _t: ShopDeliverer(fake), now=clock,
                            still_leader=lambda _t: lock_a.holds())
        assert stale.drain().delivered == 0  # the stale leader's push is refused
        assert not lock_a.try_acquire()
        assert fake.shipments == []
        leader = OutboxRelay(station_b, lambda _t: ShopDeliverer(fake), now=clock,
                             still_leader=lambda _t: lock_b.holds())
        assert leader.drain().delivered == 1
        assert [s.platform_order_id for s in fake.shipments] == ["o1"]
        assert engine_a.run_shop(shop).skipped == "not leader"
        lock_b.close()
        assert lock_a.try_acquire()  # and back, once B lets go
        lock_a.close()
    finally:
        station_b.dispose()


def test_sqlite_station_always_leads(sqlite_store: Store) -> None:
    lock = LeaderLock(sqlite_store, "shop:1")
    assert lock.try_acquire() and lock.holds()
