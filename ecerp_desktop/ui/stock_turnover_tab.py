"""The turnover tab (库存周转): per SKU and warehouse over a period — opening, closing, sold,
turnover rate, turnover days and days of cover — slow movers first; computed in the
background from the ledger (``services.stock_view.turnover_rows``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.services import stock_export, stock_view
from ecerp_desktop.services.stock_view import TurnoverRow
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import run_op
from ecerp_desktop.ui.scanner_filter import mark_scan_field
from ecerp_desktop.ui.stock_ledger_tab import day_start
from ecerp_desktop.ui.stock_models import (
    Column,
    ExportBar,
    ListTableModel,
    WarehouseBox,
    find_shortcut,
)

C = Column
COLUMNS = (
    C("warehouse", QT_TRANSLATE_NOOP("StockColumns", "Warehouse")),
    C("code", QT_TRANSLATE_NOOP("StockColumns", "SKU code")),
    C("name", QT_TRANSLATE_NOOP("StockColumns", "Name")),
    C("opening", QT_TRANSLATE_NOOP("StockColumns", "Opening"), None, True),
    C("closing", QT_TRANSLATE_NOOP("StockColumns", "Closing"), None, True),
    C("sold", QT_TRANSLATE_NOOP("StockColumns", "Sold"), None, True),
    C("turnover", QT_TRANSLATE_NOOP("StockColumns", "Turnover rate"), None, True),
    C("turnover_days", QT_TRANSLATE_NOOP("StockColumns", "Turnover days"), None, True),
    C("cover_days", QT_TRANSLATE_NOOP("StockColumns", "Days of cover"), None, True),
)
PRESETS = (7, 30, 90)


class TurnoverTab(QWidget):
    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._gen = 0
        self.computing = False
        bar = QHBoxLayout()
        today = QDate.currentDate()
        self.from_date = QDateEdit(today.addDays(-29))
        self.to_date = QDateEdit(today)
        for d in (self.from_date, self.to_date):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        bar.addWidget(QLabel(self.tr("From")))
        bar.addWidget(self.from_date)
        bar.addWidget(QLabel(self.tr("to")))
        bar.addWidget(self.to_date)
        self.preset_buttons: dict[int, QPushButton] = {}
        for days in PRESETS:
            b = QPushButton(self.tr("{n} days").format(n=days))
            b.clicked.connect(lambda _=False, d=days: self.preset(d))
            self.preset_buttons[days] = b
            bar.addWidget(b)
        self.warehouse_box = WarehouseBox(ctx)
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText(self.tr("SKU code, barcode or name"))
        self.text_edit.returnPressed.connect(self.compute)
        mark_scan_field(self.text_edit)
        find_shortcut(self, self.text_edit)
        self.compute_button = QPushButton(self.tr("Compute"))
        self.compute_button.clicked.connect(self.compute)
        bar.addWidget(self.warehouse_box)
        bar.addWidget(self.text_edit, 1)
        bar.addWidget(self.compute_button)

        self.model = ListTableModel(COLUMNS, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setColumnWidth(2, 240)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(False)  # the rows come slow movers first
        header.sectionClicked.connect(lambda _i: header.setSortIndicatorShown(True))
        self.status = QLabel(self.tr("Slow movers first: stock that did not sell at the top."))
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.export_bar = ExportBar(self._export, self.model.header_titles, "stock-turnover")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.export_bar)
        self.warehouse_box.failed.connect(lambda e: self.status.setText(describe(e)))
        self.compute()

    def on_scan(self, code: str) -> None:
        self.text_edit.setText(code)
        self.compute()

    def preset(self, days: int) -> None:
        """The last *days* days up to today, then compute."""
        today = QDate.currentDate()
        self.to_date.setDate(today)
        self.from_date.setDate(today.addDays(1 - days))
        self.compute()

    def compute(self) -> None:
        since = day_start(self.from_date.date())
        until = day_start(self.to_date.date()) + timedelta(days=1)
        wid, text = self.warehouse_box.currentData(), self.text_edit.text().strip()[:64]
        store, actor = self.ctx.store, self.ctx.actor
        self._gen += 1
        gen = self._gen
        self.computing = True
        self.status.setText(self.tr("Computing…"))
        run_op(lambda: stock_view.turnover_rows(store, actor, since, until, warehouse_id=wid,
                                                text=text),
               owner=self, on_success=lambda rows: self._show(gen, rows),
               on_failure=lambda e: self._failed(gen, e))

    def _show(self, gen: int, rows: list[TurnoverRow]) -> None:
        if gen != self._gen:
            return
        self.computing = False
        self.table.horizontalHeader().setSortIndicatorShown(False)
        self.model.set_rows(rows)
        self.status.setText(self.tr("{n} rows, slow movers first.").format(n=f"{len(rows):,}"))

    def _failed(self, gen: int, error: BaseException) -> None:
        if gen == self._gen:
            self.computing = False
            self.status.setText(describe(error))

    def _export(self) -> Any:  # GUI thread: the rows on screen, in their order
        rows, store, actor = self.model.rows(), self.ctx.store, self.ctx.actor

        def job(path: str, headers: list[str], progress: Any, cancel: Any) -> Any:
            return stock_export.export_turnover(store, actor, rows, path, headers=headers,
                                                progress=progress, cancel=cancel)
        return job
