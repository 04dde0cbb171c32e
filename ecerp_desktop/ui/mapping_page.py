"""The SKU mapping screen (商品对应关系): the platform lines that hold orders because they
map to no SKU, and the mapping table itself.

"Unmapped" (待对应) lists the lines most waiting orders first, with up to three likely
SKUs as one-click buttons (Alt+1..3) and a SKU field that completes over code, barcode and
name: typing or scanning a code and pressing Enter maps the current line, re-runs the
orders it held (off the GUI thread) and moves to the next line. "Mapping table" (对应关系)
filters, edits, removes, imports and exports the listings.

Every database call is an op on the database lane; completion look-ups run on a side lane
so typing never waits behind a re-run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.auth import Permission
from ecerp_desktop.services import mapping, shops
from ecerp_desktop.services.mapping import MapResult, UnmappedLine
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import lane, run_op
from ecerp_desktop.ui.rules_panel import table  # the read-only, row-selecting table
from ecerp_desktop.ui.scanner_filter import ScannerFilter, installed_filter
from ecerp_desktop.ui.windows import window_button

PAGE = 200
_SIDE_LANE = "mapping-side"
_CHANGES = frozenset({"orders", "stock"})
CODE_ROLE = Qt.ItemDataRole.UserRole + 1  # a completion's SKU code


def _shown(text: str) -> str:
    """Buyer/platform text for a cell: control characters as U+FFFD (never markup)."""
    return "".join("\ufffd" if ord(c) < 32 or 127 <= ord(c) < 160 else c for c in text)


def _cell(text: str, tip: bool = True) -> QTableWidgetItem:
    item = QTableWidgetItem(_shown(text))
    if tip:
        item.setToolTip(_shown(text))
    return item


def _number(n: int) -> QTableWidgetItem:
    item = QTableWidgetItem()
    item.setData(Qt.ItemDataRole.DisplayRole, n)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _ident(ln: UnmappedLine) -> tuple[int, str, str, str]:
    return (ln.shop_id, ln.platform_item_id, ln.platform_sku_id, ln.merchant_code)


def rerun_words(res: MapResult) -> str:
    """"3 orders re-run: 2 approved, 1 still held" in the user's language."""
    if res.rerun == 0:
        if res.changed == 0:
            return QCoreApplication.translate("MappingPage", "Nothing changed.")
        return QCoreApplication.translate(
            "MappingPage", "Mapping saved; no held order was waiting on it.")
    return QCoreApplication.translate(
        "MappingPage", "%1 order(s) re-run: %2 approved, %3 still held").replace(
        "%1", str(res.rerun)).replace("%2", str(res.approved)).replace(
        "%3", str(res.still_held))


class SkuField(QLineEdit):
    """A SKU code/barcode field whose completion (code, barcode, name) is looked up in
    the background a moment after the user stops typing."""

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("skuField")
        self.setPlaceholderText(self.tr("SKU code, barcode or name — Enter maps"))
        self._model = QStandardItemModel(self)
        self.completer_ = QCompleter(self._model, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCompletionRole(CODE_ROLE)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(self.completer_)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._look_up)
        self.textEdited.connect(lambda _t: self._timer.start())

    def _look_up(self) -> None:
        text = self.text().strip()
        if len(text) < 1:
            return
        store, actor = self.ctx.store, self.ctx.actor

        def done(found: list[Any]) -> None:
            if self.text().strip() != text:
                return  # typed on meanwhile: the next look-up answers
            self._model.clear()
            for k in found:
                item = QStandardItem(f"{k.code}   {_shown(k.name)}")  # what the list shows
                item.setData(k.code, CODE_ROLE)  # what picking it puts in the field
                self._model.appendRow(item)
            if found and self.hasFocus():
                self.completer_.complete()

        run_op(lambda: mapping.find_skus(store, actor, text), owner=self, on_success=done,
               pool=lane(_SIDE_LANE))

    def code(self) -> str:
        """The code typed or picked (a completion shows "CODE   name")."""
        return self.text().strip().split("   ")[0].strip()


class MappingPage(QWidget):
    """The mapping screen. Tests wait on ``loaded`` (unmapped lines shown), ``suggested``
    (their likely SKUs shown), ``table_loaded``,
    ``mapped`` (a MapResult, after the re-run), ``file_done`` and ``failed``. A wedge scan
    maps the current line to the scanned code (unmapped tab shown, window in front)."""

    loaded = Signal()
    suggested = Signal()  # the likely SKUs of the lines shown have arrived
    table_loaded = Signal()
    mapped = Signal(object)
    file_done = Signal(object)
    failed = Signal(str)

    def __init__(self, ctx: PageContext, parent: QWidget | None = None, *,
                 scanner_filter: ScannerFilter | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mappingPage")
        self.setWindowTitle(self.tr("SKU mapping"))
        self.can_edit = ctx.actor.can(Permission.ORDERS_REVIEW)
        self.lines: list[UnmappedLine] = []
        # likely SKUs by line, kept while the page lives (the catalogue rarely changes
        # under a clerk mapping lines)
        self._suggested: dict[tuple[int, str, str, str], tuple[Any, ...]] = {}
        self.rows: list[Any] = []  # the mapping table's listings shown
        self._more_lines = False
        self._more_rows = False
        self._busy = False
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mappingTabs")
        self.tabs.addTab(self._unmapped_tab(), self.tr("Unmapped"))
        self.tabs.addTab(self._table_tab(), self.tr("Mapping table"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.status_line = QLabel()
        self.status_line.setObjectName("statusLine")
        self.status_line.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status_line)
        self._table_stale = True
        # A scan (the app-wide wedge filter keeps its keys from every field) maps the
        # current line to the scanned barcode, as typing it and pressing Enter would.
        self._filter = scanner_filter or installed_filter()
        if self._filter is not None:
            self._filter.scanned.connect(self._scanned)
        self._load_shops()
        self.reload()

    def _scanned(self, code: str) -> None:
        if not (self.isVisible() and self.tabs.currentIndex() == 0 and code.strip()):
            return
        active = QApplication.activeWindow()
        if active is not None and active is not self.window():
            return  # meant for the window in front
        self.sku_field.setText(code.strip()[:64])
        self.map_current(code.strip()[:64])

    # -- the unmapped tab -----------------------------------------------------------------
    def _unmapped_tab(self) -> QWidget:
        w = QWidget()
        self.shop = QComboBox()
        self.shop.setObjectName("shopFilter")
        self.shop.addItem(self.tr("All shops"), None)
        self.shop.activated.connect(lambda _i: self.reload())
        self.search = QLineEdit()
        self.search.setObjectName("lineSearch")
        self.search.setPlaceholderText(self.tr("Title, merchant code or id"))
        self.search.returnPressed.connect(self.reload)
        refresh = QPushButton(self.tr("Refresh (F5)"))
        refresh.setObjectName("refreshUnmapped")
        refresh.clicked.connect(self.reload)
        top = QHBoxLayout()
        top.addWidget(self.shop)
        top.addWidget(self.search, 1)
        top.addWidget(refresh)
        self.table = table("unmappedTable", [
            self.tr("Shop"), self.tr("Item ID"), self.tr("Platform SKU ID"),
            self.tr("Merchant code"), self.tr("Title"), self.tr("Waiting orders"),
            self.tr("Units"), self.tr("Likely SKUs")])
        self.table.currentCellChanged.connect(lambda *_a: self._show_current())
        self.more_lines = QPushButton(self.tr("Load more"))
        self.more_lines.setObjectName("moreLines")
        self.more_lines.clicked.connect(self.load_more_lines)
        self.more_lines.setVisible(False)
        self.current_label = QLabel()
        self.current_label.setObjectName("currentLine")
        self.current_label.setTextFormat(Qt.TextFormat.PlainText)
        self.current_label.setWordWrap(True)
        self.suggestion_buttons: list[QPushButton] = []
        sugg = QHBoxLayout()
        sugg.addWidget(QLabel(self.tr("Likely:")))
        for i in range(3):
            b = QPushButton()
            b.setObjectName(f"suggestion{i + 1}")
            b.setVisible(False)
            b.clicked.connect(lambda _c=False, i=i: self.pick_suggestion(i))
            act = QAction(self)
            act.setShortcut(QKeySequence(f"Alt+{i + 1}"))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(lambda _c=False, i=i: self.pick_suggestion(i))
            w.addAction(act)
            self.suggestion_buttons.append(b)
            sugg.addWidget(b)
        sugg.addStretch(1)
        self.sku_field = SkuField(self.ctx)
        self.sku_field.returnPressed.connect(self.map_from_field)
        self.whole_item = QCheckBox(self.tr("Whole item (every SKU of it)"))
        self.whole_item.setObjectName("wholeItem")
        self.map_button = QPushButton(self.tr("Map (Enter)"))
        self.map_button.setObjectName("mapButton")
        self.map_button.clicked.connect(self.map_from_field)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(self.tr("Map to SKU:")))
        bottom.addWidget(self.sku_field, 1)
        bottom.addWidget(self.whole_item)
        bottom.addWidget(self.map_button)
        for x in (self.sku_field, self.whole_item, self.map_button, *self.suggestion_buttons):
            x.setEnabled(self.can_edit)
        for key, slot in (("F5", self.reload), ("Ctrl+F", self.search.setFocus),
                          ("Ctrl+L", self.sku_field.setFocus),
                          ("Ctrl+Down", lambda: self._step(1)),
                          ("Ctrl+Up", lambda: self._step(-1))):
            act = QAction(self)
            act.setShortcut(QKeySequence(key))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            w.addAction(act)
        layout = QVBoxLayout(w)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.more_lines)
        layout.addWidget(self.current_label)
        layout.addLayout(sugg)
        layout.addLayout(bottom)
        return w

    def _load_shops(self) -> None:
        store = self.ctx.store

        def done(found: list[Any]) -> None:
            for combo in (self.shop, self.table_shop):
                keep = combo.currentData()
                combo.clear()
                combo.addItem(self.tr("All shops"), None)
                for s in found:
                    combo.addItem(s.name, s.id)
                combo.setCurrentIndex(max(0, combo.findData(keep)))

        run_op(lambda: shops.list_shops(store), owner=self, on_success=done,
               on_failure=self._show_error, pool=lane(_SIDE_LANE))

    def reload(self) -> None:
        """Read the first page of unmapped lines again (after a filter change or F5), the
        likely SKUs too."""
        self._suggested.clear()
        self._read_lines(None)

    def load_more_lines(self) -> None:
        if self.lines:
            self._read_lines(self.lines[-1].key)

    def _read_lines(self, after: Any, *, keep_row: int | None = None,
                    limit: int = PAGE) -> None:
        """Read a page of lines (the next one with *after*), show it at once, then ask for
        the likely SKUs of the lines that have none yet (a side op: the first one after a
        SKU changed builds the suggestion index, which can take a second or two)."""
        store, actor = self.ctx.store, self.ctx.actor
        shop, text = self.shop.currentData(), self.search.text().strip()

        def read() -> tuple[list[UnmappedLine], tuple[int, int]]:
            page = mapping.unmapped(store, actor, shop=shop, text=text, after=after,
                                    limit=limit, suggestions=False)
            return page, mapping.unmapped_totals(store, actor)

        def done(got: tuple[list[UnmappedLine], tuple[int, int]]) -> None:
            page, (n_lines, n_orders) = got
            page = [replace(ln, suggestions=self._suggested.get(_ident(ln), ()))
                    for ln in page]
            self.lines = page if after is None else self.lines + page
            self._more_lines = len(page) == limit
            self.more_lines.setVisible(self._more_lines)
            row = keep_row if keep_row is not None else (
                0 if after is None else self.table.currentRow())
            self._fill_lines(keep_row=row)
            self.tabs.setTabText(0, self.tr("Unmapped (%1)").replace("%1", str(n_lines)))
            if not self._busy and keep_row is None:
                self.status_line.setText(
                    self.tr("%1 unmapped line(s) hold %2 order(s)").replace(
                        "%1", str(n_lines)).replace("%2", str(n_orders)))
            self.loaded.emit()
            self._suggest()

        run_op(read, owner=self, on_success=done, on_failure=self._show_error)

    def _suggest(self) -> None:
        todo = [ln for ln in self.lines if _ident(ln) not in self._suggested]
        if not todo:
            self.suggested.emit()
            return
        store, actor = self.ctx.store, self.ctx.actor

        def done(found: list[tuple[Any, ...]]) -> None:
            for ln, sug in zip(todo, found, strict=True):
                self._suggested[_ident(ln)] = sug
            self.lines = [replace(ln, suggestions=self._suggested.get(_ident(ln), ()))
                          for ln in self.lines]
            for r, ln in enumerate(self.lines):
                self.table.setItem(r, 7, _cell(", ".join(s.code for s in ln.suggestions)))
            self._show_current(focus=False)
            self.suggested.emit()

        run_op(lambda: mapping.suggest(store, actor, todo), owner=self, on_success=done,
               on_failure=self._show_error, pool=lane(_SIDE_LANE))

    def _fill_lines(self, keep_row: int = 0) -> None:
        t = self.table
        t.setRowCount(len(self.lines))
        for r, ln in enumerate(self.lines):
            cells = [_cell(ln.shop), _cell(ln.platform_item_id), _cell(ln.platform_sku_id),
                     _cell(ln.merchant_code), _cell(ln.title), _number(ln.orders),
                     _number(ln.units),
                     _cell(", ".join(s.code for s in ln.suggestions))]
            for c, item in enumerate(cells):
                t.setItem(r, c, item)
        if self.lines:
            t.setCurrentCell(min(max(keep_row, 0), len(self.lines) - 1), 0)
        self._show_current()

    def current_line(self) -> UnmappedLine | None:
        r = self.table.currentRow()
        return self.lines[r] if 0 <= r < len(self.lines) else None

    def _step(self, delta: int) -> None:
        if self.lines:
            r = min(max(self.table.currentRow() + delta, 0), len(self.lines) - 1)
            self.table.setCurrentCell(r, 0)

    def _show_current(self, focus: bool = True) -> None:
        ln = self.current_line()
        if ln is None:
            self.current_label.setText(self.tr("No unmapped line holds an order."))
            for b in self.suggestion_buttons:
                b.setVisible(False)
            return
        self.current_label.setText(
            self.tr("%1 · item %2 · SKU %3 · code %4: %5 — %6 order(s) wait").replace(
                "%1", _shown(ln.shop)).replace("%2", _shown(ln.platform_item_id)).replace(
                "%3", _shown(ln.platform_sku_id or "-")).replace(
                "%4", _shown(ln.merchant_code or "-")).replace(
                "%5", _shown(ln.title[:80])).replace("%6", str(ln.orders)))
        if not ln.platform_item_id:
            self.current_label.setText(self.current_label.text() + "\n" + self.tr(
                "This line has no platform item id, so the mapping table cannot hold it: "
                "give the SKU its merchant code as code or barcode instead."))
        for i, b in enumerate(self.suggestion_buttons):
            if i < len(ln.suggestions):
                s = ln.suggestions[i]
                b.setText(f"&{i + 1} {s.code}  {_shown(s.name)[:30]}")
                b.setToolTip(_shown(s.name))
                b.setVisible(True)
            else:
                b.setVisible(False)
        if focus:
            self.sku_field.setFocus()

    def pick_suggestion(self, i: int) -> None:
        ln = self.current_line()
        if ln is not None and i < len(ln.suggestions):
            self.map_current(ln.suggestions[i].code)

    def map_from_field(self) -> None:
        code = self.sku_field.code()
        if code:
            self.map_current(code)

    def map_current(self, code: str) -> None:
        """Map the current line to *code* (whole item when ticked), re-run its orders in the
        background, then show the result and move to the next line."""
        ln = self.current_line()
        if ln is None or self._busy or not self.can_edit:
            return
        store, actor = self.ctx.store, self.ctx.actor
        psku = "" if self.whole_item.isChecked() else ln.platform_sku_id
        row = self.table.currentRow()
        self._busy = True
        self.status_line.setText(self.tr("Mapping %1 to %2 and re-running its orders…")
                                 .replace("%1", _shown(ln.platform_item_id))
                                 .replace("%2", _shown(code)))

        def done(res: MapResult) -> None:
            self._busy = False
            self.sku_field.clear()
            self.whole_item.setChecked(False)
            self.status_line.setText(rerun_words(res))
            self._table_stale = True
            self.mapped.emit(res)
            self._after_map(row)

        def failed(exc: BaseException) -> None:
            self._busy = False
            self._show_error(exc)

        run_op(lambda: mapping.map_listing(store, actor, ln.shop_id, ln.platform_item_id,
                                           psku, code, merchant_code=ln.merchant_code,
                                           title=ln.title),
               owner=self, on_success=done, on_failure=failed, changes=_CHANGES)

    def _after_map(self, row: int) -> None:
        """Read the lines again, keeping the cursor where the mapped line was (the next
        line moves up into its place)."""
        self._read_lines(None, keep_row=row, limit=max(PAGE, len(self.lines)))

    # -- the mapping table tab ------------------------------------------------------------
    def _table_tab(self) -> QWidget:
        w = QWidget()
        self.table_shop = QComboBox()
        self.table_shop.setObjectName("tableShopFilter")
        self.table_shop.addItem(self.tr("All shops"), None)
        self.table_shop.activated.connect(lambda _i: self.reload_table())
        self.table_search = QLineEdit()
        self.table_search.setObjectName("tableSearch")
        self.table_search.setPlaceholderText(self.tr("Title, codes, ids or SKU"))
        self.table_search.returnPressed.connect(self.reload_table)
        self.mapped_filter = QComboBox()
        self.mapped_filter.setObjectName("mappedFilter")
        self.mapped_filter.addItem(self.tr("Mapped and unmapped"), None)
        self.mapped_filter.addItem(self.tr("Mapped"), True)
        self.mapped_filter.addItem(self.tr("Unmapped"), False)
        self.mapped_filter.activated.connect(lambda _i: self.reload_table())
        top = QHBoxLayout()
        for x in (self.table_shop, self.table_search, self.mapped_filter):
            top.addWidget(x, 1 if x is self.table_search else 0)
        self.listing_table = table("listingTable", [
            self.tr("Shop"), self.tr("Item ID"), self.tr("Platform SKU ID"),
            self.tr("Merchant code"), self.tr("Title"), self.tr("SKU"), self.tr("SKU name")])
        self.listing_table.doubleClicked.connect(lambda _i: self.ask_edit())
        self.more_rows = QPushButton(self.tr("Load more"))
        self.more_rows.setObjectName("moreRows")
        self.more_rows.clicked.connect(lambda: self._read_table(True))
        self.more_rows.setVisible(False)
        bar = QHBoxLayout()
        specs: list[tuple[str, str, str, Callable[[], None], bool]] = [
            ("add", self.tr("Add…"), "Ctrl+N", self.ask_add, True),
            ("edit", self.tr("Change SKU…"), "F2", self.ask_edit, True),
            ("remove", self.tr("Remove mapping"), "Delete", self.remove_selected, True),
            ("import", self.tr("Import…"), "Ctrl+I", self.ask_import, True),
            ("export", self.tr("Export…"), "Ctrl+E", self.ask_export, False),
            ("refresh", self.tr("Refresh"), "F5", self.reload_table, False),
        ]
        self.table_actions: dict[str, QAction] = {}
        for key, text, shortcut, slot, edits in specs:
            act = QAction(f"{text} ({shortcut})", self)
            act.setObjectName(f"action_{key}")
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            act.setEnabled(self.can_edit or not edits)
            w.addAction(act)
            self.table_actions[key] = act
            button = QPushButton(act.text())
            button.setObjectName(f"button_{key}")
            button.setEnabled(act.isEnabled())
            button.clicked.connect(act.trigger)
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(w)
        layout.addLayout(top)
        layout.addWidget(self.listing_table, 1)
        layout.addWidget(self.more_rows)
        layout.addLayout(bar)
        return w

    def _tab_changed(self, index: int) -> None:
        if index == 1 and self._table_stale:
            self.reload_table()

    def reload_table(self) -> None:
        self._read_table(False)

    def _read_table(self, more: bool) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        shop, text = self.table_shop.currentData(), self.table_search.text().strip()
        mapped = self.mapped_filter.currentData()
        after = self.rows[-1].key if more and self.rows else None
        self._table_stale = False

        def done(page: list[Any]) -> None:
            self.rows = self.rows + page if more else page
            self.more_rows.setVisible(len(page) == PAGE)
            t = self.listing_table
            t.setRowCount(len(self.rows))
            for r, x in enumerate(self.rows):
                for c, item in enumerate([
                        _cell(x.shop), _cell(x.platform_item_id), _cell(x.platform_sku_id),
                        _cell(x.merchant_code), _cell(x.title),
                        _cell(x.sku_code or self.tr("(unmapped)")), _cell(x.sku_name)]):
                    t.setItem(r, c, item)
            if self.rows and t.currentRow() < 0:
                t.setCurrentCell(0, 0)
            self.table_loaded.emit()

        run_op(lambda: mapping.listings(store, actor, shop, text, mapped, after, PAGE),
               owner=self, on_success=done, on_failure=self._show_error)

    def selected_listing(self) -> Any:
        r = self.listing_table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def _write(self, fn: Callable[[], MapResult]) -> None:
        def done(res: MapResult) -> None:
            self.status_line.setText(rerun_words(res))
            self.mapped.emit(res)
            self.reload_table()
            self.reload()

        run_op(fn, owner=self, on_success=done, on_failure=self._show_error,
               changes=_CHANGES)

    def edit_selected(self, code: str) -> None:
        """Map the selected listing to *code* (re-running the orders it frees)."""
        x = self.selected_listing()
        if x is None or not self.can_edit:
            return
        store, actor = self.ctx.store, self.ctx.actor
        self._write(lambda: mapping.map_listing(store, actor, x.shop_id, x.platform_item_id,
                                                x.platform_sku_id, code))

    def remove_selected(self) -> None:
        x = self.selected_listing()
        if x is None or not self.can_edit or x.sku_id is None:
            return
        store, actor = self.ctx.store, self.ctx.actor
        self._write(lambda: mapping.unmap_listing(store, actor, x.shop_id, x.platform_item_id,
                                                  x.platform_sku_id))

    def add_mapping(self, shop_id: int, item: str, psku: str, code: str) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        self._write(lambda: mapping.map_listing(store, actor, shop_id, item, psku, code))

    def ask_edit(self) -> None:
        x = self.selected_listing()
        if x is None or not self.can_edit:
            return
        code, ok = QInputDialog.getText(self, self.tr("Change SKU"), self.tr(
            "Our SKU code or barcode for item %1, SKU %2:").replace(
            "%1", _shown(x.platform_item_id)).replace("%2", _shown(x.platform_sku_id or "-")),
            text=x.sku_code)
        if ok and code.strip():
            self.edit_selected(code.strip())

    def ask_add(self) -> None:
        if not self.can_edit or self.table_shop.count() < 2:
            return
        names = [self.table_shop.itemText(i) for i in range(1, self.table_shop.count())]
        name, ok = QInputDialog.getItem(self, self.tr("Add mapping"), self.tr("Shop:"), names,
                                        max(0, self.table_shop.currentIndex() - 1), False)
        if not ok:
            return
        shop_id = self.table_shop.itemData(names.index(name) + 1)
        item, ok = QInputDialog.getText(self, self.tr("Add mapping"),
                                        self.tr("Platform item ID:"))
        if not ok or not item.strip():
            return
        psku, ok = QInputDialog.getText(self, self.tr("Add mapping"), self.tr(
            "Platform SKU ID (empty: every SKU of the item):"))
        if not ok:
            return
        code, ok = QInputDialog.getText(self, self.tr("Add mapping"),
                                        self.tr("Our SKU code or barcode:"))
        if ok and code.strip():
            self.add_mapping(shop_id, item.strip(), psku.strip(), code.strip())

    # -- files ----------------------------------------------------------------------------
    def import_file(self, path: str) -> None:
        store, actor = self.ctx.store, self.ctx.actor

        def done(res: mapping.ImportResult) -> None:
            r = res.report
            text = self.tr("%1 row(s) read: %2 changed, %3 unchanged, %4 refused. ").replace(
                "%1", str(r.rows)).replace("%2", str(r.changed)).replace(
                "%3", str(r.unchanged)).replace("%4", str(len(r.errors)))
            if r.errors:
                first = r.errors[0]
                text += self.tr("Row %1: %2. ").replace("%1", str(first.row)).replace(
                    "%2", describe(first.error))
            self.status_line.setText(text + rerun_words(res.mapped))
            self.file_done.emit(res)
            self.reload_table()
            self.reload()

        run_op(lambda: mapping.import_table(store, actor, path), owner=self,
               on_success=done, on_failure=self._show_error, changes=_CHANGES)

    def export_file(self, path: str) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        shop, text = self.table_shop.currentData(), self.table_search.text().strip()
        mapped = self.mapped_filter.currentData()

        def done(res: Any) -> None:
            self.status_line.setText(self.tr("%1 row(s) exported to %2").replace(
                "%1", str(res.rows)).replace("%2", str(res.path)))
            self.file_done.emit(res)

        run_op(lambda: mapping.export_table(store, actor, path, shop=shop, text=text,
                                            mapped=mapped),
               owner=self, on_success=done, on_failure=self._show_error)

    def ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import mapping table"), "",
                                              self.tr("Tables (*.xlsx *.csv)"))
        if path:
            self.import_file(path)

    def ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export mapping table"),
                                              "mapping.xlsx",
                                              self.tr("Excel (*.xlsx);;CSV (*.csv)"))
        if path:
            self.export_file(path)

    def _show_error(self, exc: BaseException) -> None:
        text = describe(exc)
        self.status_line.setText(text)
        self.failed.emit(text)


def mapping_button(ctx: PageContext, parent: QWidget) -> QPushButton:
    """The orders page's "SKU mapping…" button (Ctrl+Shift+M): opens the mapping screen
    as its own window."""
    button = window_button(QCoreApplication.translate("MappingPage", "SKU mapping…"),
                           "button_mapping", lambda: MappingPage(ctx), (1200, 760), parent)
    button.setShortcut(QKeySequence("Ctrl+Shift+M"))
    button.setToolTip(QCoreApplication.translate(
        "MappingPage", "Map the platform items that hold orders as unmapped SKU (Ctrl+Shift+M)"))
    return button

