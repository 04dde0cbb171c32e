"""The ledger tab (出入库流水): stock moves of a SKU, warehouse, period, kind or document,
newest first, read page by page; each row names its document and user. Double-clicking a
row copies its document id (e.g. an order number to paste into the order review)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import DEFAULT_ZONE
from ecerp_desktop.services import stock_export, stock_view
from ecerp_desktop.services.stock_view import LedgerFilter, LedgerRow
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import change_bus
from ecerp_desktop.ui.scanner_filter import mark_scan_field
from ecerp_desktop.ui.stock_models import (
    Column,
    ExportBar,
    KeysetTableModel,
    WarehouseBox,
    find_shortcut,
)

KIND_TITLES: dict[str, str] = {
    MoveKind.RECEIPT: QT_TRANSLATE_NOOP("MoveKind", "Receipt"),
    MoveKind.SHIPMENT: QT_TRANSLATE_NOOP("MoveKind", "Shipment"),
    MoveKind.ADJUSTMENT: QT_TRANSLATE_NOOP("MoveKind", "Adjustment"),
    MoveKind.TRANSFER_OUT: QT_TRANSLATE_NOOP("MoveKind", "Transfer out"),
    MoveKind.TRANSFER_IN: QT_TRANSLATE_NOOP("MoveKind", "Transfer in"),
    MoveKind.RESERVE: QT_TRANSLATE_NOOP("MoveKind", "Reserve"),
    MoveKind.RELEASE: QT_TRANSLATE_NOOP("MoveKind", "Release"),
    MoveKind.RETURN: QT_TRANSLATE_NOOP("MoveKind", "Return"),
    MoveKind.IN_TRANSIT: QT_TRANSLATE_NOOP("MoveKind", "In transit"),
    MoveKind.COUNT: QT_TRANSLATE_NOOP("MoveKind", "Stocktake"),
    MoveKind.OPENING: QT_TRANSLATE_NOOP("MoveKind", "Opening"),
}

C = Column
COLUMNS = (
    C("id", QT_TRANSLATE_NOOP("StockColumns", "Move"), None, True),
    C("at", QT_TRANSLATE_NOOP("StockColumns", "Time")),
    C("warehouse", QT_TRANSLATE_NOOP("StockColumns", "Warehouse")),
    C("code", QT_TRANSLATE_NOOP("StockColumns", "SKU code")),
    C("name", QT_TRANSLATE_NOOP("StockColumns", "Name")),
    C("kind", QT_TRANSLATE_NOOP("StockColumns", "Kind")),
    C("d_on_hand", QT_TRANSLATE_NOOP("StockColumns", "On hand ±"), None, True),
    C("d_reserved", QT_TRANSLATE_NOOP("StockColumns", "Reserved ±"), None, True),
    C("d_in_transit", QT_TRANSLATE_NOOP("StockColumns", "In transit ±"), None, True),
    C("doc_type", QT_TRANSLATE_NOOP("StockColumns", "Document type")),
    C("doc_id", QT_TRANSLATE_NOOP("StockColumns", "Document")),
    C("user", QT_TRANSLATE_NOOP("StockColumns", "User")),
    C("note", QT_TRANSLATE_NOOP("StockColumns", "Note")),
)


def kind_title(kind: str) -> str:
    src = KIND_TITLES.get(kind)
    return QCoreApplication.translate("MoveKind", src) if src else kind


def _get(row: LedgerRow, key: str) -> Any:
    return kind_title(row.kind) if key == "kind" else getattr(row, key)


def day_start(d: QDate) -> datetime:
    """Midnight (the user's zone) at the start of *d*, as aware UTC."""
    return datetime(d.year(), d.month(), d.day(), tzinfo=ZoneInfo(DEFAULT_ZONE)).astimezone(UTC)


class LedgerTab(QWidget):
    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        bar = QHBoxLayout()
        self.sku_edit = QLineEdit()
        self.sku_edit.setPlaceholderText(self.tr("SKU code or barcode"))
        mark_scan_field(self.sku_edit)
        find_shortcut(self, self.sku_edit)
        self.warehouse_box = WarehouseBox(ctx)
        self.kind_box = QComboBox()
        self.kind_box.addItem(self.tr("All kinds"), "")
        for kind in MoveKind:
            self.kind_box.addItem(kind_title(kind.value), kind.value)
        self.period_check = QCheckBox(self.tr("From"))
        today = QDate.currentDate()
        self.from_date = QDateEdit(today.addDays(-30))
        self.to_date = QDateEdit(today)
        for d in (self.from_date, self.to_date):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.doc_type_edit = QLineEdit()
        self.doc_type_edit.setPlaceholderText(self.tr("Document type"))
        self.doc_id_edit = QLineEdit()
        self.doc_id_edit.setPlaceholderText(self.tr("Document"))
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.clicked.connect(self.apply_filter)
        for w in (self.sku_edit, self.warehouse_box, self.kind_box, self.period_check,
                  self.from_date, QLabel(self.tr("to")), self.to_date, self.doc_type_edit,
                  self.doc_id_edit, self.search_button):
            bar.addWidget(w)
        for edit in (self.sku_edit, self.doc_type_edit, self.doc_id_edit):
            edit.returnPressed.connect(self.apply_filter)

        self.model = KeysetTableModel(COLUMNS, _get, self)
        self.model.load_failed.connect(lambda e: self.status.setText(describe(e)))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.doubleClicked.connect(self.copy_document)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.export_bar = ExportBar(self._export, self.model.header_titles, "stock-ledger")

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.export_bar)
        change_bus().changed.connect(self._changed)  # a method: gone with the tab
        self.warehouse_box.failed.connect(lambda e: self.status.setText(describe(e)))
        self.apply_filter()

    def _changed(self, names: frozenset[str]) -> None:
        if "stock" in names:
            self.apply_filter()

    def current_filter(self) -> LedgerFilter:
        since = until = None
        if self.period_check.isChecked():
            since = day_start(self.from_date.date())
            until = day_start(self.to_date.date()) + timedelta(days=1)
        return LedgerFilter(sku=self.sku_edit.text().strip()[:64],
                            warehouse_id=self.warehouse_box.currentData(),
                            since=since, until=until, kind=self.kind_box.currentData() or "",
                            doc_type=self.doc_type_edit.text().strip()[:32],
                            doc_id=self.doc_id_edit.text().strip()[:64])

    def on_scan(self, code: str) -> None:
        """A scanned barcode or SKU code: that SKU's moves."""
        self.sku_edit.setText(code)
        self.apply_filter()

    def apply_filter(self) -> None:
        flt, store, actor = self.current_filter(), self.ctx.store, self.ctx.actor
        self.status.clear()
        self.model.reset(lambda before, limit: stock_view.ledger_page(
            store, actor, flt, before, limit))

    def copy_document(self, index: QModelIndex) -> None:
        """Put the row's document id on the clipboard."""
        row: LedgerRow | None = self.model.row_at(index.row())
        if row is None:
            return
        QGuiApplication.clipboard().setText(row.doc_id)
        self.status.setText(self.tr("Copied {doc_type} {doc_id}").format(
            doc_type=row.doc_type, doc_id=row.doc_id))

    def _export(self) -> Any:  # GUI thread: the job gets the filter on screen now
        flt, store, actor = self.current_filter(), self.ctx.store, self.ctx.actor

        def job(path: str, headers: list[str], progress: Any, cancel: Any) -> Any:
            return stock_export.export_ledger(store, actor, flt, path, headers=headers,
                                              progress=progress, cancel=cancel)
        return job
