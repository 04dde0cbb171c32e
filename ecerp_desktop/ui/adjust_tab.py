"""The adjustment tab (库存调整): one SKU in one warehouse, changed by a quantity or set to a
counted quantity, always with a reason from the list plus free text, confirmed, then the
resulting balance shown.

Keyboard-first: scan (or type and Enter) the SKU, type the quantity, pick the reason,
Ctrl+Enter applies. The reason goes into the ledger move's note and the audit row as
"<reason key>: <text>" (services/stock.adjust and set_quantity).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.services import stock as stock_service
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.scanner_filter import ScannerFilter
from ecerp_desktop.ui.stock_doc_widgets import DocTab

# (key stored in the ledger, English source text translated in context "AdjustReason")
REASONS: tuple[tuple[str, str], ...] = (
    ("count_gain", QT_TRANSLATE_NOOP("AdjustReason", "Count surplus")),
    ("count_loss", QT_TRANSLATE_NOOP("AdjustReason", "Count shortage")),
    ("damaged", QT_TRANSLATE_NOOP("AdjustReason", "Damaged")),
    ("lost", QT_TRANSLATE_NOOP("AdjustReason", "Lost")),
    ("expired", QT_TRANSLATE_NOOP("AdjustReason", "Expired")),
    ("sample", QT_TRANSLATE_NOOP("AdjustReason", "Sample or internal use")),
    ("found", QT_TRANSLATE_NOOP("AdjustReason", "Found")),
    ("correction", QT_TRANSLATE_NOOP("AdjustReason", "Booking correction")),
    ("other", QT_TRANSLATE_NOOP("AdjustReason", "Other (say why)")),
)
LIMIT = 1_000_000


def reason_text(key: str, text: str) -> str:
    """What the ledger and the audit keep: the stable key, then the free text."""
    text = text.strip()
    return f"{key}: {text}" if text else key


class AdjustTab(DocTab):
    def __init__(self, ctx: PageContext, parent: QWidget | None = None, *,
                 scanner_filter: ScannerFilter | None = None) -> None:
        super().__init__(ctx, parent, scanner_filter=scanner_filter)
        self.sku_code = ""
        self.warehouse_box = QComboBox()
        self.sku_edit = self.scan_field(self.tr("Scan or type a SKU code or barcode, Enter"))
        self.sku_label = QLabel()
        self.sku_label.setTextFormat(Qt.TextFormat.PlainText)  # SKU names: never HTML
        self.balance_label = QLabel()
        self.by_delta = QRadioButton(self.tr("Change by"))
        self.to_quantity = QRadioButton(self.tr("Set to counted quantity"))
        self.by_delta.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_delta)
        group.addButton(self.to_quantity)
        self.delta = QSpinBox()
        self.delta.setRange(-LIMIT, LIMIT)
        self.quantity = QSpinBox()
        self.quantity.setRange(0, LIMIT)
        self.quantity.setEnabled(False)
        self.by_delta.toggled.connect(lambda on: (self.delta.setEnabled(on),
                                                  self.quantity.setEnabled(not on)))
        self.reason_box = QComboBox()
        for key, src in REASONS:
            self.reason_box.addItem(QCoreApplication.translate("AdjustReason", src), key)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(200)
        self.reason_edit.setPlaceholderText(self.tr("Details (required for Other)"))
        self.apply_button = QPushButton(self.tr("Apply adjustment (Ctrl+Enter)"))
        self.apply_button.clicked.connect(self.apply)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.apply)

        form = QFormLayout()
        form.addRow(self.tr("Warehouse"), self.warehouse_box)
        form.addRow(self.tr("SKU"), self.sku_edit)
        form.addRow("", self.sku_label)
        form.addRow(self.tr("Current stock"), self.balance_label)
        mode = QHBoxLayout()
        mode.addWidget(self.by_delta)
        mode.addWidget(self.delta)
        mode.addSpacing(24)
        mode.addWidget(self.to_quantity)
        mode.addWidget(self.quantity)
        mode.addStretch(1)
        form.addRow(self.tr("Quantity"), mode)
        form.addRow(self.tr("Reason"), self.reason_box)
        form.addRow("", self.reason_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.apply_button)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.warehouse_box.currentIndexChanged.connect(lambda _i: self._show_balance())
        self.load_warehouses([self.warehouse_box])

    # -- SKU and balance

    def on_code(self, code: str) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        self.run(lambda: stock_service.show(store, actor, code), self._sku_found)

    def _sku_found(self, found: Any) -> None:
        self.sku_code = found.sku.code
        self.sku_label.setText(f"{found.sku.code}  {found.sku.name}")
        self._stock = {w.code: b for w, b in found.rows}
        self._paint_balance()
        self.ok(self.tr("Type the quantity and pick the reason"))
        (self.delta if self.by_delta.isChecked() else self.quantity).setFocus()

    def _show_balance(self) -> None:
        if self.sku_code:
            self.on_code(self.sku_code)

    def _paint_balance(self) -> None:
        b = getattr(self, "_stock", {}).get(self.warehouse_box.currentData())
        on_hand, reserved = (b.on_hand, b.reserved) if b is not None else (0, 0)
        self.balance_label.setText(
            self.tr("On hand {on_hand}, reserved {reserved}, available {available}").format(
                on_hand=on_hand, reserved=reserved, available=on_hand - reserved))

    # -- applying

    def apply(self) -> None:
        if self.busy:
            return
        if not self.sku_code:
            self.error(self.tr("Scan a SKU first"))
            return
        key = self.reason_box.currentData()
        text = self.reason_edit.text()
        if key == "other" and not text.strip():
            self.error(self.tr("Say why in the details"))
            return
        reason = reason_text(key, text)
        wh = self.warehouse_box.currentData()
        sku = self.sku_code
        store, actor = self.ctx.store, self.ctx.actor
        if self.by_delta.isChecked():
            delta = self.delta.value()
            if delta == 0:
                self.error(self.tr("The change must not be zero"))
                return
            question = self.tr("Change {sku} in {warehouse} by {delta} ({reason})?").format(
                sku=sku, warehouse=self.warehouse_box.currentText(), delta=f"{delta:+d}",
                reason=self.reason_box.currentText())
            if not self.confirm(question):
                return

            def work() -> Any:
                stock_service.adjust(store, actor, wh, sku, delta, reason)
                return stock_service.show(store, actor, sku)
        else:
            qty = self.quantity.value()
            question = self.tr("Set {sku} in {warehouse} to {qty} ({reason})?").format(
                sku=sku, warehouse=self.warehouse_box.currentText(), qty=qty,
                reason=self.reason_box.currentText())
            if not self.confirm(question):
                return

            def work() -> Any:
                stock_service.set_quantity(store, actor, wh, sku, qty, reason)
                return stock_service.show(store, actor, sku)

        self.run(work, self._applied, changes={"stock"})

    def _applied(self, found: Any) -> None:
        self._stock = {w.code: b for w, b in found.rows}
        self._paint_balance()
        self.delta.setValue(0)
        self.reason_edit.clear()
        self.ok(self.tr("Adjusted. Now: {balance}").format(balance=self.balance_label.text()))
        self.sku_edit.setFocus()
