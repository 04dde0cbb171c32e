"""The receiving tab (验货入库): scan goods against a purchase order.

1. Pick a placed PO from the list (or scan/type its number) → a receiving session opens (this
   station's open session of that PO is resumed).
2. Scan each item (type a number first for many units: ``12`` then a scan counts 12; a label
   that does not scan can be typed into the code field). Every scan is judged by the
   service: green when counted, red with the reason when it is more than ordered, an unknown
   code, not on this PO, or a bundle — flagged scans are listed and never stocked on their
   own. Ctrl+Z takes the last scan back.
3. Post receipt (Ctrl+Enter): the counted units go into stock (with "accept over-received
   units", the extra ones too) in one transaction, once. If another station received part of the PO
   meanwhile, nothing is stocked: the scans are re-judged, the screen turns red, and the
   receipt is posted again after a look.
4. Report…: the receiving report as text, to print or export (CSV/XLSX, formula-safe).

Scans come from the application's wedge filter (ui/scanner_filter.py) like on the packing
page; each scan is one op on the database lane, queued in order while one runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.purchasing import ReportLine, ScanKind
from ecerp_desktop.domain.timeutil import format_local
from ecerp_desktop.services import purchasing as pur
from ecerp_desktop.services import receiving as rcv
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.feedback import FeedbackBanner
from ecerp_desktop.ui.ops import ScanQueue, change_bus, run_op
from ecerp_desktop.ui.purchase_models import RecordsTableModel, scan_text, status_text
from ecerp_desktop.ui.scanner_filter import (
    ScannerFilter,
    ScanSource,
    mark_scan_field,
    take_count,
    take_typed,
)

CHANGES = frozenset({"purchasing", "stock"})
# The fixed words of services.receiving.report_text, translated through self.tr.
_REPORT_WORDS = (
    QT_TRANSLATE_NOOP("ReceivingTab", "Receiving report"),
    QT_TRANSLATE_NOOP("ReceivingTab", "Purchase order"),
    QT_TRANSLATE_NOOP("ReceivingTab", "Supplier"),
    QT_TRANSLATE_NOOP("ReceivingTab", "Warehouse"),
    QT_TRANSLATE_NOOP("ReceivingTab", "Status"),
    QT_TRANSLATE_NOOP("ReceivingTab", "Scans"),
    QT_TRANSLATE_NOOP("ReceivingTab", "Remark"),
    QT_TRANSLATE_NOOP("ReceivingTab", "Code"),
    QT_TRANSLATE_NOOP("ReceivingTab", "Ordered"),
    QT_TRANSLATE_NOOP("ReceivingTab", "Before"),
    QT_TRANSLATE_NOOP("ReceivingTab", "Now"),
    QT_TRANSLATE_NOOP("ReceivingTab", "Remaining"),
    QT_TRANSLATE_NOOP("ReceivingTab", "Over"),
    QT_TRANSLATE_NOOP("ReceivingTab", "Total"),
    QT_TRANSLATE_NOOP("ReceivingTab", "Flagged scans (not stocked unless accepted)"),
)


def _line_colour(ln: ReportLine) -> str | None:
    if ln.over:
        return "#ffcdd2"
    if ln.complete:
        return "#c8e6c9"
    return "#fff9c4" if ln.now else None


class ReportDialog(QDialog):
    """The receiving report as plain text, with Print and Export."""

    def __init__(self, text: str, export: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receivingReport")
        self.setWindowTitle(self.tr("Receiving report"))
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit(text)
        self.text.setObjectName("reportText")
        self.text.setReadOnly(True)
        self.text.setFont(QFont("monospace"))
        layout.addWidget(self.text, 1)
        row = QHBoxLayout()
        print_button = QPushButton(self.tr("Print…"))
        print_button.clicked.connect(self._print)
        export_button = QPushButton(self.tr("Export…"))
        export_button.clicked.connect(lambda: self._export(export))
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        row.addStretch(1)
        for b in (print_button, export_button, close):
            row.addWidget(b)
        layout.addLayout(row)

    def _print(self) -> None:
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            doc = QTextDocument()
            doc.setDefaultFont(QFont("monospace"))
            doc.setPlainText(self.text.toPlainText())  # plain text: never rich
            doc.print_(printer)

    def _export(self, export: Callable[[str], None]) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the report"), "receiving.xlsx",
            self.tr("Excel (*.xlsx);;CSV (*.csv)"))
        if path:
            export(path)


class ReceivingTab(QWidget):
    """One station receiving against one PO at a time. See the module docstring."""

    feedback = Signal(str)  # the last outcome ("counted", "over", "posted", …), for tests
    pos_loaded = Signal(int)  # the receivable POs were (re)loaded

    def __init__(self, ctx: PageContext, parent: QWidget | None = None, *,
                 scanner_filter: ScannerFilter | None = None, station: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("receivingTab")
        self.station = station
        self.report: rcv.ReceivingReport | None = None
        self._ops = ScanQueue(self, self._take, self._failed)
        self._scans = ScanSource(self, self.on_scan, scanner_filter)
        self.scanner_filter = self._scans.filter  # shared with the PO tab
        self._build()
        self.banner.idle(self.tr("Choose or scan a purchase order to receive"))
        change_bus().changed.connect(self._on_changes)

    # -- layout

    def _big(self, size: int, bold: bool = False) -> QFont:
        f = QFont(self.font())
        f.setPointSize(size)
        f.setBold(bold)
        return f

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.po_choice = QComboBox()
        self.po_choice.setObjectName("poChoice")
        self.po_choice.setMinimumWidth(320)
        open_button = QPushButton(self.tr("Start receiving"))
        open_button.setObjectName("openButton")
        open_button.clicked.connect(self._open_chosen)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.reload_pos)
        self.session_label = QLabel()
        self.session_label.setObjectName("sessionLabel")
        self.session_label.setTextFormat(Qt.TextFormat.PlainText)
        top.addWidget(QLabel(self.tr("Purchase order")))
        top.addWidget(self.po_choice)
        top.addWidget(open_button)
        top.addWidget(refresh)
        top.addWidget(self.session_label, 1)
        layout.addLayout(top)

        self.banner = FeedbackBanner(point_size=24, min_height=80)
        layout.addWidget(self.banner)

        self.lines_model = RecordsTableModel([
            (self.tr("Code"), lambda ln: ln.code),
            (self.tr("Item"), lambda ln: ln.name),
            (self.tr("Ordered"), lambda ln: ln.ordered),
            (self.tr("Received before"), lambda ln: ln.previously),
            (self.tr("Now"), lambda ln: ln.now),
            (self.tr("Remaining"), lambda ln: ln.remaining),
            (self.tr("Over"), lambda ln: ln.over),
        ], row_colour=_line_colour)
        self.lines = QTableView()
        self.lines.setObjectName("receivingLines")
        self.lines.setModel(self.lines_model)
        self.lines.setFont(self._big(14))
        self.lines.verticalHeader().setVisible(False)
        self.lines.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.flags = QListWidget()
        self.flags.setObjectName("flags")
        self.flags.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.lines)
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        flags_title = QLabel(self.tr("Flagged scans (not stocked)"))
        v.addWidget(flags_title)
        v.addWidget(self.flags, 1)
        split.addWidget(box)
        split.setSizes([700, 300])
        layout.addWidget(split, 1)

        form = QFormLayout()
        self.qty = QLineEdit()
        self.qty.setObjectName("quantity")
        self.qty.setPlaceholderText(self.tr("type a number, then scan: counts that many"))
        self.qty.setMaxLength(5)
        mark_scan_field(self.qty)
        self.code_entry = QLineEdit()
        self.code_entry.setObjectName("typedCode")
        self.code_entry.setPlaceholderText(self.tr("a label that does not scan: type its "
                                                   "code, then Enter"))
        self.code_entry.setMaxLength(64)
        self.code_entry.returnPressed.connect(self._typed_code)
        mark_scan_field(self.code_entry)
        for w in (self.qty, self.code_entry):
            w.setFont(self._big(14))
        form.addRow(self.tr("Quantity"), self.qty)
        form.addRow(self.tr("Code"), self.code_entry)
        layout.addLayout(form)

        row = QHBoxLayout()
        self.totals = QLabel()
        self.totals.setObjectName("totals")
        self.totals.setFont(self._big(14, True))
        self.accept_over = QCheckBox(self.tr("Accept over-received units into stock"))
        self.accept_over.setObjectName("acceptOver")
        self.undo_button = QPushButton(self.tr("Undo last scan (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.undo_last)
        self.post_button = QPushButton(self.tr("Post receipt (Ctrl+Enter)"))
        self.post_button.setObjectName("postButton")
        self.post_button.clicked.connect(self.post)
        self.cancel_button = QPushButton(self.tr("Abandon session"))
        self.cancel_button.clicked.connect(self.abandon)
        self.report_button = QPushButton(self.tr("Report…"))
        self.report_button.setObjectName("reportButton")
        self.report_button.clicked.connect(self.show_report)
        row.addWidget(self.totals, 1)
        for w in (self.accept_over, self.undo_button, self.cancel_button, self.report_button,
                  self.post_button):
            row.addWidget(w)
        layout.addLayout(row)
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.undo_last)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.post)
        self._enable()

    # -- the PO list

    def _on_changes(self, names: frozenset[str]) -> None:
        if "purchasing" in names and self.isVisible() and not self._ops.busy:
            self.reload_pos()

    def reload_pos(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        keep = self.po_choice.currentData()

        def shown(rows: list[pur.POSummary]) -> None:
            self.po_choice.clear()
            for r in rows:
                self.po_choice.addItem(f"{r.number}  {r.supplier_name}  "
                                       f"{r.qty_received}/{r.qty_ordered}  "
                                       f"{status_text(r.status)}", r.number)
            if keep:
                self.po_choice.setCurrentIndex(max(self.po_choice.findData(keep), 0))
            self.pos_loaded.emit(len(rows))

        run_op(lambda: pur.receivable_pos(store, actor), owner=self, on_success=shown,
               on_failure=self._failed)

    def _open_chosen(self) -> None:
        number = self.po_choice.currentData()
        if number:
            self.open_po(number)

    def open_po(self, number: str) -> None:
        """Start (or resume) receiving against PO *number*."""
        store, actor, station = self.ctx.store, self.ctx.actor, self.station
        self._ops.run(lambda: rcv.open_session(store, actor, number, station=station),
                  self._opened)

    def _opened(self, rep: rcv.ReceivingReport) -> None:
        self._show(rep)
        self.flags.clear()
        for f in rep.flags:
            self._add_flag(f.code, f.kind, f.qty, f.at)
        self.banner.ok(self.tr("Receiving {po}: scan the items").format(po=rep.po_number))
        self.feedback.emit("opened")

    # -- background work, one op at a time

    def _failed(self, exc: BaseException) -> None:
        self.banner.error(describe(exc))
        self.feedback.emit("error")

    # -- scans

    def on_scan(self, code: str) -> None:
        """A complete scan from the wedge filter (or a serial scanner)."""
        if not self.isVisible():  # another page or tab is on screen: not ours
            return
        self._ops.scan(code, take_count(self.qty))

    def _typed_code(self) -> None:
        code = take_typed(self.code_entry)
        if code:
            self.on_scan(code)

    def _take(self, code: str, qty: int) -> None:
        rep = self.report
        if rep is None or not rep.is_open:  # no session: a scan names the PO
            self.open_po(code)
            return
        store, actor, sid = self.ctx.store, self.ctx.actor, rep.session.id
        self._ops.run(lambda: rcv.scan(store, actor, sid, code, qty), self._scanned)

    def _scanned(self, out: rcv.ScanOutcome) -> None:
        rep = self.report
        if rep is not None and out.line is not None:
            rows = self.lines_model.rows()
            for r, ln in enumerate(rows):
                if ln.line_id == out.line.line_id:
                    self.lines_model.replace_row(r, out.line)
                    self.lines.scrollTo(self.lines_model.index(r, 0))
                    break
        if out.kind is ScanKind.COUNTED:
            assert out.line is not None
            self.banner.ok(self.tr("+{qty} {code} {name}: {now} of {ordered}").format(
                qty=out.counted, code=out.sku_code, name=out.sku_name,
                now=out.line.previously + out.line.now, ordered=out.line.ordered))
        else:
            self._add_flag(out.code, out.kind, out.qty)
            reason = scan_text(out.kind)
            if out.kind is ScanKind.OVER:
                reason = self.tr("{reason}: {over} over, {counted} counted").format(
                    reason=reason, over=out.over, counted=out.counted)
            self.banner.error(f"{out.code}: {reason}")
        self._update_totals()
        self.feedback.emit(out.kind.value)

    def _add_flag(self, code: str, kind: ScanKind, qty: int, at: Any = None) -> None:
        when = format_local(at) + "  " if at is not None else ""
        item = QListWidgetItem(f"{when}{code} ×{qty}  {scan_text(kind)}")
        item.setForeground(Qt.GlobalColor.red)
        self.flags.addItem(item)
        self.flags.scrollToBottom()

    def undo_last(self) -> None:
        rep = self.report
        if rep is None or not rep.is_open:
            return
        store, actor, sid = self.ctx.store, self.ctx.actor, rep.session.id

        def undone(gone: Any) -> None:
            self._ops.run(lambda: rcv.report(store, actor, sid), self._refreshed)
            if gone is not None:
                self.banner.warn(self.tr("Took back {code} ×{qty}").format(code=gone.code,
                                                                     qty=gone.qty))
            self.feedback.emit("undone")

        self._ops.run(lambda: rcv.undo_last(store, actor, sid), undone)

    def _refreshed(self, rep: rcv.ReceivingReport) -> None:
        self._show(rep)
        self.flags.clear()
        for f in rep.flags:
            self._add_flag(f.code, f.kind, f.qty, f.at)

    # -- post, abandon, report

    def post(self) -> None:
        rep = self.report
        if rep is None or not rep.is_open:
            return
        store, actor, sid = self.ctx.store, self.ctx.actor, rep.session.id
        accept = self.accept_over.isChecked()
        self._ops.run(lambda: rcv.post(store, actor, sid, accept_over=accept), self._posted,
                  changes=CHANGES)

    def _posted(self, out: rcv.PostOutcome) -> None:
        self._refreshed(out.report)
        if not out.posted:
            self.banner.error(self.tr("Another station received part of this order meanwhile: "
                                "{n} scans were judged again. Check, then post again.")
                        .format(n=out.rejudged))
            self.feedback.emit("rejudged")
            return
        self.banner.ok(self.tr("Posted: {received} received, {accepted} over accepted, "
                         "{rejected} over rejected. Scan the next purchase order").format(
            received=out.received, accepted=out.over_accepted, rejected=out.over_rejected))
        self.accept_over.setChecked(False)
        self.reload_pos()
        self.feedback.emit("posted")

    def abandon(self) -> None:
        rep = self.report
        if rep is None or not rep.is_open:
            return
        store, actor, sid = self.ctx.store, self.ctx.actor, rep.session.id

        def gone(_r: Any) -> None:
            self.report = None
            self.lines_model.set_rows([])
            self.flags.clear()
            self.session_label.clear()
            self._enable()
            self.banner.idle(self.tr("Session abandoned: nothing was stocked"))
            self.feedback.emit("abandoned")

        self._ops.run(lambda: rcv.cancel_session(store, actor, sid), gone)

    def report_text(self) -> str:
        """The current report as printable text, in the user's language."""
        assert self.report is not None
        return rcv.report_text(self.report, self.tr)

    def show_report(self) -> None:
        """Read the session's report afresh and show it (Print / Export)."""
        rep = self.report
        if rep is None:
            return
        store, actor, sid = self.ctx.store, self.ctx.actor, rep.session.id

        def export(path: str) -> None:
            run_op(lambda: rcv.export_report(store, actor, sid, path), owner=self,
                   on_success=lambda n: self.banner.ok(self.tr("Exported {n} rows to {path}")
                                                 .format(n=n, path=path)),
                   on_failure=self._failed)

        def ready(fresh: rcv.ReceivingReport) -> None:
            self._refreshed(fresh)
            dialog = ReportDialog(self.report_text(), export, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.report_dialog = dialog
            dialog.open()
            self.feedback.emit("report")

        self._ops.run(lambda: rcv.report(store, actor, sid), ready)

    # -- showing

    def _show(self, rep: rcv.ReceivingReport) -> None:
        self.report = rep
        self.lines_model.set_rows(list(rep.lines))
        self.session_label.setText(self.tr(
            "Session {session} · {po} · {supplier} · into {warehouse} · {status}").format(
            session=rep.session.number, po=rep.po_number, supplier=rep.supplier_name,
            warehouse=rep.warehouse_name, status=status_text(rep.po_status)))
        self._update_totals()
        self._enable()

    def _update_totals(self) -> None:
        rows: list[ReportLine] = self.lines_model.rows()
        self.totals.setText(self.tr("Now {now} · remaining {remaining} · over {over} · "
                                    "flagged {flags}").format(
            now=sum(ln.now for ln in rows), remaining=sum(ln.remaining for ln in rows),
            over=sum(ln.over for ln in rows), flags=self.flags.count()))

    def _enable(self) -> None:
        on = self.report is not None and self.report.is_open
        for w in (self.undo_button, self.post_button, self.cancel_button, self.accept_over):
            w.setEnabled(on)
        self.report_button.setEnabled(self.report is not None)
