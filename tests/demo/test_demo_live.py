"""The live demo: demo shops fed by in-process simulators; orders arrive through the real
sync engine and are processed by the pipeline; the user's credential store is untouched."""

from __future__ import annotations

import time

import keyring
from ecerp_desktop.services import demo, demo_live
from ecerp_desktop.services.shops import list_shops
from ecerp_desktop.store import Store
from ecerp_desktop.store.schema import OrderHistoryRow, OrderRow
from sqlalchemy import func, select


def _count(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(OrderRow)) or 0)


def test_orders_flow_in_and_are_reviewed(sqlite_store: Store) -> None:
    demo.ensure_demo(sqlite_store)
    before = _count(sqlite_store)
    real_keyring = keyring.get_keyring()
    feeds = demo_live.start_demo_feeds(sqlite_store, orders_per_minute=600)
    try:
        shops = list_shops(sqlite_store)
        assert shops and all(sh.endpoint.startswith("http://127.0.0.1:") for sh in shops)
        assert isinstance(keyring.get_keyring(), demo_live.ProcessKeyring)
        engine = demo_live.demo_engine(sqlite_store)
        engine.run_once()
        deadline = time.monotonic() + 30
        while _count(sqlite_store) < before + 5 and time.monotonic() < deadline:
            time.sleep(1.0)
            runs = engine.run_once()
            assert not [r.error for r in runs if r.error]
        engine.run_once()
        # reservations made by the pipeline reached the shops as stock quantities
        pushed = [getattr(sim, "stock", None) for sim in feeds.sims]
    finally:
        feeds.stop()
        keyring.set_keyring(real_keyring)
    assert _count(sqlite_store) >= before + 5
    with sqlite_store.read() as s:
        fresh = s.scalars(select(OrderRow.status).where(
            OrderRow.pulled_at > OrderRow.created_at, OrderRow.id > 2000)).all()
        processed = s.scalar(select(func.count()).select_from(OrderHistoryRow).where(
            OrderHistoryRow.order_id > 2000, OrderHistoryRow.actor != "sync"))
    # the pipeline ran after the pulls: new paid orders left NEW for approved or held
    assert fresh and "new" not in set(fresh) - {"unpaid"}
    assert processed and processed > 0
    assert any(pushed), "no shop received a stock quantity"
