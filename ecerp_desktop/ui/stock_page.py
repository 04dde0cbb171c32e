"""The stock page (库存): a tab host for everything warehouse staff and the owner read and do.

Tabs are listed in :data:`TABS` as (title, ``"module:Class"``, permission), like the areas
of ``ui/areas.py``: a tab is imported and built the first time it is shown, each class
taking the page's PageContext. A tab the user's role may not use is not listed; a tab whose
module does not import (or whose construction fails) shows the error in its place, and the
other tabs keep working.

A barcode scanned anywhere while the page is on screen (the application's wedge filter,
``ui/scanner_filter.py``) goes to the open tab's ``on_scan(code)`` when it has one: the
balances, ledger, turnover and SKU tabs look the code up.
"""

from __future__ import annotations

import importlib
import logging
import traceback

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ecerp_desktop.domain.auth import Permission
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.main_window import PageErrorPage
from ecerp_desktop.ui.scanner_filter import ScannerFilter, installed_filter

log = logging.getLogger(__name__)
P = Permission

TABS: tuple[tuple[str, str, Permission], ...] = (
    (QT_TRANSLATE_NOOP("StockPage", "Balances"),
     "ecerp_desktop.ui.stock_balances_tab:BalancesTab", P.STOCK_VIEW),
    (QT_TRANSLATE_NOOP("StockPage", "Ledger"),
     "ecerp_desktop.ui.stock_ledger_tab:LedgerTab", P.STOCK_VIEW),
    (QT_TRANSLATE_NOOP("StockPage", "Turnover"),
     "ecerp_desktop.ui.stock_turnover_tab:TurnoverTab", P.STOCK_VIEW),
    (QT_TRANSLATE_NOOP("StockPage", "SKUs"),
     "ecerp_desktop.ui.sku_labels_tab:SkuLabelsTab", P.STOCK_VIEW),
    (QT_TRANSLATE_NOOP("StockPage", "Stocktake"),
     "ecerp_desktop.ui.stocktake_tab:StocktakeTab", P.STOCK_EDIT),
    (QT_TRANSLATE_NOOP("StockPage", "Transfers"),
     "ecerp_desktop.ui.transfers_tab:TransfersTab", P.STOCK_EDIT),
    (QT_TRANSLATE_NOOP("StockPage", "Returns"),
     "ecerp_desktop.ui.returns_tab:ReturnsTab", P.STOCK_EDIT),
    (QT_TRANSLATE_NOOP("StockPage", "Adjustments"),
     "ecerp_desktop.ui.adjust_tab:AdjustTab", P.STOCK_EDIT),
)


class StockPage(QWidget):
    """Tabs built on first show (see the module docstring)."""

    def __init__(self, ctx: PageContext, parent: QWidget | None = None, *,
                 scanner_filter: ScannerFilter | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tab_errors: dict[str, str] = {}
        self.entries = [t for t in TABS if ctx.actor.can(t[2])]
        self._built: dict[int, QWidget] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(self)
        for title, _factory, _perm in self.entries:
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(holder, QCoreApplication.translate("StockPage", title))
        self.tabs.currentChanged.connect(self._build_visible)
        layout.addWidget(self.tabs)
        scanner = scanner_filter or installed_filter()
        if scanner is not None:
            scanner.scanned.connect(self.on_scan)

    def on_scan(self, code: str) -> None:
        """A scan: to the open tab, if the page is on screen and the tab takes scans."""
        tab = self.current_tab()
        if self.isVisible() and tab is not None and hasattr(tab, "on_scan"):
            tab.on_scan(code)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._build_visible(self.tabs.currentIndex())

    def _build_visible(self, index: int) -> None:
        if self.isVisible() and index >= 0:
            self.tab_widget(index)

    # -- what callers and tests use -------------------------------------------------------
    def titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def factories(self) -> list[str]:
        return [f for _t, f, _p in self.entries]

    def built(self, index: int) -> QWidget | None:
        """The tab's widget if it has been built (nothing is built by asking)."""
        return self._built.get(index)

    def tab_widget(self, index: int) -> QWidget:
        """The tab's widget, building it now if it was not yet."""
        widget = self._built.get(index)
        if widget is not None:
            return widget
        title, factory, _perm = self.entries[index]
        module, _, attr = factory.partition(":")
        try:
            widget = getattr(importlib.import_module(module), attr)(self.ctx)
        except Exception as exc:  # a broken tab must not take the page down
            log.error("stock tab %s failed:\n%s", factory, traceback.format_exc())
            self.tab_errors[factory] = f"{type(exc).__name__}: {exc}"
            widget = PageErrorPage(QCoreApplication.translate("StockPage", title),
                                   self.tab_errors[factory])
        self._built[index] = widget
        holder = self.tabs.widget(index)
        holder.layout().addWidget(widget)
        return widget

    def open_tab(self, factory: str) -> QWidget:
        """Show the tab whose factory is *factory* ("module:Class"); KeyError if absent."""
        index = self.factories().index(factory) if factory in self.factories() else -1
        if index < 0:
            raise KeyError(factory)
        self.tabs.setCurrentIndex(index)
        return self.tab_widget(index)

    def current_tab(self) -> QWidget | None:
        return self._built.get(self.tabs.currentIndex())
