"""Random runs of orders from a few buyers, merged across runs, intercepted whole or in
part, merges undone, parcels claimed by a packing station: after every step the stock
reserved equals what the open parcels hold, no order line is in two open parcels, an open
parcel carries only approved orders' lines, and every approved order ships somewhere."""

from __future__ import annotations

import random

import pytest
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import pipeline as svc
from ecerp_desktop.store import Store
from ecerp_desktop.store.schema import (
    OrderLineRow,
    OrderRow,
    ParcelLineRow,
    ParcelRow,
    StockBalanceRow,
)
from sqlalchemy import func, select, update

from pipeline.conftest import World, build_world

CODES = ("TEA-1", "CUP-1", "POT-1", "SET-1")


def _check(w: World) -> None:
    with w.store.read() as s:
        held = {(wh, k): r for wh, k, r in s.execute(select(
            StockBalanceRow.warehouse_id, StockBalanceRow.sku_id, StockBalanceRow.reserved))}
        in_parcels = {(wh, k): int(q) for wh, k, q in s.execute(
            select(ParcelRow.warehouse_id, ParcelLineRow.sku_id, func.sum(ParcelLineRow.qty))
            .join(ParcelRow, ParcelRow.id == ParcelLineRow.parcel_id)
            .where(ParcelRow.status == "open")
            .group_by(ParcelRow.warehouse_id, ParcelLineRow.sku_id))}
        assert {k: v for k, v in held.items() if v} == in_parcels
        rows = list(s.execute(
            select(ParcelLineRow.order_line_id, ParcelRow.id, ParcelRow.order_id)
            .join(ParcelRow, ParcelRow.id == ParcelLineRow.parcel_id)
            .where(ParcelRow.status == "open")))
        line_ids = [r[0] for r in rows]
        assert len(line_ids) == len(set(line_ids)), "a line in two open parcels"
        owner = dict(s.execute(select(OrderLineRow.id, OrderLineRow.order_id)
                               .where(OrderLineRow.id.in_(line_ids or [0]))).all())
        status = {i: (st, m) for i, st, m in s.execute(
            select(OrderRow.id, OrderRow.status, OrderRow.merged_into_id))}
        shipping: set[int] = set()
        for line_id, _pid, lead in rows:
            oid = owner[line_id]
            shipping.add(oid)
            st, merged_into = status[oid]
            assert st == "approved", f"order {oid} is {st} but in an open parcel"
            assert oid == lead or merged_into == lead, f"order {oid} not led by {lead}"
        approved = {i for i, (st, _m) in status.items() if st == "approved"}
        assert approved <= shipping, f"approved without a parcel: {approved - shipping}"


@pytest.mark.parametrize("seed", range(12))
def test_random_runs_keep_the_books_true(sqlite_store: Store, seed: int) -> None:
    w = build_world(sqlite_store)
    rnd = random.Random(seed)
    phones = [f"1390000{n:04d}" for n in range(5)]
    for _round in range(4):
        for _ in range(rnd.randint(2, 6)):
            k = rnd.randrange(len(phones))
            lines = [(c, rnd.randint(1, 2)) for c in rnd.sample(CODES, rnd.randint(1, 2))]
            w.order(lines, buyer=f"b{k}", phone=phones[k], cod=rnd.random() < 0.1)
        svc.process_pending(w.store, SYSTEM)
        _check(w)
        with w.store.read() as s:
            approved = [int(i) for (i,) in s.execute(
                select(OrderRow.id).where(OrderRow.status == "approved").order_by(OrderRow.id))]
            merged = [int(i) for (i,) in s.execute(
                select(OrderRow.id).where(OrderRow.merged_into_id.is_not(None)))]
            open_parcels = [int(i) for (i,) in s.execute(
                select(ParcelRow.id).where(ParcelRow.status == "open"))]
        if approved and rnd.random() < 0.7:
            oid = rnd.choice(approved)
            lines = [ln.id for ln in w.lines(oid) if ln.bundle_line_id is None]
            part = [rnd.choice(lines)] if rnd.random() < 0.5 and len(lines) > 1 else None
            svc.intercept(w.store, oid, "refund", line_ids=part)
            _check(w)
        if merged and rnd.random() < 0.5:
            svc.unmerge(w.store, rnd.choice(merged), SYSTEM)
            _check(w)
        if open_parcels and rnd.random() < 0.5:
            with w.store.write() as s:
                s.execute(update(ParcelRow).where(ParcelRow.id == rnd.choice(open_parcels))
                          .values(station="PACK-1"))
