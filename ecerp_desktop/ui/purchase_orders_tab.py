"""The purchase orders tab (采购单): the list with a status filter, the selected PO's lines,
and new / edit / place / cancel / close / receive.

The new/edit dialog (:class:`PurchaseOrderDialog`) has a line grid: type or scan a SKU code
or barcode into the add field and press Enter, the SKU and a proposed cost (its supplier's
last cost, else the SKU's cost) come back from an op; quantities and costs are edited in the
grid. Every service call runs through ui/ops.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.purchasing import LineInput, POStatus
from ecerp_desktop.domain.timeutil import format_local, to_zone, utcnow
from ecerp_desktop.services import purchasing as pur
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import change_bus, run_op
from ecerp_desktop.ui.purchase_models import RecordsTableModel, status_text
from ecerp_desktop.ui.scanner_filter import (
    ScannerFilter,
    installed_filter,
    mark_scan_field,
    take_typed,
)

CHANGES = frozenset({"purchasing", "stock"})


def _table(model: RecordsTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _overdue_colour(r: pur.POSummary) -> str | None:
    """逾期: still expected after its expected date."""
    if r.expected_date is not None and r.status in (POStatus.PLACED, POStatus.PARTIAL) \
            and r.expected_date < to_zone(utcnow()).date():
        return "#ffe0b2"
    return None


class PurchaseOrderDialog(QDialog):
    """New or edit a draft PO. ``values()`` gives what the service needs."""

    COLS = 5  # code, name, qty, unit cost, amount

    def __init__(self, suppliers: list[pur.SupplierRecord], warehouses: list[Any],
                 lookup: Callable[[str, Callable[[Any], None]], None],
                 po: pur.PORecord | None = None, parent: QWidget | None = None, *,
                 scanner_filter: ScannerFilter | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("purchaseOrderDialog")
        self.setWindowTitle(self.tr("Purchase order {number}").format(number=po.number)
                            if po else self.tr("New purchase order"))
        self.resize(760, 520)
        self._lookup = lookup
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.supplier = QComboBox()
        self.supplier.setObjectName("supplier")
        for sup in suppliers:
            self.supplier.addItem(f"{sup.code} {sup.name}", sup.code)
        self.warehouse = QComboBox()
        self.warehouse.setObjectName("warehouse")
        for wh in warehouses:
            self.warehouse.addItem(f"{wh.code} {wh.name}", wh.code)
        self.has_date = QCheckBox(self.tr("Expected on"))
        self.expected = QDateEdit(QDate.currentDate().addDays(7))
        self.expected.setCalendarPopup(True)
        self.expected.setEnabled(False)
        self.has_date.toggled.connect(self.expected.setEnabled)
        row = QHBoxLayout()
        row.addWidget(self.has_date)
        row.addWidget(self.expected)
        row.addStretch(1)
        self.remark = QLineEdit()
        self.remark.setObjectName("remark")
        self.remark.setMaxLength(255)
        form.addRow(self.tr("Supplier"), self.supplier)
        form.addRow(self.tr("Warehouse"), self.warehouse)
        form.addRow(self.tr("Arrival"), row)
        form.addRow(self.tr("Remark"), self.remark)
        layout.addLayout(form)

        add = QHBoxLayout()
        self.add_field = QLineEdit()
        self.add_field.setObjectName("addLine")
        self.add_field.setPlaceholderText(self.tr("scan or type a SKU code or barcode, then "
                                                  "Enter"))
        mark_scan_field(self.add_field)
        self.add_field.returnPressed.connect(self._add_typed)
        if scanner_filter is not None:  # a scan never reaches the field: take it here
            scanner_filter.scanned.connect(self.on_scan)
        remove = QPushButton(self.tr("Remove line"))
        remove.clicked.connect(self._remove_current)
        add.addWidget(self.add_field, 1)
        add.addWidget(remove)
        layout.addLayout(add)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)

        self.grid = QTableWidget(0, self.COLS)
        self.grid.setObjectName("lines")
        self.grid.setHorizontalHeaderLabels([self.tr("Code"), self.tr("Item"),
                                             self.tr("Quantity"), self.tr("Unit cost"),
                                             self.tr("Amount")])
        self.grid.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setVisible(False)
        self.grid.itemChanged.connect(self._recalc)
        layout.addWidget(self.grid, 1)
        self.total = QLabel()
        self.total.setObjectName("total")
        layout.addWidget(self.total)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._try_accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        if po is not None:
            self.supplier.setCurrentIndex(max(self.supplier.findData(po.supplier_code), 0))
            self.warehouse.setCurrentIndex(max(self.warehouse.findData(po.warehouse_code), 0))
            if po.expected_date is not None:
                self.has_date.setChecked(True)
                self.expected.setDate(QDate(po.expected_date.year, po.expected_date.month,
                                            po.expected_date.day))
            self.remark.setText(po.remark)
            for ln in po.lines:
                self.add_line(ln.code, ln.name, ln.qty_ordered, ln.unit_cost)
        self._recalc()

    # -- lines

    def add_line(self, code: str, name: str, qty: int, cost: Decimal) -> None:
        """Add a line, or one more unit when the SKU is already on the PO."""
        for r in range(self.grid.rowCount()):
            if self.grid.item(r, 0).text() == code:
                item = self.grid.item(r, 2)
                item.setText(str(int(item.text() or 0) + qty) if item.text().isdigit()
                             else str(qty))
                self.grid.setCurrentCell(r, 2)
                return
        r = self.grid.rowCount()
        self.grid.blockSignals(True)
        self.grid.insertRow(r)
        for c, text in enumerate((code, name, str(qty), str(cost), "")):
            item = QTableWidgetItem(text)
            if c in (0, 1, 4):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if c >= 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            self.grid.setItem(r, c, item)
        self.grid.blockSignals(False)
        self.grid.setCurrentCell(r, 2)
        self._recalc()

    def on_scan(self, code: str) -> None:
        """A scan while the dialog is open adds its SKU (or one more unit of it)."""
        if self.isVisible():
            self._add_code(code.strip())

    def _add_typed(self) -> None:
        code = take_typed(self.add_field)
        if code:
            self._add_code(code)

    def _add_code(self, code: str) -> None:

        def found(result: Any) -> None:
            if result is None:
                self.message.setText(self.tr("No SKU {code}").format(code=code))
                return
            sku, cost = result
            if sku.is_bundle:
                self.message.setText(self.tr("{code} is a bundle: order its components")
                                     .format(code=sku.code))
                return
            self.message.clear()
            self.add_line(sku.code, sku.name, 1, cost)

        self._lookup(code, found)

    def _remove_current(self) -> None:
        r = self.grid.currentRow()
        if r >= 0:
            self.grid.removeRow(r)
            self._recalc()

    def _parsed(self, r: int) -> tuple[int, Decimal] | None:
        try:
            qty = int(self.grid.item(r, 2).text().strip())
            cost = Decimal(self.grid.item(r, 3).text().strip())
        except (ValueError, InvalidOperation, AttributeError):
            return None
        if qty <= 0 or cost < 0 or not cost.is_finite():
            return None
        return qty, cost

    def _recalc(self, *_: Any) -> None:
        total = Decimal("0.00")
        units = 0
        self.grid.blockSignals(True)
        for r in range(self.grid.rowCount()):
            parsed = self._parsed(r)
            amount = self.grid.item(r, 4)
            if parsed is None:
                amount.setText("?")
                continue
            qty, cost = parsed
            value = (cost * qty).quantize(Decimal("0.01"))
            amount.setText(str(value))
            total += value
            units += qty
        self.grid.blockSignals(False)
        self.total.setText(self.tr("{lines} lines, {units} units, amount {amount}").format(
            lines=self.grid.rowCount(), units=units, amount=total))

    # -- result

    def values(self) -> dict[str, Any]:
        lines = []
        for r in range(self.grid.rowCount()):
            parsed = self._parsed(r)
            if parsed is None:
                raise ValueError(self.grid.item(r, 0).text())
            lines.append(LineInput(self.grid.item(r, 0).text(), parsed[0], parsed[1]))
        d = self.expected.date()
        return {"supplier": self.supplier.currentData() or "",
                "warehouse": self.warehouse.currentData() or "", "lines": lines,
                "expected_date": date(d.year(), d.month(), d.day())
                if self.has_date.isChecked() else None,
                "remark": self.remark.text()}

    def _try_accept(self) -> None:
        if not self.supplier.currentData():
            self.message.setText(self.tr("Add a supplier first (Suppliers tab)."))
            return
        if self.grid.rowCount() == 0:
            self.message.setText(self.tr("Add at least one line."))
            return
        try:
            self.values()
        except ValueError as exc:
            self.message.setText(self.tr("Line {code}: quantity must be a whole number above "
                                         "0 and the cost an amount").format(code=str(exc)))
            return
        self.accept()


class PurchaseOrdersTab(QWidget):
    """The PO list, its lines, and the actions on the selected PO."""

    receive_requested = Signal(str)  # a PO number to receive against
    done = Signal(object)  # the result (or error) of the last action, for tests

    def __init__(self, ctx: PageContext, parent: QWidget | None = None, *,
                 scanner_filter: ScannerFilter | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("purchaseOrdersTab")
        self._filter = scanner_filter or installed_filter()
        self._current: pur.PORecord | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.addItem(self.tr("Open (draft, placed, partly received)"), "open")
        self.status_filter.addItem(self.tr("All"), "all")
        for st in POStatus:
            self.status_filter.addItem(status_text(st), st.value)
        self.status_filter.currentIndexChanged.connect(self.reload)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("PO number or supplier"))
        self.search.returnPressed.connect(self.reload)
        bar.addWidget(QLabel(self.tr("Status")))
        bar.addWidget(self.status_filter)
        bar.addWidget(self.search, 1)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
                ("new", self.tr("New…"), self.new_po),
                ("edit", self.tr("Edit…"), self.edit_po),
                ("place", self.tr("Place"), self.place),
                ("cancel", self.tr("Cancel PO"), self.cancel),
                ("close", self.tr("Close"), self.close_po),
                ("receive", self.tr("Receive"), self.receive),
                ("export", self.tr("Export…"), self.ask_export),
                ("refresh", self.tr("Refresh"), self.reload)):
            b = QPushButton(text)
            b.setObjectName(f"{key}Button")
            b.clicked.connect(slot)
            self.buttons[key] = b
            bar.addWidget(b)
        layout.addLayout(bar)

        self.model = RecordsTableModel([
            (self.tr("Number"), lambda r: r.number),
            (self.tr("Status"), lambda r: status_text(r.status)),
            (self.tr("Supplier"), lambda r: r.supplier_name),
            (self.tr("Warehouse"), lambda r: r.warehouse_name),
            (self.tr("Lines"), lambda r: r.lines),
            (self.tr("Ordered"), lambda r: r.qty_ordered),
            (self.tr("Received"), lambda r: r.qty_received),
            (self.tr("Amount"), lambda r: r.amount),
            (self.tr("Expected"), lambda r: r.expected_date or ""),
            (self.tr("Created"), lambda r: format_local(r.created_at)),
            (self.tr("Remark"), lambda r: r.remark),
        ], row_colour=_overdue_colour)
        self.table = _table(self.model, "purchaseOrders")
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(lambda _i: self.edit_po())
        self.lines_model = RecordsTableModel([
            (self.tr("Line"), lambda ln: ln.line_no),
            (self.tr("Code"), lambda ln: ln.code),
            (self.tr("Item"), lambda ln: ln.name),
            (self.tr("Ordered"), lambda ln: ln.qty_ordered),
            (self.tr("Received"), lambda ln: ln.qty_received),
            (self.tr("Open"), lambda ln: ln.open_qty),
            (self.tr("Over"), lambda ln: ln.qty_over),
            (self.tr("Unit cost"), lambda ln: ln.unit_cost),
            (self.tr("Amount"), lambda ln: ln.amount),
        ])
        self.lines = _table(self.lines_model, "purchaseOrderLines")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.lines)
        split.setSizes([300, 200])
        layout.addWidget(split, 1)
        bottom = QHBoxLayout()
        self.status_line = QLabel()  # what the last action did
        self.status_line.setObjectName("statusLine")
        self.status_line.setTextFormat(Qt.TextFormat.PlainText)
        self.count_line = QLabel()  # how many POs the list shows
        self.count_line.setObjectName("countLine")
        bottom.addWidget(self.status_line, 1)
        bottom.addWidget(self.count_line)
        layout.addLayout(bottom)
        self._enable()
        change_bus().changed.connect(self._on_changes)

    # -- loading

    def _on_changes(self, names: frozenset[str]) -> None:
        if "purchasing" in names and self.isVisible():
            self.reload()

    def _statuses(self) -> list[POStatus] | None:
        key = self.status_filter.currentData()
        if key == "all":
            return None
        if key == "open":
            return [POStatus.DRAFT, POStatus.PLACED, POStatus.PARTIAL]
        return [POStatus(key)]

    def reload(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        statuses, search = self._statuses(), self.search.text()
        keep = self._current.number if self._current else None

        def shown(rows: list[pur.POSummary]) -> None:
            self.model.set_rows(rows)
            self.count_line.setText(self.tr("{n} purchase orders").format(n=len(rows)))
            for r, row in enumerate(rows):
                if row.number == keep:
                    self.table.selectRow(r)
                    break
            else:
                self._show_po(None)
            self.done.emit(rows)

        run_op(lambda: pur.list_pos(store, actor, statuses=statuses, search=search),
               owner=self, on_success=shown, on_failure=self._failed)

    def _row_changed(self, current: Any, _previous: Any) -> None:
        rec = self.model.record(current.row())
        if rec is None:
            self._show_po(None)
            return
        store, actor, number = self.ctx.store, self.ctx.actor, rec.number
        run_op(lambda: pur.get_po(store, actor, number), owner=self,
               on_success=self._show_po, on_failure=self._failed)

    def _show_po(self, po: pur.PORecord | None) -> None:
        self._current = po
        self.lines_model.set_rows(list(po.lines) if po else [])
        self._enable()

    def current(self) -> pur.PORecord | None:
        return self._current

    def _enable(self) -> None:
        st = self._current.status if self._current else None
        self.buttons["edit"].setEnabled(st is POStatus.DRAFT)
        self.buttons["place"].setEnabled(st is POStatus.DRAFT)
        self.buttons["cancel"].setEnabled(st in (POStatus.DRAFT, POStatus.PLACED))
        self.buttons["close"].setEnabled(st in (POStatus.PLACED, POStatus.PARTIAL))
        self.buttons["receive"].setEnabled(st in (POStatus.PLACED, POStatus.PARTIAL))
        self.buttons["export"].setEnabled(st is not None)

    def _failed(self, exc: BaseException) -> None:
        self.status_line.setText(describe(exc))
        self.done.emit(exc)

    # -- the dialog

    def _lookup(self, code: str, then: Callable[[Any], None]) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        run_op(lambda: pur.lookup_sku(store, actor, code), owner=self, on_success=then,
               on_failure=self._failed)

    def _open_dialog(self, po: pur.PORecord | None) -> None:
        store, actor = self.ctx.store, self.ctx.actor

        def ready(choices: tuple[list[pur.SupplierRecord], list[Any]]) -> None:
            sups, whs = choices
            dialog = PurchaseOrderDialog(sups, whs, self._lookup, po, self,
                                         scanner_filter=self._filter)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.accepted.connect(lambda: self._save(dialog.values(), po))
            self.dialog = dialog
            dialog.open()
            self.done.emit(dialog)

        run_op(lambda: (pur.suppliers(store, actor), pur.warehouses(store, actor)),
               owner=self, on_success=ready, on_failure=self._failed)

    def new_po(self) -> None:
        self._open_dialog(None)

    def edit_po(self) -> None:
        if self._current is not None and self._current.status is POStatus.DRAFT:
            self._open_dialog(self._current)

    def _save(self, values: dict[str, Any], po: pur.PORecord | None) -> None:
        store, actor = self.ctx.store, self.ctx.actor

        def work() -> pur.PORecord:
            if po is None:
                return pur.create_po(store, actor, **values)
            return pur.update_po(store, actor, po.number, **values)

        self._act(work, self.tr("Purchase order {number} saved."))

    def _act(self, work: Callable[[], pur.PORecord], message: str) -> None:
        def ok(po: pur.PORecord) -> None:
            self._show_po(po)
            self.status_line.setText(message.format(number=po.number))
            self.reload()

        run_op(work, owner=self, on_success=ok, on_failure=self._failed, changes=CHANGES)

    # -- actions on the selected PO

    def place(self) -> None:
        po = self._current
        if po is not None:
            store, actor = self.ctx.store, self.ctx.actor
            self._act(lambda: pur.place(store, actor, po.number),
                      self.tr("Purchase order {number} placed: its quantities are in "
                              "transit."))

    def cancel(self, reason: str | None = None) -> None:
        po = self._current
        if po is None:
            return
        if reason is None:
            reason, ok = QInputDialog.getText(self, self.tr("Cancel purchase order"),
                                              self.tr("Reason:"))
            if not ok:
                return
        store, actor, why = self.ctx.store, self.ctx.actor, reason
        self._act(lambda: pur.cancel(store, actor, po.number, why),
                  self.tr("Purchase order {number} cancelled."))

    def close_po(self, reason: str | None = None) -> None:
        po = self._current
        if po is None:
            return
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, self.tr("Close purchase order"),
                self.tr("The rest will not come. Reason:"))
            if not ok:
                return
        store, actor, why = self.ctx.store, self.ctx.actor, reason
        self._act(lambda: pur.close(store, actor, po.number, why),
                  self.tr("Purchase order {number} closed."))

    def ask_export(self) -> None:
        po = self._current
        if po is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the purchase order"), f"{po.number}.xlsx",
            self.tr("Excel (*.xlsx);;CSV (*.csv)"))
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """Write the selected PO to *path* (to send to the supplier)."""
        po = self._current
        if po is None:
            return
        store, actor, number = self.ctx.store, self.ctx.actor, po.number

        def done(n: int) -> None:
            self.status_line.setText(self.tr("Purchase order {number}: {n} lines written to "
                                             "{path}.").format(number=number, n=n, path=path))
            self.done.emit(n)

        run_op(lambda: pur.export_po(store, actor, number, path), owner=self,
               on_success=done, on_failure=self._failed)

    def receive(self) -> None:
        if self._current is not None:
            self.receive_requested.emit(self._current.number)

    def select_number(self, number: str) -> bool:
        for r, row in enumerate(self.model.rows()):
            if row.number == number:
                self.table.selectRow(r)
                return True
        return False
