"""The batch-print panel: what (waybills, packing lists, SKU labels), which parcels or
orders, in which order, on which printer; then print with a progress bar and a cancel.

The whole batch (choose, order, queue, send) is one op on the ``print`` lane; progress
crosses to the GUI thread through a ProgressRelay and the cancel button sets an Event the
service polls between chunks, so the unsent rest of the batch ends cancelled.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
)

from ecerp_desktop.domain.errors import ErrorCode
from ecerp_desktop.services import print_batches
from ecerp_desktop.services.print_batches import BatchRequest, BatchResult
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.cancellable import CancellableJob
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import lane, run_op
from ecerp_desktop.ui.printer_choice import PrinterPicker

_SPLIT = re.compile(r"[\s,;，；]+")


class BatchPrintPanel(QGroupBox):
    """Emits ``finished(result)`` after a batch ran (or ``failed(error)``)."""

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, ctx: PageContext) -> None:
        super().__init__()
        self.setTitle(self.tr("Batch print"))
        self.ctx = ctx
        form = QFormLayout()

        self.kind_box = QComboBox()
        self.kind_box.addItem(self.tr("Waybills"), "waybill")
        self.kind_box.addItem(self.tr("Packing lists"), "packing")
        self.kind_box.addItem(self.tr("SKU labels"), "sku")
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        form.addRow(self.tr("Print"), self.kind_box)

        self.unprinted_radio = QRadioButton(self.tr("Approved parcels not printed yet"))
        self.list_radio = QRadioButton(self.tr("These orders (one number a line):"))
        self.unprinted_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.unprinted_radio)
        group.addButton(self.list_radio)
        self.refs_edit = QPlainTextEdit()
        self.refs_edit.setPlaceholderText(self.tr("Our order numbers or the platform's order "
                                                  "ids, pasted from a spreadsheet"))
        self.refs_edit.setMaximumHeight(90)
        self.refs_edit.textChanged.connect(lambda: self.list_radio.setChecked(True))
        which = QVBoxLayout()
        which.addWidget(self.unprinted_radio)
        which.addWidget(self.list_radio)
        which.addWidget(self.refs_edit)
        form.addRow(self.tr("Which"), which)

        self.order_box = QComboBox()
        self.order_box.addItem(self.tr("By courier"), "courier")
        self.order_box.addItem(self.tr("By SKU (for picking)"), "sku")
        self.order_box.addItem(self.tr("By packing station"), "station")
        self.order_box.addItem(self.tr("As listed / oldest first"), "id")
        form.addRow(self.tr("Order"), self.order_box)

        self.printer = PrinterPicker(ctx.store, self, system_queues=True)
        self.printer.add_rows(form)
        self.printer.failed.connect(lambda e: self.status.setText(describe(e)))

        self.copies_spin = QSpinBox()
        self.copies_spin.setRange(1, 999)
        form.addRow(self.tr("Copies"), self.copies_spin)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(self.tr("Print"))
        self.print_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        layout.addWidget(self.progress)
        self.job = CancellableJob(self.progress, self.cancel_button, (self.print_button,), self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # errors may quote user text
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.reload_printers()

    # --- printers -------------------------------------------------------------------------

    def reload_printers(self) -> None:
        self.printer.reload()

    def choose_printer(self, name: str) -> None:
        """Select the named printer (configured ones by name)."""
        self.printer.choose_printer(name)

    def choose_address(self, profile_id: str, target: str) -> None:
        self.printer.choose_address(profile_id, target)

    def preset(self, refs: list[str], kind: str = "waybill") -> None:
        """Fill in the orders (or SKU codes) to print, e.g. from the order review screen."""
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(kind)))
        self.refs_edit.setPlainText("\n".join(refs))
        self.list_radio.setChecked(True)

    def _kind_changed(self) -> None:
        sku = self.kind_box.currentData() == "sku"
        self.unprinted_radio.setEnabled(not sku)
        self.order_box.setEnabled(not sku)
        self.list_radio.setText(self.tr("These SKU codes (one a line):") if sku
                                else self.tr("These orders (one number a line):"))
        if sku:
            self.list_radio.setChecked(True)

    # --- running --------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.job.running

    def start(self) -> None:
        if self.running:
            return
        kind = self.kind_box.currentData()
        refs = tuple(r for r in _SPLIT.split(self.refs_edit.toPlainText()) if r)
        use_list = self.list_radio.isChecked() or kind == "sku"
        if use_list and not refs:
            self.status.setText(self.tr("Paste at least one number first."))
            return
        problem = self.printer.problem()
        if problem is not None:
            self.status.setText(problem)
            return
        resolve = self.printer.resolver()
        by = self.order_box.currentData()
        copies = self.copies_spin.value()
        store, actor = self.ctx.store, self.ctx.actor
        relay = self.job.relay

        def work() -> BatchResult:  # worker thread: no widgets
            printer = resolve()
            if kind == "sku":
                req = BatchRequest(kind="sku", sku_codes=refs, copies=copies)
            elif use_list:
                req = BatchRequest(kind=kind, order_refs=refs, by=by, copies=copies)
            else:
                req = BatchRequest(kind=kind, unprinted=True, by=by, copies=copies)
            return print_batches.print_batch(store, actor, printer, req,
                                             progress=relay.report, cancelled=cancel.is_set)

        cancel = self.job.begin()
        self.status.setText(self.tr("Printing…"))
        run_op(work, owner=self, pool=lane("print"), on_success=self._done,
               on_failure=self._failed, changes={"print_jobs"})

    def cancel(self) -> None:
        if self.job.cancel():
            self.status.setText(self.tr("Cancelling after the labels being sent now…"))

    def _done(self, result: BatchResult) -> None:
        self.job.stopped()
        r = result.run
        total = len(result.job_ids)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(len(r.sent))
        text = self.tr("Sent {sent} of {total}; queued {queued}, failed {failed}, "
                       "cancelled {cancelled}.").format(
            sent=len(r.sent), total=total, queued=len(r.queued), failed=len(r.failed),
            cancelled=len(r.cancelled))
        if not result.job_ids:
            text = self.tr("Nothing to print: every approved parcel has its label.")
        off = [e for e in r.errors if e.code is ErrorCode.PRINTER_UNREACHABLE]
        if r.queued and off:  # the printer is off: say so in words, the jobs wait
            text += "\n" + describe(off[0])
        if result.duplicates:
            text += " " + self.tr("{n} parcel(s) skipped: another station is printing "
                                  "them.").format(n=len(result.duplicates))
        if result.without_waybill:
            text += " " + self.tr("{n} order(s) had no waybill number yet and printed without "
                                  "one.").format(n=len(result.without_waybill))
        self.status.setText(text)
        self.finished.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.job.stopped()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText(describe(error))
        self.failed.emit(error)
