"""Reorder suggestions (采购建议) from a real ledger: 30 days of shipments, stock in transit
and draft POs counted as coming, most urgent first; drafting POs from them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import purchasing as pur
from ecerp_desktop.services import receiving as rcv
from ecerp_desktop.services import reorder
from ecerp_desktop.store import stock as st

from .conftest import World


def seed_sales(world: World, code: str, opening: int, per_day: list[int]) -> None:
    """An opening balance 40 days ago, then shipments on each of the last days."""
    now = utcnow()
    wh, sku = world.wh, world.sku[code]
    moves = [st.Move(wh, sku, MoveKind.OPENING, "import", "open", d_on_hand=opening,
                     at=now - timedelta(days=40))]
    moves += [st.Move(wh, sku, MoveKind.SHIPMENT, "parcel", f"{code}-{i}", d_on_hand=-n,
                      at=now - timedelta(days=i, hours=3))
              for i, n in enumerate(per_day) if n]
    with world.store.write() as s:
        st.post_moves(s, moves, now)


def by_code(rows: list[reorder.Suggestion]) -> dict[str, reorder.Suggestion]:
    return {r.sku_code: r for r in rows}


def test_suggestions_from_the_ledger(world: World) -> None:
    seed_sales(world, "TEA-1", 100, [2] * 30)  # 60 sold in 30 days: 2 a day, 40 left
    seed_sales(world, "CUP-1", 50, [3, 0] * 15)  # 45 sold: 1.5 a day, 5 left
    seed_sales(world, "POT-1", 0, [])  # never sold, nothing on hand
    pur.add_supplier(world.store, world.actor, "SUP2", "宜兴紫砂", lead_time_days=20)
    pur.link_sku(world.store, world.actor, "POT-1", "SUP2", supplier_code="YX-88",
                 last_cost=Decimal("95.00"))
    reorder.set_rule(world.store, world.actor, "TEA-1", cover_days=30, pack_size=12)
    reorder.set_rule(world.store, world.actor, "POT-1", warehouse="HZ", min_qty=3)
    # 10 TEA-1 on their way (placed) and 6 on a draft: both count as coming
    world.po([("TEA-1", 10, "31.00")])
    world.po([("TEA-1", 6, "31.00")], place=False)

    rows = reorder.suggestions(world.store, world.actor, days=30)
    assert [r.sku_code for r in rows] == ["POT-1", "CUP-1", "TEA-1"]  # urgency
    got = by_code(rows)
    tea, cup, pot = got["TEA-1"], got["CUP-1"], got["POT-1"]
    assert (tea.sold, tea.available, tea.in_transit, tea.on_draft) == (60, 40, 10, 6)
    assert tea.days_of_cover == Decimal("20.00")
    # 2/day × (lead 5 from SUP1 + cover 30) = 70; 70 − 40 − 16 = 14 → two packs of 12
    assert (tea.lead_days, tea.cover_days, tea.suggested) == (5, 30, 24)
    assert (tea.supplier_code, tea.unit_cost) == ("SUP1", Decimal("31.00"))
    # 1.5/day × (7 default lead + 15 default cover) = 33; 33 − 5 = 28; no supplier
    assert (cup.sold, cup.days_of_cover, cup.suggested, cup.supplier_code) == (
        45, Decimal("3.33"), 28, "")
    assert (pot.days_of_cover, pot.suggested, pot.lead_days, pot.unit_cost) == (
        None, 3, 20, Decimal("95.00"))
    # only one supplier's SKUs
    assert [r.sku_code for r in reorder.suggestions(world.store, world.actor,
                                                    supplier="SUP2")] == ["POT-1"]

    result = reorder.draft_pos(world.store, world.actor, rows)
    assert result.skipped == ("CUP-1",) and len(result.created) == 2
    pos = [pur.get_po(world.store, world.actor, n) for n in result.created]
    assert sorted((p.supplier_code, [(ln.code, ln.qty_ordered, ln.unit_cost)
                                     for ln in p.lines]) for p in pos) == [
        ("SUP1", [("TEA-1", 24, Decimal("31.00"))]),
        ("SUP2", [("POT-1", 3, Decimal("95.00"))])]
    # drafted quantities are coming now: no longer suggested
    assert [r.sku_code for r in reorder.suggestions(world.store, world.actor)] == ["CUP-1"]
    # one chosen supplier for the rest
    again = reorder.draft_pos(world.store, world.actor,
                              reorder.suggestions(world.store, world.actor), supplier="SUP1")
    [number] = again.created
    assert [ln.code for ln in pur.get_po(world.store, world.actor, number).lines] == ["CUP-1"]
    assert reorder.suggestions(world.store, world.actor) == []
    assert world.ledger_clean()


def test_receiving_and_closing_keep_the_suggestion_right(world: World) -> None:
    seed_sales(world, "TEA-1", 60, [2] * 30)  # 0 left, 2 a day
    first = by_code(reorder.suggestions(world.store, world.actor))["TEA-1"]
    # no supplier yet: 2/day × (7 default lead + 15 default cover)
    assert first.days_of_cover == Decimal("0.00") and first.suggested == 44
    number = world.po([("TEA-1", 40, "30")])  # SUP1 (5 days) becomes the default supplier
    assert "TEA-1" not in by_code(reorder.suggestions(world.store, world.actor))
    rcv.receive_codes(world.store, world.actor, number, ["TEA-1*15"], post_it=True)
    assert "TEA-1" not in by_code(reorder.suggestions(world.store, world.actor))
    pur.close(world.store, world.actor, number)  # the other 25 never come: 2 × (5 + 15) − 15
    assert by_code(reorder.suggestions(world.store, world.actor))["TEA-1"].suggested == 25
    assert world.ledger_clean()


def test_drafting_is_all_or_nothing(world: World) -> None:
    seed_sales(world, "TEA-1", 0, [])
    seed_sales(world, "POT-1", 0, [])
    pur.add_supplier(world.store, world.actor, "SUP2", "宜兴紫砂")
    pur.link_sku(world.store, world.actor, "TEA-1", "SUP1")
    pur.link_sku(world.store, world.actor, "POT-1", "SUP2")
    for code in ("TEA-1", "POT-1"):
        reorder.set_rule(world.store, world.actor, code, min_qty=5)
    rows = by_code(reorder.suggestions(world.store, world.actor))
    # a typo in the second supplier's quantity: no PO at all, so a retry makes no double
    with pytest.raises(DomainError) as info:
        reorder.draft_pos(world.store, world.actor, list(rows.values()),
                          quantities={rows["POT-1"].key: 10**9})
    assert info.value.code is ErrorCode.INVALID_QUANTITY
    assert pur.list_pos(world.store, world.actor) == []
