"""The transfers tab (调拨): make a transfer by scanning, ship it (调拨出库), receive it by
scanning what arrived (调拨入库) — in part, with the rest left in transit or written off
with a reason — or cancel it.

Scans go where the screen says: a transfer number (TR…) opens that transfer; with a shipped
transfer open, an item scan counts one arrived unit of its SKU (type a number in Quantity
first for many); otherwise it adds the SKU to the new transfer. Every action that moves
stock asks first. The list shows the newest 200 transfers of the chosen status.
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.timeutil import DEFAULT_ZONE
from ecerp_desktop.services import stock as stock_service
from ecerp_desktop.services import transfers
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.ops import change_bus
from ecerp_desktop.ui.scanner_filter import ScannerFilter
from ecerp_desktop.ui.stock_doc_widgets import DocTab

STATUS_TITLES: dict[str, str] = {
    "draft": QT_TRANSLATE_NOOP("TransferStatus", "Draft"),
    "shipped": QT_TRANSLATE_NOOP("TransferStatus", "Shipped, in transit"),
    "partial": QT_TRANSLATE_NOOP("TransferStatus", "Partly received"),
    "received": QT_TRANSLATE_NOOP("TransferStatus", "Received"),
    "cancelled": QT_TRANSLATE_NOOP("TransferStatus", "Cancelled"),
}
NUMBER = re.compile(r"^TR\d{8}$", re.IGNORECASE)
ARRIVED_COL = 6
RECEIVABLE = ("shipped", "partial")


def status_title(status: str) -> str:
    src = STATUS_TITLES.get(status)
    return QCoreApplication.translate("TransferStatus", src) if src else status


def _item(text: object, editable: bool = False) -> QTableWidgetItem:
    it = QTableWidgetItem(str(text))
    if not editable:
        it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return it


class TransfersTab(DocTab):
    def __init__(self, ctx: PageContext, parent: QWidget | None = None, *,
                 scanner_filter: ScannerFilter | None = None) -> None:
        super().__init__(ctx, parent, scanner_filter=scanner_filter)
        self.current: Any = None  # the open transfer (a TransferRecord)
        self.draft: dict[str, tuple[str, int]] = {}  # SKU code → (name, qty)

        # list
        self.status_box = QComboBox()
        self.status_box.addItem(self.tr("Open (not yet received)"), "open")
        self.status_box.addItem(self.tr("All"), "")
        for key in STATUS_TITLES:
            self.status_box.addItem(status_title(key), key)
        self.status_box.currentIndexChanged.connect(lambda _i: self.refresh())
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        self.list = QTableWidget(0, 6)
        self.list.setHorizontalHeaderLabels([self.tr("Number"), self.tr("Status"),
                                             self.tr("From"), self.tr("To"),
                                             self.tr("Units"), self.tr("Created")])
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.itemSelectionChanged.connect(self._list_selected)
        left = QWidget()
        lv = QVBoxLayout(left)
        bar = QHBoxLayout()
        bar.addWidget(self.status_box, 1)
        bar.addWidget(refresh)
        lv.addLayout(bar)
        lv.addWidget(self.list, 1)

        # the open transfer
        self.title = QLabel(self.tr("No transfer open"))
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.note_label = QLabel()
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)  # buyer-proof: never HTML
        self.note_label.setWordWrap(True)
        self.lines = QTableWidget(0, 7)
        self.lines.setHorizontalHeaderLabels([
            self.tr("SKU"), self.tr("Name"), self.tr("Shipped"), self.tr("Received"),
            self.tr("Lost"), self.tr("In transit"), self.tr("Arrived now")])
        self.ship_button = QPushButton(self.tr("Ship (transfer out)"))
        self.ship_button.clicked.connect(self.ship)
        self.receive_button = QPushButton(self.tr("Receive (transfer in)"))
        self.receive_button.clicked.connect(self.receive)
        self.cancel_button = QPushButton(self.tr("Cancel transfer"))
        self.cancel_button.clicked.connect(self.cancel)
        self.write_off = QCheckBox(self.tr("Write the shortfall off as lost"))
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(200)
        self.reason_edit.setPlaceholderText(self.tr("Reason (loss or cancellation)"))
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.title)
        rv.addWidget(self.note_label)
        rv.addWidget(self.lines, 1)
        actions = QHBoxLayout()
        for w in (self.ship_button, self.receive_button, self.write_off, self.reason_edit,
                  self.cancel_button):
            actions.addWidget(w)
        rv.addLayout(actions)

        # a new transfer
        self.from_box = QComboBox()
        self.to_box = QComboBox()
        self.qty = QSpinBox()
        self.qty.setRange(1, 1_000_000)
        self.scan = self.scan_field(self.tr("Scan an item, a transfer number, or type and "
                                            "Enter"))
        self.draft_table = QTableWidget(0, 3)
        self.draft_table.setHorizontalHeaderLabels([self.tr("SKU"), self.tr("Name"),
                                                    self.tr("Quantity")])
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(500)
        self.note_edit.setPlaceholderText(self.tr("Note"))
        remove = QPushButton(self.tr("Remove line"))
        remove.clicked.connect(self.remove_draft_line)
        self.create_button = QPushButton(self.tr("Create transfer"))
        self.create_button.clicked.connect(self.create)
        new = QGroupBox(self.tr("New transfer"))
        form = QFormLayout(new)
        whs = QHBoxLayout()
        whs.addWidget(self.from_box, 1)
        whs.addWidget(QLabel("→"))
        whs.addWidget(self.to_box, 1)
        form.addRow(self.tr("From → to"), whs)
        form.addRow(self.draft_table)
        buttons = QHBoxLayout()
        buttons.addWidget(self.note_edit, 1)
        buttons.addWidget(remove)
        buttons.addWidget(self.create_button)
        form.addRow(buttons)
        self.scan_target = QLabel()
        self.scan_target.setTextFormat(Qt.TextFormat.PlainText)
        self.close_button = QPushButton(self.tr("Close (Esc)"))
        self.close_button.clicked.connect(self.close_current)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.close_current)
        scan_row = QHBoxLayout()
        scan_row.addWidget(QLabel(self.tr("Scan")))
        scan_row.addWidget(self.scan, 2)
        scan_row.addWidget(QLabel(self.tr("Quantity per scan")))
        scan_row.addWidget(self.qty)
        scan_row.addWidget(self.scan_target, 2)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([420, 780])
        rv.insertWidget(0, self.close_button, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addLayout(scan_row)
        layout.addWidget(split, 2)
        layout.addWidget(new, 1)
        layout.addWidget(self.status)
        self._paint_current()
        self.load_warehouses([self.from_box, self.to_box])
        change_bus().changed.connect(self._changed)  # a bound slot: gone with the tab
        self.refresh()

    def _changed(self, names: frozenset[str]) -> None:
        if "transfers" in names:
            self.refresh()

    def warehouses_loaded(self) -> None:
        if self.to_box.count() > 1:
            self.to_box.setCurrentIndex(1)

    # -- the list

    def refresh(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        wanted = self.status_box.currentData()

        def load() -> list[Any]:
            if wanted == "open":
                rows = [t for st in ("draft", "shipped", "partial")
                        for t in transfers.list_transfers(store, actor, status=st)]
                return sorted(rows, key=lambda t: -t.id)[:200]
            return transfers.list_transfers(store, actor, status=wanted or None)

        self.run(load, self._fill_list)

    def _fill_list(self, rows: list[Any]) -> None:
        self.list.blockSignals(True)
        self.list.setRowCount(len(rows))
        for r, t in enumerate(rows):
            created = t.created_at.astimezone(ZoneInfo(DEFAULT_ZONE)).strftime("%m-%d %H:%M")
            for c, text in enumerate((t.number, status_title(t.status), t.from_name,
                                      t.to_name, t.total_qty, created)):
                self.list.setItem(r, c, _item(text))
        self.list.blockSignals(False)

    def _list_selected(self) -> None:
        rows = self.list.selectionModel().selectedRows()
        if rows:
            self.open(self.list.item(rows[0].row(), 0).text())

    def open(self, number: str) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        self.run(lambda: transfers.get(store, actor, number), self._opened)

    def _opened(self, t: Any) -> None:
        self.current = t
        self._paint_current()

    def close_current(self) -> None:
        """Put the open transfer away: scans go to the new transfer again."""
        self.current = None
        self.list.clearSelection()
        self._paint_current()
        self.scan.setFocus()

    # -- the open transfer

    def _paint_current(self) -> None:
        t = self.current
        receiving = t is not None and t.status in RECEIVABLE
        self.ship_button.setEnabled(t is not None and t.status == "draft")
        self.receive_button.setEnabled(receiving)
        self.cancel_button.setEnabled(t is not None and t.status in ("draft", "shipped"))
        self.write_off.setEnabled(receiving)
        self.close_button.setEnabled(t is not None)
        if t is None:
            self.title.setText(self.tr("No transfer open"))
            self.note_label.clear()
            self.lines.setRowCount(0)
            self.scan_target.setText(self.tr("Scans add items to the new transfer"))
            return
        self.title.setText(self.tr("{number}: {source} → {target}, {status}").format(
            number=t.number, source=t.from_name, target=t.to_name,
            status=status_title(t.status)))
        self.note_label.setText(t.note)
        self.lines.setRowCount(len(t.lines))
        for r, ln in enumerate(t.lines):
            transit = ln.outstanding if receiving else 0
            for c, text in enumerate((ln.code, ln.name, ln.qty, ln.received, ln.lost, transit)):
                self.lines.setItem(r, c, _item(text))
            self.lines.setItem(r, ARRIVED_COL, _item(0, editable=receiving))
        self.scan_target.setText(
            self.tr("Scans count arrived items of {number}").format(number=t.number)
            if receiving else self.tr("Scans add items to the new transfer"))

    def arrived(self) -> dict[str, int]:
        """SKU code → the number in the Arrived column (what this receipt takes in)."""
        out: dict[str, int] = {}
        for r in range(self.lines.rowCount()):
            text = self.lines.item(r, ARRIVED_COL).text().strip()
            out[self.lines.item(r, 0).text()] = int(text) if text.isdigit() else -1
        return out

    def _count_arrival(self, code: str, qty: int) -> None:
        for r in range(self.lines.rowCount()):
            if self.lines.item(r, 0).text() == code:
                cell = self.lines.item(r, ARRIVED_COL)
                now = (int(cell.text()) if cell.text().isdigit() else 0) + qty
                cell.setText(str(now))
                transit = int(self.lines.item(r, 5).text())
                if now > transit:
                    self.error(self.tr("{sku}: {count} counted but only {transit} in transit")
                               .format(sku=code, count=now, transit=transit))
                else:
                    self.ok(self.tr("{sku}: {count} of {transit} arrived").format(
                        sku=code, count=now, transit=transit))
                return
        self.error(self.tr("{sku} is not on this transfer").format(sku=code))

    # -- scans

    def on_code(self, code: str) -> None:
        if NUMBER.match(code):
            self.open(code.upper())
            return
        qty = self.qty.value()
        self.qty.setValue(1)
        store, actor = self.ctx.store, self.ctx.actor
        receiving = self.current is not None and self.current.status in RECEIVABLE

        def found(res: Any) -> None:
            if receiving:
                self._count_arrival(res.sku.code, qty)
            else:
                self.add_draft(res.sku.code, res.sku.name, qty)

        self.run(lambda: stock_service.show(store, actor, code), found)

    # -- the new transfer

    def add_draft(self, code: str, name: str, qty: int) -> None:
        old = self.draft.get(code, (name, 0))[1]
        self.draft[code] = (name, old + qty)
        self._paint_draft()
        self.ok(self.tr("{sku}: {qty} on the new transfer").format(sku=code, qty=old + qty))

    def remove_draft_line(self) -> None:
        rows = sorted({i.row() for i in self.draft_table.selectedIndexes()}, reverse=True)
        for r in rows:
            self.draft.pop(self.draft_table.item(r, 0).text(), None)
        self._paint_draft()

    def _paint_draft(self) -> None:
        self.draft_table.setRowCount(len(self.draft))
        for r, (code, (name, qty)) in enumerate(self.draft.items()):
            for c, text in enumerate((code, name, qty)):
                self.draft_table.setItem(r, c, _item(text))

    def create(self) -> None:
        if self.busy:
            return
        if not self.draft:
            self.error(self.tr("Scan the items to transfer first"))
            return
        src, dst = self.from_box.currentData(), self.to_box.currentData()
        lines = [(code, qty) for code, (_n, qty) in self.draft.items()]
        note = self.note_edit.text()
        store, actor = self.ctx.store, self.ctx.actor

        def done(t: Any) -> None:
            self.draft.clear()
            self._paint_draft()
            self.note_edit.clear()
            self.current = t
            self._paint_current()
            self.ok(self.tr("Transfer {number} created: ship it when it leaves").format(
                number=t.number))
            self.refresh()

        self.run(lambda: transfers.create(store, actor, src, dst, lines, note), done,
                 changes={"transfers"})

    # -- actions on the open transfer

    def _act(self, question: str, fn: Any, message: str) -> None:
        if self.busy or self.current is None or not self.confirm(question):
            return

        def done(res: Any) -> None:
            self.current = getattr(res, "transfer", res)
            self._paint_current()
            self.ok(message.format(number=self.current.number,
                                   status=status_title(self.current.status)))
            self.refresh()

        self.run(fn, done, changes={"stock", "transfers"})

    def ship(self) -> None:
        t = self.current
        if t is None:
            return
        store, actor = self.ctx.store, self.ctx.actor
        self._act(self.tr("Ship {number}: {units} units leave {source}?").format(
            number=t.number, units=t.total_qty, source=t.from_name),
            lambda: transfers.ship(store, actor, t.number),
            self.tr("{number} shipped: in transit"))

    def receive(self) -> None:
        t = self.current
        if t is None:
            return
        counted = self.arrived()
        bad = [code for code, n in counted.items() if n < 0]
        if bad:
            self.error(self.tr("{sku}: type a whole number of arrived units").format(
                sku=bad[0]))
            return
        write_off, reason = self.write_off.isChecked(), self.reason_edit.text()
        if write_off and not reason.strip():
            self.error(self.tr("A loss needs a reason"))
            return
        if not any(counted.values()) and not write_off:
            self.error(self.tr("Scan or type what arrived first"))
            return
        units = sum(counted.values())
        transit = sum(ln.outstanding for ln in t.lines)
        question = (self.tr("Receive {units} of {transit} units into {target}?")
                    .format(units=units, transit=transit, target=t.to_name))
        if write_off and units < transit:
            question += "\n" + self.tr("{short} units will be written off as lost.").format(
                short=transit - units)
        store, actor = self.ctx.store, self.ctx.actor
        self._act(question, lambda: transfers.receive(store, actor, t.number, counted,
                                                      write_off=write_off, reason=reason),
                  self.tr("{number}: {status}"))

    def cancel(self) -> None:
        t = self.current
        if t is None:
            return
        reason = self.reason_edit.text()
        question = (self.tr("Cancel {number}? The goods in transit go back to {source}.")
                    .format(number=t.number, source=t.from_name) if t.status == "shipped"
                    else self.tr("Cancel {number}?").format(number=t.number))
        store, actor = self.ctx.store, self.ctx.actor
        self._act(question, lambda: transfers.cancel(store, actor, t.number, reason),
                  self.tr("{number}: {status}"))

