"""The returns tab (退货入库): scan the parcel that came back, take back what is in it.

1. Scan the waybill number (or type the order number / platform order id) → the shipped
   order, its lines (gifts too), what was returned before and what may still come back,
   and whether the buyer asked for a refund.
2. Scan each item (a number typed in Quantity first counts that many), or type the
   quantities; pick the condition per line: good → back into stock where it left from,
   damaged → that warehouse's 次品仓, written off → nowhere.
3. Receive (Ctrl+Enter): confirmed, one transaction; the order's history gets a row.

A parcel that matches no order is an unknown parcel (无头件): its scanned number becomes
the tracking number, scanned items its lines, and it is kept until matched to an order
from the list below (which moves its stock then).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.timeutil import DEFAULT_ZONE
from ecerp_desktop.services import returns
from ecerp_desktop.services import stock as stock_service
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import change_bus
from ecerp_desktop.ui.orders_table_model import status_title as order_status_title
from ecerp_desktop.ui.scanner_filter import ScannerFilter
from ecerp_desktop.ui.stock_doc_widgets import DocTab

CONDITIONS: tuple[tuple[str, str], ...] = (
    ("good", QT_TRANSLATE_NOOP("ReturnCondition", "Good: back into stock")),
    ("damaged", QT_TRANSLATE_NOOP("ReturnCondition", "Damaged: damaged-goods warehouse")),
    ("written_off", QT_TRANSLATE_NOOP("ReturnCondition", "Written off")),
)
STATUS_TITLES: dict[str, str] = {
    "received": QT_TRANSLATE_NOOP("ReturnStatus", "Received"),
    "unmatched": QT_TRANSLATE_NOOP("ReturnStatus", "Unknown parcel"),
    "matched": QT_TRANSLATE_NOOP("ReturnStatus", "Matched later"),
}
REFUND_TITLES: dict[str, str] = {
    "none": QT_TRANSLATE_NOOP("RefundState", "No refund"),
    "requested": QT_TRANSLATE_NOOP("RefundState", "Refund requested"),
    "refunded": QT_TRANSLATE_NOOP("RefundState", "Refunded"),
    "rejected": QT_TRANSLATE_NOOP("RefundState", "Refund rejected"),
}
RETURN_COL, COND_COL = 6, 7


def _tr(context: str, table: dict[str, str], key: str) -> str:
    src = table.get(key)
    return QCoreApplication.translate(context, src) if src else key


def _item(text: object, editable: bool = False) -> QTableWidgetItem:
    it = QTableWidgetItem(str(text))
    if not editable:
        it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return it


def _condition_box() -> QComboBox:
    box = QComboBox()
    for key, src in CONDITIONS:
        box.addItem(QCoreApplication.translate("ReturnCondition", src), key)
    return box


class ReturnsTab(DocTab):
    def __init__(self, ctx: PageContext, parent: QWidget | None = None, *,
                 scanner_filter: ScannerFilter | None = None) -> None:
        super().__init__(ctx, parent, scanner_filter=scanner_filter)
        self.candidate: Any = None  # the ReturnCandidate on screen
        self.unknown_lines: dict[str, tuple[str, int]] = {}  # SKU code → (name, qty)

        self.scan = self.scan_field(self.tr("Scan the waybill or type the order number, "
                                            "then scan the items"))
        self.qty = QSpinBox()
        self.qty.setRange(1, 100_000)
        self.order_label = QLabel(self.tr("No order"))
        self.order_label.setTextFormat(Qt.TextFormat.PlainText)
        self.order_label.setWordWrap(True)
        self.lines = QTableWidget(0, 8)
        self.lines.setHorizontalHeaderLabels([
            self.tr("SKU"), self.tr("Name"), self.tr("Gift"), self.tr("Shipped"),
            self.tr("Returned before"), self.tr("Can return"), self.tr("Return now"),
            self.tr("Condition")])
        self.tracking = QLineEdit()
        self.tracking.setMaxLength(64)
        self.tracking.setPlaceholderText(self.tr("The return parcel's tracking number"))
        self.note = QLineEdit()
        self.note.setMaxLength(500)
        self.note.setPlaceholderText(self.tr("Note"))
        self.receive_button = QPushButton(self.tr("Receive return (Ctrl+Enter)"))
        self.receive_button.clicked.connect(self.receive)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.clicked.connect(self.clear)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.receive)

        top = QFormLayout()
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan, 1)
        scan_row.addWidget(QLabel(self.tr("Quantity per scan")))
        scan_row.addWidget(self.qty)
        top.addRow(self.tr("Scan"), scan_row)
        top.addRow(self.tr("Order"), self.order_label)
        actions = QHBoxLayout()
        actions.addWidget(self.tracking, 1)
        actions.addWidget(self.note, 1)
        actions.addWidget(self.receive_button)
        actions.addWidget(self.clear_button)

        # unknown parcel
        self.unknown = QGroupBox(self.tr("Unknown parcel (no matching order)"))
        self.unknown_tracking = QLineEdit()
        self.unknown_tracking.setMaxLength(64)
        self.unknown_warehouse = QComboBox()
        self.unknown_table = QTableWidget(0, 4)
        self.unknown_table.setHorizontalHeaderLabels([self.tr("SKU"), self.tr("Name"),
                                                      self.tr("Quantity"),
                                                      self.tr("Condition")])
        self.record_button = QPushButton(self.tr("Record unknown parcel"))
        self.record_button.clicked.connect(self.record_unknown)
        uf = QFormLayout(self.unknown)
        uf.addRow(self.tr("Tracking number"), self.unknown_tracking)
        uf.addRow(self.tr("Kept in"), self.unknown_warehouse)
        uf.addRow(self.unknown_table)
        uf.addRow(self.record_button)
        self.unknown.setVisible(False)

        # recent returns
        self.list_filter = QComboBox()
        self.list_filter.addItem(self.tr("All returns"), "")
        self.list_filter.addItem(self.tr("Unknown parcels"), "unmatched")
        self.list_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.list = QTableWidget(0, 7)
        self.list.setHorizontalHeaderLabels([
            self.tr("Number"), self.tr("Status"), self.tr("Order"), self.tr("Tracking"),
            self.tr("Units"), self.tr("Refund"), self.tr("Time")])
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.match_edit = QLineEdit()
        self.match_edit.setMaxLength(64)
        self.match_edit.setPlaceholderText(self.tr("Order number or waybill of the selected "
                                                   "unknown parcel"))
        self.match_button = QPushButton(self.tr("Match"))
        self.match_button.clicked.connect(self.match)
        match_row = QHBoxLayout()
        match_row.addWidget(self.list_filter)
        match_row.addWidget(self.match_edit, 1)
        match_row.addWidget(self.match_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.lines, 2)
        layout.addLayout(actions)
        layout.addWidget(self.unknown, 1)
        layout.addWidget(self.status)
        layout.addLayout(match_row)
        layout.addWidget(self.list, 1)
        self.load_warehouses([self.unknown_warehouse])
        change_bus().changed.connect(self._changed)  # a bound slot: gone with the tab
        self.refresh()

    def _changed(self, names: frozenset[str]) -> None:
        if "returns" in names:
            self.refresh()

    # -- scans

    def on_code(self, code: str) -> None:
        qty = self.qty.value()
        self.qty.setValue(1)
        store, actor = self.ctx.store, self.ctx.actor

        def work() -> tuple[str, Any]:
            cand = returns.lookup(store, actor, code)
            if cand is not None:
                return "order", cand
            try:
                return "sku", stock_service.show(store, actor, code).sku
            except DomainError as exc:
                if exc.code is not ErrorCode.NOT_FOUND:
                    raise
            return "none", code

        self.run(work, lambda res: self._resolved(res, qty))

    def _resolved(self, res: tuple[str, Any], qty: int) -> None:
        kind, value = res
        if kind == "order":
            # the buyer's return waybill scanned first (no order has it), then the slip
            carried = (self.unknown_tracking.text() if self.unknown.isVisibleTo(self)
                       and not self.unknown_lines else "")
            self.show_candidate(value)
            if carried:
                self.tracking.setText(carried)
        elif kind == "sku":
            if self.candidate is not None:
                self._count(value.code, qty)
            else:
                self._add_unknown(value.code, value.name, qty)
        elif self.candidate is None and not self.unknown_lines:
            self.unknown.setVisible(True)
            self.unknown_tracking.setText(value)
            self.error(self.tr("No order for {code}: scan the order's slip or waybill, or "
                               "scan the items to record an unknown parcel").format(code=value))
        else:
            self.error(self.tr("Unknown code {code}").format(code=value))

    # -- a matched order

    def show_candidate(self, cand: Any) -> None:
        self.candidate = cand
        self.unknown.setVisible(False)
        self.unknown_lines.clear()
        heads = "; ".join(
            self.tr("{order} ({status}), buyer {buyer}").format(
                order=h.platform_order_id, status=order_status_title(h.status),
                buyer=h.buyer_nick)
            for h in cand.orders)
        self.order_label.setText(heads + "   " + _tr("RefundState", REFUND_TITLES,
                                                     cand.refund_state))
        self.tracking.clear()
        self.lines.setRowCount(len(cand.lines))
        yes = self.tr("yes")
        for r, ln in enumerate(cand.lines):
            for c, text in enumerate((ln.code, ln.name, yes if ln.is_gift else "",
                                      ln.shipped, ln.returned, ln.returnable)):
                self.lines.setItem(r, c, _item(text))
            self.lines.setItem(r, RETURN_COL, _item(0, editable=ln.returnable > 0))
            self.lines.setCellWidget(r, COND_COL, _condition_box())
        self.lines.resizeColumnsToContents()
        if not cand.lines:
            self.error(self.tr("Nothing of this order has been shipped"))
        elif cand.returnable == 0:
            self.error(self.tr("Everything shipped has already come back"))
        else:
            self.ok(self.tr("Scan the returned items ({n} can come back)").format(
                n=cand.returnable))

    def _count(self, code: str, qty: int) -> None:
        for r in range(self.lines.rowCount()):
            if self.lines.item(r, 0).text() != code:
                continue
            cell = self.lines.item(r, RETURN_COL)
            now = int(cell.text()) if cell.text().isdigit() else 0
            room = int(self.lines.item(r, 5).text()) - now
            if room <= 0:
                continue  # full: the next line of this SKU (e.g. its gift line)
            take = min(room, qty)
            cell.setText(str(now + take))
            qty -= take
            if not qty:
                self.ok(self.tr("{sku}: {n} to return").format(sku=code, n=now + take))
                return
        self.error(self.tr("{sku}: more than can come back on this order").format(sku=code))

    def set_condition(self, row: int, key: str) -> None:
        box = self.lines.cellWidget(row, COND_COL)
        box.setCurrentIndex(box.findData(key))

    def items(self) -> list[returns.ReturnItem]:
        out = []
        cand = self.candidate
        for r, ln in enumerate(cand.lines if cand is not None else ()):
            text = self.lines.item(r, RETURN_COL).text().strip()
            if not text.isdigit():
                raise DomainError(ErrorCode.INVALID_QUANTITY, value=text[:16])
            if int(text):
                out.append(returns.ReturnItem(ln.code, int(text),
                                              self.lines.cellWidget(r, COND_COL).currentData(),
                                              order_line_id=ln.order_line_id))
        return out

    def receive(self) -> None:
        if self.busy or self.candidate is None:
            return
        try:
            items = self.items()
        except DomainError as exc:
            self.error(describe(exc))
            return
        if not items:
            self.error(self.tr("Scan or type what came back first"))
            return
        units = sum(i.qty for i in items)
        damaged = sum(i.qty for i in items if i.condition != "good")
        question = self.tr("Take back {units} units ({damaged} not good) of this order?"
                           ).format(units=units, damaged=damaged)
        if not self.confirm(question):
            return
        code = self.candidate.code
        tracking, note = self.tracking.text(), self.note.text()
        store, actor = self.ctx.store, self.ctx.actor

        def done(rec: Any) -> None:
            self.ok(self.tr("Return {number}: {units} units taken back").format(
                number=rec.number, units=rec.total_qty))
            self._reset()
            self.refresh()

        self.run(lambda: returns.receive(store, actor, code, items, tracking_number=tracking,
                                         note=note), done, changes={"stock", "returns"})

    # -- unknown parcels

    def _add_unknown(self, code: str, name: str, qty: int) -> None:
        self.unknown.setVisible(True)
        old = self.unknown_lines.get(code, (name, 0))[1]
        self.unknown_lines[code] = (name, old + qty)
        rows = list(self.unknown_lines.items())
        self.unknown_table.setRowCount(len(rows))
        for r, (c_, (n_, q_)) in enumerate(rows):
            for c, text in enumerate((c_, n_, q_)):
                self.unknown_table.setItem(r, c, _item(text))
            if self.unknown_table.cellWidget(r, 3) is None:
                self.unknown_table.setCellWidget(r, 3, _condition_box())
        self.ok(self.tr("{sku}: {n} in the unknown parcel").format(sku=code, n=old + qty))

    def record_unknown(self) -> None:
        if self.busy:
            return
        tracking = self.unknown_tracking.text().strip()
        if not tracking:
            self.error(self.tr("Scan or type the parcel's tracking number"))
            return
        items = [returns.ReturnItem(code, qty, self.unknown_table.cellWidget(r, 3).currentData())
                 for r, (code, (_n, qty)) in enumerate(self.unknown_lines.items())]
        wh = self.unknown_warehouse.currentData()
        note = self.note.text()
        if not self.confirm(self.tr("Record unknown parcel {tracking} with {units} units?")
                            .format(tracking=tracking, units=sum(i.qty for i in items))):
            return
        store, actor = self.ctx.store, self.ctx.actor

        def done(rec: Any) -> None:
            self.ok(self.tr("Unknown parcel recorded as {number}").format(number=rec.number))
            self._reset()
            self.refresh()

        self.run(lambda: returns.record_unknown(store, actor, tracking, items, warehouse=wh,
                                                note=note), done, changes={"returns"})

    def _reset(self) -> None:
        self.candidate = None
        self.lines.setRowCount(0)
        self.order_label.setText(self.tr("No order"))
        self.unknown_lines.clear()
        self.unknown_table.setRowCount(0)
        self.unknown_tracking.clear()
        self.unknown.setVisible(False)
        self.tracking.clear()
        self.note.clear()
        self.scan.setFocus()

    def clear(self) -> None:
        self._reset()
        self.status.clear()

    # -- the list

    def refresh(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        status = self.list_filter.currentData() or None
        self.run(lambda: returns.list_returns(store, actor, status=status), self._fill_list)

    def _fill_list(self, rows: list[Any]) -> None:
        self.list.setRowCount(len(rows))
        zone = ZoneInfo(DEFAULT_ZONE)
        for r, x in enumerate(rows):
            for c, text in enumerate((
                    x.number, _tr("ReturnStatus", STATUS_TITLES, x.status),
                    x.platform_order_id, x.tracking_number, x.total_qty,
                    _tr("RefundState", REFUND_TITLES, x.refund_state),
                    x.created_at.astimezone(zone).strftime("%m-%d %H:%M"))):
                self.list.setItem(r, c, _item(text))

    def match(self) -> None:
        rows = self.list.selectionModel().selectedRows()
        code = self.match_edit.text().strip()
        if not rows or not code:
            self.error(self.tr("Select an unknown parcel and type its order number or "
                               "waybill"))
            return
        number = self.list.item(rows[0].row(), 0).text()
        if self.busy or not self.confirm(self.tr("Match {number} to {code}?").format(
                number=number, code=code)):
            return
        store, actor = self.ctx.store, self.ctx.actor

        def done(rec: Any) -> None:
            self.match_edit.clear()
            self.ok(self.tr("{number} matched to order {order}").format(
                number=rec.number, order=rec.platform_order_id))
            self.refresh()

        self.run(lambda: returns.match(store, actor, number, code), done,
                 changes={"stock", "returns"})
