"""The stocktake tab (盘点): counts, counting by scanning, variance review, posting.

- Left: the counts, newest first, and New count… (warehouse; all SKUs, a list of SKUs or a
  location; blind).
- Counting: scans from the wedge scanner (any widget focused) or typed into the scan field
  (Enter) are counted for the open count at THIS station: one unit each, or the number in
  Quantity for the next scan. A big green banner says what was counted and the SKU's total
  over every station; red says the barcode is unknown or the SKU is not in this count (the
  scan is kept for review, never lost; Count it as… counts it once someone says which SKU
  it is, or takes the SKU into the count). Quantity 0 records "looked, found none". The counted list refreshes from every station while
  the tab is shown. A blind count never shows book quantities here.
- Review: book at first count vs counted for every SKU in scope, the difference and its value
  at cost, SKUs that would fall below their reserved quantity in red; only differences, and
  what to do with uncounted SKUs (count as zero, or leave unchanged). Post… asks first and
  posts everything in one step, once.

Every database call runs off the GUI thread (ui/ops.py); scans are taken one at a time in
the order they arrived.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.auth import Permission
from ecerp_desktop.domain.stocktake import EntryFlag, Status, Uncounted, VarianceLine
from ecerp_desktop.domain.timeutil import DEFAULT_ZONE
from ecerp_desktop.services import catalog
from ecerp_desktop.services import stocktake as svc
from ecerp_desktop.services.devices import default_station_name
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.feedback import GREEN, RED, FeedbackBanner
from ecerp_desktop.ui.ops import ScanQueue, run_op
from ecerp_desktop.ui.purchase_models import RecordsTableModel
from ecerp_desktop.ui.scanner_filter import ScannerFilter, ScanSource, mark_scan_field, take_typed
from ecerp_desktop.ui.stock_doc_widgets import ask_plain

PALE_RED = "#fde0dc"
LIVE_REFRESH_MS = 3000
_ZONE = ZoneInfo(DEFAULT_ZONE)

STATUS_TITLES = {
    Status.OPEN: QT_TRANSLATE_NOOP("StocktakeStatus", "Counting"),
    Status.POSTED: QT_TRANSLATE_NOOP("StocktakeStatus", "Posted"),
    Status.CANCELLED: QT_TRANSLATE_NOOP("StocktakeStatus", "Cancelled"),
}
SCOPE_TITLES = {
    "all": QT_TRANSLATE_NOOP("StocktakeScope", "All SKUs"),
    "skus": QT_TRANSLATE_NOOP("StocktakeScope", "Listed SKUs"),
    "location": QT_TRANSLATE_NOOP("StocktakeScope", "Location"),
}


def _status_title(status: Status) -> str:
    return QCoreApplication.translate("StocktakeStatus", STATUS_TITLES[status])


def _scope_title(scope: str) -> str:
    return QCoreApplication.translate("StocktakeScope", SCOPE_TITLES.get(scope, scope))


def _item(text: object) -> QTableWidgetItem:
    it = QTableWidgetItem("" if text is None else str(text))
    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return it


def _local(dt: Any) -> str:
    return dt.astimezone(_ZONE).strftime("%Y-%m-%d %H:%M") if dt is not None else ""


# --- dialogs -------------------------------------------------------------------------------

class StocktakeCreateDialog(QDialog):
    """New count: warehouse, scope (all, listed SKUs, a location), blind, note."""

    def __init__(self, warehouses: Sequence[tuple[str, str]], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New count"))
        self.warehouse = QComboBox()
        for code, name in warehouses:
            self.warehouse.addItem(f"{name} ({code})", code)
        self.scope_all = QRadioButton(self.tr("All SKUs of the warehouse"))
        self.scope_skus = QRadioButton(self.tr("These SKUs (one code or barcode per line)"))
        self.scope_location = QRadioButton(self.tr("One location"))
        self.scope_all.setChecked(True)
        self.skus = QPlainTextEdit()
        self.skus.setPlaceholderText(self.tr("SKU codes or barcodes, one per line"))
        self.location = QLineEdit()
        self.location.setMaxLength(32)
        self.location.setPlaceholderText(self.tr("Location code, e.g. A-01-02"))
        self.blind = QCheckBox(self.tr("Blind count: counters do not see book quantities"))
        self.freeze = QCheckBox(self.tr("Freeze the book now (stock does not move while "
                                        "counting)"))
        self.freeze.setToolTip(self.tr("Otherwise each SKU's book is taken when it is first "
                                       "counted, so stock may keep moving"))
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        form = QFormLayout()
        form.addRow(self.tr("Warehouse"), self.warehouse)
        form.addRow(self.scope_all)
        form.addRow(self.scope_skus)
        form.addRow(self.skus)
        form.addRow(self.scope_location, self.location)
        form.addRow(self.blind)
        form.addRow(self.freeze)
        form.addRow(self.tr("Note"), self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.skus.textChanged.connect(lambda: self.scope_skus.setChecked(True))
        self.location.textEdited.connect(lambda _t: self.scope_location.setChecked(True))

    def values(self) -> dict[str, Any]:
        """Keyword arguments for services.stocktake.create (plus the warehouse)."""
        skus = [ln.strip() for ln in self.skus.toPlainText().splitlines() if ln.strip()]
        return {
            "warehouse": self.warehouse.currentData() or "",
            "skus": skus if self.scope_skus.isChecked() else [],
            "location": self.location.text().strip() if self.scope_location.isChecked()
            else "",
            "blind": self.blind.isChecked(),
            "freeze": self.freeze.isChecked(),
            "note": self.note.text(),
        }


# --- the tab -------------------------------------------------------------------------------

class StocktakeTab(QWidget):
    """Counts, counting and review. See the module docstring."""

    feedback = Signal(str)  # "ok", "unknown", "out_of_scope" or "error" (tests, benchmarks)

    def __init__(self, ctx: PageContext, parent: QWidget | None = None, *,
                 scanner_filter: ScannerFilter | None = None,
                 station: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("stocktakeTab")
        self.station = (station or default_station_name()).strip()[:64]
        self.current: svc.CountRecord | None = None
        self.counts: list[svc.CountRecord] = []
        self.report: svc.VarianceReport | None = None
        self._scan_ops = ScanQueue(self, self._count, self._failed,
                                   ready=lambda: self.current is not None)
        self.can_edit = ctx.actor.can(Permission.STOCK_EDIT)
        # A hook so tests (and a future setting) can answer the confirmation.
        self.confirm: Callable[[str], bool] = self._ask
        self.ask_sku: Callable[[str], str] = self._ask_sku

        # Connected to a private slot, not ``on_scan``: the stock page forwards scans to a
        # tab's on_scan, and the tab already hears the app-wide filter (one scan, one count).
        self._scans = ScanSource(self, self._scanned, scanner_filter)
        self._filter = self._scans.filter
        self._build()
        self._live = QTimer(self)
        self._live.setInterval(LIVE_REFRESH_MS)
        self._live.timeout.connect(self._refresh_counted)
        self.refresh()

    # -- layout

    def _build(self) -> None:
        self.list = QTableWidget(0, 6)
        self.list.setHorizontalHeaderLabels([
            self.tr("Number"), self.tr("Warehouse"), self.tr("Scope"), self.tr("Status"),
            self.tr("Counted / in scope"), self.tr("Created")])
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.verticalHeader().setVisible(False)
        self.list.horizontalHeader().setStretchLastSection(True)
        self.list.itemSelectionChanged.connect(self._list_selected)
        self.new_button = QPushButton(self.tr("New count…"))
        self.new_button.setShortcut("Ctrl+N")
        self.new_button.clicked.connect(self.new_count)
        self.new_button.setEnabled(self.can_edit)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.setShortcut("F5")
        refresh.clicked.connect(self.refresh)
        left = QWidget()
        lv = QVBoxLayout(left)
        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addStretch(1)
        bar.addWidget(refresh)
        lv.addLayout(bar)
        lv.addWidget(self.list, 1)

        self.title = QLabel(self.tr("No count open"))
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        f = QFont(self.title.font())
        f.setPointSize(f.pointSize() + 3)
        f.setBold(True)
        self.title.setFont(f)
        self.pages = QTabWidget()
        self.pages.addTab(self._build_counting(), self.tr("Counting"))
        self.pages.addTab(self._build_review(), self.tr("Review and post"))
        self.pages.currentChanged.connect(self._page_changed)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.title)
        rv.addWidget(self.pages, 1)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([360, 940])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._set_enabled()

    def _build_counting(self) -> QWidget:
        self.banner = FeedbackBanner(point_size=20, min_height=90, padding=12)
        self.banner.idle(self.tr("Open a count, then scan"))
        self.scan_field = QLineEdit()
        self.scan_field.setMaxLength(64)
        self.scan_field.setPlaceholderText(self.tr("Scan or type a barcode or SKU code, Enter"))
        mark_scan_field(self.scan_field)
        self.scan_field.returnPressed.connect(self._typed)
        self.qty = QSpinBox()
        self.qty.setRange(0, 100_000)
        self.qty.setValue(1)
        self.qty.setToolTip(self.tr("Units for the next scan (then back to 1); 0 = looked, "
                                    "found none"))
        self.zone = QLineEdit()
        self.zone.setMaxLength(32)
        self.zone.setPlaceholderText(self.tr("Zone / location (optional)"))
        self.station_label = QLabel(self.tr("Station {name}").format(name=self.station))
        self.station_label.setTextFormat(Qt.TextFormat.PlainText)
        row = QHBoxLayout()
        row.addWidget(self.scan_field, 3)
        row.addWidget(QLabel(self.tr("Quantity")))
        row.addWidget(self.qty)
        row.addWidget(self.zone, 1)
        row.addWidget(self.station_label)
        self.counted_model = RecordsTableModel([
            (self.tr("SKU"), lambda r: r.code), (self.tr("Name"), lambda r: r.name),
            (self.tr("Counted"), lambda r: r.counted), (self.tr("Book"), lambda r: r.book),
            (self.tr("Stations"), lambda r: r.stations)], parent=self)
        self.counted_view = QTableView()
        self.counted_view.setModel(self.counted_model)
        self.counted_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.counted_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.counted_view.horizontalHeader().setStretchLastSection(True)
        self.counted_summary = QLabel()
        self.counted_summary.setTextFormat(Qt.TextFormat.PlainText)
        self.flagged = QTableWidget(0, 4)
        self.flagged.setHorizontalHeaderLabels([self.tr("Barcode"), self.tr("Problem"),
                                                self.tr("Units"), self.tr("Stations")])
        self.flagged.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.flagged.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.flagged.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.flagged.setMaximumHeight(140)
        self.flagged.verticalHeader().setVisible(False)
        self.flagged.horizontalHeader().setStretchLastSection(True)
        self.flagged_rows: list[svc.FlaggedLine] = []
        self.assign_button = QPushButton(self.tr("Count it as…"))
        self.assign_button.setToolTip(self.tr(
            "Count the selected kept scans: say which SKU an unknown barcode is, or take a "
            "SKU that is not in this count into it"))
        self.assign_button.clicked.connect(self.assign_selected)
        self.reset_mine = QPushButton(self.tr("Recount at this station"))
        self.reset_mine.setToolTip(self.tr("Void this station's scans of the selected SKU"))
        self.reset_mine.clicked.connect(lambda: self.reset_selected(all_stations=False))
        self.reset_all = QPushButton(self.tr("Recount everywhere"))
        self.reset_all.setToolTip(self.tr("Void every station's scans of the selected SKU"))
        self.reset_all.clicked.connect(lambda: self.reset_selected(all_stations=True))
        buttons = QHBoxLayout()
        buttons.addWidget(self.counted_summary, 1)
        buttons.addWidget(self.reset_mine)
        buttons.addWidget(self.reset_all)
        page = QWidget()
        v = QVBoxLayout(page)
        v.addWidget(self.banner)
        v.addLayout(row)
        v.addWidget(self.counted_view, 1)
        v.addLayout(buttons)
        kept = QHBoxLayout()
        kept.addWidget(QLabel(self.tr("Kept for review (not counted):")), 1)
        kept.addWidget(self.assign_button)
        v.addLayout(kept)
        v.addWidget(self.flagged)
        return page

    def _build_review(self) -> QWidget:
        self.only_diff = QCheckBox(self.tr("Only differences"))
        self.only_diff.setChecked(True)
        self.only_diff.toggled.connect(lambda _on: self.load_review())
        self.uncounted_box = QComboBox()
        self.uncounted_box.addItem(self.tr("Uncounted SKUs: count as zero"), Uncounted.ZERO)
        self.uncounted_box.addItem(self.tr("Uncounted SKUs: leave unchanged"),
                                   Uncounted.EXCLUDE)
        self.uncounted_box.currentIndexChanged.connect(lambda _i: self.load_review())
        self.variance_policy = Uncounted.ZERO  # of the rows shown
        self.variance_model = RecordsTableModel([
            (self.tr("SKU"), lambda r: r.code), (self.tr("Name"), lambda r: r.name),
            (self.tr("Book"), lambda r: r.book), (self.tr("Counted"), lambda r: r.counted),
            (self.tr("On hand now"), lambda r: r.on_hand),
            (self.tr("Reserved"), lambda r: r.reserved),
            (self.tr("Difference"), lambda r: f"{r.delta(self.variance_policy):+d}"),
            (self.tr("Value"), lambda r: r.value(self.variance_policy)),
            (self.tr("Note"), self._variance_note)],
            row_colour=lambda r: PALE_RED if r.below_reserved(self.variance_policy) else None,
            parent=self)
        self.variance_view = QTableView()
        self.variance_view.setModel(self.variance_model)
        self.variance_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.variance_view.horizontalHeader().setStretchLastSection(True)
        self.totals_label = QLabel()
        self.totals_label.setTextFormat(Qt.TextFormat.PlainText)
        self.totals_label.setWordWrap(True)
        self.review_status = QLabel()  # the last action's outcome, in its colour
        self.review_status.setTextFormat(Qt.TextFormat.PlainText)
        self.review_status.setWordWrap(True)
        self.post_button = QPushButton(self.tr("Post differences…"))
        self.post_button.clicked.connect(self.post)
        self.cancel_button = QPushButton(self.tr("Cancel count…"))
        self.cancel_button.clicked.connect(self.cancel_count)
        self.export_button = QPushButton(self.tr("Export CSV…"))
        self.export_button.clicked.connect(self.export)
        top = QHBoxLayout()
        top.addWidget(self.only_diff)
        top.addWidget(self.uncounted_box)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.totals_label, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.post_button)
        page = QWidget()
        v = QVBoxLayout(page)
        v.addLayout(top)
        v.addWidget(self.variance_view, 1)
        v.addWidget(self.review_status)
        v.addLayout(bottom)
        return page

    def _set_enabled(self) -> None:
        open_ = self.current is not None and self.current.status is Status.OPEN
        for w in (self.scan_field, self.qty, self.zone, self.reset_mine, self.reset_all,
                  self.assign_button):
            w.setEnabled(open_ and self.can_edit)
        self.post_button.setEnabled(open_ and self.can_edit and self.report is not None)
        self.cancel_button.setEnabled(open_ and self.can_edit)
        self.export_button.setEnabled(self.report is not None)
        self.pages.setTabEnabled(1, self.can_edit and self.current is not None)
        blind = self.current is not None and self.current.blind
        self.counted_view.setColumnHidden(3, blind)

    # -- helpers

    def _run(self, fn: Callable[[], Any], done: Callable[[Any], None],
             failed: Callable[[BaseException], None] | None = None, *,
             changes: set[str] | None = None) -> None:
        run_op(fn, owner=self, on_success=done, on_failure=failed or self._failed,
               changes=changes)

    def _failed(self, exc: BaseException) -> None:
        self._error(describe(exc))
        self._review_say(describe(exc), ok=False)

    def _review_say(self, text: str, *, ok: bool) -> None:
        """The outcome of a review action, under the variance table."""
        self.review_status.setText(text)
        self.review_status.setStyleSheet(f"color:{GREEN if ok else RED}; font-weight:bold;")

    def _error(self, text: str, code: str = "error") -> None:
        self.banner.error(text)  # red, and the error sound like the other station screens
        self.feedback.emit(code)

    def _ask(self, question: str) -> bool:
        return ask_plain(self, self.tr("Stocktake"), question)

    # -- the list

    def refresh(self) -> None:
        actor, store = self.ctx.actor, self.ctx.store
        self._run(lambda: svc.list_counts(store, actor), self._show_counts)

    def _show_counts(self, counts: list[svc.CountRecord]) -> None:
        self.counts = counts
        self.list.blockSignals(True)
        self.list.setRowCount(len(counts))
        selected = -1
        for r, c in enumerate(counts):
            scope = _scope_title(c.scope.value) + (f" {c.location}" if c.location else "")
            if c.blind:
                scope += " · " + self.tr("blind")
            for col, value in enumerate((c.number, c.warehouse, scope, _status_title(c.status),
                                         f"{c.skus_counted} / {c.skus_in_scope}",
                                         _local(c.created_at))):
                self.list.setItem(r, col, _item(value))
            if self.current is not None and c.number == self.current.number:
                selected = r
        self.list.blockSignals(False)
        if selected >= 0:
            self.list.selectRow(selected)
            self.current = counts[selected]
            self._show_current()
        elif self.current is None and counts and counts[0].status is Status.OPEN:
            self.list.selectRow(0)

    def _list_selected(self) -> None:
        rows = self.list.selectionModel().selectedRows()
        if not rows:
            return
        count = self.counts[rows[0].row()]
        if self.current is None or count.number != self.current.number:
            self.open_count(count)

    def open_count(self, count: svc.CountRecord) -> None:
        self.current = count
        self.report = None
        self.review_status.clear()
        self.variance_model.set_rows([])
        self.counted_model.set_rows([])
        self._show_current()
        self._refresh_counted()
        if self.pages.currentIndex() == 1:
            self.load_review()

    def _show_current(self) -> None:
        c = self.current
        if c is None:
            return
        text = self.tr("{number} · {warehouse} · {status}").format(
            number=c.number, warehouse=c.warehouse, status=_status_title(c.status))
        if c.blind:
            text += " · " + self.tr("blind count")
        self.title.setText(text)
        if c.status is Status.OPEN:
            self.banner.idle(self.tr("Scan the goods"))
            if self.isVisible():
                self._live.start()
        else:
            self.banner.idle(self.tr("This count is {status}").format(
                status=_status_title(c.status)))
            self._live.stop()
        self._set_enabled()

    # -- creating

    def new_count(self) -> None:
        actor, store = self.ctx.actor, self.ctx.store
        self._run(lambda: catalog.list_warehouses(store, actor), self._create_dialog)

    def _create_dialog(self, warehouses: list[Any]) -> None:
        dialog = StocktakeCreateDialog([(w.code, w.name) for w in warehouses if w.active],
                                       self)
        self.create_dialog = dialog  # for tests
        dialog.accepted.connect(lambda: self.create_from(dialog.values()))
        dialog.open()

    def create_from(self, values: dict[str, Any]) -> None:
        actor, store = self.ctx.actor, self.ctx.store
        warehouse = values.pop("warehouse")

        def created(count: svc.CountRecord) -> None:
            self.current = count
            self.pages.setCurrentIndex(0)
            self.open_count(count)
            self.refresh()
            self.scan_field.setFocus()

        self._run(lambda: svc.create(store, actor, warehouse, **values), created)

    # -- counting

    def _scanned(self, code: str) -> None:
        """A complete scan from the wedge filter (whatever widget has focus)."""
        if not self.isVisible() or self.pages.currentIndex() != 0:
            return
        self._take(code)

    def _typed(self) -> None:
        code = take_typed(self.scan_field)
        if code:
            self._take(code)

    def _take(self, code: str) -> None:
        if self.current is None or self.current.status is not Status.OPEN:
            self._error(self.tr("Open a count first"))
            return
        qty = self.qty.value()  # 0 is a count too ("looked, found none"): not take_count
        self.qty.setValue(1)
        self._scan_ops.scan(code, qty)  # one scan at a time, in the order they arrived

    def _count(self, code: str, qty: int) -> None:
        assert self.current is not None  # the queue's ready()
        actor, store, number = self.ctx.actor, self.ctx.store, self.current.number
        zone, station = self.zone.text(), self.station
        self._scan_ops.run(lambda: svc.scan(store, actor, number, code, qty=qty,
                                            station=station, zone=zone), self._show_scan)

    def _show_scan(self, r: svc.ScanResult) -> None:
        if r.flag is EntryFlag.UNKNOWN:
            self._error(self.tr("Unknown barcode {code}: kept for review, not counted")
                        .format(code=r.code), r.flag.value)
        elif r.flag is EntryFlag.OUT_OF_SCOPE:
            self._error(self.tr("{sku} is not in this count: kept for review, not counted")
                        .format(sku=r.sku_code), r.flag.value)
        else:
            if r.qty:
                text = self.tr("+{qty} {sku} {name} — counted {total}").format(
                    qty=r.qty, sku=r.sku_code, name=r.sku_name, total=r.counted)
            else:
                text = self.tr("{sku} {name}: none here — counted {total}").format(
                    sku=r.sku_code, name=r.sku_name, total=r.counted)
            self.banner.ok(text)
            self.feedback.emit("ok")
        if not self._scan_ops.waiting:
            self._refresh_counted()

    def _refresh_counted(self) -> None:
        if self.current is None:
            return
        actor, store, number = self.ctx.actor, self.ctx.store, self.current.number

        def load() -> tuple[list[svc.CountedLine], list[svc.FlaggedLine]]:
            return svc.counted(store, actor, number), svc.flagged(store, actor, number)

        def show(got: tuple[list[svc.CountedLine], list[svc.FlaggedLine]]) -> None:
            if self.current is None or self.current.number != number:
                return
            lines, flagged = got
            self.counted_model.set_rows(lines)
            self.counted_summary.setText(self.tr("{skus} SKUs, {units} units counted").format(
                skus=len(lines), units=sum(ln.counted for ln in lines)))
            self.flagged_rows = flagged
            self.flagged.setRowCount(len(flagged))
            for r, f in enumerate(flagged):
                problem = (self.tr("Unknown barcode") if f.flag is EntryFlag.UNKNOWN
                           else self.tr("Not in this count"))
                for col, value in enumerate((f.barcode, problem, f.qty, f.stations)):
                    self.flagged.setItem(r, col, _item(value))

        self._run(load, show, lambda _exc: None)

    def reset_selected(self, *, all_stations: bool) -> None:
        rows = self.counted_view.selectionModel().selectedRows()
        if self.current is None or not rows:
            self._error(self.tr("Select a counted SKU first"))
            return
        line: svc.CountedLine = self.counted_model.record(rows[0].row())
        question = (self.tr("Void every station's scans of {sku} and count it again?")
                    if all_stations else
                    self.tr("Void this station's scans of {sku} and count it again?"))
        if not self.confirm(question.format(sku=line.code)):
            return
        actor, store, number = self.ctx.actor, self.ctx.store, self.current.number
        station = None if all_stations else self.station

        def done(units: int) -> None:
            self.banner.ok(self.tr("{units} units of {sku} voided: count it again").format(
                units=units, sku=line.code))
            self._refresh_counted()

        self._run(lambda: svc.reset(store, actor, number, line.code, station=station), done)

    def assign_selected(self) -> None:
        rows = self.flagged.selectionModel().selectedRows()
        if self.current is None or not rows:
            self._error(self.tr("Select a kept scan first"))
            return
        f = self.flagged_rows[rows[0].row()]
        if f.flag is EntryFlag.UNKNOWN:
            sku = self.ask_sku(self.tr("Which SKU is {code}? (code or barcode)").format(
                code=f.barcode))
            if not sku:
                return
        else:
            if not self.confirm(self.tr("Take {code} into this count ({units} units)?")
                                .format(code=f.barcode, units=f.qty)):
                return
            sku = ""
        actor, store, number = self.ctx.actor, self.ctx.store, self.current.number

        def done(r: svc.ScanResult) -> None:
            self.banner.ok(self.tr("{units} units of {code} counted as {sku} — counted {total}")
                     .format(units=r.qty, code=f.barcode, sku=r.sku_code, total=r.counted))
            self._refresh_counted()

        self._run(lambda: svc.assign(store, actor, number, f.barcode, sku), done)

    def _ask_sku(self, question: str) -> str:
        text, ok = QInputDialog.getText(self, self.tr("Stocktake"), question)
        return text.strip() if ok else ""

    # -- review and posting

    def _page_changed(self, index: int) -> None:
        if index == 1:
            self.load_review()

    def load_review(self) -> None:
        if self.current is None or not self.can_edit:
            return
        actor, store, number = self.ctx.actor, self.ctx.store, self.current.number
        only, policy = self.only_diff.isChecked(), Uncounted(self.uncounted_box.currentData())

        def show(report: svc.VarianceReport) -> None:
            if self.current is None or self.current.number != number:
                return
            self.report = report
            self.variance_policy = report.uncounted
            self.variance_model.set_rows(report.lines)
            t = report.totals
            text = self.tr("{counted} of {scope} SKUs counted; {differ} differ: +{over} / "
                           "−{short} units, value {value}").format(
                counted=t.counted, scope=t.in_scope, differ=t.differing, over=t.units_over,
                short=t.units_short, value=t.value)
            blocked = report.below_reserved()
            if blocked:
                text += "\n" + self.tr("Cannot post: {n} SKU(s) would fall below what is "
                                       "reserved: {skus}").format(
                    n=len(blocked), skus=", ".join(ln.code for ln in blocked[:10]))
            self.totals_label.setText(text)
            self._set_enabled()

        self._run(lambda: svc.variances(store, actor, number, only_differences=only,
                                        uncounted=policy), show)

    def _variance_note(self, line: VarianceLine) -> str:
        if line.below_reserved(self.variance_policy):
            return self.tr("Below reserved")
        return "" if line.is_counted else self.tr("Not counted")

    def post(self) -> None:
        if self.current is None or self.report is None:
            return
        t = self.report.totals
        policy = self.report.uncounted
        question = self.tr("Post count {number}? {differ} SKU(s) change: +{over} / −{short} "
                           "units, value {value}. This cannot be undone.").format(
            number=self.current.number, differ=t.differing, over=t.units_over,
            short=t.units_short, value=t.value)
        if not self.confirm(question):
            return
        actor, store, number = self.ctx.actor, self.ctx.store, self.current.number

        def done(result: svc.PostResult) -> None:
            self.refresh()
            self._run(lambda: svc.get(store, actor, number), lambda c: posted(c, result))

        def posted(count: svc.CountRecord, result: svc.PostResult) -> None:
            self.open_count(count)
            text = self.tr("{number} posted: {moves} SKU(s) changed").format(
                number=result.number, moves=result.moves)
            self._review_say(text, ok=True)
            self.banner.idle(text)

        def failed(exc: BaseException) -> None:
            self._failed(exc)
            self.load_review()

        self._run(lambda: svc.post(store, actor, number, uncounted=policy), done, failed,
                  changes={"stock"})

    def export(self) -> None:
        if self.current is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export variances"), f"{self.current.number}.csv",
            self.tr("CSV files (*.csv)"))
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """Write the review as shown (filter and policy) to *path*, off the GUI thread."""
        if self.current is None:
            return
        actor, store, number = self.ctx.actor, self.ctx.store, self.current.number
        only, policy = self.only_diff.isChecked(), Uncounted(self.uncounted_box.currentData())

        def done(rows: int) -> None:
            self._review_say(self.tr("{rows} rows exported").format(rows=rows), ok=True)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, OSError):
                self._review_say(self.tr("Cannot write {path}: {error}").format(
                    path=path, error=exc.strerror or exc), ok=False)
            else:
                self._failed(exc)

        self._run(lambda: svc.export_variances_csv(store, actor, number, path,
                                                   only_differences=only, uncounted=policy),
                  done, failed)

    def cancel_count(self) -> None:
        if self.current is None:
            return
        if not self.confirm(self.tr("Cancel count {number}? Nothing will be posted.").format(
                number=self.current.number)):
            return
        actor, store, number = self.ctx.actor, self.ctx.store, self.current.number

        def done(count: svc.CountRecord) -> None:
            self.open_count(count)
            self.refresh()

        self._run(lambda: svc.cancel(store, actor, number), done)

    # -- visibility

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.current is not None and self.current.status is Status.OPEN:
            self._live.start()

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        self._live.stop()
