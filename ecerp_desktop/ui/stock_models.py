"""Table models and the export bar of the stock screen's tabs.

:class:`KeysetTableModel` reads keyset pages on demand like the review list
(``orders_table_model.py``): Qt asks ``canFetchMore``/``fetchMore`` as the user scrolls
towards the end, and each fetch is one background op reading the next page; a new filter or
sort is a new loader through :meth:`KeysetTableModel.reset`, and a page of an older loader
arriving late is dropped. Header clicks do not sort in memory: they emit
``sort_requested(key, descending)`` and the tab reloads sorted in SQL.

:class:`ListTableModel` shows a list already computed in the background (turnover).

:class:`ExportBar` runs an export service with a progress bar and a cancel button;
:class:`WarehouseBox` is the tabs' warehouse filter.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from ecerp_desktop.domain.timeutil import format_local
from ecerp_desktop.services import stock_view
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.cancellable import CancellableJob
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import lane, run_op

PAGE_SIZE = 200
Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # English source, context "StockColumns"
    sort_key: str | None = None  # the service's sort key; None: not sortable
    numeric: bool = False


def cell_text(value: Any) -> str:
    """How a value shows in a stock table (numbers with separators, local times)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, datetime):
        return format_local(value)
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


Getter = Callable[[Any, str], Any]


def attr_getter(row: Any, key: str) -> Any:
    return getattr(row, key)


class _Base(QAbstractTableModel):
    sort_requested = Signal(str, bool)

    def __init__(self, columns: Sequence[Column], get: Getter = attr_getter,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._get = get
        self._rows: list[Any] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def row_at(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def value(self, row: int, key: str) -> Any:
        return self._get(self._rows[row], key)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return QCoreApplication.translate("StockColumns", self.columns[section].title)
        return None

    def header_titles(self) -> list[str]:
        return [str(self.headerData(i, Qt.Orientation.Horizontal))
                for i in range(len(self.columns))]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(self._get(self._rows[index.row()], col.key))
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return _RIGHT
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[index.row()]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(self.columns) and self.columns[column].sort_key:
            self.sort_requested.emit(self.columns[column].sort_key,
                                     order == Qt.SortOrder.DescendingOrder)


class _Page:
    """One loaded page: the cursor it was read from, its length, its rows while cached."""

    __slots__ = ("loading", "rows", "size", "start")

    def __init__(self, start: Any, rows: list[Any]) -> None:
        self.start = start
        self.size = len(rows)
        self.rows: list[Any] | None = rows
        self.loading = False


class KeysetTableModel(_Base):
    """Rows over keyset pages: ``loader(after, limit)`` runs on the database lane and
    returns a page with ``rows`` and ``next`` (None after the last page).

    Like the review list, only the :attr:`max_cached_pages` most recently painted pages
    keep their rows (None: all of them); a row of an evicted page is read again from its
    page's cursor when the view paints it, so scrolling through 300,000 balances never
    holds more than a few pages."""

    page_loaded = Signal(int)  # rows loaded so far
    load_failed = Signal(object)

    def __init__(self, columns: Sequence[Column], get: Getter = attr_getter,
                 parent: QObject | None = None, *, max_cached_pages: int | None = 10) -> None:
        super().__init__(columns, get, parent)
        self._loader: Callable[[Any, int], Any] | None = None
        self._pages: list[_Page] = []
        self._count = 0
        self._size = PAGE_SIZE
        self._cache: OrderedDict[int, None] = OrderedDict()
        self._next: Any = None
        self._more = False
        self._generation = 0
        self.loading = False
        self.page_size = PAGE_SIZE
        self.max_cached_pages = max_cached_pages
        self.pages_loaded = 0

    def reset(self, loader: Callable[[Any, int], Any]) -> None:
        """Drop every row and read the first page with *loader*."""
        self.beginResetModel()
        self._generation += 1
        self._loader = loader
        self._pages = []
        self._count = 0
        self._size = self.page_size
        self._cache.clear()
        self._next = None
        self._more = False
        self.loading = False
        self.pages_loaded = 0
        self.endResetModel()
        self._fetch(None)

    def _fetch(self, after: Any) -> None:
        if self._loader is None or self.loading:
            return
        self.loading = True
        gen, loader, size = self._generation, self._loader, self._size
        run_op(lambda: loader(after, size), owner=self,
               on_success=lambda page: self._appended(gen, after, page),
               on_failure=lambda exc: self._failed(gen, exc))

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen == self._generation:
            self.loading = False
            self.load_failed.emit(exc)

    def _appended(self, gen: int, start: Any, page: Any) -> None:
        if gen != self._generation:
            return  # an older filter's page: the user has moved on
        self.loading = False
        rows = list(page.rows)
        self._next = page.next
        self._more = page.next is not None
        if rows:
            self.beginInsertRows(QModelIndex(), self._count, self._count + len(rows) - 1)
            self._pages.append(_Page(start, rows))
            self._count += len(rows)
            self._touch(len(self._pages) - 1)
            self.endInsertRows()
        self.pages_loaded += 1
        self.page_loaded.emit(self._count)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self.loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetch(self._next)

    def _touch(self, page_no: int) -> None:
        if self.max_cached_pages is None or (
                self._cache and next(reversed(self._cache)) == page_no):
            return
        self._cache.pop(page_no, None)
        self._cache[page_no] = None
        while len(self._cache) > self.max_cached_pages:
            old, _ = self._cache.popitem(last=False)
            self._pages[old].rows = None

    def _reload(self, page_no: int) -> None:
        """Read an evicted page again from its start cursor (rows keep their places)."""
        page = self._pages[page_no]
        if page.loading or self._loader is None:
            return
        page.loading = True
        gen, loader, size = self._generation, self._loader, page.size

        def done(result: Any) -> None:
            if gen != self._generation:
                return
            page.loading = False
            rows = list(result.rows)[:size]
            page.rows = rows + [None] * (size - len(rows))  # vanished meanwhile: blank
            self._touch(page_no)
            top = page_no * self._size
            self.dataChanged.emit(self.index(top, 0),
                                  self.index(top + size - 1, len(self.columns) - 1))

        run_op(lambda: loader(page.start, size), owner=self, on_success=done,
               on_failure=lambda exc: self._failed(gen, exc))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def cached_rows(self) -> int:
        """How many rows are held in memory now."""
        return sum(p.size for p in self._pages if p.rows is not None)

    def row_at(self, row: int) -> Any:
        """The row if its page is cached; otherwise None (and the page is read again)."""
        page_no, off = divmod(row, self._size)
        if not 0 <= page_no < len(self._pages) or off >= self._pages[page_no].size:
            return None
        page = self._pages[page_no]
        if page.rows is None:
            self._reload(page_no)
            return None
        self._touch(page_no)
        return page.rows[off]

    def value(self, row: int, key: str) -> Any:
        found = self.row_at(row)
        return None if found is None else self._get(found, key)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return _RIGHT
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole):
            return None
        row = self.row_at(index.row())
        if role == Qt.ItemDataRole.UserRole:
            return row
        return "…" if row is None else cell_text(self._get(row, col.key))


class ListTableModel(_Base):
    """Rows already in memory; a header click sorts them here (stable, Nones last)."""

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        key = self.columns[column].key
        desc = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        present = [r for r in self._rows if self._get(r, key) is not None]
        absent = [r for r in self._rows if self._get(r, key) is None]
        present.sort(key=lambda r: self._get(r, key), reverse=desc)
        self._rows = present + absent
        self.layoutChanged.emit()


class ExportBar(QWidget):
    """Export buttons (XLSX, CSV), a progress bar and a cancel button.

    ``prepare()`` runs on the GUI thread when an export starts (it reads the filter on
    screen) and returns ``job(path, headers, progress, cancel)``, which runs on the
    ``export`` lane and returns the service's ExportResult; ``headers`` are the table's
    translated column titles.
    """

    finished = Signal(object)  # the ExportResult, or the error

    def __init__(self, prepare: Callable[[], Callable[..., Any]], headers: Callable[[], list[str]],
                 default_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._prepare = prepare
        self._headers = headers
        self._default = default_name
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.xlsx_button = QPushButton(self.tr("Export Excel…"))
        self.csv_button = QPushButton(self.tr("Export CSV…"))
        self.cancel_button = QPushButton(self.tr("Cancel export"))
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setMaximumWidth(220)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.xlsx_button.clicked.connect(lambda: self._ask("xlsx"))
        self.csv_button.clicked.connect(lambda: self._ask("csv"))
        self.cancel_button.clicked.connect(self.cancel)
        for w in (self.xlsx_button, self.csv_button, self.cancel_button, self.progress):
            row.addWidget(w)
        row.addWidget(self.status, 1)
        self.job = CancellableJob(self.progress, self.cancel_button,
                                  (self.xlsx_button, self.csv_button), self)

    @property
    def running(self) -> bool:
        return self.job.running

    def _ask(self, ext: str) -> None:
        flt = self.tr("Excel workbook (*.xlsx)") if ext == "xlsx" else self.tr("CSV (*.csv)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export"),
                                              str(Path.home() / f"{self._default}.{ext}"), flt)
        if path:
            if not path.lower().endswith(f".{ext}"):
                path += f".{ext}"
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """Export into *path* (.xlsx or .csv) in the background."""
        if self.running:
            return
        job, headers, relay = self._prepare(), self._headers(), self.job.relay
        cancel = self.job.begin()
        self.status.setText(self.tr("Exporting…"))
        run_op(lambda: job(path, headers, relay.report, cancel.is_set), owner=self,
               pool=lane("export"), on_success=self._done, on_failure=self._failed)

    def cancel(self) -> None:
        self.job.cancel()

    def _done(self, result: Any) -> None:
        self.job.stopped()
        self.progress.setRange(0, 1)
        self.progress.setValue(0 if result.cancelled else 1)
        if result.cancelled:
            self.status.setText(self.tr("Export cancelled; no file was written."))
        else:
            self.status.setText(self.tr("{n} rows written to {path}").format(
                n=f"{result.rows:,}", path=result.path))
        self.finished.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.job.stopped()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText(describe(error))
        self.finished.emit(error)


class WarehouseBox(QComboBox):
    """"All warehouses" (data None) and every warehouse by id, read in the background."""

    failed = Signal(object)

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItem(self.tr("All warehouses"), None)
        store, actor = ctx.store, ctx.actor
        run_op(lambda: stock_view.warehouses(store, actor), owner=self,
               on_success=self._fill, on_failure=self.failed.emit)

    def _fill(self, rows: list[tuple[int, str]]) -> None:
        self.blockSignals(True)  # the choice stays "all": nothing to reload
        for wid, name in rows:
            self.addItem(name, wid)
        self.blockSignals(False)


def find_shortcut(tab: QWidget, edit: QLineEdit) -> QShortcut:
    """Ctrl+F in *tab* puts the cursor in its search field (keyboard first)."""
    shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), tab)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(lambda: (edit.setFocus(), edit.selectAll()))
    return shortcut


def search_timer(tab: QWidget, edit: QLineEdit, apply: Callable[[], None],
                 ms: int = 250) -> QTimer:
    """Run *apply* once typing in *edit* pauses for *ms* (or at once on Enter); the tab's
    ``apply`` stops the timer it returns, so a reload never runs twice."""
    timer = QTimer(tab)
    timer.setSingleShot(True)
    timer.setInterval(ms)
    timer.timeout.connect(apply)
    edit.textChanged.connect(timer.start)
    edit.returnPressed.connect(apply)
    return timer
