"""The purchasing page driven like a buyer and a receiver: a PO made in the dialog (a line
added by scanning its barcode), placed, received by scans typed through the application's
wedge filter at 5 ms per key — flags turn the screen red and count nothing — and posted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from ecerp_desktop.devices.wedge import WedgeSettings
from ecerp_desktop.domain.purchasing import POStatus
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import purchasing as pur
from ecerp_desktop.store import Store
from ecerp_desktop.store import stock as st
from ecerp_desktop.ui import i18n
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.feedback import GREEN, RED
from ecerp_desktop.ui.ops import wait_all
from ecerp_desktop.ui.purchasing_page import PurchasingPage
from ecerp_desktop.ui.scanner_filter import ScannerFilter
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from .conftest import BUYER, World, build


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    i18n.install("en")
    yield
    wait_all()
    i18n.install("en")


@pytest.fixture
def wedge(qapp: QApplication) -> Iterator[ScannerFilter]:
    f = ScannerFilter(WedgeSettings()).install(qapp)
    yield f
    f.uninstall()


def open_page(qtbot, store: Store, wedge: ScannerFilter) -> PurchasingPage:  # type: ignore[no-untyped-def]
    page = PurchasingPage(PageContext(store, BUYER), scanner_filter=wedge, station="R1")
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    return page


def scan(target, code: str) -> None:  # type: ignore[no-untyped-def]
    """Type *code* like a wedge scanner: 5 ms per key, then Enter."""
    for ch in code:
        QTest.keyClick(target, ch, Qt.KeyboardModifier.NoModifier, 5)
    QTest.keyClick(target, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, 5)


def feedback_of(qtbot, signal, action, timeout: int = 5000):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(signal, timeout=timeout) as blocker:
        action()
    return blocker.args[0]


def test_create_place_receive_and_post_through_the_page(qtbot, store: Store,
                                                        wedge: ScannerFilter,
                                                        english: None) -> None:
    world: World = build(store)
    page = open_page(qtbot, store, wedge)
    orders = page.orders
    qtbot.waitUntil(lambda: "purchase orders" in orders.count_line.text(), timeout=5000)
    # a new PO in the dialog: one line by scanning its barcode into the add field
    dialog = feedback_of(qtbot, orders.done, orders.new_po)
    assert dialog.supplier.currentData() == "SUP1"
    dialog.warehouse.setCurrentIndex(dialog.warehouse.findData("HZ"))
    dialog.add_field.setFocus()
    scan(dialog.add_field, "6901234567892")
    qtbot.waitUntil(lambda: dialog.grid.rowCount() == 1, timeout=5000)
    assert dialog.grid.item(0, 0).text() == "TEA-1"
    assert dialog.grid.item(0, 3).text() == "35.00"  # the SKU's cost proposed
    dialog.grid.item(0, 2).setText("3")
    dialog.grid.item(0, 3).setText("30.00")
    dialog.add_line("CUP-1", "玻璃杯", 2, Decimal("8.00"))
    assert "amount 106.00" in dialog.total.text()
    dialog.remark.setText("=HYPERLINK(\"http://x\")")
    with qtbot.waitSignal(orders.done, timeout=5000):
        dialog._try_accept()
    qtbot.waitUntil(lambda: orders.current() is not None, timeout=5000)
    po = orders.current()
    assert po is not None and po.status is POStatus.DRAFT and len(po.lines) == 2
    assert orders.buttons["place"].isEnabled() and not orders.buttons["receive"].isEnabled()
    orders.place()
    qtbot.waitUntil(lambda: orders.current() is not None
                    and orders.current().status is POStatus.PLACED, timeout=5000)
    assert world.balance("TEA-1").in_transit == 3
    assert orders.buttons["receive"].isEnabled()

    # receive: the Receive button switches tabs and opens a session
    rec = page.receiving
    assert feedback_of(qtbot, rec.feedback, orders.receive) == "opened"
    assert page.tabs.currentWidget() is rec
    assert rec.lines_model.rowCount() == 2
    target = rec.qty
    assert feedback_of(qtbot, rec.feedback, lambda: scan(target, "6901234567892")) == "counted"
    assert GREEN in rec.banner.styleSheet() and "1 of 3" in rec.banner.text()
    assert feedback_of(qtbot, rec.feedback, lambda: scan(target, "NO-SUCH-1")) == "unknown"
    assert RED in rec.banner.styleSheet() and "Unknown code" in rec.banner.text()
    assert feedback_of(qtbot, rec.feedback, lambda: scan(target, "6920000000028")) \
        == "not_on_po"
    assert feedback_of(qtbot, rec.feedback, lambda: scan(target, "6930000000000")) == "bundle"
    rec.qty.setText("4")  # 4 of TEA-1: 2 fit, 2 over
    assert feedback_of(qtbot, rec.feedback, lambda: scan(target, "TEA1-OLD")) == "over"
    assert RED in rec.banner.styleSheet() and "2 over" in rec.banner.text()
    assert rec.flags.count() == 4
    tea = rec.lines_model.record(0)
    assert (tea.code, tea.now, tea.remaining, tea.over) == ("TEA-1", 3, 0, 2)
    # a typed code counts like a scan; nothing has reached stock yet
    rec.code_entry.setText("CUP-1")
    assert feedback_of(qtbot, rec.feedback,
                       lambda: QTest.keyClick(rec.code_entry, Qt.Key.Key_Return)) == "counted"
    assert world.balance("TEA-1").on_hand == 0
    assert "over 2" in rec.totals.text() and "flagged 4" in rec.totals.text()
    assert feedback_of(qtbot, rec.feedback, rec.show_report) == "report"
    text = rec.report_dialog.text.toPlainText()
    assert "Receiving report" in text and "NO-SUCH-1" in text and "unknown" in text
    rec.report_dialog.close()

    assert feedback_of(qtbot, rec.feedback, rec.post) == "posted"  # over rejected
    assert "4 received, 0 over accepted, 2 over rejected" in rec.banner.text()
    tea_b, cup_b = world.balance("TEA-1"), world.balance("CUP-1")
    assert (tea_b.on_hand, tea_b.in_transit, cup_b.on_hand, cup_b.in_transit) == (3, 0, 1, 1)
    assert pur.get_po(store, BUYER, po.number).status is POStatus.PARTIAL
    assert not rec.post_button.isEnabled()
    assert feedback_of(qtbot, rec.feedback, rec.show_report) == "report"
    assert "posted" in rec.report_dialog.text.toPlainText()
    rec.report_dialog.close()
    assert world.ledger_clean()


def test_scanning_a_po_number_opens_it_and_reorder_drafts(qtbot, sqlite_store: Store,
                                                          wedge: ScannerFilter,
                                                          english: None) -> None:
    world = build(sqlite_store)
    number = world.po([("CUP-1", 5, "8")])
    now = utcnow()
    with sqlite_store.write() as s:  # POT-1 sells 1 a day and has 2 left
        st.post_moves(s, [st.Move(world.wh, world.sku["POT-1"], MoveKind.OPENING, "import",
                                  "o", d_on_hand=32, at=now - timedelta(days=40))]
                      + [st.Move(world.wh, world.sku["POT-1"], MoveKind.SHIPMENT, "p",
                                 str(i), d_on_hand=-1, at=now - timedelta(days=i, hours=1))
                         for i in range(30)], now)
    page = open_page(qtbot, sqlite_store, wedge)
    page.tabs.setCurrentWidget(page.receiving)
    rec = page.receiving
    assert feedback_of(qtbot, rec.feedback, lambda: scan(rec.qty, number)) == "opened"
    assert rec.report is not None and rec.report.po_number == number
    rec.qty.setText("5")
    assert feedback_of(qtbot, rec.feedback, lambda: scan(rec.qty, "CUP-1")) == "counted"
    assert feedback_of(qtbot, rec.feedback, rec.undo_last) == "undone"
    qtbot.waitUntil(lambda: rec.lines_model.record(0).now == 0, timeout=3000)

    page.tabs.setCurrentWidget(page.reorder)
    tab = page.reorder
    rows = feedback_of(qtbot, tab.done, lambda: None, timeout=5000) \
        if not tab.model.rowCount() else tab.model.rows()
    codes = [r.sku_code for r in rows]
    assert codes[0] == "POT-1"  # 2 days of cover: most urgent
    tab.model.set_edited_value(codes.index("POT-1"), 12)
    for r, code in enumerate(codes):
        tab.model.set_checked(r, code == "POT-1")
    qtbot.waitUntil(lambda: tab.supplier.findData("SUP1") >= 0, timeout=5000)  # loaded
    tab.supplier.setCurrentIndex(tab.supplier.findData("SUP1"))
    res = feedback_of(qtbot, tab.done, tab.draft)
    [drafted] = res.created
    po = pur.get_po(sqlite_store, BUYER, drafted)
    assert [(ln.code, ln.qty_ordered) for ln in po.lines] == [("POT-1", 12)]
    qtbot.waitUntil(lambda: "SKUs to reorder" in tab.count_line.text(), timeout=5000)
    assert "Drafted 1 purchase orders" in tab.status_line.text()  # not overwritten

    page.tabs.setCurrentWidget(page.suppliers)
    sup = page.suppliers
    feedback_of(qtbot, sup.done, lambda: None) if not sup.model.rowCount() else None
    sup.code.setText("SUP2")
    sup.name.setText("@SUM(1)")
    sup.save()
    qtbot.waitUntil(lambda: sup.model.rowCount() == 2, timeout=5000)
    assert sup.model.record(1).name == "@SUM(1)"


def test_a_clerk_orders_but_does_not_receive(qtbot, sqlite_store: Store,
                                             wedge: ScannerFilter, english: None) -> None:
    from ecerp_desktop.domain.auth import Role, actor_for

    build(sqlite_store)
    clerk = actor_for(None, "clerk", Role.CLERK)  # purchase, but no stock.edit
    page = PurchasingPage(PageContext(sqlite_store, clerk), scanner_filter=wedge,
                          station="R1")
    qtbot.addWidget(page)
    page.show()
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles == ["Purchase orders", "Reorder suggestions", "Suppliers"]
    assert not page.orders.buttons["receive"].isVisible()
    qtbot.waitUntil(lambda: "purchase orders" in page.orders.count_line.text(),
                    timeout=5000)


def test_the_page_speaks_chinese(qtbot, sqlite_store: Store, wedge: ScannerFilter) -> None:
    assert i18n.install("zh_CN")
    try:
        world = build(sqlite_store)
        number = world.po([("TEA-1", 2, "30")])
        page = open_page(qtbot, sqlite_store, wedge)
        assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
            "采购单", "验货入库", "采购建议", "供应商"]
        qtbot.waitUntil(lambda: "张采购单" in page.orders.count_line.text(), timeout=5000)
        assert page.orders.model.record(0).number == number
        assert page.orders.model.data(page.orders.model.index(0, 1)) == "已审核"
        rec = page.receiving
        page.tabs.setCurrentWidget(rec)
        assert feedback_of(qtbot, rec.feedback, lambda: scan(rec.qty, number)) == "opened"
        assert feedback_of(qtbot, rec.feedback, lambda: scan(rec.qty, "NOPE-9")) == "unknown"
        assert "未知条码" in rec.banner.text()
    finally:
        wait_all()
        i18n.install("en")


def test_export_the_selected_po(qtbot, sqlite_store: Store, wedge: ScannerFilter,
                                english: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    world = build(sqlite_store)
    number = world.po([("TEA-1", 2, "30")], place=False)
    page = open_page(qtbot, sqlite_store, wedge)
    orders = page.orders
    qtbot.waitUntil(lambda: orders.model.rowCount() == 1, timeout=5000)
    orders.table.selectRow(0)
    qtbot.waitUntil(lambda: orders.current() is not None, timeout=5000)
    assert orders.buttons["export"].isEnabled()
    path = tmp_path / "po.csv"
    assert feedback_of(qtbot, orders.done, lambda: orders.export_to(str(path))) == 1
    assert number in path.read_text(encoding="utf-8-sig")
    assert "1 lines written" in orders.status_line.text()
