"""The purchasing page (采购): purchase orders, receiving against them by scanning, reorder
suggestions and suppliers, one tab each.

The tabs live in ui/purchase_orders_tab.py, ui/purchase_receiving_tab.py and
ui/purchase_reorder_tab.py; the suppliers tab is small and lives here. "Receive" on a PO
switches to the receiving tab with that PO open. Every service call runs off the GUI
thread through ui/ops.py; writes announce "purchasing"/"stock" on the change bus so the
other tabs (and the stock page) refresh.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.auth import Permission
from ecerp_desktop.services import purchasing as pur
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import run_op
from ecerp_desktop.ui.purchase_models import RecordsTableModel
from ecerp_desktop.ui.purchase_orders_tab import PurchaseOrdersTab
from ecerp_desktop.ui.purchase_receiving_tab import ReceivingTab
from ecerp_desktop.ui.purchase_reorder_tab import ReorderTab
from ecerp_desktop.ui.scanner_filter import ScannerFilter


class SuppliersTab(QWidget):
    """Suppliers (供应商) and the default supplier of a SKU."""

    done = Signal(object)

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("suppliersTab")
        layout = QVBoxLayout(self)
        self.model = RecordsTableModel([
            (self.tr("Code"), lambda r: r.code),
            (self.tr("Name"), lambda r: r.name),
            (self.tr("Contact"), lambda r: r.contact),
            (self.tr("Lead time (days)"), lambda r: r.lead_time_days),
        ])
        self.table = QTableView()
        self.table.setObjectName("suppliers")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._picked)
        layout.addWidget(self.table, 1)

        edit = QGroupBox(self.tr("Supplier"))
        row = QHBoxLayout(edit)
        self.code = QLineEdit()
        self.code.setObjectName("supplierCode")
        self.code.setMaxLength(32)
        self.name = QLineEdit()
        self.name.setObjectName("supplierName")
        self.name.setMaxLength(128)
        self.contact = QLineEdit()
        self.contact.setObjectName("supplierContact")
        self.contact.setMaxLength(255)
        self.lead = QSpinBox()
        self.lead.setObjectName("supplierLead")
        self.lead.setRange(0, 3650)
        self.lead.setValue(7)
        save = QPushButton(self.tr("Save supplier"))
        save.setObjectName("saveSupplier")
        save.clicked.connect(self.save)
        for label, w in ((self.tr("Code"), self.code), (self.tr("Name"), self.name),
                         (self.tr("Contact"), self.contact),
                         (self.tr("Lead time (days)"), self.lead)):
            row.addWidget(QLabel(label))
            row.addWidget(w, 1 if isinstance(w, QLineEdit) else 0)
        row.addWidget(save)
        layout.addWidget(edit)

        link = QGroupBox(self.tr("Default supplier of a SKU"))
        row = QHBoxLayout(link)
        self.link_sku = QLineEdit()
        self.link_sku.setObjectName("linkSku")
        self.link_sku.setPlaceholderText(self.tr("SKU code or barcode"))
        self.link_supplier = QComboBox()
        self.link_supplier.setObjectName("linkSupplier")
        self.link_code = QLineEdit()
        self.link_code.setObjectName("linkCode")
        self.link_code.setPlaceholderText(self.tr("the supplier's item code"))
        self.link_cost = QLineEdit()
        self.link_cost.setObjectName("linkCost")
        self.link_cost.setPlaceholderText(self.tr("last cost"))
        save_link = QPushButton(self.tr("Set default supplier"))
        save_link.setObjectName("saveLink")
        save_link.clicked.connect(self.save_link)
        for w in (self.link_sku, self.link_supplier, self.link_code, self.link_cost,
                  save_link):
            row.addWidget(w)
        layout.addWidget(link)
        self.status_line = QLabel()
        self.status_line.setObjectName("statusLine")
        self.status_line.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status_line)
        self._loaded = False

    def _failed(self, exc: BaseException) -> None:
        self.status_line.setText(describe(exc))
        self.done.emit(exc)

    def reload(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor

        def shown(rows: list[pur.SupplierRecord]) -> None:
            self.model.set_rows(rows)
            keep = self.link_supplier.currentData()
            self.link_supplier.clear()
            for s in rows:
                self.link_supplier.addItem(f"{s.code} {s.name}", s.code)
            self.link_supplier.setCurrentIndex(max(self.link_supplier.findData(keep), 0))
            self._loaded = True
            self.done.emit(rows)

        run_op(lambda: pur.suppliers(store, actor), owner=self, on_success=shown,
               on_failure=self._failed)

    def _picked(self, current: Any, _previous: Any) -> None:
        rec = self.model.record(current.row())
        if rec is not None:
            self.code.setText(rec.code)
            self.name.setText(rec.name)
            self.contact.setText(rec.contact)
            self.lead.setValue(rec.lead_time_days)

    def save(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        code, name, contact, lead = (self.code.text(), self.name.text(),
                                     self.contact.text(), self.lead.value())

        def saved(rec: pur.SupplierRecord) -> None:
            self.status_line.setText(self.tr("Supplier {code} saved.").format(code=rec.code))
            self.reload()

        run_op(lambda: pur.add_supplier(store, actor, code, name, contact=contact,
                                        lead_time_days=lead),
               owner=self, on_success=saved, on_failure=self._failed,
               changes=frozenset({"purchasing"}))

    def save_link(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        sku, sup, code = (self.link_sku.text(), self.link_supplier.currentData() or "",
                          self.link_code.text())
        cost_text = self.link_cost.text().strip()
        try:
            cost = Decimal(cost_text) if cost_text else None
        except InvalidOperation:
            self.status_line.setText(self.tr("The cost must be an amount, like 12.50"))
            return

        def saved(_r: Any) -> None:
            self.status_line.setText(self.tr("{sku} is now bought from {supplier}.").format(
                sku=sku.strip(), supplier=sup))
            self.done.emit(sku)

        run_op(lambda: pur.link_sku(store, actor, sku, sup, supplier_code=code,
                                    last_cost=cost),
               owner=self, on_success=saved, on_failure=self._failed,
               changes=frozenset({"purchasing"}))

    def showEvent(self, ev: Any) -> None:
        super().showEvent(ev)
        if not self._loaded:
            self.reload()


class PurchasingPage(QWidget):
    """采购: the four tabs. ``station`` names this PC's receiving sessions."""

    def __init__(self, ctx: PageContext, parent: QWidget | None = None, *,
                 scanner_filter: ScannerFilter | None = None, station: str | None = None
                 ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("purchasingPage")
        if station is None:
            from ecerp_desktop.services.devices import default_station_name

            station = default_station_name()
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("purchasingTabs")
        self.receiving = ReceivingTab(ctx, scanner_filter=scanner_filter, station=station)
        self.orders = PurchaseOrdersTab(ctx, scanner_filter=self.receiving.scanner_filter)
        self.reorder = ReorderTab(ctx)
        self.suppliers = SuppliersTab(ctx)
        self.tabs.addTab(self.orders, self.tr("Purchase orders"))
        self.can_receive = ctx.actor.can(Permission.STOCK_EDIT)
        if self.can_receive:  # receiving moves stock: the warehouse's right
            self.tabs.addTab(self.receiving, self.tr("Receiving"))
        else:
            self.receiving.hide()
            self.orders.buttons["receive"].hide()
        self.tabs.addTab(self.reorder, self.tr("Reorder suggestions"))
        self.tabs.addTab(self.suppliers, self.tr("Suppliers"))
        layout.addWidget(self.tabs)
        self.orders.receive_requested.connect(self.receive)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.orders.reload()

    def receive(self, number: str) -> None:
        """Switch to the receiving tab with PO *number* open."""
        if not self.can_receive:
            return
        self.tabs.setCurrentWidget(self.receiving)
        self.receiving.open_po(number)

    def _tab_changed(self, _index: int) -> None:
        w = self.tabs.currentWidget()
        if w is self.orders:
            self.orders.reload()
        elif w is self.receiving:
            self.receiving.reload_pos()
        elif w is self.reorder:
            self.reorder.reload()
        elif w is self.suppliers:
            self.suppliers.reload()
