"""Pulling orders behind a cursor: windows, overlap, back-fill, guard, quarantine, retries."""

from __future__ import annotations

from datetime import timedelta

from ecerp_desktop.connectors.base import BadPayload, ConnectorError, RateLimited
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.store import Store
from ecerp_desktop.store import sync as sync_store
from ecerp_desktop.store.shops import ShopRecord
from ecerp_desktop.sync.engine import SyncEngine
from sync_fakes import T0, Clock, FakePlatform, make_order


def stored(store: Store) -> dict[str, tuple[str, str, int]]:
    from ecerp_desktop.services.orders_query import list_orders

    return {o.platform_order_id: (o.status, o.platform_status, len(o.lines))
            for o in list_orders(store)}


def cursor(store: Store, shop: ShopRecord):
    with store.read() as s:
        return sync_store.get_cursor(s, shop.id, "orders")


def test_new_shop_backfills_its_days_in_overlapping_windows(
        store: Store, shop: ShopRecord, fake: FakePlatform, engine: SyncEngine) -> None:
    fake.add(make_order("old", T0 - timedelta(days=1, hours=1)),  # before the back-fill
             *(make_order(f"o{i}", T0 - timedelta(hours=23) + timedelta(minutes=17 * i))
               for i in range(70)))
    [run] = engine.run_once()
    assert not run.error, run.error
    got = stored(store)
    assert "old" not in got
    assert len(got) == 70 and all(v[2] == 2 for v in got.values())
    assert fake.windows[0][0] == T0 - timedelta(days=1)
    for (s1, e1), (s2, _e2) in zip(fake.windows, fake.windows[1:], strict=False):
        assert e1 - s1 <= timedelta(minutes=30)
        assert s2 == e1 - timedelta(minutes=3)  # overlaps the previous window
    assert fake.windows[-1][1] == T0 - timedelta(minutes=3)  # skew margin at "now"
    assert cursor(store, shop).cursor_at == T0 - timedelta(minutes=3)


def test_next_run_resumes_at_cursor_minus_overlap_and_follows_newer_copies(
        store: Store, shop: ShopRecord, fake: FakePlatform, engine: SyncEngine,
        clock: Clock) -> None:
    fake.add(make_order("a", T0 - timedelta(hours=2), status=OrderStatus.UNPAID,
                        platform_status="WAIT_BUYER_PAY"))
    engine.run_once()
    assert stored(store)["a"][:2] == ("unpaid", "WAIT_BUYER_PAY")
    clock.advance(minutes=20)
    fake.windows.clear()
    fake.modify("a", clock() - timedelta(minutes=10), status=OrderStatus.NEW,
                platform_status="WAIT_SELLER_SEND_GOODS")
    engine.run_once()
    assert fake.windows[0][0] == T0 - timedelta(minutes=6)
    assert stored(store)["a"][:2] == ("new", "WAIT_SELLER_SEND_GOODS")
    # an older copy arriving late never overwrites the newer one
    fake.modify("a", T0 - timedelta(hours=1), status=OrderStatus.UNPAID,
                platform_status="WAIT_BUYER_PAY")
    engine.run_shop(shop, since=T0 - timedelta(hours=2))
    assert stored(store)["a"][:2] == ("new", "WAIT_SELLER_SEND_GOODS")


def test_bad_items_are_quarantined_and_the_rest_flow(
        store: Store, shop: ShopRecord, fake: FakePlatform, engine: SyncEngine) -> None:
    at = T0 - timedelta(hours=1)
    fake.add(make_order("good1", at), make_order("zero-qty", at, qty=0),
             make_order("long-name", at, name="名" * 500), make_order("good2", at))
    fake.bad = [BadPayload("poison", '{"tid": "poison", "orders": "<html>', "truncated JSON")]
    [run] = engine.run_once()
    assert not run.error
    assert set(stored(store)) == {"good1", "good2"}
    with store.read() as s:
        q = {e.platform_order_id: e for e in sync_store.quarantined(s, shop_id=shop.id)}
    assert set(q) == {"poison", "zero-qty", "long-name"}
    assert "not positive" in q["zero-qty"].reason
    assert q["poison"].raw.startswith('{"tid": "poison"')
    # the overlap sees the same poison again: it is not listed twice
    engine.run_shop(shop, since=T0 - timedelta(hours=2))
    with store.read() as s:
        assert len(sync_store.quarantined(s, shop_id=shop.id)) == 3
    assert cursor(store, shop).cursor_at == T0 - timedelta(minutes=3)


def test_same_order_on_two_pages_is_stored_once(
        store: Store, shop: ShopRecord, fake: FakePlatform, engine: SyncEngine) -> None:
    fake.page_size = 3
    at = T0 - timedelta(minutes=20)
    fake.add(*(make_order(f"p{i}", at) for i in range(7)))
    original = fake.pull_orders

    def repeating(start, end):  # type: ignore[no-untyped-def]
        pages = list(original(start, end))
        if pages and pages[0].orders:
            pages[-1].orders.append(pages[0].orders[0])  # p0 again on the last page
        yield from pages

    fake.pull_orders = repeating  # type: ignore[method-assign]
    engine.run_once()
    with store.read() as s:
        from sqlalchemy import text
        n = s.execute(text("SELECT count(*) FROM orders")).scalar()
        lines = s.execute(text("SELECT count(*) FROM order_lines")).scalar()
    assert (n, lines) == (7, 14)


def test_endless_paging_ends_with_a_quarantine_note(
        store: Store, shop: ShopRecord, fake: FakePlatform, engine: SyncEngine) -> None:
    fake.add(make_order("e1", T0 - timedelta(minutes=20)))
    fake.endless = True
    [run] = engine.run_once()
    assert not run.error
    assert "e1" in stored(store)
    with store.read() as s:
        reasons = [e.reason for e in sync_store.quarantined(s, shop_id=shop.id)]
    assert any("paging did not end" in r for r in reasons)


def test_rate_limit_waits_as_asked_then_continues(
        store: Store, shop: ShopRecord, fake: FakePlatform, engine: SyncEngine) -> None:
    import time

    fake.add(make_order("r1", T0 - timedelta(hours=3)))
    fake.pull_errors = [RateLimited("App Call Limited", code="7", retry_after=0.3),
                        ConnectorError("HTTP 502")]
    started = time.monotonic()
    [run] = engine.run_once()
    assert time.monotonic() - started >= 0.3  # Retry-After is a floor, above the cap
    assert not run.error and run.orders is not None and run.orders.retries == 2
    assert "r1" in stored(store)


def test_failing_window_keeps_the_cursor_before_unstored_data(
        store: Store, shop: ShopRecord, fake: FakePlatform, engine: SyncEngine,
        clock: Clock) -> None:
    fake.add(make_order("early", T0 - timedelta(hours=20)),
             make_order("late", T0 - timedelta(hours=2)))
    calls = {"n": 0}
    original = fake.pull_orders

    def failing_late(start, end):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if start > T0 - timedelta(hours=10):
            raise ConnectorError("HTTP 500")
        yield from original(start, end)

    fake.pull_orders = failing_late  # type: ignore[method-assign]
    [run] = engine.run_once()
    assert "HTTP 500" in run.error
    assert set(stored(store)) == {"early"}
    c = cursor(store, shop)
    assert c.cursor_at <= T0 - timedelta(hours=10) + timedelta(minutes=30)
    assert "HTTP 500" in c.last_error
    fake.pull_orders = original  # type: ignore[method-assign]
    [run] = engine.run_once()
    assert not run.error
    assert set(stored(store)) == {"early", "late"}
    assert cursor(store, shop).last_error == ""


def test_auth_failure_fails_fast(store: Store, shop: ShopRecord, fake: FakePlatform,
                                 engine: SyncEngine) -> None:
    from ecerp_desktop.connectors.base import AuthFailed

    fake.pull_errors = [AuthFailed("Invalid session", code="27")]
    [run] = engine.run_once()
    assert "Invalid session" in run.error
    assert len(fake.windows) == 1
    assert cursor(store, shop).cursor_at == T0 - timedelta(days=1)  # nothing skipped


def test_paused_shop_is_skipped_until_resumed(
        store: Store, shop: ShopRecord, fake: FakePlatform, engine: SyncEngine) -> None:
    fake.add(make_order("x", T0 - timedelta(hours=1)))
    engine.pause(shop.id)
    [run] = engine.run_once()
    assert run.skipped == "paused" and not fake.windows
    assert engine.health()[0].paused
    engine.resume(shop.id)
    engine.run_once()
    assert "x" in stored(store)


def test_progress_reports_a_growing_fraction(
        store: Store, shop: ShopRecord, fake: FakePlatform, engine: SyncEngine) -> None:
    seen: list[float] = []
    engine.run_shop(shop, since=T0 - timedelta(days=7), progress=lambda p: seen.append(p.fraction))
    assert len(seen) > 300 and seen == sorted(seen) and seen[-1] == 1.0


def test_orders_near_now_wait_for_the_skew_margin_and_are_never_skipped(
        store: Store, shop: ShopRecord, fake: FakePlatform, engine: SyncEngine,
        clock: Clock) -> None:
    fake.add(make_order("late", T0 - timedelta(minutes=1)))  # stamped just before "now"
    engine.run_once()
    assert "late" not in stored(store)  # inside the skew margin: not yet asked for
    # a platform clock behind ours stamps an order earlier than the previous window's end
    fake.add(make_order("skewed", T0 - timedelta(minutes=4)))
    clock.advance(minutes=10)
    engine.run_once()
    assert {"late", "skewed"} <= set(stored(store))


def test_cancelled_backfill_keeps_what_is_stored_and_resumes(
        store: Store, shop: ShopRecord, fake: FakePlatform, engine: SyncEngine) -> None:
    import threading

    fake.add(*(make_order(f"c{i}", T0 - timedelta(hours=20) + timedelta(minutes=13 * i))
               for i in range(80)))
    cancel = threading.Event()
    windows: list[object] = []

    def progress(p):  # type: ignore[no-untyped-def]
        windows.append(p.done_until)
        if len(windows) == 10:
            cancel.set()  # the user presses "Cancel"

    run = engine.run_shop(shop, cancel=cancel, progress=progress)
    assert run.error == "cancelled"
    got = stored(store)
    c = cursor(store, shop)
    if c is not None:  # whatever the cursor passed is stored
        for pid, o in fake.orders.items():
            if o.modified_at < c.cursor_at:
                assert pid in got
    [run] = engine.run_once()
    assert not run.error and len(stored(store)) == 80
