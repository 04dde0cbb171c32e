"""The SKUs tab (商品): the SKU list (paged, text filter) and barcode labels for the selected
SKUs — copies per SKU, EAN-13 or Code 128 — queued and sent through the print queue
(``services.stock_view.print_sku_labels``) on the ``print`` lane, with a preview of the
label template that will print."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.auth import Permission
from ecerp_desktop.domain.errors import ErrorCode
from ecerp_desktop.services import stock_view
from ecerp_desktop.services.stock_view import SYMBOLOGY_SIZES, SkuListRow
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.cancellable import CancellableJob
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import lane, run_op
from ecerp_desktop.ui.print_preview_panel import TemplatePreviewPanel
from ecerp_desktop.ui.printer_choice import PrinterPicker
from ecerp_desktop.ui.scanner_filter import mark_scan_field
from ecerp_desktop.ui.stock_models import (
    Column,
    KeysetTableModel,
    find_shortcut,
    search_timer,
)

C = Column
COLUMNS = (
    C("code", QT_TRANSLATE_NOOP("StockColumns", "SKU code")),
    C("name", QT_TRANSLATE_NOOP("StockColumns", "Name")),
    C("barcodes", QT_TRANSLATE_NOOP("StockColumns", "Barcodes")),
    C("cost", QT_TRANSLATE_NOOP("StockColumns", "Cost"), None, True),
    C("active", QT_TRANSLATE_NOOP("StockColumns", "Active")),
)


class SkuLabelsTab(QWidget):
    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_result: Any = None

        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText(self.tr("SKU code, barcode or name"))
        self.text_edit.setClearButtonEnabled(True)
        mark_scan_field(self.text_edit)
        find_shortcut(self, self.text_edit)
        # every loaded page kept: a selection may span pages the view has scrolled past
        self.model = KeysetTableModel(COLUMNS, parent=self, max_cached_pages=None)
        self.model.load_failed.connect(lambda e: self.status.setText(describe(e)))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setColumnWidth(1, 260)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.text_edit)
        lv.addWidget(self.table, 1)

        right = QWidget()
        form = QFormLayout()
        self.copies_spin = QSpinBox()
        self.copies_spin.setRange(1, 999)
        form.addRow(self.tr("Copies per SKU"), self.copies_spin)
        self.symbology_box = QComboBox()
        self.symbology_box.addItem(self.tr("Code 128 (SKU code)"), "code128")
        self.symbology_box.addItem(self.tr("EAN-13 (product barcode)"), "ean13")
        self.symbology_box.currentIndexChanged.connect(self._show_template)
        form.addRow(self.tr("Barcode"), self.symbology_box)
        self.printer = PrinterPicker(ctx.store, self)
        self.printer.failed.connect(lambda e: self.status.setText(describe(e)))
        self.printer.add_rows(form)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(self.tr("Print labels"))
        self.print_button.clicked.connect(self.print_selected)
        self.print_button.setEnabled(ctx.actor.can(Permission.PRINT))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.cancel_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.job = CancellableJob(self.progress, self.cancel_button, (self.print_button,), self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.preview = TemplatePreviewPanel()
        self.preview.template_box.setEnabled(False)  # follows the barcode choice
        rv = QVBoxLayout(right)
        rv.addLayout(form)
        rv.addLayout(buttons)
        rv.addWidget(self.progress)
        rv.addWidget(self.status)
        rv.addWidget(self.preview, 1)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        self._debounce = search_timer(self, self.text_edit, self.apply_filter)
        self.preview.template_box.model().rowsInserted.connect(self._show_template)
        self.printer.reload()
        self.apply_filter()

    # --- the list ---------------------------------------------------------------------------

    def apply_filter(self) -> None:
        self._debounce.stop()
        text, store, actor = self.text_edit.text().strip()[:64], self.ctx.store, self.ctx.actor
        self.model.reset(lambda after, limit: stock_view.sku_page(store, actor, text, after,
                                                                  limit))

    def on_scan(self, code: str) -> None:
        """A scanned barcode: list that SKU (ready to select and print)."""
        self.text_edit.setText(code)
        self.apply_filter()

    def selected_codes(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        out = []
        for r in rows:
            row: SkuListRow | None = self.model.row_at(r)
            if row is not None:
                out.append(row.code)
        return out

    def _show_template(self, *_args: object) -> None:
        name = f"sku-{SYMBOLOGY_SIZES[self.symbology_box.currentData()]}"
        index = self.preview.template_box.findData(name)
        if index >= 0:
            self.preview.template_box.setCurrentIndex(index)

    def choose_address(self, profile_id: str, target: str) -> None:
        self.printer.choose_address(profile_id, target)

    # --- printing ---------------------------------------------------------------------------

    def print_selected(self) -> None:
        """Queue and send labels of the selected SKUs on the chosen printer."""
        if self.job.running:
            return
        codes = self.selected_codes()
        if not codes:
            self.status.setText(self.tr("Select at least one SKU first."))
            return
        problem = self.printer.problem()
        if problem is not None:
            self.status.setText(problem)
            return
        resolve = self.printer.resolver()
        copies, symbology = self.copies_spin.value(), self.symbology_box.currentData()
        store, actor, relay = self.ctx.store, self.ctx.actor, self.job.relay
        cancel = self.job.begin()

        def work() -> Any:  # worker thread: no widgets
            return stock_view.print_sku_labels(store, actor, resolve(), codes, copies=copies,
                                               symbology=symbology, progress=relay.report,
                                               cancelled=cancel.is_set)

        self.status.setText(self.tr("Printing…"))
        run_op(work, owner=self, pool=lane("print"), on_success=self._done,
               on_failure=self._failed, changes={"print_jobs"})

    def cancel(self) -> None:
        self.job.cancel()

    def _stopped(self) -> None:
        self.job.stopped()
        self.progress.setRange(0, 1)

    def _done(self, result: Any) -> None:
        self._stopped()
        self.last_result = result
        r = result.run
        self.progress.setValue(1 if r.ok else 0)
        text = self.tr("Sent {sent} of {total}; queued {queued}, failed {failed}.").format(
            sent=len(r.sent), total=len(result.job_ids), queued=len(r.queued),
            failed=len(r.failed))
        off = [e for e in r.errors if e.code is ErrorCode.PRINTER_UNREACHABLE]
        if r.queued and off:
            text += "\n" + describe(off[0])
        self.status.setText(text)

    def _failed(self, error: BaseException) -> None:
        self._stopped()
        self.last_result = error
        self.progress.setValue(0)
        self.status.setText(describe(error))
