"""The outbox: written with the change, delivered at least once in order per target,
backing off as the platform asks, parked when retrying cannot help, retryable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from ecerp_desktop.connectors.base import AuthFailed, ConnectorError, RateLimited
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import sync as sync_service
from ecerp_desktop.store import Store
from ecerp_desktop.store import sync as sync_store
from ecerp_desktop.store.shops import ShopRecord
from ecerp_desktop.sync.backoff import Backoff
from ecerp_desktop.sync.engine import SyncEngine
from ecerp_desktop.sync.outbox import OutboxRelay, ShopDeliverer, shipment_key
from sync_fakes import T0, Clock, FakePlatform


def ship(store: Store, shop_id: int, pid: str, waybill: str = "W1",
         target: str | None = None) -> None:
    with store.write() as s:
        sync_store.enqueue(s, "shipment", target or f"shop:{shop_id}",
                           shipment_key(shop_id, pid, waybill),
                           {"platform_order_id": pid, "courier_code": "ZTO",
                            "waybill_number": waybill}, now=T0)


def relay(store: Store, fake: FakePlatform, clock: Clock, **kw: object) -> OutboxRelay:
    deliverer = ShopDeliverer(fake)
    return OutboxRelay(store, lambda t: deliverer if t.startswith("shop:") else None,
                       now=clock, backoff=Backoff(base=1.0, cap=60.0, jitter=0.0),
                       **kw)  # type: ignore[arg-type]


def statuses(store: Store) -> list[tuple[str, str, int]]:
    with store.read() as s:
        return [(e.payload.get("platform_order_id", ""), e.status, e.attempts)
                for e in reversed(sync_store.outbox_entries(s))]


def test_rows_exist_only_if_the_change_committed(store: Store, shop: ShopRecord) -> None:
    with pytest.raises(RuntimeError), store.write() as s:
        sync_store.enqueue(s, "shipment", "shop:1", "k1", {"platform_order_id": "1"})
        raise RuntimeError("the business change failed")
    assert statuses(store) == []
    ship(store, shop.id, "1")
    ship(store, shop.id, "1")  # the same business action again: one push
    assert len(statuses(store)) == 1


def test_in_order_per_target_and_a_failing_head_blocks_only_its_target(
        store: Store, shop: ShopRecord, fake: FakePlatform, clock: Clock) -> None:
    for pid in ("a", "b", "c"):
        ship(store, shop.id, pid)
    fake.push_errors = [ConnectorError("HTTP 502")]
    r = relay(store, fake, clock)
    report = r.drain()
    assert report.failed == 1 and report.delivered == 0  # b and c wait behind a
    assert [st for _, st, _ in statuses(store)] == ["pending"] * 3
    clock.advance(seconds=1)  # the backoff (1 s, no jitter) has passed
    assert r.drain().delivered == 3
    assert [s.platform_order_id for s in fake.shipments] == ["a", "b", "c"]
    assert r.drain().delivered == 0  # done rows are never pushed again


def test_retry_after_is_a_floor(store: Store, shop: ShopRecord, fake: FakePlatform,
                                clock: Clock) -> None:
    ship(store, shop.id, "a")
    fake.push_errors = [RateLimited("App Call Limited", code="7", retry_after=120)]
    r = relay(store, fake, clock)
    r.drain()
    with store.read() as s:
        [e] = sync_store.outbox_entries(s)
    assert e.next_attempt_at >= clock() + timedelta(seconds=120)
    clock.advance(seconds=60)
    assert r.drain().delivered == 0
    clock.advance(seconds=61)
    assert r.drain().delivered == 1


def test_auth_failure_parks_at_once_and_retry_requeues(
        store: Store, shop: ShopRecord, fake: FakePlatform, clock: Clock) -> None:
    ship(store, shop.id, "a")
    ship(store, shop.id, "b")
    fake.push_errors = [AuthFailed("Invalid session", code="27")]
    r = relay(store, fake, clock)
    report = r.drain()
    # credentials refused: a is parked and the target stops for this round (b would only
    # burn an attempt); later rounds are not held behind the parked row
    assert report.parked == 1 and report.delivered == 0
    assert r.drain().delivered == 1
    with store.read() as s:
        [parked] = sync_store.outbox_entries(s, status="parked")
    assert "Invalid session" in parked.last_error
    engine = SyncEngine(store, connector_for=lambda _s: fake, now=clock)
    [h] = engine.health()
    assert [p.id for p in h.parked] == [parked.id] and h.queue_depth == 0
    assert sync_service.retry_parked(store, SYSTEM, entry_id=parked.id, now=clock()) == 1
    clock.advance(seconds=1)
    assert r.drain().delivered == 1
    assert sorted(s.platform_order_id for s in fake.shipments) == ["a", "b"]


def test_parked_after_max_attempts(store: Store, shop: ShopRecord, fake: FakePlatform,
                                   clock: Clock) -> None:
    ship(store, shop.id, "a")
    fake.push_errors = [ConnectorError("HTTP 500")] * 10
    r = relay(store, fake, clock, max_attempts=3)
    for _ in range(5):
        r.drain()
        clock.advance(seconds=600)
    assert statuses(store) == [("a", "parked", 3)]
    assert fake.shipments == []


def test_a_target_without_a_deliverer_waits(store: Store, shop: ShopRecord,
                                            fake: FakePlatform, clock: Clock) -> None:
    ship(store, shop.id, "e1", target="erp")
    assert relay(store, fake, clock).drain().delivered == 0
    assert statuses(store) == [("e1", "pending", 0)]


class FlakyErp:
    """An ERP that is down, then times out after applying, then works; it applies each
    document once per idempotency key, as a well-behaved receiver does."""

    def __init__(self, failures: list[str]) -> None:
        self.failures = failures
        self.applied: list[str] = []

    def deliver(self, entry) -> None:  # type: ignore[no-untyped-def]
        mode = self.failures.pop(0) if self.failures else "ok"
        if mode == "down":
            raise ConnectorError("connection refused")
        if entry.idempotency_key not in self.applied:
            self.applied.append(entry.idempotency_key)
        if mode == "timeout_after_apply":
            raise ConnectorError("read timed out")


def test_erp_down_then_up_drains_in_order_and_applies_each_document_once(
        store: Store, clock: Clock) -> None:
    with store.write() as s:
        for n in range(1, 5):
            sync_store.enqueue(s, "erp_document", "erp", f"erp:doc:{n}", {"n": n}, now=T0)
    erp = FlakyErp(["down", "down", "timeout_after_apply", "down"])
    engine = SyncEngine(store, now=clock, deliverers={"erp": lambda: erp})
    for _ in range(12):
        engine.drain_other_targets()
        clock.advance(minutes=5)
    assert erp.applied == [f"erp:doc:{n}" for n in range(1, 5)]
    with store.read() as s:
        assert {e.status for e in sync_store.outbox_entries(s)} == {"done"}
