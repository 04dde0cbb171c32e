"""Fixtures for the sync tests: a shop on a fake platform, and a fast engine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import shops
from ecerp_desktop.store import Store
from ecerp_desktop.store.shops import ShopRecord
from ecerp_desktop.sync.backoff import Backoff
from ecerp_desktop.sync.engine import SyncEngine, SyncSettings
from ecerp_desktop.sync.pull import PullSettings
from sync_fakes import Clock, FakePlatform

FAST = SyncSettings(
    pull=PullSettings(overlap=timedelta(minutes=3), skew=timedelta(minutes=3),
                      batch_orders=25, attempts=4, stale_pages=3, max_pages=50,
                      backoff=Backoff(base=0.01, cap=0.05)),
    interval=0.05, lane_backoff=Backoff(base=0.01, cap=0.05),
    outbox_backoff=Backoff(base=0.01, cap=0.05), outbox_max_attempts=3)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake() -> FakePlatform:
    return FakePlatform()


@pytest.fixture
def shop(store: Store) -> ShopRecord:
    return shops.add_shop(store, SYSTEM, platform="taobao", name="天猫旗舰店",
                          endpoint="http://127.0.0.1:1/router/rest", app_key="k",
                          app_secret="s3cret-sentinel", session="sess-sentinel",
                          backfill_days=1)


@pytest.fixture
def engine(store: Store, fake: FakePlatform, clock: Clock) -> SyncEngine:
    return SyncEngine(store, settings=FAST, connector_for=lambda _shop: fake, now=clock)
