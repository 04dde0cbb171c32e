"""The printing page (打印): the print queue, batch printing, and template previews.

- The queue: every job with its state (queued → sending → sent → confirmed, or failed /
  cancelled), attempts, error, printer, who and when; filtered by state and printer in
  SQL and fetched in keyset pages as the table scrolls.
- Actions on selected jobs: Retry (the service sends only jobs that surely printed
  nothing), Reprint (asks for a reason; the service audits it), Cancel (queued jobs only).
- A printer that is off leaves its jobs queued: the page says so in a banner with a Retry
  button for exactly those jobs.
- The batch panel (print_batch_panel) and the template preview (print_preview_panel).

Every read and write is an op (ui/ops.py); writes announce "print_jobs" on the change
bus, and the page reloads the queue when it hears it.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.auth import Permission
from ecerp_desktop.domain.errors import ErrorCode
from ecerp_desktop.services import print_batches, printing
from ecerp_desktop.services.print_batches import BatchResult, JobFilter, JobPage
from ecerp_desktop.services.printing import RunResult
from ecerp_desktop.ui import system_print
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import change_bus, run_op
from ecerp_desktop.ui.print_batch_panel import BatchPrintPanel
from ecerp_desktop.ui.print_jobs_model import STATES, PrintJobTableModel, state_text
from ecerp_desktop.ui.print_preview_panel import TemplatePreviewPanel

REFRESH_MS = 5000


class ReprintDialog(QDialog):
    """Asks why a label is printed again (the answer goes into the audit log)."""

    def __init__(self, job_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reprint"))
        self.job_ids = job_ids
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Why print job(s) {jobs} again?").format(
            jobs=", ".join(str(i) for i in job_ids))))
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(255)
        self.reason_edit.setPlaceholderText(self.tr("e.g. the label jammed, the box was "
                                                    "re-packed"))
        layout.addWidget(self.reason_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.reason_edit.textChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip())))

    def reason(self) -> str:
        return self.reason_edit.text().strip()


class PrintingPage(QWidget):
    """The 打印 area."""

    def __init__(self, ctx: PageContext) -> None:
        super().__init__()
        self.ctx = ctx
        system_print.install()  # "system://" printers print through Qt from here on
        self.filter = JobFilter()
        self.reprint_dialog: ReprintDialog | None = None
        self.waiting_retry: list[int] = []  # jobs a switched-off printer left queued
        self._generation = 0  # drops pages of a filter that was changed meanwhile
        self.page_size = print_batches.PAGE

        outer = QHBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(splitter)

        left = QWidget()
        lv = QVBoxLayout(left)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("State")))
        self.state_box = QComboBox()
        self.state_box.addItem(self.tr("All"), "")
        for state in STATES:
            self.state_box.addItem(state_text(state), state)
        self.state_box.currentIndexChanged.connect(self._filter_changed)
        bar.addWidget(self.state_box)
        bar.addWidget(QLabel(self.tr("Printer")))
        self.printer_filter = QComboBox()
        self.printer_filter.addItem(self.tr("All"), "")
        self.printer_filter.currentIndexChanged.connect(self._filter_changed)
        bar.addWidget(self.printer_filter)
        self.count_label = QLabel()
        bar.addWidget(self.count_label, 1)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.reload)
        bar.addWidget(self.refresh_button)
        lv.addLayout(bar)

        self.banner = QFrame()
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setStyleSheet("QFrame { background: #fff4e5; }")
        bl = QHBoxLayout(self.banner)
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.banner_text.setTextFormat(Qt.TextFormat.PlainText)  # errors may quote user text
        bl.addWidget(self.banner_text, 1)
        self.banner_retry = QPushButton(self.tr("Retry"))
        self.banner_retry.clicked.connect(self.retry_waiting)
        bl.addWidget(self.banner_retry)
        self.banner.hide()
        lv.addWidget(self.banner)

        self.model = PrintJobTableModel(self._fetch_more)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # sized once from the first page: ResizeToContents would measure every row again
        # on each appended page
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._sized = False
        self.table.horizontalHeader().setStretchLastSection(True)
        lv.addWidget(self.table, 1)

        actions = QHBoxLayout()
        self.retry_button = QPushButton(self.tr("Retry"))
        self.retry_button.setToolTip(self.tr("Send again jobs that printed nothing (a job "
                                             "already sent needs a reprint)"))
        self.retry_button.clicked.connect(self.retry_selected)
        self.reprint_button = QPushButton(self.tr("Reprint…"))
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.cancel_button = QPushButton(self.tr("Cancel queued"))
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.confirm_button = QPushButton(self.tr("Mark as printed"))
        self.confirm_button.setToolTip(self.tr("The labels came out right (sent → confirmed)"))
        self.confirm_button.clicked.connect(self.confirm_selected)
        for b in (self.retry_button, self.reprint_button, self.cancel_button,
                  self.confirm_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        actions.addWidget(self.message, 2)
        lv.addLayout(actions)

        tabs = QTabWidget()
        tabs.addTab(left, self.tr("Print queue"))
        self.preview = TemplatePreviewPanel()
        tabs.addTab(self.preview, self.tr("Template preview"))
        splitter.addWidget(tabs)
        self.batch = BatchPrintPanel(ctx)
        self.batch.finished.connect(self._batch_done)
        splitter.addWidget(self.batch)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        change_bus().changed.connect(self._changed)
        # the queue worker and other stations change jobs too: look again now and then
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(REFRESH_MS)
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()
        self.batch.reload_printers()  # printers may have been set up since

    def _tick(self) -> None:
        if self.isVisible() and len(self.model.jobs) <= self.page_size:
            self.reload()  # only the first page: a user scrolled further keeps the place

    # --- loading --------------------------------------------------------------------------

    def _changed(self, names: frozenset[str]) -> None:
        if "print_jobs" in names:
            self.reload()

    def _filter_changed(self) -> None:
        self.filter = JobFilter(
            states=(self.state_box.currentData(),) if self.state_box.currentData() else (),
            printer=self.printer_filter.currentData() or "")
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        gen, store, f, n = self._generation, self.ctx.store, self.filter, self.page_size
        run_op(lambda: print_batches.job_page(store, f, limit=n), owner=self,
               on_success=lambda page: self._show_page(gen, page), on_failure=self._failed)

    def _show_page(self, gen: int, page: JobPage) -> None:
        if gen != self._generation:
            return
        selected = set(self.selected_ids())
        self.model.reset(page.jobs, page.total)
        if page.jobs and not self._sized:
            self.table.resizeColumnsToContents()
            self._sized = True
        self.count_label.setText(self.tr("{n} job(s)").format(n=page.total))
        self._fill_printer_filter(page.printers)
        self._reselect(selected)

    def _fetch_more(self, before_id: int) -> None:
        gen, store, f, n = self._generation, self.ctx.store, self.filter, self.page_size

        def append(page: JobPage) -> None:
            if gen == self._generation:
                self.model.append(page.jobs)
        run_op(lambda: print_batches.job_page(store, f, before_id=before_id, limit=n),
               owner=self,
               on_success=append, on_failure=self._failed)

    def _fill_printer_filter(self, names: list[str]) -> None:
        have = [self.printer_filter.itemData(i) for i in range(1, self.printer_filter.count())]
        if have == names:
            return
        current = self.printer_filter.currentData()
        self.printer_filter.blockSignals(True)
        while self.printer_filter.count() > 1:
            self.printer_filter.removeItem(1)
        for n in names:
            self.printer_filter.addItem(n, n)
        self.printer_filter.setCurrentIndex(max(0, self.printer_filter.findData(current)))
        self.printer_filter.blockSignals(False)

    def _reselect(self, ids: set[int]) -> None:
        if not ids:
            return
        sm = self.table.selectionModel()
        flags = (QItemSelectionModel.SelectionFlag.Select
                 | QItemSelectionModel.SelectionFlag.Rows)
        for row, j in enumerate(self.model.jobs):
            if j.id in ids:
                sm.select(self.model.index(row, 0), flags)

    # --- selection and actions ------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.job(r).id for r in rows if r < len(self.model.jobs)]

    def select_jobs(self, ids: list[int]) -> None:
        self.table.clearSelection()
        self._reselect(set(ids))

    def retry_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.message.setText(self.tr("Select the jobs to retry first."))
            return
        self._retry(ids)

    def retry_waiting(self) -> None:
        self._retry(list(self.waiting_retry))

    def _retry(self, ids: list[int]) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        self.message.setText(self.tr("Retrying {n} job(s)…").format(n=len(ids)))
        run_op(lambda: print_batches.retry_jobs(store, actor, ids), owner=self,
               on_success=self._show_run, on_failure=self._failed, changes={"print_jobs"})

    def reprint_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.message.setText(self.tr("Select the jobs to reprint first."))
            return
        unsent = [j.id for j in self.model.jobs if j.id in set(ids) and (
            j.state in ("queued", "sending") or (j.state == "failed" and not j.maybe_printed))]
        if unsent:  # a copy of a job that may still print itself would print twice
            self.message.setText(self.tr("Job(s) {jobs} printed nothing yet: use Retry, not "
                                         "Reprint.").format(jobs=", ".join(map(str, unsent))))
            return
        dialog = ReprintDialog(ids, self)
        dialog.accepted.connect(lambda: self._reprint(ids, dialog.reason()))
        dialog.finished.connect(lambda _r: setattr(self, "reprint_dialog", None))
        self.reprint_dialog = dialog
        dialog.open()

    def _reprint(self, ids: list[int], reason: str) -> None:
        store, actor = self.ctx.store, self.ctx.actor

        def work() -> RunResult:  # queue a copy of each, audited, then send the copies
            new: list[int] = []
            for job_id in ids:
                new.extend(printing.reprint(store, actor, job_id, reason).job_ids)
            return printing.run_jobs(store, new,
                                     can_see_phone=actor.can(Permission.PII_VIEW))
        run_op(work, owner=self, on_success=self._show_run, on_failure=self._failed,
               changes={"print_jobs"})

    def cancel_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.message.setText(self.tr("Select the queued jobs to cancel first."))
            return
        store, actor = self.ctx.store, self.ctx.actor

        def done(n: int) -> None:
            self.message.setText(self.tr("{n} queued job(s) cancelled.").format(n=n))
            self.waiting_retry = [i for i in self.waiting_retry if i not in set(ids)]
            if not self.waiting_retry:
                self.banner.hide()
        run_op(lambda: printing.cancel(store, actor, ids), owner=self, on_success=done,
               on_failure=self._failed, changes={"print_jobs"})

    def confirm_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.message.setText(self.tr("Select the sent jobs to confirm first."))
            return
        store, actor = self.ctx.store, self.ctx.actor
        run_op(lambda: printing.confirm(store, actor, ids), owner=self,
               on_success=lambda n: self.message.setText(
                   self.tr("{n} job(s) marked as printed.").format(n=n)),
               on_failure=self._failed, changes={"print_jobs"})

    # --- results --------------------------------------------------------------------------

    def _batch_done(self, result: BatchResult) -> None:
        self._show_run(result.run)

    def _show_run(self, r: RunResult) -> None:
        """Say what happened; a printer that is off gets the banner and its Retry."""
        unreachable = [e for e in r.errors if e.code is ErrorCode.PRINTER_UNREACHABLE]
        if r.queued:
            self.waiting_retry = list(dict.fromkeys(self.waiting_retry + r.queued))
        self.waiting_retry = [i for i in self.waiting_retry if i not in set(r.sent)]
        if r.queued and unreachable:
            self.banner_text.setText(
                describe(unreachable[0]) + "\n"
                + self.tr("{n} job(s) wait in the queue. Switch the printer on, then press "
                          "Retry.").format(n=len(self.waiting_retry)))
            self.banner.show()
        elif not self.waiting_retry:
            self.banner.hide()
        others = [e for e in r.errors if e.code is not ErrorCode.PRINTER_UNREACHABLE]
        text = self.tr("Sent {sent}, still queued {queued}, failed {failed}.").format(
            sent=len(r.sent), queued=len(r.queued), failed=len(r.failed))
        if others:
            text += " " + describe(others[0])
        self.message.setText(text)

    def _failed(self, error: BaseException) -> None:
        self.message.setText(describe(error))

