"""The balances tab on a seeded stock: filters narrow the rows, the view reads more pages
as the user scrolls (never everything at once), sorting happens in SQL across pages, and
the totals cover the whole filter result."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.services import stock_view
from ecerp_desktop.services.stock_view import BalanceSort
from PySide6.QtCore import Qt

from .conftest import N_SKUS, Seeded, code


def balances_tab(qtbot, page):  # type: ignore[no-untyped-def]
    page.show()
    tab = page.current_tab()
    assert type(tab).__name__ == "BalancesTab"
    settle(qtbot, tab)
    return tab


def settle(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not tab.model.loading and tab.totals is not None, timeout=10_000)


def shown(tab) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(r.code, r.warehouse) for r in (tab.model.row_at(i)
                                            for i in range(tab.model.rowCount()))]


def load_all(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    while tab.model.canFetchMore():
        tab.model.fetchMore()
        qtbot.waitUntil(lambda: not tab.model.loading, timeout=10_000)


def test_filters_change_rows_and_totals(qtbot, stock_page, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    tab = balances_tab(qtbot, stock_page)
    b = seeded.balances
    assert tab.model.rowCount() == len(b) == 2 * N_SKUS
    assert tab.totals.rows == len(b)
    assert tab.totals.on_hand == sum(v[0] for v in b.values())
    assert tab.totals.value == sum((v[0] * v[3] for v in b.values()), Decimal("0"))

    tab.warehouse_box.setCurrentIndex(tab.warehouse_box.findData(seeded.gz))
    settle(qtbot, tab)
    assert {w for _c, w in shown(tab)} == {"广州仓"}
    assert tab.totals.on_hand == sum(v[0] for (w, _c), v in b.items() if w == seeded.gz)

    tab.warehouse_box.setCurrentIndex(0)
    tab.reserved_check.setChecked(True)
    settle(qtbot, tab)
    names = {seeded.hz: "杭州仓", seeded.gz: "广州仓"}
    expected = {(c, names[w]) for (w, c), v in b.items() if v[1] > 0}
    assert set(shown(tab)) == expected and len(expected) == tab.totals.rows > 0

    tab.reserved_check.setChecked(False)
    tab.transit_check.setChecked(True)
    settle(qtbot, tab)
    assert set(shown(tab)) == {(c, "广州仓") for (w, c), v in b.items() if v[2] > 0}

    tab.transit_check.setChecked(False)
    tab.available_spin.setValue(10)
    tab.available_check.setChecked(True)
    settle(qtbot, tab)
    low = {(w, c) for (w, c), v in b.items() if v[0] - v[1] <= 10}
    assert tab.totals.rows == len(low) == tab.model.rowCount()
    assert all(tab.model.row_at(i).available <= 10 for i in range(tab.model.rowCount()))

    tab.available_check.setChecked(False)
    tab.text_edit.setText("sku-01")  # code prefix, any case: SKU-010 … SKU-019
    tab.apply_filter()
    settle(qtbot, tab)
    assert {c for c, _w in shown(tab)} == {code(i) for i in range(10, 20)}
    tab.text_edit.setText("商品2")  # part of the name
    tab.apply_filter()
    settle(qtbot, tab)
    assert {c for c, _w in shown(tab)} == {code(2)} | {code(i) for i in range(20, 30)}
    tab.text_edit.setText("690")  # barcode prefix
    tab.apply_filter()
    settle(qtbot, tab)
    assert {c for c, _w in shown(tab)} == {code(1), code(2)}
    tab.text_edit.setText("%' OR 1=1 --")  # matched literally
    tab.apply_filter()
    settle(qtbot, tab)
    assert tab.model.rowCount() == 0 and tab.totals.rows == 0


def test_scrolling_reads_more_pages_without_reading_all(qtbot, stock_page) -> None:  # type: ignore[no-untyped-def]
    tab = balances_tab(qtbot, stock_page)
    tab.model.page_size = 8
    tab.apply_filter()
    settle(qtbot, tab)
    first = tab.model.rowCount()  # the pages that fill the view
    assert first % 8 == 0 and first < tab.totals.rows and tab.model.canFetchMore()
    tab.table.scrollToBottom()  # the view asks the model for more as it reaches the end
    qtbot.waitUntil(lambda: tab.model.rowCount() > first and not tab.model.loading,
                    timeout=10_000)
    assert tab.model.rowCount() < tab.totals.rows  # not everything at once
    rows = shown(tab)
    assert len(rows) == len(set(rows))  # pages join without repeats
    assert rows == sorted(rows, key=lambda r: (r[0], r[1] != "杭州仓"))  # by code, then wh


def test_only_a_few_pages_stay_in_memory_however_far_one_scrolls(qtbot, stock_page) -> None:  # type: ignore[no-untyped-def]
    tab = balances_tab(qtbot, stock_page)
    first = tab.model.row_at(0)
    tab.model.page_size = 5
    tab.model.max_cached_pages = 2
    tab.apply_filter()
    settle(qtbot, tab)
    load_all(qtbot, tab)
    assert tab.model.rowCount() == tab.totals.rows == 60
    assert tab.model.cached_rows() <= 10
    assert tab.model.row_at(0) is None  # evicted: read again from its page's cursor
    assert tab.model.data(tab.model.index(0, 0)) == "…"
    qtbot.waitUntil(lambda: tab.model.row_at(0) is not None, timeout=10_000)
    assert tab.model.row_at(0) == first
    assert tab.model.cached_rows() <= 10


@pytest.mark.parametrize("column", ["value", "available"])
def test_sorting_by_a_header_is_done_in_sql_across_pages(qtbot, stock_page, seeded: Seeded,
                                                          column: str) -> None:  # type: ignore[no-untyped-def]
    tab = balances_tab(qtbot, stock_page)
    tab.model.page_size = 7
    col = [c.key for c in tab.model.columns].index(column)
    tab.table.horizontalHeader().setSortIndicator(col, Qt.SortOrder.DescendingOrder)
    settle(qtbot, tab)
    assert tab.sort == BalanceSort(column, True)
    load_all(qtbot, tab)
    values = [tab.model.value(i, column) for i in range(tab.model.rowCount())]
    assert len(values) == len(seeded.balances)
    assert values == sorted(values, reverse=True)
    assert tab.model.pages_loaded > 1


def test_days_of_cover_uses_the_last_30_days_sales(seeded: Seeded, owner) -> None:  # type: ignore[no-untyped-def]
    from ecerp_desktop.domain.stock import MoveKind
    from ecerp_desktop.domain.timeutil import utcnow
    from ecerp_desktop.store.stock import Move, post_moves

    sku = seeded.ids[code(3)]
    with seeded.store.write() as s:  # 30 units out in 30 days, 6 back: 24 sold, 0.8 a day
        post_moves(s, [Move(seeded.hz, sku, MoveKind.SHIPMENT, "order", "A", d_on_hand=-30),
                       Move(seeded.hz, sku, MoveKind.RETURN, "return", "R", d_on_hand=6)],
                   utcnow())
    page = stock_view.balance_page(seeded.store, owner,
                                   stock_view.BalanceFilter(text=code(3)), BalanceSort())
    hz = next(r for r in page.rows if r.warehouse_id == seeded.hz)
    gz = next(r for r in page.rows if r.warehouse_id == seeded.gz)
    assert hz.sold_30d == 24 and hz.available == 30 - 24
    assert stock_view.cover_days(hz) == Decimal("7.50")  # 6 units at 0.8 a day
    assert stock_view.cover_days(gz) is None  # nothing sold: never runs out


def test_a_sort_key_outside_the_list_is_refused() -> None:
    with pytest.raises(DomainError) as err:
        BalanceSort("cost; DROP TABLE skus")
    assert err.value.code is ErrorCode.SORT_KEY_NOT_ALLOWED


def test_a_role_without_stock_view_is_refused(seeded: Seeded) -> None:
    from ecerp_desktop.domain.auth import Actor, Role
    from ecerp_desktop.domain.errors import PermissionDenied

    nobody = Actor(None, "nobody", Role.CLERK, frozenset())
    with pytest.raises(PermissionDenied):
        stock_view.balance_totals(seeded.store, nobody, stock_view.BalanceFilter())


def test_below_alert_minimum_follows_the_purchasing_rules(qtbot, stock_page,
                                                           seeded: Seeded, owner) -> None:  # type: ignore[no-untyped-def]
    from ecerp_desktop.services import reorder

    reorder.set_rule(seeded.store, owner, code(4), min_qty=35)  # every warehouse
    reorder.set_rule(seeded.store, owner, code(6), min_qty=5)
    reorder.set_rule(seeded.store, owner, code(6), warehouse="HZ", min_qty=100)  # wins in HZ
    tab = balances_tab(qtbot, stock_page)
    tab.minimum_check.setChecked(True)
    settle(qtbot, tab)
    # SKU-004: 40 in 杭州仓, 12 in 广州仓; SKU-006: 60 in 杭州仓 (min 100), 18 in 广州仓 (min 5)
    assert set(shown(tab)) == {(code(4), "广州仓"), (code(6), "杭州仓")}
    theirs = {(s.warehouse_id, s.sku_code) for s in reorder.suggestions(
        seeded.store, owner, include_all=True) if s.below_min}
    assert theirs == {(seeded.gz, code(4)), (seeded.hz, code(6))}
