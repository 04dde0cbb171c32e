"""Batch actions of the review screen through the pipeline's own rules, on SQLite and
PostgreSQL: what changes, what is skipped and why, stock reservations kept true."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.pipeline import Options
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import pipeline as svc
from ecerp_desktop.services import review as rv
from ecerp_desktop.store import pipeline as ps
from ecerp_desktop.store.schema import ParcelRow, StockBalanceRow
from ecerp_desktop.store.stock import Move, post_moves
from sqlalchemy import select

from .conftest import CLERK, World


def _reserved(w: World, wh: int, code: str) -> int:
    with w.store.read() as s:
        return int(s.scalar(select(StockBalanceRow.reserved).where(
            StockBalanceRow.warehouse_id == wh, StockBalanceRow.sku_id == w.sku[code])) or 0)


def _parcels(w: World, oid: int) -> list[tuple[str, int | None, int | None]]:
    with w.store.read() as s:
        return [(p.status, p.warehouse_id, p.courier_id) for p in s.execute(
            select(ParcelRow).where(ParcelRow.order_id == oid).order_by(ParcelRow.id)).scalars()]


def test_approve_lifts_a_rule_hold_but_not_missing_stock(world: World) -> None:
    w = world
    big = w.order([("TEA-1", 1)], paid="6000.00")
    unmapped = w.order([("NOPE", 1)])
    w.process()
    assert w.status(big) == w.status(unmapped) == "held"
    res = rv.run_batch(w.store, CLERK, "approve", [big, unmapped])
    assert res.done == 1 and w.status(big) == "approved" and w.status(unmapped) == "held"
    assert _reserved(w, w.gz, "TEA-1") == 1
    hist = rv.order_detail(w.store, CLERK, big).history
    assert [(h.action, h.actor) for h in hist][-2][1] == "clerk1"  # released by the clerk


def test_hold_needs_a_reason_and_gives_the_reservation_back(world: World) -> None:
    w = world
    oid = w.order([("TEA-1", 2)])
    w.process()
    assert w.status(oid) == "approved" and _reserved(w, w.gz, "TEA-1") == 2
    with pytest.raises(DomainError) as err:
        rv.run_batch(w.store, CLERK, "hold", [oid], reason="  ")
    assert err.value.code == ErrorCode.REQUIRED
    res = rv.run_batch(w.store, CLERK, "hold", [oid], reason="地址待确认")
    assert res.done == 1 and w.status(oid) == "held"
    assert _reserved(w, w.gz, "TEA-1") == 0
    assert [p[0] for p in _parcels(w, oid)] == ["cancelled"]
    # a manual hold is not retried by the pipeline: only a release lets it go on
    w.process()
    assert w.status(oid) == "held"
    res = rv.run_batch(w.store, CLERK, "release", [oid, oid])
    assert res.done == 1
    w.process()
    assert w.status(oid) == "approved" and _reserved(w, w.gz, "TEA-1") == 2


def test_release_skips_orders_that_are_not_held(world: World) -> None:
    w = world
    oid = w.order([("TEA-1", 1)])
    w.process()
    res = rv.run_batch(w.store, CLERK, "release", [oid])
    assert res.done == 0 and res.skipped["not held"] == 1 and w.status(oid) == "approved"


def test_assign_courier_and_warehouse_reroute_approved_parcels(world: World) -> None:
    w = world
    oid = w.order([("TEA-1", 3)])
    held = w.order([("TEA-1", 1)], message="我要投诉")
    w.process()
    (status, wh, courier), = _parcels(w, oid)
    assert status == "open"
    assert wh == w.gz and courier == w.couriers["ZTO"]
    res = rv.run_batch(w.store, CLERK, "assign_courier", [oid, held],
                       courier_id=w.couriers["SF"])
    assert res.done == 1 and res.skipped["held"] == 1
    assert _parcels(w, oid)[-1] == ("open", w.gz, w.couriers["SF"])
    res = rv.run_batch(w.store, CLERK, "assign_warehouse", [oid], warehouse_id=w.hz)
    assert res.done == 1
    assert _parcels(w, oid)[-1] == ("open", w.hz, w.couriers["SF"])
    assert _reserved(w, w.gz, "TEA-1") == 0 and _reserved(w, w.hz, "TEA-1") == 3
    # a warehouse without the stock: skipped, the reservation stays where it was
    with w.store.write() as s:
        post_moves(s, [Move(w.gz, w.sku["TEA-1"], MoveKind.ADJUSTMENT, "test", "x",
                            d_on_hand=-99)], utcnow())
    res = rv.run_batch(w.store, CLERK, "assign_warehouse", [oid], warehouse_id=w.gz)
    assert res.done == 0 and res.skipped["out of stock"] == 1
    assert _reserved(w, w.hz, "TEA-1") == 3 and _parcels(w, oid)[-1][1] == w.hz
    with pytest.raises(DomainError) as err:
        rv.run_batch(w.store, CLERK, "assign_courier", [oid], courier_id=999)
    assert err.value.code == ErrorCode.NOT_FOUND


def test_tag_and_rerun_after_stock_arrives(world: World) -> None:
    w = world
    oid = w.order([("CUP-1", 150)])  # more than the 100 on hand anywhere
    w.process()
    assert w.status(oid) == "held"
    assert rv.run_batch(w.store, CLERK, "add_tag", [oid], tag="缺货跟进").done == 1
    assert rv.run_batch(w.store, CLERK, "add_tag", [oid], tag="缺货跟进").skipped[
        "already tagged"] == 1
    found = rv.list_page(w.store, CLERK, rv.ReviewFilter(tag="缺货跟进"), rv.Sort()).rows
    assert [r.id for r in found] == [oid]
    assert rv.list_page(w.store, CLERK, rv.ReviewFilter(tag="缺货"), rv.Sort()).rows == ()
    with w.store.write() as s:
        post_moves(s, [Move(w.gz, w.sku["CUP-1"], MoveKind.RECEIPT, "test", "po",
                            d_on_hand=100)], utcnow())
    res = rv.run_batch(w.store, CLERK, "rerun", [oid])
    assert res.statuses["approved"] == 1 and w.status(oid) == "approved"
    with w.store.read() as s:
        assert "缺货跟进" in ps.order_head(s, oid).tags  # type: ignore[union-attr]


def test_merge_by_hand_and_undo(world: World) -> None:
    w = world
    # Automatic merging off while the two arrive (a later run would merge b into a's
    # untouched parcel by itself), on again for the clerk's merge.
    svc.set_options(w.store, SYSTEM, Options(merge=False))
    a = w.order([("TEA-1", 1)], buyer="b1", phone="13900001111")
    w.process()
    b = w.order([("CUP-1", 1)], buyer="b1", phone="13900001111")
    w.process()
    assert len(_parcels(w, a)) == 1 and len(_parcels(w, b)) == 1  # two parcels so far
    svc.set_options(w.store, SYSTEM, Options())
    res = rv.run_batch(w.store, CLERK, "merge", [a, b])
    assert res.done == 2
    with w.store.read() as s:
        heads = [ps.order_head(s, x) for x in (a, b)]
    leads = {h.merged_into_id for h in heads if h is not None}
    assert leads & {a, b}
    assert _reserved(w, w.gz, "TEA-1") == 1 and _reserved(w, w.gz, "CUP-1") == 1
    res = rv.run_batch(w.store, CLERK, "unmerge", [a, b])
    assert res.done == 1
    with w.store.read() as s:
        assert all(ps.order_head(s, x).merged_into_id is None  # type: ignore[union-attr]
                   for x in (a, b))


def test_a_cancelled_batch_keeps_the_finished_chunks(world: World,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    w = world
    ids = [w.order([("TEA-1", 1)], message="我要投诉") for _ in range(5)]
    w.process()
    monkeypatch.setattr(rv, "BATCH", 2)
    calls: list[tuple[int, int]] = []
    res = rv.run_batch(w.store, CLERK, "release", ids,
                       progress=lambda d, t: calls.append((d, t)),
                       cancel=lambda: len(calls) >= 1)
    assert res.cancelled and res.done == 2 and calls == [(2, 5)]
    assert sorted(w.status(i) for i in ids) == ["held"] * 3 + ["review"] * 2
