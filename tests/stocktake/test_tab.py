"""The stocktake tab driven like a warehouse: new count, scans (wedge and typed), review,
post with confirmation; checked in the stock itself. SQLite; offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ecerp_desktop.domain.stocktake import Status, Uncounted
from ecerp_desktop.services import stocktake as svc
from ecerp_desktop.store import Store
from ecerp_desktop.ui import i18n, ops
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.scanner_filter import ScannerFilter
from ecerp_desktop.ui.stocktake_tab import StocktakeTab
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from .conftest import COUNTER, KEEPER, World, make_world


@pytest.fixture
def world(sqlite_store: Store, qapp: QApplication) -> Iterator[World]:
    assert i18n.install("en")
    yield make_world(sqlite_store)
    ops.wait_all()


def settle(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: not ops._running, timeout=10_000)


def make_tab(qtbot: QtBot, world: World, scanner: ScannerFilter, station: str = "S1"
             ) -> StocktakeTab:
    tab = StocktakeTab(PageContext(world.store, KEEPER), scanner_filter=scanner,
                       station=station)
    qtbot.addWidget(tab)
    tab.confirm = lambda _question: True
    tab.show()
    settle(qtbot)
    return tab


def test_create_scan_review_and_post(qtbot: QtBot, world: World, tmp_path: Path) -> None:
    scanner = ScannerFilter()
    tab = make_tab(qtbot, world, scanner)
    tab.new_button.click()
    settle(qtbot)
    dialog = tab.create_dialog
    assert dialog.warehouse.count() == 2
    dialog.warehouse.setCurrentIndex(dialog.warehouse.findData("HZ"))
    dialog.skus.setPlainText("TEA-1\n" + world.barcode("TEA-2") + "\n")
    dialog.blind.setChecked(True)
    dialog.accept()
    settle(qtbot)
    count = tab.current
    assert count is not None and count.blind and count.skus_in_scope == 2
    assert tab.list.rowCount() == 1 and tab.counted_view.isColumnHidden(3)  # no book: blind

    # scans from the wedge: 2 × TEA-1, then 7 × TEA-2 typed as a quantity, one unknown
    with qtbot.waitSignal(tab.feedback) as got:
        scanner.scanned.emit(world.barcode("TEA-1"))
    settle(qtbot)
    assert got.args == ["ok"] and "TEA-1" in tab.banner.text()
    assert "background:#1b7f3b" in tab.banner.styleSheet()
    scanner.scanned.emit(world.barcode("TEA-1"))
    tab.qty.setValue(7)
    qtbot.keyClicks(tab.scan_field, "TEA-2")
    qtbot.keyClick(tab.scan_field, Qt.Key.Key_Return)
    settle(qtbot)
    assert tab.qty.value() == 1  # a typed quantity is for one scan
    with qtbot.waitSignal(tab.feedback) as got:
        scanner.scanned.emit("1234567890128")
    settle(qtbot)
    assert got.args == ["unknown"] and "background:#c62828" in tab.banner.styleSheet()
    qtbot.waitUntil(lambda: tab.flagged.rowCount() == 1, timeout=5000)
    qtbot.waitUntil(lambda: tab.counted_model.rowCount() == 2, timeout=5000)
    assert {r.code: (r.counted, r.book) for r in tab.counted_model.rows()} == {
        "TEA-1": (2, None), "TEA-2": (7, None)}

    # another station counts 9 more TEA-1 meanwhile; the tab picks it up
    svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=9, station="S2")
    tab._refresh_counted()
    settle(qtbot)
    assert {r.code: r.counted for r in tab.counted_model.rows()}["TEA-1"] == 11

    # review: TEA-1 10 → 11 (+1), TEA-2 5 → 7 (+2)
    tab.pages.setCurrentIndex(1)
    settle(qtbot)
    assert tab.report is not None
    assert [(ln.code, ln.book, ln.counted, ln.delta()) for ln in tab.variance_model.rows()] == [
        ("TEA-1", 10, 11, 1), ("TEA-2", 5, 7, 2)]
    assert tab.post_button.isEnabled() and tab.export_button.isEnabled()
    tab.export_to(str(tmp_path / "review.csv"))
    settle(qtbot)
    assert (tmp_path / "review.csv").read_text(encoding="utf-8-sig").count("\n") == 3
    assert "2" in tab.review_status.text()
    asked: list[str] = []
    tab.confirm = lambda q: asked.append(q) or False  # the user says no: nothing posted
    tab.post_button.click()
    settle(qtbot)
    assert asked and count.number in asked[0]
    assert world.on_hand("TEA-1") == (10, 0)
    tab.confirm = lambda _q: True
    tab.post_button.click()
    settle(qtbot)
    assert world.on_hand("TEA-1") == (11, 0) and world.on_hand("TEA-2") == (7, 0)
    assert svc.get(world.store, KEEPER, count.number).status is Status.POSTED
    qtbot.waitUntil(lambda: tab.list.rowCount() == 1
                    and tab.list.item(0, 3).text() == "Posted", timeout=5000)
    settle(qtbot)
    assert tab.current is not None and tab.current.status is Status.POSTED
    assert not tab.post_button.isEnabled() and not tab.scan_field.isEnabled()
    assert count.number in tab.review_status.text()


def test_review_names_skus_below_reserved_and_recount_fixes_it(qtbot: QtBot,
                                                               world: World) -> None:
    world.reserve("TEA-1", 8)
    count = svc.create(world.store, KEEPER, "HZ", skus=["TEA-1"])
    scanner = ScannerFilter()
    tab = make_tab(qtbot, world, scanner)
    tab.list.selectRow(0)
    settle(qtbot)
    assert tab.current is not None and tab.current.number == count.number
    tab.qty.setValue(3)
    scanner.scanned.emit("TEA-1")  # 3 < 8 reserved: cannot post
    settle(qtbot)
    tab.pages.setCurrentIndex(1)
    settle(qtbot)
    assert "TEA-1" in tab.totals_label.text()
    assert tab.variance_model.rows()[0].below_reserved(Uncounted.ZERO)
    tab.post_button.click()
    settle(qtbot)
    assert "background:#c62828" in tab.banner.styleSheet() and "TEA-1" in tab.banner.text()
    assert world.on_hand("TEA-1") == (10, 8)
    # recount at this station: select the SKU, reset, scan the right quantity
    tab.pages.setCurrentIndex(0)
    settle(qtbot)
    tab.counted_view.selectRow(0)
    tab.reset_mine.click()
    settle(qtbot)
    tab.qty.setValue(9)
    scanner.scanned.emit("TEA-1")
    settle(qtbot)
    tab.pages.setCurrentIndex(1)
    settle(qtbot)
    tab.post_button.click()
    settle(qtbot)
    assert world.on_hand("TEA-1") == (9, 8)


def test_scans_are_ignored_when_the_tab_is_hidden(qtbot: QtBot, world: World) -> None:
    count = svc.create(world.store, KEEPER, "HZ")
    scanner = ScannerFilter()
    tab = make_tab(qtbot, world, scanner)
    tab.list.selectRow(0)
    settle(qtbot)
    tab.hide()
    scanner.scanned.emit("TEA-1")
    settle(qtbot)
    assert svc.counted(world.store, KEEPER, count.number) == []


def test_hosted_in_the_stock_page_one_scan_counts_once(qtbot: QtBot, world: World) -> None:
    from ecerp_desktop.ui.stock_page import StockPage

    count = svc.create(world.store, KEEPER, "HZ")
    app_filter = ScannerFilter().install()  # the app-wide filter, as ui/app.py installs it
    try:
        page = StockPage(PageContext(world.store, KEEPER))
        qtbot.addWidget(page)
        page.show()
        tab = page.open_tab("ecerp_desktop.ui.stocktake_tab:StocktakeTab")
        assert isinstance(tab, StocktakeTab) and not page.tab_errors
        settle(qtbot)
        tab.list.selectRow(0)
        settle(qtbot)
        app_filter.scanned.emit("TEA-1")
        settle(qtbot)
        assert [ln.counted for ln in svc.counted(world.store, KEEPER, count.number)] == [1]
    finally:
        app_filter.uninstall()


def test_kept_scans_are_counted_from_the_tab(qtbot: QtBot, world: World) -> None:
    count = svc.create(world.store, KEEPER, "HZ", skus=["TEA-1"])
    scanner = ScannerFilter()
    tab = make_tab(qtbot, world, scanner)
    tab.list.selectRow(0)
    settle(qtbot)
    scanner.scanned.emit("2000000000015")  # unknown
    scanner.scanned.emit("POT-1")  # out of scope
    settle(qtbot)
    qtbot.waitUntil(lambda: tab.flagged.rowCount() == 2, timeout=5000)
    unknown = next(i for i, f in enumerate(tab.flagged_rows) if f.barcode == "2000000000015")
    tab.flagged.selectRow(unknown)
    tab.ask_sku = lambda _question: "TEA-1"
    tab.assign_button.click()
    settle(qtbot)
    qtbot.waitUntil(lambda: tab.flagged.rowCount() == 1, timeout=5000)
    tab.flagged.selectRow(0)
    tab.assign_button.click()  # POT-1: confirmed into the count
    settle(qtbot)
    qtbot.waitUntil(lambda: tab.flagged.rowCount() == 0, timeout=5000)
    assert {ln.code: ln.counted for ln in svc.counted(world.store, KEEPER, count.number)} == {
        "TEA-1": 1, "POT-1": 1}
