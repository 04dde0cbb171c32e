"""The sync-health page: shops with their health, pause/resume, back-fill with progress,
parked pushes retried from the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from ecerp_desktop.connectors.base import AuthFailed
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.store import Store
from ecerp_desktop.store import sync as sync_store
from ecerp_desktop.store.shops import ShopRecord
from ecerp_desktop.sync.engine import SyncEngine
from sync_fakes import T0, Clock, FakePlatform, make_order

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def page(qtbot, sqlite_store: Store, engine: SyncEngine, shop: ShopRecord):  # type: ignore[no-untyped-def]
    from ecerp_desktop.ui.areas import PageContext
    from ecerp_desktop.ui.ops import wait_all
    from ecerp_desktop.ui.sync_page import SyncPage

    p = SyncPage(PageContext(sqlite_store, SYSTEM), engine=engine)
    qtbot.addWidget(p)
    yield p
    p.timer.stop()
    wait_all()


@pytest.fixture
def store(sqlite_store: Store) -> Store:  # the page test runs on SQLite only
    return sqlite_store


def test_health_pause_backfill_and_retry(qtbot, page, shop: ShopRecord,  # type: ignore[no-untyped-def]
                                         fake: FakePlatform, clock: Clock,
                                         sqlite_store: Store) -> None:
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=5000)
    assert page.table.item(0, 0).text() == shop.name
    page.table.selectRow(0)

    page.pause_button.click()
    qtbot.waitUntil(lambda: bool(page.rows) and page.rows[0].paused, timeout=5000)
    assert page.table.item(0, 2).text() == "paused"
    page.resume_button.click()
    qtbot.waitUntil(lambda: bool(page.rows) and not page.rows[0].paused, timeout=5000)

    fake.add(*(make_order(f"b{i}", T0 - timedelta(days=6, hours=-i)) for i in range(5)))
    seen: list[float] = []
    page._progress.progressed.connect(lambda f, _n: seen.append(f))
    page.table.selectRow(0)
    page.backfill_button.click()
    qtbot.waitUntil(lambda: page.backfill_button.isEnabled() and bool(seen), timeout=20000)
    assert "5 new" in page.status.text()
    assert seen[-1] == 1.0

    with sqlite_store.write() as s:
        sync_store.enqueue(s, "shipment", f"shop:{shop.id}", "ship:x", {
            "platform_order_id": "b1", "courier_code": "ZTO", "waybill_number": "W"},
            now=T0)
    fake.push_errors = [AuthFailed("Invalid session", code="27")]
    page.table.selectRow(0)
    page.pull_button.click()
    qtbot.waitUntil(lambda: page.parked.count() == 1, timeout=10000)
    assert "Invalid session" in page.parked.item(0).text()
    page.parked.setCurrentRow(0)
    page.retry_button.click()
    qtbot.waitUntil(lambda: page.parked.count() == 0, timeout=10000)
    with sqlite_store.read() as s:
        assert sync_store.outbox_entries(s)[0].status == "pending"
