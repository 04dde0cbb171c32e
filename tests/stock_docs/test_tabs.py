"""The three stock-document tabs driven like a warehouse worker would: scans (through the
wedge filter's signal and the scan field), typed quantities, confirmations; checked in
the stock itself. SQLite; offscreen."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.auth import Role, actor_for
from ecerp_desktop.services import returns, transfers
from ecerp_desktop.store import Store
from ecerp_desktop.store import stock as st
from ecerp_desktop.ui import i18n, ops
from ecerp_desktop.ui.adjust_tab import AdjustTab
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.returns_tab import ReturnsTab
from ecerp_desktop.ui.scanner_filter import ScannerFilter
from ecerp_desktop.ui.transfers_tab import TransfersTab
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from .conftest import KEEPER, DocWorld, build_docs


@pytest.fixture
def world(sqlite_store: Store) -> DocWorld:
    return build_docs(sqlite_store)


@pytest.fixture
def scanner(qtbot: QtBot) -> ScannerFilter:
    return ScannerFilter()


def settle(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: not ops._running, timeout=10_000)


def make(qtbot: QtBot, cls: type, world: DocWorld, scanner: ScannerFilter) -> object:
    tab = cls(PageContext(world.store, KEEPER), scanner_filter=scanner)
    qtbot.addWidget(tab)
    tab.confirm = lambda _question: True
    tab.show()
    settle(qtbot)
    return tab


def test_transfers_tab_create_ship_and_receive_by_scanning(
        qtbot: QtBot, world: DocWorld, scanner: ScannerFilter) -> None:
    tab = make(qtbot, TransfersTab, world, scanner)
    assert isinstance(tab, TransfersTab)
    assert tab.from_box.currentData() == "HZ" and tab.to_box.currentData() == "SH"
    tab.qty.setValue(4)
    scanner.scanned.emit("6901234567892")  # TEA-1's barcode, 4 of them
    settle(qtbot)
    qtbot.keyClicks(tab.scan, "CUP-1")
    qtbot.keyClick(tab.scan, Qt.Key.Key_Return)
    settle(qtbot)
    assert tab.draft == {"TEA-1": ("龙井茶 250g", 4), "CUP-1": ("玻璃杯", 1)}
    tab.note_edit.setText("<b>urgent</b>")
    tab.create_button.click()
    settle(qtbot)
    number = tab.current.number
    assert tab.current.status == "draft" and tab.list.rowCount() == 1
    assert tab.note_label.textFormat() == Qt.TextFormat.PlainText
    tab.ship_button.click()
    settle(qtbot)
    assert tab.current.status == "shipped"
    assert world.bal(world.sh, "TEA-1") == (0, 0, 4)
    # the receiving side scans what arrived: 3 tea, 1 cup; the last tea stays in transit
    tab.current = None
    scanner.scanned.emit(number)
    settle(qtbot)
    assert tab.current.number == number and tab.receive_button.isEnabled()
    tab.qty.setValue(3)
    scanner.scanned.emit("TEA-1")
    scanner.scanned.emit("6920000000011")
    settle(qtbot)
    assert tab.arrived() == {"CUP-1": 1, "TEA-1": 3}
    tab.receive_button.click()
    settle(qtbot)
    assert tab.current.status == "partial"
    assert world.bal(world.sh, "TEA-1") == (3, 0, 1)
    # the last one is lost: written off with a reason typed in the arrived column's absence
    tab.write_off.setChecked(True)
    tab.receive_button.click()  # no reason yet
    assert tab.status.text() and tab.current.status == "partial"
    tab.reason_edit.setText("运输丢失")
    tab.receive_button.click()
    settle(qtbot)
    assert tab.current.status == "received"
    assert world.bal(world.sh, "TEA-1") == (3, 0, 0)
    world.ledger_ok()


def test_transfers_tab_shows_a_short_source_in_chinese(
        qtbot: QtBot, world: DocWorld, scanner: ScannerFilter) -> None:
    assert i18n.install("zh_CN")
    tab = make(qtbot, TransfersTab, world, scanner)
    t = transfers.create(world.store, KEEPER, "HZ", "SH", [("POT-1", 80)])
    tab.open(t.number)
    settle(qtbot)
    tab.ship_button.click()
    settle(qtbot)
    assert "POT-1" in tab.status.text() and "杭州仓" in tab.status.text()
    assert "库存" in tab.status.text()  # the translated INSUFFICIENT_STOCK
    assert tab.current.status == "draft"
    assert not tab.receive_button.isEnabled()  # a draft has nothing to receive


def test_returns_tab_scan_waybill_then_items_good_and_damaged(
        qtbot: QtBot, world: DocWorld, scanner: ScannerFilter) -> None:
    o = world.ship_order([("TEA-1", 2), ("CUP-1", 1)])
    tab = make(qtbot, ReturnsTab, world, scanner)
    assert isinstance(tab, ReturnsTab)
    scanner.scanned.emit(o.waybill)
    settle(qtbot)
    assert tab.candidate is not None and tab.lines.rowCount() == 2
    scanner.scanned.emit("6901234567892")
    scanner.scanned.emit("TEA-1")
    scanner.scanned.emit("TEA-1")  # a third: more than can come back
    settle(qtbot)
    row = next(r for r in range(2) if tab.lines.item(r, 0).text() == "TEA-1")
    assert tab.lines.item(row, 6).text() == "2"
    tab.set_condition(row, "damaged")
    tab.tracking.setText("SF-RETURN-1")
    tab.receive_button.click()
    settle(qtbot)
    assert tab.candidate is None
    assert world.bal(world.hz, "TEA-1") == (48, 0, 0)  # damaged: not back in sellable stock
    listed = returns.list_returns(world.store, KEEPER)
    assert listed[0].tracking_number == "SF-RETURN-1" and listed[0].total_qty == 2
    assert tab.list.rowCount() == 1
    world.ledger_ok()


def test_returns_tab_unknown_parcel_then_match(
        qtbot: QtBot, world: DocWorld, scanner: ScannerFilter) -> None:
    o = world.ship_order([("CUP-1", 1)])
    tab = make(qtbot, ReturnsTab, world, scanner)
    scanner.scanned.emit("YT9999999")
    settle(qtbot)
    assert tab.unknown.isVisibleTo(tab) and tab.unknown_tracking.text() == "YT9999999"
    scanner.scanned.emit("6920000000011")
    settle(qtbot)
    assert tab.unknown_lines == {"CUP-1": ("玻璃杯", 1)}
    tab.record_button.click()
    settle(qtbot)
    assert tab.list.rowCount() == 1
    assert world.bal(world.hz, "CUP-1") == (49, 0, 0)
    tab.list.selectRow(0)
    tab.match_edit.setText(o.platform_order_id)
    tab.match_button.click()
    settle(qtbot)
    assert world.bal(world.hz, "CUP-1") == (50, 0, 0)
    assert returns.list_returns(world.store, KEEPER)[0].status == "matched"


def test_adjust_tab_change_and_set_with_reason(
        qtbot: QtBot, world: DocWorld, scanner: ScannerFilter) -> None:
    tab = make(qtbot, AdjustTab, world, scanner)
    assert isinstance(tab, AdjustTab)
    scanner.scanned.emit("6920000000028")  # POT-1
    settle(qtbot)
    assert tab.sku_code == "POT-1" and "50" in tab.balance_label.text()
    assert tab.sku_label.textFormat() == Qt.TextFormat.PlainText  # a name shown, not run
    tab.delta.setValue(-3)
    tab.reason_box.setCurrentIndex(tab.reason_box.findData("damaged"))
    tab.reason_edit.setText("外箱压坏")
    asked: list[str] = []
    tab.confirm = lambda q: asked.append(q) or True
    tab.apply_button.click()
    settle(qtbot)
    assert asked and world.bal(world.hz, "POT-1") == (47, 0, 0)
    assert "47" in tab.status.text()
    tab.to_quantity.setChecked(True)
    tab.quantity.setValue(45)
    tab.reason_box.setCurrentIndex(tab.reason_box.findData("other"))
    tab.apply_button.click()  # Other without details: refused before asking
    assert len(asked) == 1
    tab.reason_edit.setText("月底盘点")
    tab.confirm = lambda _q: False  # the user says no: nothing happens
    tab.apply_button.click()
    settle(qtbot)
    assert world.bal(world.hz, "POT-1") == (47, 0, 0)
    tab.confirm = lambda _q: True
    tab.apply_button.click()
    settle(qtbot)
    assert world.bal(world.hz, "POT-1") == (45, 0, 0)
    with world.store.read() as s:
        notes = [m.note for m in st.moves(s, sku_id=world.sku("POT-1"), limit=2)]
    assert notes == ["other: 月底盘点", "damaged: 外箱压坏"]


def test_a_packer_cannot_adjust(qtbot: QtBot, world: DocWorld, scanner: ScannerFilter) -> None:
    tab = AdjustTab(PageContext(world.store, actor_for(None, "p", Role.PACKER)),
                    scanner_filter=scanner)
    qtbot.addWidget(tab)
    tab.confirm = lambda _q: True
    tab.show()
    settle(qtbot)
    scanner.scanned.emit("POT-1")
    settle(qtbot)
    tab.delta.setValue(5)
    tab.reason_edit.setText("x")
    tab.apply_button.click()
    settle(qtbot)
    assert world.bal(world.hz, "POT-1") == (50, 0, 0) and tab.status.text()


def test_the_stock_page_hosts_the_three_tabs(qtbot: QtBot, world: DocWorld) -> None:
    from ecerp_desktop.ui.stock_page import StockPage

    page = StockPage(PageContext(world.store, KEEPER))
    qtbot.addWidget(page)
    page.show()
    mine = {"ecerp_desktop.ui.transfers_tab:TransfersTab": TransfersTab,
            "ecerp_desktop.ui.returns_tab:ReturnsTab": ReturnsTab,
            "ecerp_desktop.ui.adjust_tab:AdjustTab": AdjustTab}
    for i, factory in enumerate(page.factories()):
        if factory in mine:
            page.tabs.setCurrentIndex(i)
            assert isinstance(page.tab_widget(i), mine.pop(factory))
    settle(qtbot)
    assert not mine and not page.tab_errors


def test_returns_tab_return_waybill_then_order_slip_keeps_the_tracking_number(
        qtbot: QtBot, world: DocWorld, scanner: ScannerFilter) -> None:
    o = world.ship_order([("TEA-1", 1)])
    tab = make(qtbot, ReturnsTab, world, scanner)
    scanner.scanned.emit("JD0042")  # the buyer's return parcel: no order has it
    settle(qtbot)
    scanner.scanned.emit(o.platform_order_id)  # the slip inside the parcel
    settle(qtbot)
    assert tab.candidate is not None and tab.tracking.text() == "JD0042"
    scanner.scanned.emit("TEA-1")
    settle(qtbot)
    tab.receive_button.click()
    settle(qtbot)
    assert returns.list_returns(world.store, KEEPER)[0].tracking_number == "JD0042"


def test_a_confirmation_shows_a_scanned_code_as_plain_text(
        qtbot: QtBot, world: DocWorld, scanner: ScannerFilter) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    tab = make(qtbot, AdjustTab, world, scanner)
    assert isinstance(tab, AdjustTab)
    seen: list[tuple[str, Qt.TextFormat]] = []

    def answer() -> None:
        boxes = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(10, answer)
            return
        seen.append((boxes[0].text(), boxes[0].textFormat()))
        boxes[0].button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(10, answer)
    assert tab._ask("Record unknown parcel <img src='x'> with 1 units?")  # the real dialog
    assert seen == [("Record unknown parcel <img src='x'> with 1 units?",
                     Qt.TextFormat.PlainText)]
