"""Two stations run the pipeline at once on one PostgreSQL database (and two threads on one
SQLite file): every order is decided once, every unit is reserved once."""

from __future__ import annotations

import threading

from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import pipeline as svc
from ecerp_desktop.store import Store
from ecerp_desktop.store.schema import ParcelLineRow, ParcelRow, StockBalanceRow
from ecerp_desktop.store.schema_rules import GiftGrantRow
from sqlalchemy import func, select

from .conftest import World


def test_two_runs_at_once_decide_each_order_once(world: World) -> None:
    from ecerp_desktop.domain.gifts import gift_rules_from_dict

    svc.save_gift_rules(world.store, SYSTEM, gift_rules_from_dict({"rules": [
        {"id": 1, "name": "gift", "gifts": [{"sku": "GIFT-1"}]}]}))
    ids = [world.order([("TEA-1", 1), ("SET-1", 1)], phone=f"1390000{i:04d}")
           for i in range(60)]
    other = Store(world.store.url)  # a second station: its own engine and connections
    errors: list[BaseException] = []
    results: list[svc.ProcessResult] = []

    def run(store: Store) -> None:
        try:
            results.append(svc.process_pending(store, SYSTEM, chunk_size=7))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=run, args=(st,)) for st in (world.store, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        other.dispose()
    assert not errors, errors
    assert all(world.status(i) == "approved" for i in ids)
    assert sum(r.approved for r in results) == len(ids)
    with world.store.read() as s:
        per_line = s.execute(select(ParcelLineRow.order_line_id, func.sum(ParcelLineRow.qty))
                             .join(ParcelRow, ParcelRow.id == ParcelLineRow.parcel_id)
                             .where(ParcelRow.status == "open")
                             .group_by(ParcelLineRow.order_line_id)).all()
        reserved = s.scalar(select(func.sum(StockBalanceRow.reserved)))
    # Each order ships TEA-1, the bundle's POT-1 and 2 × CUP-1, and one gift: 4 lines.
    assert len(per_line) == 4 * len(ids)
    assert reserved == 5 * len(ids)
    with world.store.read() as s:
        gifts = s.scalar(select(func.count()).select_from(GiftGrantRow))
    assert gifts == len(ids)
