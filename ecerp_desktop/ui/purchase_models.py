"""A table model over a list of frozen records, shared by the purchasing tabs.

The rows are records a service returned (purchase orders, lines, suggestions, suppliers);
columns are (title, getter) pairs, so a tab declares what it shows in one list. Rendering is
lazy (Qt asks for visible cells only), so a few thousand suggestions stay cheap. An optional
check column lets the user pick rows (the reorder suggestions), and an optional editable
integer column lets them change a quantity before acting on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from ecerp_desktop.domain.purchasing import POStatus, ScanKind

Index = QModelIndex | QPersistentModelIndex
Column = tuple[str, Callable[[Any], object]]
_NUMERIC = (int, float)


class RecordsTableModel(QAbstractTableModel):
    """Rows of records, columns of getters; plain text only (user text is never rich)."""

    def __init__(self, columns: Sequence[Column], *, checkable: bool = False,
                 editable_column: int | None = None,
                 row_colour: Callable[[Any], str | None] | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Any] = []
        self._checked: set[int] = set()
        self._checkable = checkable
        self._editable = editable_column
        self._edits: dict[int, int] = {}
        self._row_colour = row_colour

    # -- content

    def set_rows(self, rows: Sequence[Any], *, checked: bool = False) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._checked = set(range(len(self._rows))) if checked else set()
        self._edits = {}
        self.endResetModel()

    def replace_row(self, row: int, record: Any) -> None:
        self._rows[row] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def rows(self) -> list[Any]:
        return list(self._rows)

    def record(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def checked_rows(self) -> list[int]:
        return sorted(self._checked)

    def set_checked(self, row: int, on: bool) -> None:
        (self._checked.add if on else self._checked.discard)(row)
        self.dataChanged.emit(self.index(row, 0), self.index(row, 0))

    def edited_value(self, row: int) -> int | None:
        return self._edits.get(row)

    def set_edited_value(self, row: int, value: int) -> None:
        assert self._editable is not None
        self.setData(self.index(row, self._editable), value, Qt.ItemDataRole.EditRole)

    # -- Qt

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section][0]
        return None

    def _value(self, row: int, col: int) -> object:
        if col == self._editable and row in self._edits:
            return self._edits[row]
        return self._columns[col][1](self._rows[row])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            value = self._value(row, col)
            if role == Qt.ItemDataRole.EditRole and isinstance(value, int):
                return value
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.CheckStateRole and self._checkable and col == 0:
            return (Qt.CheckState.Checked if row in self._checked
                    else Qt.CheckState.Unchecked)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(
                self._value(row, col), _NUMERIC):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self._row_colour is not None:
            colour = self._row_colour(self._rows[row])
            return QBrush(QColor(colour)) if colour else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._checkable and index.column() == 0:
            f |= Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == self._editable:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row = index.row()
        if role == Qt.ItemDataRole.CheckStateRole and self._checkable and index.column() == 0:
            on = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
            self.set_checked(row, bool(on))
            return True
        if role == Qt.ItemDataRole.EditRole and index.column() == self._editable:
            try:
                n = int(str(value).strip())
            except ValueError:
                return False
            if not 0 <= n <= 10**8:
                return False
            self._edits[row] = n
            self.dataChanged.emit(index, index)
            return True
        return False


# --- words shared by the purchasing tabs (context "Purchasing") ------------------------------

STATUS_TEXT: dict[POStatus, str] = {
    POStatus.DRAFT: QT_TRANSLATE_NOOP("Purchasing", "Draft"),
    POStatus.PLACED: QT_TRANSLATE_NOOP("Purchasing", "Placed"),
    POStatus.PARTIAL: QT_TRANSLATE_NOOP("Purchasing", "Partly received"),
    POStatus.RECEIVED: QT_TRANSLATE_NOOP("Purchasing", "Received"),
    POStatus.CLOSED: QT_TRANSLATE_NOOP("Purchasing", "Closed"),
    POStatus.CANCELLED: QT_TRANSLATE_NOOP("Purchasing", "Cancelled"),
}

SCAN_TEXT: dict[ScanKind, str] = {
    ScanKind.COUNTED: QT_TRANSLATE_NOOP("Purchasing", "Counted"),
    ScanKind.OVER: QT_TRANSLATE_NOOP("Purchasing", "More than ordered"),
    ScanKind.UNKNOWN: QT_TRANSLATE_NOOP("Purchasing", "Unknown code"),
    ScanKind.NOT_ON_PO: QT_TRANSLATE_NOOP("Purchasing", "Not on this purchase order"),
    ScanKind.BUNDLE: QT_TRANSLATE_NOOP("Purchasing", "A bundle: receive its components"),
}


def words(text: str) -> str:
    return QCoreApplication.translate("Purchasing", text)


def status_text(status: POStatus | str) -> str:
    return words(STATUS_TEXT[POStatus(status)])


def scan_text(kind: ScanKind) -> str:
    return words(SCAN_TEXT[kind])
