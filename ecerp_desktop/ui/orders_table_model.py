"""The review list's table model: keyset pages fetched on demand, a few pages of rows cached.

Qt asks ``canFetchMore``/``fetchMore`` as the user scrolls towards the end; each fetch is
one background op reading the next keyset page. The model keeps, per loaded page, the
cursor it started from and its order ids (small integers, for selections), but the rows
themselves only for the :data:`MAX_CACHED_PAGES` most recently used pages: a row of an
evicted page is read again from its page's cursor when the view paints it. So scrolling
through a million orders never holds more than a few pages of rows.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from ecerp_desktop.domain.timeutil import format_local
from ecerp_desktop.services.review import Cursor, Page, ReviewRow
from ecerp_desktop.ui.ops import run_op

PAGE_SIZE = 200
MAX_CACHED_PAGES = 5

Index = QModelIndex | QPersistentModelIndex
PageLoader = Callable[[Cursor | None, int], Page]


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # English source, context "OrdersTableModel"
    sort_key: str | None = None


COLUMNS: tuple[Column, ...] = (
    Column("id", QT_TRANSLATE_NOOP("OrdersTableModel", "ID"), "id"),
    Column("platform_order_id", QT_TRANSLATE_NOOP("OrdersTableModel", "Order no.")),
    Column("shop", QT_TRANSLATE_NOOP("OrdersTableModel", "Shop")),
    Column("status", QT_TRANSLATE_NOOP("OrdersTableModel", "Status")),
    Column("hold_reasons", QT_TRANSLATE_NOOP("OrdersTableModel", "Held for")),
    Column("paid_at", QT_TRANSLATE_NOOP("OrdersTableModel", "Paid at"), "paid_at"),
    Column("modified_at", QT_TRANSLATE_NOOP("OrdersTableModel", "Modified"), "modified_at"),
    Column("paid_amount", QT_TRANSLATE_NOOP("OrdersTableModel", "Paid"), "paid_amount"),
    Column("buyer_nick", QT_TRANSLATE_NOOP("OrdersTableModel", "Buyer")),
    Column("receiver_name", QT_TRANSLATE_NOOP("OrdersTableModel", "Receiver")),
    Column("receiver_phone", QT_TRANSLATE_NOOP("OrdersTableModel", "Phone")),
    Column("province", QT_TRANSLATE_NOOP("OrdersTableModel", "Province")),
    Column("city", QT_TRANSLATE_NOOP("OrdersTableModel", "City")),
    Column("courier", QT_TRANSLATE_NOOP("OrdersTableModel", "Courier")),
    Column("warehouse", QT_TRANSLATE_NOOP("OrdersTableModel", "Warehouse")),
    Column("tags", QT_TRANSLATE_NOOP("OrdersTableModel", "Tags")),
    Column("has_message", QT_TRANSLATE_NOOP("OrdersTableModel", "Message")),
)

STATUS_TITLES: dict[str, str] = {
    "unpaid": QT_TRANSLATE_NOOP("OrderStatus", "Unpaid"),
    "new": QT_TRANSLATE_NOOP("OrderStatus", "New"),
    "review": QT_TRANSLATE_NOOP("OrderStatus", "To review"),
    "held": QT_TRANSLATE_NOOP("OrderStatus", "Held"),
    "approved": QT_TRANSLATE_NOOP("OrderStatus", "Approved"),
    "waybilled": QT_TRANSLATE_NOOP("OrderStatus", "Waybill printed"),
    "packed": QT_TRANSLATE_NOOP("OrderStatus", "Packed"),
    "shipped": QT_TRANSLATE_NOOP("OrderStatus", "Shipped"),
    "done": QT_TRANSLATE_NOOP("OrderStatus", "Done"),
    "intercepted": QT_TRANSLATE_NOOP("OrderStatus", "Intercepted"),
    "cancelled": QT_TRANSLATE_NOOP("OrderStatus", "Cancelled"),
}

HOLD_TITLES: dict[str, str] = {
    "unmapped_sku": QT_TRANSLATE_NOOP("HoldReason", "Unmapped SKU"),
    "out_of_stock": QT_TRANSLATE_NOOP("HoldReason", "Out of stock"),
    "address_incomplete": QT_TRANSLATE_NOOP("HoldReason", "Address incomplete"),
    "remote_region": QT_TRANSLATE_NOOP("HoldReason", "Remote region"),
    "blacklist": QT_TRANSLATE_NOOP("HoldReason", "Blacklisted buyer"),
    "buyer_message": QT_TRANSLATE_NOOP("HoldReason", "Buyer message"),
    "price_below_floor": QT_TRANSLATE_NOOP("HoldReason", "Price below floor"),
    "refund_pending": QT_TRANSLATE_NOOP("HoldReason", "Refund pending"),
    "manual": QT_TRANSLATE_NOOP("HoldReason", "Held by hand"),
    "rule": QT_TRANSLATE_NOOP("HoldReason", "Review rule"),
    "no_courier": QT_TRANSLATE_NOOP("HoldReason", "No courier"),
}


_titles: dict[tuple[str, str], str] = {}  # translate() per painted cell is too slow


def clear_title_cache() -> None:
    """Forget translated titles (after a language switch)."""
    _titles.clear()


def _title(context: str, table: dict[str, str], code: str) -> str:
    key = (context, code)
    text = _titles.get(key)
    if text is None:
        src = table.get(code)
        text = _titles[key] = QCoreApplication.translate(context, src) if src else code
    return text


def status_title(status: str) -> str:
    return _title("OrderStatus", STATUS_TITLES, status)


def hold_title(reason: str) -> str:
    return _title("HoldReason", HOLD_TITLES, reason)


class _Slot:
    """One loaded page: where it starts, its ids, and (while cached) its rows."""

    __slots__ = ("ids", "loading", "rows", "start")

    def __init__(self, start: Cursor | None, rows: tuple[ReviewRow, ...]) -> None:
        self.start = start
        self.ids = tuple(r.id for r in rows)
        self.rows: tuple[ReviewRow, ...] | None = rows
        self.loading = False


class OrdersTableModel(QAbstractTableModel):
    """Rows of the review list over keyset pages (see the module docstring).

    ``loader(after, limit)`` runs on the database lane and returns a masked :class:`Page`;
    the page sets a new loader (a new filter or sort) through :meth:`reset`.
    """

    first_page_shown = Signal()
    page_loaded = Signal(int)  # number of loaded pages
    load_failed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._loader: PageLoader | None = None
        self._slots: list[_Slot] = []
        self._next: Cursor | None = None
        self._more = False
        self._fetching = False
        self._generation = 0
        self._cache: OrderedDict[int, None] = OrderedDict()  # slot numbers, LRU order
        self.page_size = PAGE_SIZE
        self.max_cached_pages = MAX_CACHED_PAGES
        self.loading = False

    # -- loading ----------------------------------------------------------------------
    def reset(self, loader: PageLoader) -> None:
        """Drop everything and read the first page with *loader*."""
        clear_title_cache()
        self.beginResetModel()
        self._generation += 1
        self._loader = loader
        self._slots = []
        self._cache.clear()
        self._next = None
        self._more = False
        self._fetching = False
        self.endResetModel()
        self._fetch(None, first=True)

    def _fetch(self, after: Cursor | None, first: bool = False) -> None:
        if self._loader is None or self._fetching:
            return
        self._fetching = True
        self.loading = True
        gen = self._generation
        loader, size = self._loader, self.page_size
        run_op(lambda: loader(after, size), owner=self,
               on_success=lambda page: self._appended(gen, after, page, first),
               on_failure=lambda exc: self._failed(gen, exc))

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen != self._generation:
            return
        self._fetching = False
        self.loading = False
        self.load_failed.emit(exc)

    def _appended(self, gen: int, start: Cursor | None, page: Page, first: bool) -> None:
        if gen != self._generation:
            return  # an older filter's page: the user has moved on
        self._fetching = False
        self.loading = False
        n = len(page.rows)
        self._next = page.next
        self._more = page.next is not None
        if n:
            first_row = self.rowCount()
            self.beginInsertRows(QModelIndex(), first_row, first_row + n - 1)
            self._slots.append(_Slot(start, page.rows))
            self._touch(len(self._slots) - 1)
            self.endInsertRows()
        self.page_loaded.emit(len(self._slots))
        if first:
            self.first_page_shown.emit()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetch(self._next)

    def _touch(self, slot: int) -> None:
        if self._cache and next(reversed(self._cache)) == slot:
            return  # already the most recent (the common case while painting)
        self._cache.pop(slot, None)
        self._cache[slot] = None
        while len(self._cache) > self.max_cached_pages:
            old, _ = self._cache.popitem(last=False)
            self._slots[old].rows = None

    def _reload(self, slot_no: int) -> None:
        """Read an evicted page again from its start cursor."""
        slot = self._slots[slot_no]
        if slot.loading or self._loader is None:
            return
        slot.loading = True
        gen, loader, size = self._generation, self._loader, len(slot.ids)

        def done(page: Page) -> None:
            if gen != self._generation:
                return
            slot.loading = False
            # rows keep their places; a row that vanished meanwhile shows as gone
            by_id = {r.id: r for r in page.rows}
            slot.rows = tuple(by_id.get(i) or _gone(i) for i in slot.ids)
            self._touch(slot_no)
            top = slot_no * self.page_size
            self.dataChanged.emit(self.index(top, 0),
                                  self.index(top + len(slot.ids) - 1, len(COLUMNS) - 1))

        run_op(lambda: loader(slot.start, size), owner=self, on_success=done,
               on_failure=lambda exc: self._failed(gen, exc))

    # -- what the view reads ----------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or not self._slots:
            return 0
        return (len(self._slots) - 1) * self.page_size + len(self._slots[-1].ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def cached_rows(self) -> int:
        """How many rows are held in memory now (the benchmark checks it stays small)."""
        return sum(len(s.rows) for s in self._slots if s.rows is not None)

    def loaded_pages(self) -> int:
        return len(self._slots)

    def id_at(self, row: int) -> int | None:
        slot, off = divmod(row, self.page_size)
        if 0 <= slot < len(self._slots) and off < len(self._slots[slot].ids):
            return self._slots[slot].ids[off]
        return None

    def row_at(self, row: int) -> ReviewRow | None:
        """The row if it is cached; otherwise None (and its page is being read again)."""
        slot_no, off = divmod(row, self.page_size)
        if not 0 <= slot_no < len(self._slots):
            return None
        slot = self._slots[slot_no]
        if off >= len(slot.ids):
            return None
        if slot.rows is None:
            self._reload(slot_no)
            return None
        self._touch(slot_no)
        return slot.rows[off]

    def row_of(self, order_id: int) -> int | None:
        for n, slot in enumerate(self._slots):
            if order_id in slot.ids:
                return n * self.page_size + slot.ids.index(order_id)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return QCoreApplication.translate("OrdersTableModel", COLUMNS[section].title)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                        Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.UserRole):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self.id_at(index.row())
        row = self.row_at(index.row())
        col = COLUMNS[index.column()].key
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in ("paid_amount", "id"):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.status == "held":
                return QBrush(QColor("#b45309"))
            if row.status in ("intercepted", "cancelled"):
                return QBrush(QColor("#b91c1c"))
            return None
        return _display(row, col)


def _display(row: ReviewRow, col: str) -> str:
    if col == "status":
        return status_title(row.status)
    if col == "hold_reasons":
        return ", ".join(hold_title(r) for r in row.hold_reasons)
    if col in ("paid_at", "modified_at"):
        return format_local(getattr(row, col))
    if col == "paid_amount":
        return f"{row.paid_amount:,.2f}"
    if col == "tags":
        return ", ".join(row.tags)
    if col == "has_message":
        return "✉" if row.has_message else ""
    return str(getattr(row, col))


def _gone(order_id: int) -> ReviewRow:
    from datetime import UTC, datetime
    from decimal import Decimal

    return ReviewRow(order_id, "", "", "", "", "", (), None, datetime.fromtimestamp(0, UTC),
                     Decimal("0"), "", "", "", "", "", "", "", "", (), False, None)
