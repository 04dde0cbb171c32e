"""Turnover, days of cover and reorder quantities from the real ledger."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.stock_metrics import days_of_cover, reorder_quantity, turnover
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import stock as st
from ecerp_desktop.store import stock_metrics as sm

from .conftest import Stocked


def test_flows_split_the_ledger_at_the_period_ends(stocked: Stocked) -> None:
    now = utcnow()
    wh, sku = stocked.warehouse_id, stocked.sku_ids[0]
    start, end = now - timedelta(days=30), now - timedelta(days=1)

    def post(kind: MoveKind, dh: int, at) -> None:
        with stocked.store.write() as s:
            st.post_moves(s, [st.Move(wh, sku, kind, "t", "1", d_on_hand=dh, at=at)], now)

    post(MoveKind.OPENING, 100, now - timedelta(days=40))  # before the period
    post(MoveKind.SHIPMENT, -30, now - timedelta(days=20))
    post(MoveKind.RETURN, 5, now - timedelta(days=10))
    post(MoveKind.RECEIPT, 50, now - timedelta(days=5))
    post(MoveKind.SHIPMENT, -7, now - timedelta(hours=2))  # after the period
    with stocked.store.read() as s:
        [flow] = sm.flows(s, start, end, warehouse_id=wh, sku_ids=[sku])
    assert (flow.opening, flow.closing, flow.sold, flow.days) == (100, 125, 25, 29)
    assert flow.turnover == Decimal("0.22")  # 25 / ((100 + 125) / 2)
    assert flow.turnover_days == Decimal("131.82")


def test_days_of_cover_and_reorder() -> None:
    assert days_of_cover(60, 30, 30) == Decimal("60.00")
    assert days_of_cover(60, 0, 30) is None
    assert turnover(10, 0, 0) is None
    # 2/day, 7 days lead + 14 cover = 42 wanted; 10 on hand, 12 coming → 20, in packs of 12
    assert reorder_quantity(available=10, incoming=12, sold=60, days=30, lead_days=7,
                            cover_days=14, pack_size=12) == 24
    assert reorder_quantity(available=50, incoming=0, sold=60, days=30, lead_days=7,
                            cover_days=14) == 0
    assert reorder_quantity(available=0, incoming=0, sold=0, days=30, lead_days=7,
                            cover_days=14, min_qty=5) == 5
