"""The stock page as a tab host: tabs are built when first shown, a role sees only the tabs
it may use, and a tab whose module is missing shows its error instead of breaking the page."""

from __future__ import annotations

from ecerp_desktop.domain.auth import Role, actor_for
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.main_window import PageErrorPage
from ecerp_desktop.ui.stock_page import TABS, StockPage

from .conftest import Seeded

OTHERS = ("ecerp_desktop.ui.stocktake_tab:StocktakeTab",
          "ecerp_desktop.ui.transfers_tab:TransfersTab",
          "ecerp_desktop.ui.returns_tab:ReturnsTab", "ecerp_desktop.ui.adjust_tab:AdjustTab")


def test_tabs_are_built_on_first_show_only(qtbot, stock_page) -> None:  # type: ignore[no-untyped-def]
    assert stock_page.titles()[:4] == ["库存", "出入库流水", "周转", "商品"]
    assert set(OTHERS) <= set(stock_page.factories())
    assert stock_page.built(0) is None  # nothing before the page is shown
    stock_page.show()
    qtbot.waitUntil(lambda: stock_page.built(0) is not None)
    assert all(stock_page.built(i) is None for i in range(1, len(TABS)))
    stock_page.tabs.setCurrentIndex(1)
    assert type(stock_page.built(1)).__name__ == "LedgerTab"
    assert stock_page.built(2) is None


def test_a_tab_whose_module_fails_shows_the_error(qtbot, stock_page, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ecerp_desktop.ui.stock_page as sp

    broken = ("Broken", "ecerp_desktop.ui.no_such_tab:NoSuchTab", TABS[0][2])
    monkeypatch.setattr(sp, "TABS", (*TABS[:4], broken))
    page = StockPage(stock_page.ctx)
    qtbot.addWidget(page)
    page.show()
    widget = page.open_tab("ecerp_desktop.ui.no_such_tab:NoSuchTab")
    assert isinstance(widget, PageErrorPage)
    assert "no_such_tab" in page.tab_errors["ecerp_desktop.ui.no_such_tab:NoSuchTab"]
    page.tabs.setCurrentIndex(0)  # the others still work
    assert type(page.built(0)).__name__ == "BalancesTab"


def test_a_read_only_role_sees_no_stock_changing_tabs(qtbot, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    finance = actor_for(None, "fin", Role.FINANCE)  # stock.view, not stock.edit
    page = StockPage(PageContext(seeded.store, finance))
    qtbot.addWidget(page)
    assert not set(OTHERS) & set(page.factories())
    assert len(page.factories()) == 4


def test_a_scan_looks_the_code_up_in_the_open_tab(qtbot, seeded: Seeded, owner) -> None:  # type: ignore[no-untyped-def]
    from ecerp_desktop.ui.scanner_filter import ScannerFilter

    from .conftest import EAN, code

    scanner = ScannerFilter()
    page = StockPage(PageContext(seeded.store, owner), scanner_filter=scanner)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.current_tab() is not None)
    tab = page.current_tab()
    scanner.scanned.emit(EAN)  # the product's barcode
    qtbot.waitUntil(lambda: not tab.model.loading and tab.totals is not None
                    and tab.text_edit.text() == EAN)
    assert {tab.model.row_at(i).code for i in range(tab.model.rowCount())} == {code(1)}
    ledger = page.open_tab("ecerp_desktop.ui.stock_ledger_tab:LedgerTab")
    scanner.scanned.emit(EAN)
    qtbot.waitUntil(lambda: not ledger.model.loading and ledger.sku_edit.text() == EAN)
    assert {ledger.model.row_at(i).code for i in range(ledger.model.rowCount())} == {code(1)}
    page.hide()  # another area on screen: its scans are not ours
    scanner.scanned.emit(code(9))
    assert ledger.sku_edit.text() == EAN


def test_ctrl_f_goes_to_the_search_field(qtbot, stock_page) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    with qtbot.waitActive(stock_page):
        stock_page.show()
        stock_page.activateWindow()
    qtbot.waitUntil(lambda: stock_page.current_tab() is not None)
    tab = stock_page.current_tab()
    tab.table.setFocus()
    assert not tab.text_edit.hasFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tab.text_edit.hasFocus())
