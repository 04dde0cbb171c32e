"""The mapping screen under pytest-qt on a real SQLite store, in Chinese: the held lines
with their waiting orders and likely SKUs, typing a code and pressing Enter maps the line,
re-runs its orders (approved) and moves on; hostile titles shown as inert text; the
mapping table edited, removed, exported and imported; the orders page opens it."""

from __future__ import annotations

from pathlib import Path

import pytest
from ecerp_desktop.domain.auth import Actor, Role, actor_for
from ecerp_desktop.services import mapping
from ecerp_desktop.store import Store
from ecerp_desktop.ui import i18n
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.mapping_page import CODE_ROLE, MappingPage
from ecerp_desktop.ui.ops import wait_all
from ecerp_desktop.ui.orders_page import OrdersPage
from ecerp_desktop.ui.scanner_filter import ScannerFilter
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from pipeline.conftest import build_world

from .conftest import World, line, run

WAIT = 15_000
CLERK = actor_for(None, "clerk1", Role.CLERK)
PACKER = actor_for(None, "packer1", Role.PACKER)  # may look at orders, may not map


@pytest.fixture(autouse=True)
def chinese(qapp: QApplication) -> object:
    before = i18n.current_language()
    assert i18n.install("zh_CN"), "the zh_CN translation must compile and load"
    yield
    wait_all()
    i18n.install(before)


@pytest.fixture
def uworld(sqlite_store: Store) -> World:
    return build_world(sqlite_store)


def _open(qtbot: QtBot, store: Store, actor: Actor = CLERK,
          scanner: ScannerFilter | None = None) -> MappingPage:
    page = MappingPage(PageContext(store=store, actor=actor), scanner_filter=scanner)
    qtbot.addWidget(page)
    with qtbot.waitSignals([page.loaded, page.suggested], timeout=WAIT):
        page.show()
    return page


def test_type_a_code_press_enter_and_the_orders_are_approved(qtbot: QtBot,
                                                            uworld: World) -> None:
    tea = [uworld.order([line("num-77", "sku-5", "TEA1", "龙井茶 250g 新包装")])
           for _ in range(2)]
    glass = uworld.order([line("num-88", "", "", "透明 玻璃杯")])
    run(uworld)
    page = _open(qtbot, uworld.store)
    assert page.table.rowCount() == 2
    assert page.table.item(0, 1).text() == "num-77" and page.table.item(0, 5).text() == "2"
    assert page.tabs.tabText(0) == "待对应 (2)"
    assert page.suggestion_buttons[0].isVisible()
    assert "TEA-1" in page.suggestion_buttons[0].text()
    assert page.current_line() is not None and page.current_line().platform_item_id == "num-77"
    page.sku_field.setFocus()
    qtbot.keyClicks(page.sku_field, "tea-1")
    with qtbot.waitSignal(page.mapped, timeout=WAIT) as sig, \
            qtbot.waitSignal(page.loaded, timeout=WAIT):
        qtbot.keyClick(page.sku_field, Qt.Key.Key_Return)
    res = sig.args[0]
    assert (res.rerun, res.approved, res.still_held) == (2, 2, 0)
    assert page.status_line.text() == "已重新处理 2 个订单：2 个已审核，0 个仍挂起"
    assert [uworld.status(o) for o in tea] == ["approved", "approved"]
    assert uworld.status(glass) == "held"
    # the cursor moved on to the next line, the field is empty for it
    assert page.table.rowCount() == 1 and page.current_line().platform_item_id == "num-88"
    assert page.sku_field.text() == ""
    # a suggestion is one click (Alt+1) away
    assert "CUP-1" in page.suggestion_buttons[0].text()
    with qtbot.waitSignal(page.mapped, timeout=WAIT), \
            qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.suggestion_buttons[0].click()
    assert uworld.status(glass) == "approved" and page.table.rowCount() == 0


def test_an_unknown_code_is_refused_in_words(qtbot: QtBot, uworld: World) -> None:
    o = uworld.order([line("num-77", "sku-5", "", "龙井茶")])
    run(uworld)
    page = _open(qtbot, uworld.store)
    with qtbot.waitSignal(page.failed, timeout=WAIT) as sig:
        page.map_current("NOPE-1")
    assert "NOPE-1" in sig.args[0] and page.status_line.text() == sig.args[0]
    assert uworld.status(o) == "held" and page.table.rowCount() == 1


def test_hostile_titles_and_codes_are_shown_as_inert_text(qtbot: QtBot,
                                                           uworld: World) -> None:
    title = "=cmd|' /C calc'!A0 <b>粗</b>\x01\x1b[31m\x07" + "长" * 200
    uworld.order([line("=1+1", "-2", "+SUM(A1)\x0b", title)])
    run(uworld)
    page = _open(qtbot, uworld.store)
    shown = page.table.item(0, 4).text()
    assert shown.startswith("=cmd|' /C calc'!A0 <b>粗</b>")
    assert not any(c in shown for c in "\x01\x1b\x07")
    assert "\x0b" not in page.table.item(0, 3).text()
    assert "<b>" in page.current_label.text()  # plain text, never markup
    with qtbot.waitSignal(page.mapped, timeout=WAIT):
        page.map_current("TEA-1")
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.listing_table.rowCount() == 1, timeout=WAIT)
    assert page.listing_table.item(0, 1).text() == "=1+1"
    assert not any(c in page.listing_table.item(0, 4).text() for c in "\x01\x1b\x07")


def test_mapping_table_edit_remove_export_import(qtbot: QtBot, uworld: World,
                                                tmp_path: Path) -> None:
    mapping.map_many(uworld.store, actor_for(None, "seed", Role.ADMIN), [
        mapping.Mapping(uworld.shop, "it-1", "", "TEA-1", "M1", "茶"),
        mapping.Mapping(uworld.shop, "it-2", "a", "CUP-1", "M2", "杯")])
    page = _open(qtbot, uworld.store)
    with qtbot.waitSignal(page.table_loaded, timeout=WAIT):
        page.tabs.setCurrentIndex(1)
    assert page.listing_table.rowCount() == 2
    assert page.listing_table.item(0, 5).text() == "TEA-1"
    page.listing_table.setCurrentCell(0, 0)
    with qtbot.waitSignal(page.table_loaded, timeout=WAIT):
        page.edit_selected("POT-1")
    assert page.listing_table.item(0, 5).text() == "POT-1"
    page.listing_table.setCurrentCell(1, 0)
    with qtbot.waitSignal(page.table_loaded, timeout=WAIT):
        page.remove_selected()
    assert page.listing_table.item(1, 5).text() == "（未对应）"
    with qtbot.waitSignal(page.table_loaded, timeout=WAIT):
        page.mapped_filter.setCurrentIndex(page.mapped_filter.findData(True))
        page.reload_table()
    assert page.listing_table.rowCount() == 1
    out = tmp_path / "m.csv"
    with qtbot.waitSignal(page.file_done, timeout=WAIT):
        page.export_file(str(out))
    assert out.read_text(encoding="utf-8-sig").count("\n") == 2
    out.write_text("店铺,商品ID,平台SKU ID,系统编码\n天猫旗舰店,it-2,a,TEA-1\n", encoding="utf-8")
    with qtbot.waitSignal(page.file_done, timeout=WAIT) as sig:
        page.import_file(str(out))
    assert sig.args[0].report.changed == 1
    assert {r.platform_item_id: r.sku_code for r in mapping.listings(
        uworld.store, actor_for(None, "x", Role.ADMIN))} == {"it-1": "POT-1", "it-2": "TEA-1"}


def test_a_role_that_may_not_review_looks_but_does_not_map(qtbot: QtBot,
                                                          uworld: World) -> None:
    uworld.order([line("num-77", "sku-5", "", "龙井茶")])
    run(uworld)
    page = _open(qtbot, uworld.store, PACKER)
    assert page.table.rowCount() == 1
    assert not page.sku_field.isEnabled() and not page.map_button.isEnabled()
    assert not page.table_actions["remove"].isEnabled()
    assert page.table_actions["export"].isEnabled()


def test_the_orders_page_opens_the_mapping_screen(qtbot: QtBot, uworld: World) -> None:
    orders = OrdersPage(PageContext(store=uworld.store, actor=CLERK))
    qtbot.addWidget(orders)
    button = orders.findChild(QPushButton, "button_mapping")
    assert button is not None and button.text() == "商品对应关系…"
    button.click()
    pages = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, MappingPage) and w.isVisible() and w.ctx.store is uworld.store]
    assert len(pages) == 1 and pages[0].isWindow()
    qtbot.waitSignal(pages[0].loaded, timeout=WAIT, raising=False).wait()
    pages[0].close()


def test_a_scanned_barcode_maps_the_current_line(qtbot: QtBot, uworld: World) -> None:
    o = uworld.order([line("num-77", "sku-5", "", "龙井茶")])
    run(uworld)
    scanner = ScannerFilter()
    page = _open(qtbot, uworld.store, scanner=scanner)
    page.tabs.setCurrentIndex(1)
    scanner.scanned.emit("6901234567892")  # the table tab is shown: not for this line
    qtbot.wait(200)
    assert uworld.status(o) == "held"
    page.tabs.setCurrentIndex(0)
    with qtbot.waitSignal(page.mapped, timeout=WAIT) as sig:
        scanner.scanned.emit("6901234567892")  # TEA-1's barcode
    assert sig.args[0].approved == 1 and uworld.status(o) == "approved"
    assert mapping.listings(uworld.store, CLERK)[0].sku_code == "TEA-1"


def test_the_sku_field_completes_over_code_barcode_and_name(qtbot: QtBot,
                                                           uworld: World) -> None:
    uworld.order([line("num-77", "sku-5", "", "龙井茶")])
    run(uworld)
    page = _open(qtbot, uworld.store)
    model = page.sku_field.completer_.model()
    for typed, code in (("po", "POT-1"), ("茶壶", "POT-1"), ("6901", "TEA-1")):
        page.sku_field.clear()
        if typed.isascii():
            qtbot.keyClicks(page.sku_field, typed)
        else:  # what an input method's commit does (QTest types ASCII only)
            page.sku_field.setText(typed)
            page.sku_field.textEdited.emit(typed)
        qtbot.waitUntil(lambda code=code: model.rowCount() > 0 and model.index(0, 0).data(
            CODE_ROLE) == code, timeout=WAIT)
        assert code in model.index(0, 0).data(Qt.ItemDataRole.DisplayRole)


def test_the_orders_page_filters_the_orders_held_unmapped(qtbot: QtBot,
                                                          uworld: World) -> None:
    held = uworld.order([line("num-77", "sku-5", "", "龙井茶")])
    uworld.order([("TEA-1", 1)])
    run(uworld)
    orders = OrdersPage(PageContext(store=uworld.store, actor=CLERK))
    qtbot.addWidget(orders)
    with qtbot.waitSignal(orders.counts_loaded, timeout=WAIT):
        orders.show()
    with qtbot.waitSignal(orders.counts_loaded, timeout=WAIT):
        orders.actions["unmapped"].trigger()
    flt = orders.current_filter()
    assert flt.statuses == ("held",) and flt.held_reason == "unmapped_sku"
    assert orders.actions["unmapped"].shortcut().toString() == "Ctrl+Shift+U"
    qtbot.waitUntil(lambda: orders.model.rowCount() == 1, timeout=WAIT)
    assert held


def test_a_line_without_item_id_says_how_to_map_it(qtbot: QtBot, uworld: World) -> None:
    o = uworld.order([line("", "", "NOPE-7", "无ID商品")])
    run(uworld)
    page = _open(qtbot, uworld.store)
    assert page.current_line() is not None and page.current_line().merchant_code == "NOPE-7"
    assert "没有平台商品ID" in page.current_label.text()
    with qtbot.waitSignal(page.failed, timeout=WAIT):
        page.map_current("TEA-1")
    assert uworld.status(o) == "held"
