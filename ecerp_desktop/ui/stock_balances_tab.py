"""The balances tab (库存): on hand, reserved, available, in transit, days of cover and
value per SKU and warehouse, filtered and sorted in SQL, read page by page as the user
scrolls; the totals of the whole filter result come from a second background op."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.services import stock_export, stock_view
from ecerp_desktop.services.stock_view import BalanceFilter, BalanceRow, BalanceSort
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import change_bus, run_op
from ecerp_desktop.ui.scanner_filter import mark_scan_field
from ecerp_desktop.ui.stock_models import (
    Column,
    ExportBar,
    KeysetTableModel,
    WarehouseBox,
    find_shortcut,
    search_timer,
)

C = Column
COLUMNS = (
    C("code", QT_TRANSLATE_NOOP("StockColumns", "SKU code"), "code"),
    C("name", QT_TRANSLATE_NOOP("StockColumns", "Name"), "name"),
    C("warehouse", QT_TRANSLATE_NOOP("StockColumns", "Warehouse"), "warehouse"),
    C("on_hand", QT_TRANSLATE_NOOP("StockColumns", "On hand"), "on_hand", True),
    C("reserved", QT_TRANSLATE_NOOP("StockColumns", "Reserved"), "reserved", True),
    C("available", QT_TRANSLATE_NOOP("StockColumns", "Available"), "available", True),
    C("in_transit", QT_TRANSLATE_NOOP("StockColumns", "In transit"), "in_transit", True),
    C("cover", QT_TRANSLATE_NOOP("StockColumns", "Days of cover (30 days)"), None, True),
    C("cost", QT_TRANSLATE_NOOP("StockColumns", "Cost"), None, True),
    C("value", QT_TRANSLATE_NOOP("StockColumns", "Value"), "value", True),
)


def _get(row: BalanceRow, key: str) -> Any:
    return stock_view.cover_days(row) if key == "cover" else getattr(row, key)


class BalancesTab(QWidget):
    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sort = BalanceSort()
        self.totals: stock_view.BalanceTotals | None = None
        self._totals_gen = 0

        bar = QHBoxLayout()
        self.warehouse_box = WarehouseBox(ctx)
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText(self.tr("SKU code, barcode or name"))
        self.text_edit.setClearButtonEnabled(True)
        mark_scan_field(self.text_edit)
        find_shortcut(self, self.text_edit)
        self.available_check = QCheckBox(self.tr("Available ≤"))
        self.available_spin = QSpinBox()
        self.available_spin.setRange(-1_000_000, 1_000_000)
        self.available_spin.setValue(10)
        self.minimum_check = QCheckBox(self.tr("Below alert minimum"))
        self.reserved_check = QCheckBox(self.tr("Only with reserved"))
        self.transit_check = QCheckBox(self.tr("Only in transit"))
        for w in (self.warehouse_box, self.text_edit, self.available_check,
                  self.available_spin, self.minimum_check, self.reserved_check,
                  self.transit_check):
            bar.addWidget(w)
        bar.setStretch(1, 1)

        self.model = KeysetTableModel(COLUMNS, _get, self)
        self.model.page_loaded.connect(lambda _n: self._show_counts())
        self.model.load_failed.connect(lambda e: self.status.setText(describe(e)))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.model.sort_requested.connect(self._sort)  # (after the view's first sort call)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setColumnWidth(1, 260)

        self.totals_label = QLabel()
        self.totals_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.export_bar = ExportBar(self._export, self.model.header_titles, "stock")

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        foot = QHBoxLayout()
        foot.addWidget(self.totals_label, 1)
        foot.addWidget(self.status)
        layout.addLayout(foot)
        layout.addWidget(self.export_bar)

        self._debounce = search_timer(self, self.text_edit, self.apply_filter)
        for box in (self.available_check, self.minimum_check, self.reserved_check,
                    self.transit_check):
            box.toggled.connect(self.apply_filter)
        self.available_spin.valueChanged.connect(
            lambda _v: self.available_check.isChecked() and self._debounce.start())
        self.warehouse_box.currentIndexChanged.connect(self.apply_filter)
        change_bus().changed.connect(self._changed)
        self.warehouse_box.failed.connect(lambda e: self.status.setText(describe(e)))
        self.apply_filter()

    def _changed(self, names: frozenset[str]) -> None:
        if "stock" in names:
            self.apply_filter()

    def current_filter(self) -> BalanceFilter:
        return BalanceFilter(
            warehouse_id=self.warehouse_box.currentData(),
            text=self.text_edit.text().strip()[:64],
            available_max=self.available_spin.value() if self.available_check.isChecked()
            else None,
            below_minimum=self.minimum_check.isChecked(),
            with_reserved=self.reserved_check.isChecked(),
            in_transit=self.transit_check.isChecked())

    def on_scan(self, code: str) -> None:
        """A scanned barcode or SKU code: show that SKU's stock."""
        self.text_edit.setText(code)
        self.apply_filter()

    def _sort(self, key: str, descending: bool) -> None:
        new = BalanceSort(key, descending)
        if new != self.sort:  # (enabling sorting on the view asks for the current one)
            self.sort = new
            self.apply_filter()

    def apply_filter(self) -> None:
        """Reload the rows and the totals for the filter and sort on screen."""
        self._debounce.stop()
        flt, sort, store, actor = self.current_filter(), self.sort, self.ctx.store, self.ctx.actor
        self.model.reset(lambda after, limit: stock_view.balance_page(
            store, actor, flt, sort, after, limit))
        self.totals = None
        self._totals_gen += 1
        gen = self._totals_gen
        self.totals_label.setText(self.tr("Counting…"))
        run_op(lambda: stock_view.balance_totals(store, actor, flt), owner=self,
               on_success=lambda t: self._show_totals(gen, t),
               on_failure=lambda e: self.status.setText(describe(e)))

    def _show_totals(self, gen: int, totals: stock_view.BalanceTotals) -> None:
        if gen != self._totals_gen:
            return
        self.totals = totals
        self.totals_label.setText(self.tr("{rows} rows · on hand {units} · value {value}").format(
            rows=f"{totals.rows:,}", units=f"{totals.on_hand:,}", value=f"{totals.value:,.2f}"))
        self._show_counts()

    def _show_counts(self) -> None:
        total = self.totals.rows if self.totals is not None else None
        shown = self.model.rowCount()
        self.status.setText(self.tr("{shown} of {total} shown").format(
            shown=f"{shown:,}", total="…" if total is None else f"{total:,}"))

    def _export(self) -> Any:  # GUI thread: the job gets the filter on screen now
        flt, sort, store, actor = self.current_filter(), self.sort, self.ctx.store, self.ctx.actor

        def job(path: str, headers: list[str], progress: Any, cancel: Any) -> Any:
            return stock_export.export_balances(store, actor, flt, sort, path, headers=headers,
                                                progress=progress, cancel=cancel)
        return job
