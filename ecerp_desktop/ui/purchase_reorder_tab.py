"""The reorder tab (库存预警 / 采购建议): what to buy, most urgent first, and one button that
drafts the purchase orders.

The list comes from services.reorder.suggestions off the GUI thread (sales over the chosen
number of days from the ledger, stock in transit and draft POs counted as coming). Tick the
rows to order (all are ticked after a refresh), change a quantity in the "Order" column if
needed, pick "each SKU's supplier" or one supplier, and Draft POs: one draft per supplier
and warehouse. Below, the alert settings of one SKU (minimum, days of cover, lead time,
pack size) for every warehouse or one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.services import purchasing as pur
from ecerp_desktop.services import reorder
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import change_bus, run_op
from ecerp_desktop.ui.purchase_models import RecordsTableModel

ORDER_COLUMN = 10


def _colour(sg: reorder.Suggestion) -> str | None:
    if sg.below_min or (sg.days_of_cover is not None and sg.days_of_cover < sg.lead_days):
        return "#ffcdd2"  # runs out before a new order could arrive
    return None


class ReorderTab(QWidget):
    done = Signal(object)  # the last result (suggestions, DraftResult, rule) or error

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("reorderTab")
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.days = QSpinBox()
        self.days.setObjectName("days")
        self.days.setRange(1, 365)
        self.days.setValue(30)
        self.days.setSuffix(self.tr(" days of sales"))
        self.warehouse = QComboBox()
        self.warehouse.setObjectName("warehouse")
        self.warehouse.addItem(self.tr("All warehouses"), "")
        refresh = QPushButton(self.tr("Refresh"))
        refresh.setObjectName("refreshButton")
        refresh.clicked.connect(self.reload)
        bar.addWidget(self.days)
        bar.addWidget(self.warehouse)
        bar.addWidget(refresh)
        bar.addStretch(1)
        self.supplier = QComboBox()
        self.supplier.setObjectName("draftSupplier")
        self.supplier.addItem(self.tr("Each SKU's supplier"), "")
        draft = QPushButton(self.tr("Draft purchase orders"))
        draft.setObjectName("draftButton")
        draft.clicked.connect(self.draft)
        bar.addWidget(QLabel(self.tr("Order from")))
        bar.addWidget(self.supplier)
        bar.addWidget(draft)
        layout.addLayout(bar)

        self.model = RecordsTableModel([
            (self.tr("SKU"), lambda r: r.sku_code),
            (self.tr("Item"), lambda r: r.sku_name),
            (self.tr("Warehouse"), lambda r: r.warehouse_code),
            (self.tr("Available"), lambda r: r.available),
            (self.tr("In transit"), lambda r: r.in_transit),
            (self.tr("On drafts"), lambda r: r.on_draft),
            (self.tr("Sold"), lambda r: r.sold),
            (self.tr("Per day"), lambda r: r.daily_rate),
            (self.tr("Days of cover"), lambda r: "–" if r.days_of_cover is None
             else r.days_of_cover),
            (self.tr("Minimum"), lambda r: r.min_qty),
            (self.tr("Order"), lambda r: r.suggested),
            (self.tr("Supplier"), lambda r: r.supplier_name or self.tr("(none)")),
            (self.tr("Unit cost"), lambda r: r.unit_cost),
        ], checkable=True, editable_column=ORDER_COLUMN, row_colour=_colour)
        self.table = QTableView()
        self.table.setObjectName("suggestions")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.status_line = QLabel()  # what the last action did
        self.status_line.setObjectName("statusLine")
        self.status_line.setTextFormat(Qt.TextFormat.PlainText)
        self.status_line.setWordWrap(True)
        self.count_line = QLabel()  # what the list shows
        self.count_line.setObjectName("countLine")
        bottom.addWidget(self.status_line, 1)
        bottom.addWidget(self.count_line)
        layout.addLayout(bottom)

        box = QGroupBox(self.tr("Stock alert settings of a SKU"))
        row = QHBoxLayout(box)
        self.rule_sku = QLineEdit()
        self.rule_sku.setObjectName("ruleSku")
        self.rule_sku.setPlaceholderText(self.tr("SKU code or barcode"))
        self.rule_wh = QComboBox()
        self.rule_wh.setObjectName("ruleWarehouse")
        self.rule_wh.addItem(self.tr("All warehouses"), "")
        self.rule_min = self._spin("ruleMin", 0, 1_000_000, 0)
        self.rule_cover = self._spin("ruleCover", 0, 3650, reorder.DEFAULT_COVER_DAYS)
        self.rule_lead = self._spin("ruleLead", -1, 3650, -1)
        self.rule_lead.setSpecialValueText(self.tr("supplier's"))
        self.rule_pack = self._spin("rulePack", 1, 100_000, 1)
        save = QPushButton(self.tr("Save alert"))
        save.setObjectName("saveRule")
        save.clicked.connect(self.save_rule)
        for label, w in ((self.tr("SKU"), self.rule_sku), (self.tr("Warehouse"), self.rule_wh),
                         (self.tr("Minimum"), self.rule_min),
                         (self.tr("Days of cover"), self.rule_cover),
                         (self.tr("Lead days"), self.rule_lead),
                         (self.tr("Pack"), self.rule_pack)):
            row.addWidget(QLabel(label))
            row.addWidget(w)
        row.addWidget(save)
        layout.addWidget(box)
        self._choices_loaded = False
        change_bus().changed.connect(self._on_changes)

    def _spin(self, name: str, lo: int, hi: int, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(lo, hi)
        spin.setValue(value)
        return spin

    def _failed(self, exc: BaseException) -> None:
        self.status_line.setText(describe(exc))
        self.done.emit(exc)

    def _on_changes(self, names: frozenset[str]) -> None:
        if names & {"purchasing", "stock"} and self.isVisible():
            self.reload()

    def load_choices(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor

        def ready(choices: tuple[list[Any], list[pur.SupplierRecord]]) -> None:
            whs, sups = choices
            for combo in (self.warehouse, self.rule_wh):
                keep = combo.currentData()
                while combo.count() > 1:
                    combo.removeItem(1)
                for w in whs:
                    combo.addItem(f"{w.code} {w.name}", w.code)
                combo.setCurrentIndex(max(combo.findData(keep), 0))
            keep = self.supplier.currentData()
            while self.supplier.count() > 1:
                self.supplier.removeItem(1)
            for sup in sups:
                self.supplier.addItem(f"{sup.code} {sup.name}", sup.code)
            self.supplier.setCurrentIndex(max(self.supplier.findData(keep), 0))
            self._choices_loaded = True

        run_op(lambda: (pur.warehouses(store, actor), pur.suppliers(store, actor)),
               owner=self, on_success=ready, on_failure=self._failed)

    def reload(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        days, wh = self.days.value(), self.warehouse.currentData() or None
        self.count_line.setText(self.tr("Working out suggestions…"))

        def shown(rows: list[reorder.Suggestion]) -> None:
            self.model.set_rows(rows, checked=True)
            self.count_line.setText(self.tr("{n} SKUs to reorder (sales over {days} days)")
                                     .format(n=len(rows), days=days))
            self.done.emit(rows)

        run_op(lambda: reorder.suggestions(store, actor, days=days, warehouse=wh),
               owner=self, on_success=shown, on_failure=self._failed)

    def draft(self) -> None:
        rows = self.model.checked_rows()
        picks = [self.model.record(r) for r in rows]
        if not picks:
            self.status_line.setText(self.tr("Tick the SKUs to order first."))
            return
        quantities = {}
        for r in rows:
            edited = self.model.edited_value(r)
            if edited is not None:
                quantities[self.model.record(r).key] = edited
        store, actor = self.ctx.store, self.ctx.actor
        supplier = self.supplier.currentData() or None

        def drafted(res: reorder.DraftResult) -> None:
            text = self.tr("Drafted {n} purchase orders: {numbers}").format(
                n=len(res.created), numbers=", ".join(res.created) or "–")
            if res.skipped:
                text += "  " + self.tr("No supplier for: {codes} (choose one in \"Order "
                                       "from\" or link a supplier)").format(
                    codes=", ".join(res.skipped))
            self.status_line.setText(text)
            self.done.emit(res)

        run_op(lambda: reorder.draft_pos(store, actor, picks, supplier=supplier,
                                         quantities=quantities),
               owner=self, on_success=drafted, on_failure=self._failed,
               changes=frozenset({"purchasing"}))

    def save_rule(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        sku, wh = self.rule_sku.text(), self.rule_wh.currentData() or None
        lead = self.rule_lead.value()
        values = {"min_qty": self.rule_min.value(), "cover_days": self.rule_cover.value(),
                  "lead_days": None if lead < 0 else lead,
                  "pack_size": self.rule_pack.value()}

        def saved(rule: Any) -> None:
            self.status_line.setText(self.tr("Alert of {sku} saved.").format(sku=sku.strip()))
            self.done.emit(rule)

        run_op(lambda: reorder.set_rule(store, actor, sku, warehouse=wh, **values),
               owner=self, on_success=saved, on_failure=self._failed,
               changes=frozenset({"purchasing"}))

    def showEvent(self, ev: Any) -> None:
        super().showEvent(ev)
        if not self._choices_loaded:
            self.load_choices()
