"""Hypothesis: whatever the orders, stock and rules, the pipeline keeps its promises.

* every unit of every shipping line of an approved order is in exactly one live parcel;
* a held order has no live parcel and reserves nothing;
* reserved stock equals what the live parcels carry, never above on hand, and the cached
  balances equal the ledger;
* a dry run writes nothing;
* intercepting gives the stock back.
"""

from __future__ import annotations

import shutil
import uuid
from collections import Counter
from pathlib import Path

from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.rules import ruleset_from_dict
from ecerp_desktop.services import pipeline as svc
from ecerp_desktop.store import Store
from ecerp_desktop.store.schema import (
    OrderLineRow,
    OrderRow,
    ParcelLineRow,
    ParcelRow,
    StockBalanceRow,
)
from ecerp_desktop.store.stock import rebuild_from_ledger
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from .conftest import build_world

CODES = ["TEA-1", "CUP-1", "POT-1", "SET-1", "NOPE-1"]
PROVINCES = ["广东省", "浙江省", "新疆维吾尔自治区", "西藏自治区", "北京市"]

order_st = st.fixed_dictionaries({
    "lines": st.lists(st.tuples(st.sampled_from(CODES), st.integers(1, 4)), min_size=1,
                      max_size=3, unique_by=lambda t: t[0]),
    "buyer": st.sampled_from(["a", "b", "c", "d"]),
    "province": st.sampled_from(PROVINCES),
    "paid": st.sampled_from(["9.90", "120.00", "800.00"]),
    "cod": st.booleans(),
})


def _rules(hold_big: bool, weight_limit: bool) -> dict[str, object]:
    rules: list[dict[str, object]] = [
        {"id": 1, "name": "remote by SF", "when": [{"kind": "remote_region"}],
         "then": [{"kind": "assign_courier", "courier": "SF"}]}]
    if hold_big:
        rules.append({"id": 2, "name": "big", "when": [{"kind": "paid_amount", "min": "500"}],
                      "then": [{"kind": "hold"}]})
    rules.append({"id": 3, "name": "gift", "when": [{"kind": "quantity", "min": 4}],
                  "then": [{"kind": "add_gift", "sku": "GIFT-1"}]})
    return {"rules": rules}


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(orders=st.lists(order_st, min_size=1, max_size=12),
       stock=st.lists(st.integers(0, 8), min_size=8, max_size=8),
       hold_big=st.booleans(), weight_limit=st.booleans(),
       intercept_first=st.booleans())
def test_pipeline_invariants(sqlite_template: Path, tmp_path: Path, orders: list[dict],
                             stock: list[int], hold_big: bool, weight_limit: bool,
                             intercept_first: bool) -> None:
    path = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
    shutil.copy(sqlite_template, path)
    store = Store(f"sqlite:///{path}")
    try:
        world = build_world(store, stock=False)
        n = 0
        for wh in (world.hz, world.gz):
            for code in ("TEA-1", "CUP-1", "POT-1", "GIFT-1"):
                if stock[n]:
                    world.stock(wh, code, stock[n])
                n += 1
        svc.save_rules(store, SYSTEM, ruleset_from_dict(_rules(hold_big, weight_limit)))
        if weight_limit:
            from ecerp_desktop.domain.pipeline import Options
            from ecerp_desktop.domain.timeutil import utcnow
            from ecerp_desktop.store import pipeline as ps

            with store.write() as s:
                ps.set_options(s, Options(max_parcel_weight_g=1000), utcnow())
        ids = [world.order(o["lines"], buyer=o["buyer"], phone=f"1380000000{o['buyer']}",
                           province=o["province"], paid=o["paid"], cod=o["cod"])
               for o in orders]
        before = _counts(store)
        svc.dry_run(store, SYSTEM, days=1)
        assert _counts(store) == before
        svc.process_pending(store, SYSTEM)
        _check(store)
        if intercept_first:
            first = ids[0]
            if world.status(first) not in ("shipped", "done", "cancelled"):
                svc.intercept(store, first, "refund")
                _check(store)
                svc.process_pending(store, SYSTEM)
                _check(store)
    finally:
        store.dispose()


def _counts(store: Store) -> tuple[int, ...]:
    with store.read() as s:
        return tuple(int(s.execute(text(f"SELECT count(*) FROM {t}")).scalar() or 0)
                     for t in ("order_lines", "order_holds", "order_history", "parcels",
                               "parcel_lines", "stock_moves", "gift_grants"))


LIVE = ("open",)


def _check(store: Store) -> None:
    with store.read() as s:
        status = dict(s.execute(select(OrderRow.id, OrderRow.status)).all())
        lines = s.execute(select(OrderLineRow.id, OrderLineRow.order_id, OrderLineRow.sku_id,
                                 OrderLineRow.qty, OrderLineRow.bundle_line_id)).all()
        parents = {ln.bundle_line_id for ln in lines if ln.bundle_line_id}
        placed: Counter[int] = Counter()
        reserved: Counter[tuple[int, int]] = Counter()
        owner_of_line = {ln.id: ln.order_id for ln in lines}
        for lid, qty, wh, sku in s.execute(
                select(ParcelLineRow.order_line_id, ParcelLineRow.qty, ParcelRow.warehouse_id,
                       ParcelLineRow.sku_id).join(ParcelRow, ParcelRow.id ==
                                                  ParcelLineRow.parcel_id)
                .where(ParcelRow.status.in_(LIVE))):
            placed[lid] += qty
            reserved[(wh, sku)] += qty
            assert status[owner_of_line[lid]] == "approved", "live parcel of a non-approved order"
        for ln in lines:
            ships = ln.sku_id is not None and ln.id not in parents
            if status[ln.order_id] == "approved" and ships:
                assert placed[ln.id] == ln.qty, f"line {ln.id} placed {placed[ln.id]}/{ln.qty}"
            else:
                assert placed[ln.id] == 0
        for w, k, on_hand, res in s.execute(select(
                StockBalanceRow.warehouse_id, StockBalanceRow.sku_id, StockBalanceRow.on_hand,
                StockBalanceRow.reserved)):
            assert 0 <= res <= on_hand
            assert res == reserved[(w, k)], f"reserved {res} != parcels {reserved[(w, k)]}"
        assert rebuild_from_ledger(s) == []
        assert s.scalar(select(func.count()).select_from(OrderRow)
                        .where(OrderRow.status == "new")) == 0
