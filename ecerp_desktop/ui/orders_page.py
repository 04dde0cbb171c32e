"""The order review screen (订单审核): filters, counts per status, the paged list, the
detail panel and the batch actions.

Everything that reads or writes runs as an op on the database lane (ui.ops); the page only
turns widgets into a :class:`ReviewFilter` and results into widgets. Buyer text arrives
masked from the service unless the user may see it, and is always shown as plain text.

Keys: Enter opens the detail of the current order, Space selects or unselects it, arrows
move; F2 approve, F3 hold, F4 release, F6 courier, F7 warehouse, F8 merge, Shift+F8 undo
merge, F9 tag, Ctrl+Shift+S split, F10 re-run rules, F5 refresh, Ctrl+F search, Ctrl+E export (masked CSV),
Ctrl+Shift+A whole result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
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
from ecerp_desktop.domain.timeutil import DEFAULT_ZONE, format_local
from ecerp_desktop.services import review
from ecerp_desktop.services.review import BatchAction, BatchResult, OrderDetail, ReviewFilter, Sort
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import ProgressRelay, change_bus, lane, run_op
from ecerp_desktop.ui.orders_table_model import (
    COLUMNS,
    HOLD_TITLES,
    STATUS_TITLES,
    OrdersTableModel,
    hold_title,
    status_title,
)

_ALL = "__all__"
# Reads that may take a while (counts over the whole result) or that the first page need
# not wait for (combo box choices) run here, beside the database lane's pages and writes.
_SIDE_LANE = "review-side"
_NO_DATE = QDate(2000, 1, 1)


def _plain(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # buyer text is never markup
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _date_edit(name: str) -> QDateEdit:
    w = QDateEdit()
    w.setObjectName(name)
    w.setCalendarPopup(True)
    w.setDisplayFormat("yyyy-MM-dd")
    w.setMinimumDate(_NO_DATE)
    w.setSpecialValueText("—")  # the minimum means "no limit"
    w.setDate(_NO_DATE)
    return w


def _day_start_utc(d: QDate) -> datetime | None:
    if d == _NO_DATE:
        return None
    local = datetime.combine(datetime(d.year(), d.month(), d.day()).date(), time(0),
                             ZoneInfo(DEFAULT_ZONE))
    return local.astimezone(UTC)


class OrdersTableView(QTableView):
    """The list: Enter opens, Space selects or unselects the current row."""

    open_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit()
            return
        if key == Qt.Key.Key_Space and self.currentIndex().isValid():
            self.selectionModel().select(
                self.currentIndex(), QItemSelectionModel.SelectionFlag.Toggle
                | QItemSelectionModel.SelectionFlag.Rows)
            return
        super().keyPressEvent(event)


class DetailPanel(QTabWidget):
    """One order: lines with SKUs and stock, address and amounts, history with the rule of
    every decision, holds, related orders of the same buyer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderDetail")
        self.order_id: int | None = None
        self.summary = _plain()
        self.summary.setObjectName("detailSummary")
        self.address = _plain()
        self.address.setObjectName("detailAddress")
        self.amounts = _plain()
        self.messages = _plain()
        head = QWidget()
        lay = QVBoxLayout(head)
        for w in (self.summary, self.address, self.amounts, self.messages):
            lay.addWidget(w)
        lay.addStretch(1)
        self.lines = self._table("detailLines", [
            self.tr("Title"), self.tr("Platform SKU"), self.tr("Merchant code"), self.tr("SKU"),
            self.tr("Qty"), self.tr("Price"), self.tr("Paid"), self.tr("Refund"),
            self.tr("Stock (on hand / reserved)")])
        self.history = self._table("detailHistory", [
            self.tr("Time"), self.tr("By"), self.tr("Action"), self.tr("From"), self.tr("To"),
            self.tr("Rule"), self.tr("Why")])
        self.holds = self._table("detailHolds", [
            self.tr("Reason"), self.tr("Detail"), self.tr("Since"), self.tr("Released")])
        self.related = self._table("detailRelated", [
            self.tr("ID"), self.tr("Order no."), self.tr("Shop"), self.tr("Status"),
            self.tr("Paid at"), self.tr("Paid")])
        self.addTab(head, self.tr("Order"))
        self.addTab(self.lines, self.tr("Lines"))
        self.addTab(self.history, self.tr("History"))
        self.addTab(self.holds, self.tr("Holds"))
        self.addTab(self.related, self.tr("Same buyer"))

    @staticmethod
    def _table(name: str, headers: list[str]) -> QTableWidget:
        t = QTableWidget(0, len(headers))  # one order's few rows: a plain widget is right
        t.setObjectName(name)
        t.setHorizontalHeaderLabels(headers)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return t

    @staticmethod
    def _fill(t: QTableWidget, rows: list[list[str]]) -> None:
        t.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                t.setItem(r, c, QTableWidgetItem(v))  # items render plain text

    def clear_order(self) -> None:
        self.order_id = None
        for w in (self.summary, self.address, self.amounts, self.messages):
            w.setText("")
        for t in (self.lines, self.history, self.holds, self.related):
            t.setRowCount(0)

    def show_order(self, d: OrderDetail) -> None:
        r = d.row
        self.order_id = r.id
        self.summary.setText(self.tr(
            "Order {no} ({id}) · {shop} · {status} · platform status: {platform_status}").format(
            no=r.platform_order_id, id=r.id, shop=r.shop, status=status_title(r.status),
            platform_status=r.platform_status or d.raw_status))
        self.address.setText(self.tr("{name} {phone}\n{province} {city} {district} {town} "
                                     "{detail}").format(
            name=r.receiver_name, phone=r.receiver_phone, province=r.province, city=r.city,
            district=r.district, town=d.town, detail=d.address_detail))
        self.amounts.setText(self.tr(
            "Total {total} · paid {paid} · post fee {post} · discount {discount}").format(
            total=f"{d.total_amount:.2f}", paid=f"{r.paid_amount:.2f}",
            post=f"{d.post_fee:.2f}", discount=f"{d.discount_amount:.2f}"))
        self.messages.setText(self.tr("Buyer message: {message}\nSeller memo: {memo}").format(
            message=d.buyer_message, memo=d.seller_memo))
        self._fill(self.lines, [[
            ln.title, ln.platform_sku_id, ln.merchant_sku_code,
            (f"{ln.sku} {ln.sku_name or ''}".strip() if ln.sku else self.tr("unmapped")),
            str(ln.qty), f"{ln.price:.2f}", f"{ln.paid_amount:.2f}", ln.refund_state,
            "; ".join(f"{s.warehouse} {s.on_hand}/{s.reserved}" for s in ln.stock)]
            for ln in d.lines])
        self._fill(self.history, [[
            format_local(h.at), h.actor, h.action, status_title(h.from_status or ""),
            status_title(h.to_status or ""), h.rule, hold_title(h.reason)] for h in d.history])
        self._fill(self.holds, [[
            hold_title(h.reason), h.detail, format_local(h.created_at),
            format_local(h.released_at)] for h in d.holds])
        self._fill(self.related, [[
            str(o.id), o.platform_order_id, o.shop, status_title(o.status),
            format_local(o.paid_at), f"{o.paid_amount:.2f}"] for o in d.related])


class SplitDialog(QDialog):
    """拆单 by hand: give each line of the order a parcel number; whole lines move."""

    def __init__(self, lines: list[review.SplitLine], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("splitDialog")
        self.setWindowTitle(self.tr("Split order"))
        self.lines = lines
        lay = QVBoxLayout(self)
        lay.addWidget(_plain(self.tr("Give each line the number of the parcel it ships in.")))
        self.table = QTableWidget(len(lines), 3)
        self.table.setObjectName("splitLines")
        self.table.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Qty"),
                                              self.tr("Parcel")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.spins: list[QSpinBox] = []
        for r, ln in enumerate(lines):
            self.table.setItem(r, 0, QTableWidgetItem(ln.title))
            self.table.setItem(r, 1, QTableWidgetItem(str(ln.qty)))
            spin = QSpinBox()
            spin.setRange(1, max(1, len(lines)))
            spin.setValue(min(ln.parcel_seq, len(lines)) if ln.parcel_seq > 0 else 1)
            self.table.setCellWidget(r, 2, spin)
            self.spins.append(spin)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def groups(self) -> list[list[tuple[int, int]]]:
        by_parcel: dict[int, list[tuple[int, int]]] = {}
        for ln, spin in zip(self.lines, self.spins, strict=True):
            by_parcel.setdefault(spin.value(), []).append((ln.line_id, ln.qty))
        return [by_parcel[k] for k in sorted(by_parcel)]


class OrdersPage(QWidget):
    """The review screen. Tests and the benchmark watch ``model.first_page_shown`` and
    ``counts_loaded``, ``detail_loaded`` and ``batch_finished``."""

    counts_loaded = Signal(object)
    detail_loaded = Signal(int)
    batch_finished = Signal(object)

    progress_threshold = 2 * review.BATCH  # smaller selections run without a dialog

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("ordersPage")
        self.sort = Sort("id", True)
        self.can_review = ctx.actor.can(Permission.ORDERS_REVIEW)
        self._cancel = threading.Event()
        self.progress: QProgressDialog | None = None
        self.last_result: BatchResult | None = None
        self.last_error: str = ""
        self._saved: dict[str, ReviewFilter] = {}
        self._phone_hash = ""  # from a saved filter: the number itself is never kept

        root = QVBoxLayout(self)
        root.addLayout(self._filter_bar())
        split = QSplitter(Qt.Orientation.Horizontal)
        self.nav = QListWidget()
        self.nav.setObjectName("statusNav")
        self.nav.setMaximumWidth(190)
        self._fill_nav({})
        self.nav.currentRowChanged.connect(lambda _r: self.apply_filter())
        self.model = OrdersTableModel(self)
        self.model.load_failed.connect(self._show_error)
        self._counts_pending = False
        # after the first page has been painted (the timer runs after the paint events)
        self.model.first_page_shown.connect(lambda: QTimer.singleShot(20, self._start_counts))
        self.table = OrdersTableView()
        self.table.setObjectName("ordersTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)  # one line per cell: wrapping lays out text twice
        self.table.setCornerButtonEnabled(False)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._sort_changed)
        # fixed starting widths: sizing to contents would read every row
        widths = {"id": 70, "platform_order_id": 130, "paid_at": 140, "modified_at": 140,
                  "paid_amount": 90, "hold_reasons": 110, "has_message": 50}
        for i, col in enumerate(COLUMNS):
            header.resizeSection(i, widths.get(col.key, 95))
        self.table.open_requested.connect(self.open_current)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.detail = DetailPanel()
        split.addWidget(self.nav)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 2)
        root.addWidget(split, 1)
        root.addLayout(self._action_bar())
        self.status_line = _plain()
        self.status_line.setObjectName("statusLine")
        self.count_label = _plain()
        self.count_label.setObjectName("countLabel")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_line, 1)
        bottom.addWidget(self.count_label)
        root.addLayout(bottom)
        self._total: int | None = None
        self.model.page_loaded.connect(lambda _n: self._show_count())

        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(120)  # arrowing through rows reads one detail
        self._detail_timer.timeout.connect(self._load_detail)
        change_bus().changed.connect(self._on_changes)
        self._load_choices()
        self.apply_filter()

    # -- building -----------------------------------------------------------------------
    def _filter_bar(self) -> QGridLayout:
        g = QGridLayout()
        self.search = QLineEdit()
        self.search.setObjectName("buyerSearch")
        self.search.setPlaceholderText(self.tr("Buyer or receiver"))
        self.order_no = QLineEdit()
        self.order_no.setObjectName("orderNoSearch")
        self.order_no.setPlaceholderText(self.tr("Order no."))
        self.phone = QLineEdit()
        self.phone.setObjectName("phoneSearch")
        self.phone.setPlaceholderText(self.tr("Phone (exact)"))
        self.phone.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.phone.textEdited.connect(lambda _t: setattr(self, "_phone_hash", ""))
        self.sku = QLineEdit()
        self.sku.setObjectName("skuSearch")
        self.sku.setPlaceholderText(self.tr("SKU or merchant code"))
        self.province = QLineEdit()
        self.province.setObjectName("provinceFilter")
        self.province.setPlaceholderText(self.tr("Province"))
        self.city = QLineEdit()
        self.city.setObjectName("cityFilter")
        self.city.setPlaceholderText(self.tr("City"))
        self.tag = QLineEdit()
        self.tag.setObjectName("tagFilter")
        self.tag.setPlaceholderText(self.tr("Tag"))
        self.amount_min = QLineEdit()
        self.amount_min.setObjectName("amountMin")
        self.amount_min.setPlaceholderText(self.tr("Amount from"))
        self.amount_max = QLineEdit()
        self.amount_max.setObjectName("amountMax")
        self.amount_max.setPlaceholderText(self.tr("Amount to"))
        self.shop = QComboBox()
        self.shop.setObjectName("shopFilter")
        self.platform = QComboBox()
        self.platform.setObjectName("platformFilter")
        self.courier = QComboBox()
        self.courier.setObjectName("courierFilter")
        self.warehouse = QComboBox()
        self.warehouse.setObjectName("warehouseFilter")
        self.held_reason = QComboBox()
        self.held_reason.setObjectName("heldReasonFilter")
        self.held_reason.addItem(self.tr("Any hold reason"), "")
        for code in HOLD_TITLES:
            self.held_reason.addItem(hold_title(code), code)
        self.message = QComboBox()
        self.message.setObjectName("messageFilter")
        self.message.addItem(self.tr("Message: any"), None)
        self.message.addItem(self.tr("With buyer message"), True)
        self.message.addItem(self.tr("Without buyer message"), False)
        self.paid_from = _date_edit("paidFrom")
        self.paid_to = _date_edit("paidTo")
        self.modified_from = _date_edit("modifiedFrom")
        self.modified_to = _date_edit("modifiedTo")
        self.saved = QComboBox()
        self.saved.setObjectName("savedFilters")
        self.saved.addItem(self.tr("Saved filters…"), "")
        self.saved.activated.connect(self._use_saved)
        save = QPushButton(self.tr("Save filter"))
        save.setObjectName("saveFilter")
        save.clicked.connect(self._save_filter)
        clear = QPushButton(self.tr("Clear"))
        clear.setObjectName("clearFilter")
        clear.clicked.connect(self.clear_filters)
        for w in (self.search, self.order_no, self.phone, self.sku, self.province, self.city,
                  self.tag, self.amount_min, self.amount_max):
            w.returnPressed.connect(self.apply_filter)
        for c in (self.shop, self.platform, self.courier, self.warehouse, self.held_reason,
                  self.message):
            c.activated.connect(lambda _i: self.apply_filter())
        for d in (self.paid_from, self.paid_to, self.modified_from, self.modified_to):
            d.editingFinished.connect(self.apply_filter)
        row1 = [self.search, self.order_no, self.phone, self.sku, self.shop, self.platform,
                self.held_reason, self.saved, save]
        row2 = [self.province, self.city, self.courier, self.warehouse, self.tag,
                self.message, self.amount_min, self.amount_max, clear]
        for c, w in enumerate(row1):
            g.addWidget(w, 0, c)
        for c, w in enumerate(row2):
            g.addWidget(w, 1, c)
        dates = QHBoxLayout()
        for label, w in ((self.tr("Paid from"), self.paid_from), (self.tr("to"), self.paid_to),
                         (self.tr("Modified from"), self.modified_from),
                         (self.tr("to"), self.modified_to)):
            dates.addWidget(QLabel(label))
            dates.addWidget(w)
        dates.addStretch(1)
        g.addLayout(dates, 2, 0, 1, len(row1))
        return g

    def _action_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.whole_result = QCheckBox(self.tr("Apply to the whole filter result"))
        self.whole_result.setObjectName("wholeResult")
        self.whole_result.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.actions: dict[str, QAction] = {}
        specs: list[tuple[str, str, str, Callable[[], None]]] = [
            ("approve", self.tr("Approve"), "F2", lambda: self.batch(BatchAction.APPROVE)),
            ("hold", self.tr("Hold…"), "F3", self.ask_hold),
            ("release", self.tr("Release"), "F4", lambda: self.batch(BatchAction.RELEASE)),
            ("courier", self.tr("Courier…"), "F6", lambda: self.ask_assign("courier")),
            ("warehouse", self.tr("Warehouse…"), "F7", lambda: self.ask_assign("warehouse")),
            ("merge", self.tr("Merge"), "F8", lambda: self.batch(BatchAction.MERGE)),
            ("unmerge", self.tr("Undo merge"), "Shift+F8",
             lambda: self.batch(BatchAction.UNMERGE)),
            ("tag", self.tr("Tag…"), "F9", self.ask_tag),
            ("split", self.tr("Split…"), "Ctrl+Shift+S", self.ask_split),
            ("rerun", self.tr("Re-run rules"), "F10", lambda: self.batch(BatchAction.RERUN)),
            ("export", self.tr("Export CSV…"), "Ctrl+E", self.ask_export),
            ("print", self.tr("Print waybills…"), "Ctrl+P", self.ask_print),
            ("refresh", self.tr("Refresh"), "F5", self.apply_filter),
            ("search", self.tr("Search"), "Ctrl+F", self._focus_search),
            ("unmapped", self.tr("Held: unmapped SKU"), "Ctrl+Shift+U", self.show_unmapped),
        ]
        for key, text, shortcut, slot in specs:
            act = QAction(f"{text} ({shortcut})", self)
            act.setObjectName(f"action_{key}")
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            self.actions[key] = act
            if key in ("refresh", "search", "unmapped"):
                continue
            button = QPushButton(act.text())
            button.setObjectName(f"button_{key}")
            button.clicked.connect(act.trigger)
            if key == "print":  # printing needs the print right, not the review right
                allowed = self.ctx.actor.can(Permission.PRINT)
                button.setEnabled(allowed)
                act.setEnabled(allowed)
            elif key != "export":  # looking and exporting (masked) need no review right
                button.setEnabled(self.can_review)
                act.setEnabled(self.can_review)
            bar.addWidget(button)
        from ecerp_desktop.ui.rules_page import rules_button  # imported on first use

        bar.addWidget(rules_button(self.ctx, self))  # 规则: the rules screen, as a window
        from ecerp_desktop.ui.mapping_page import mapping_button

        bar.addWidget(mapping_button(self.ctx, self))  # 商品对应关系, as a window
        bar.addStretch(1)
        bar.addWidget(self.whole_result)
        return bar

    def _fill_nav(self, counts: dict[str, int]) -> None:
        current = self.nav.currentItem()
        key = current.data(Qt.ItemDataRole.UserRole) if current else _ALL
        self.nav.blockSignals(True)
        self.nav.clear()
        total = sum(counts.values())
        entries = [(_ALL, self.tr("All"), total), *(
            (code, status_title(code), counts.get(code, 0)) for code in STATUS_TITLES)]
        for code, title, n in entries:
            item = QListWidgetItem(f"{title} ({n})" if counts else title)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setData(Qt.ItemDataRole.UserRole + 1, n)
            self.nav.addItem(item)
            if code == key:
                self.nav.setCurrentItem(item)
        self.nav.blockSignals(False)

    def status_count(self, status: str) -> int | None:
        """The count shown beside *status* (``__all__``: every status)."""
        for i in range(self.nav.count()):
            item = self.nav.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == status:
                return item.data(Qt.ItemDataRole.UserRole + 1)
        return None

    def select_status(self, status: str | None) -> None:
        for i in range(self.nav.count()):
            if self.nav.item(i).data(Qt.ItemDataRole.UserRole) == (status or _ALL):
                self.nav.setCurrentRow(i)  # → apply_filter
                return

    def _load_choices(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor

        def done(ch: dict[str, list[Any]]) -> None:
            for combo, key, any_text in (
                    (self.shop, "shops", self.tr("All shops")),
                    (self.courier, "couriers", self.tr("All couriers")),
                    (self.warehouse, "warehouses", self.tr("All warehouses")),
                    (self.platform, "platforms", self.tr("All platforms"))):
                combo.clear()
                combo.addItem(any_text, None)
                for c in ch[key]:
                    combo.addItem(c.name, c.name if key == "platforms" else c.id)
            self._saved = ch["saved"]
            self._fill_saved()

        def read() -> dict[str, Any]:
            out: dict[str, Any] = dict(review.choices(store, actor))
            out["saved"] = review.saved_filters(store, actor)
            return out

        run_op(read, owner=self, on_success=done, on_failure=self._show_error,
               pool=lane(_SIDE_LANE))

    def _fill_saved(self) -> None:
        self.saved.clear()
        self.saved.addItem(self.tr("Saved filters…"), "")
        for name in self._saved:
            self.saved.addItem(name, name)

    # -- the filter -----------------------------------------------------------------------
    def current_filter(self) -> ReviewFilter:
        item = self.nav.currentItem()
        status = item.data(Qt.ItemDataRole.UserRole) if item else _ALL
        phone = self.phone.text().strip()

        def amount(edit: QLineEdit) -> Decimal | None:
            text = edit.text().strip().replace(",", "")
            if not text:
                return None
            try:
                return Decimal(text)
            except InvalidOperation:
                return None

        def upto(d: QDateEdit) -> datetime | None:
            start = _day_start_utc(d.date())
            return None if start is None else start + timedelta(days=1)

        return ReviewFilter(
            statuses=() if status == _ALL else (status,),
            held_reason=self.held_reason.currentData() or "",
            shop_ids=(self.shop.currentData(),) if self.shop.currentData() else (),
            platform=self.platform.currentData() or "",
            paid_from=_day_start_utc(self.paid_from.date()), paid_to=upto(self.paid_to),
            modified_from=_day_start_utc(self.modified_from.date()),
            modified_to=upto(self.modified_to),
            buyer=self.search.text().strip(),
            phone_hash=review.phone_filter(phone) if phone else self._phone_hash,
            sku=self.sku.text().strip(), province=self.province.text().strip(),
            city=self.city.text().strip(), courier_id=self.courier.currentData(),
            warehouse_id=self.warehouse.currentData(), tag=self.tag.text().strip(),
            has_message=self.message.currentData(), amount_min=amount(self.amount_min),
            amount_max=amount(self.amount_max), order_no=self.order_no.text().strip())

    def set_filter(self, f: ReviewFilter) -> None:
        """Show *f* in the widgets and apply it (a saved filter, or a test)."""
        def pick(combo: QComboBox, value: Any) -> None:
            combo.setCurrentIndex(max(0, combo.findData(value)))

        for edit, value in ((self.search, f.buyer), (self.order_no, f.order_no),
                            (self.sku, f.sku), (self.province, f.province),
                            (self.city, f.city), (self.tag, f.tag),
                            (self.amount_min, "" if f.amount_min is None else str(f.amount_min)),
                            (self.amount_max, "" if f.amount_max is None else str(f.amount_max))):
            edit.setText(value)
        self.phone.clear()  # a saved filter keeps only the hash: never the number
        self._phone_hash = f.phone_hash
        pick(self.shop, f.shop_ids[0] if f.shop_ids else None)
        pick(self.platform, f.platform or None)
        pick(self.courier, f.courier_id)
        pick(self.warehouse, f.warehouse_id)
        pick(self.held_reason, f.held_reason)
        pick(self.message, f.has_message)
        for edit, value, end in ((self.paid_from, f.paid_from, False),
                                 (self.paid_to, f.paid_to, True),
                                 (self.modified_from, f.modified_from, False),
                                 (self.modified_to, f.modified_to, True)):
            if value is None:
                edit.setDate(_NO_DATE)
            else:
                local = value.astimezone(ZoneInfo(DEFAULT_ZONE)) - (
                    timedelta(days=1) if end else timedelta(0))
                edit.setDate(QDate(local.year, local.month, local.day))
        self.nav.blockSignals(True)
        self.select_status(f.statuses[0] if f.statuses else None)
        self.nav.blockSignals(False)
        self.apply_filter()

    def clear_filters(self) -> None:
        self.set_filter(ReviewFilter())

    def apply_filter(self) -> None:
        """Read the list again under the current filter and sort, then the counts."""
        flt = self.current_filter()
        self.active_filter = flt
        store, actor, sort = self.ctx.store, self.ctx.actor, self.sort
        self.detail.clear_order()
        self.model.reset(lambda after, limit: review.list_page(store, actor, flt, sort,
                                                               after, limit))
        self._counts_gen = getattr(self, "_counts_gen", 0) + 1
        self._counts_pending = True
        self._total = None
        self._show_count()

    def _start_counts(self) -> None:
        """Count per status once the first page is on screen: the counts scan the whole
        filter result, so they run on the side lane and after the rows, never holding up
        or competing with the page the clerk waits for."""
        if not self._counts_pending:
            return
        self._counts_pending = False
        store, actor, flt, gen = self.ctx.store, self.ctx.actor, self.active_filter, \
            self._counts_gen
        run_op(lambda: review.status_counts(store, actor, flt), owner=self,
               on_success=lambda c: self._counts_arrived(gen, c),
               on_failure=self._show_error, pool=lane(_SIDE_LANE))

    def _counts_arrived(self, gen: int, counts: dict[str, int]) -> None:
        if gen != self._counts_gen:
            return  # counts of a filter the user has already left
        self._fill_nav(counts)
        item = self.nav.currentItem()
        self._total = int(item.data(Qt.ItemDataRole.UserRole + 1)) if item else None
        self._show_count()
        self.counts_loaded.emit(counts)

    def _show_count(self) -> None:
        if self.model.loading:
            self.count_label.setText(self.tr("Loading…"))
        elif self._total is None:
            self.count_label.setText(self.tr("{shown} shown").format(
                shown=self.model.rowCount()))
        else:
            self.count_label.setText(self.tr("{shown} shown of {total}").format(
                shown=self.model.rowCount(), total=self._total))

    def _sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        key = COLUMNS[section].sort_key if 0 <= section < len(COLUMNS) else None
        if key is None:  # not an indexed sort: put the indicator back
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            col = next(i for i, c in enumerate(COLUMNS) if c.sort_key == self.sort.key)
            header.setSortIndicator(col, Qt.SortOrder.DescendingOrder if self.sort.descending
                                    else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
            return
        self.sort = Sort(key, order == Qt.SortOrder.DescendingOrder)
        self.apply_filter()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def show_unmapped(self) -> None:
        """The held orders waiting for a SKU mapping (Ctrl+Shift+U)."""
        self.held_reason.setCurrentIndex(max(0, self.held_reason.findData("unmapped_sku")))
        item = self.nav.currentItem()
        if item is not None and item.data(Qt.ItemDataRole.UserRole) == "held":
            self.apply_filter()
        else:
            self.select_status("held")

    def _use_saved(self, index: int) -> None:
        name = self.saved.itemData(index)
        if name and name in self._saved:
            self.set_filter(self._saved[name])

    def _save_filter(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save filter"), self.tr("Name:"))
        if ok and name.strip():
            self.save_filter_as(name.strip())

    def save_filter_as(self, name: str) -> None:
        store, actor, flt = self.ctx.store, self.ctx.actor, self.current_filter()

        def saved(_: object) -> None:
            self._saved[name] = flt
            self._fill_saved()

        run_op(lambda: review.save_filter(store, actor, name, flt), owner=self,
               on_success=saved, on_failure=self._show_error)

    # -- detail ---------------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._detail_timer.start()

    def open_current(self) -> None:
        self._detail_timer.stop()
        self._load_detail()
        self.detail.setFocus()

    def _load_detail(self) -> None:
        oid = self.model.id_at(self.table.currentIndex().row())
        if oid is None:
            return
        store, actor = self.ctx.store, self.ctx.actor

        def shown(d: OrderDetail) -> None:
            if self.model.id_at(self.table.currentIndex().row()) == d.row.id:
                self.detail.show_order(d)
                self.detail_loaded.emit(d.row.id)

        run_op(lambda: review.order_detail(store, actor, oid), owner=self, on_success=shown,
               on_failure=self._show_error)

    # -- batch actions --------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = [self.model.id_at(r) for r in rows]
        return [i for i in ids if i is not None]

    def ask_print(self) -> QDialog | None:
        """Print the selected orders' waybills (numbered first) on a chosen printer."""
        from ecerp_desktop.ui.print_orders_dialog import PrintOrdersDialog  # printing: lazily

        ids = self.selected_ids()
        if not ids:
            self.status_line.setText(self.tr("Select the orders to print first."))
            return None
        dialog = PrintOrdersDialog(self.ctx, [str(i) for i in ids], parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export CSV…"), "orders.csv",
                                              self.tr("CSV files (*.csv)"))
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """Write the current filter result to *path* (masked unless the user may see it)."""
        store, actor, flt, sort = self.ctx.store, self.ctx.actor, self.active_filter, self.sort

        def done(n: int) -> None:
            self.status_line.setText(self.tr("Exported {n} orders to {path}.").format(
                n=n, path=path))
            self.batch_finished.emit(n)

        run_op(lambda: review.export_csv(store, actor, flt, path, sort), owner=self,
               on_success=done, on_failure=self._show_error)

    def ask_split(self) -> None:
        """Split the current order by hand (one order at a time)."""
        ids = self.selected_ids()
        oid = ids[0] if len(ids) == 1 else self.model.id_at(self.table.currentIndex().row())
        if oid is None or not self.can_review:
            return
        store, actor = self.ctx.store, self.ctx.actor

        def ask(lines: list[review.SplitLine]) -> None:
            if not lines:
                self.status_line.setText(self.tr("Order {id} has no open parcel to split.")
                                         .format(id=oid))
                self.batch_finished.emit([])
                return
            dialog = SplitDialog(lines, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            groups = dialog.groups()

            def done(parcels: list[int]) -> None:
                self.status_line.setText(self.tr("Order {id} now ships in {n} parcels.")
                                         .format(id=oid, n=len(parcels)))
                self.batch_finished.emit(parcels)

            def failed(exc: BaseException) -> None:
                self._show_error(exc)
                self.batch_finished.emit(exc)

            run_op(lambda: review.split_order(store, actor, oid, groups), owner=self,
                   on_success=done, on_failure=failed, changes={"orders", "stock"})

        run_op(lambda: review.split_lines(store, actor, oid), owner=self, on_success=ask,
               on_failure=self._show_error)

    def ask_hold(self) -> None:
        reason, ok = QInputDialog.getText(self, self.tr("Hold"), self.tr("Reason for the hold:"))
        if ok and reason.strip():
            self.batch(BatchAction.HOLD, reason=reason.strip())

    def ask_tag(self) -> None:
        tag, ok = QInputDialog.getText(self, self.tr("Tag"), self.tr("Tag to add:"))
        if ok and tag.strip():
            self.batch(BatchAction.ADD_TAG, tag=tag.strip())

    def ask_assign(self, what: str) -> None:
        combo = self.courier if what == "courier" else self.warehouse
        names = [combo.itemText(i) for i in range(1, combo.count())]
        ids = [combo.itemData(i) for i in range(1, combo.count())]
        if not names:
            return
        title = self.tr("Courier") if what == "courier" else self.tr("Warehouse")
        name, ok = QInputDialog.getItem(self, title, title, names, 0, False)
        if ok:
            key = ids[names.index(name)]
            if what == "courier":
                self.batch(BatchAction.ASSIGN_COURIER, courier_id=key)
            else:
                self.batch(BatchAction.ASSIGN_WAREHOUSE, warehouse_id=key)

    def batch(self, action: BatchAction, **opts: Any) -> None:
        """Run *action* on the selected orders, or on the whole filter result when that box
        is ticked; a progress dialog with cancel shows for large batches."""
        if not self.can_review:
            return
        whole = self.whole_result.isChecked()
        ids = [] if whole else self.selected_ids()
        if not whole and not ids:
            self.status_line.setText(self.tr("Select orders first (Space or click)."))
            return
        store, actor, flt, sort = self.ctx.store, self.ctx.actor, self.active_filter, self.sort
        self._cancel = cancel = threading.Event()
        relay = ProgressRelay(self)
        expected = self._total if whole else len(ids)  # the real total follows
        if whole or len(ids) >= self.progress_threshold:
            self.progress = QProgressDialog(self.tr("Working on {n} orders…").format(
                n=expected if expected is not None else "?"), self.tr("Cancel"), 0,
                max(1, expected or 1), self)
            self.progress.setObjectName("batchProgress")
            self.progress.setWindowModality(Qt.WindowModality.WindowModal)
            self.progress.setMinimumDuration(0)
            self.progress.setAutoClose(False)
            self.progress.setAutoReset(False)
            self.progress.canceled.connect(cancel.set)
            relay.changed.connect(self._progress_changed)
            self.progress.show()

        def work() -> BatchResult:
            chosen = ids or review.matching_ids(store, actor, flt, sort, cancel.is_set)
            return review.run_batch(store, actor, action, chosen, progress=relay.report,
                                    cancel=cancel.is_set, **opts)

        def done(res: BatchResult) -> None:
            self._close_progress()
            self.last_result = res
            skipped = ", ".join(f"{k} {v}" for k, v in sorted(res.skipped.items()))
            text = self.tr("{action}: {done} of {total} done").format(
                action=self.actions_title(res.action), done=res.done, total=res.total)
            if skipped:
                text += self.tr("; skipped: {skipped}").format(skipped=skipped)
            if res.cancelled:
                text += self.tr(" (cancelled)")
            self.status_line.setText(text)
            self.batch_finished.emit(res)

        def failed(exc: BaseException) -> None:
            self._close_progress()
            self._show_error(exc)
            self.batch_finished.emit(exc)

        run_op(work, owner=self, on_success=done, on_failure=failed,
               changes={"orders", "stock"})

    def actions_title(self, action: str) -> str:
        key = {"assign_courier": "courier", "assign_warehouse": "warehouse",
               "add_tag": "tag"}.get(action, action)
        act = self.actions.get(key)
        return act.text().split(" (")[0].rstrip("…") if act else action

    def _progress_changed(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(max(1, total))
            self.progress.setValue(done)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    # -- refresh and errors ---------------------------------------------------------------
    def _on_changes(self, names: object) -> None:
        if isinstance(names, frozenset) and "orders" in names:
            self.apply_filter()

    def _show_error(self, exc: BaseException) -> None:
        self._start_counts()  # a failed page still leaves the counts to show
        self._show_count()
        self.last_error = describe(exc)
        self.status_line.setText(self.last_error)
