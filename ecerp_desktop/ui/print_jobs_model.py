"""The print queue as a Qt table: keyset pages of jobs, fetched as the view scrolls.

The model holds plain ``PrintJob`` values; it never reads the database itself. When the
view wants more rows it calls ``fetch_more_wanted(before_id)``, which the page turns into a
read op whose result comes back through :meth:`PrintJobTableModel.append`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.timeutil import format_local
from ecerp_desktop.services.print_batches import DUPLICATE_ERROR, PrintJob
from ecerp_desktop.services.printing import INTERRUPTED
from ecerp_desktop.ui.errors import describe

CTX = "PrintJobTableModel"
COLUMNS = (
    QT_TRANSLATE_NOOP("PrintJobTableModel", "Job"),
    QT_TRANSLATE_NOOP("PrintJobTableModel", "State"),
    QT_TRANSLATE_NOOP("PrintJobTableModel", "What"),
    QT_TRANSLATE_NOOP("PrintJobTableModel", "Printer"),
    QT_TRANSLATE_NOOP("PrintJobTableModel", "Attempts"),
    QT_TRANSLATE_NOOP("PrintJobTableModel", "Error"),
    QT_TRANSLATE_NOOP("PrintJobTableModel", "By"),
    QT_TRANSLATE_NOOP("PrintJobTableModel", "Created"),
    QT_TRANSLATE_NOOP("PrintJobTableModel", "Sent"),
)
STATES = {
    "queued": QT_TRANSLATE_NOOP("PrintJobTableModel", "queued"),
    "sending": QT_TRANSLATE_NOOP("PrintJobTableModel", "sending"),
    "sent": QT_TRANSLATE_NOOP("PrintJobTableModel", "sent"),
    "confirmed": QT_TRANSLATE_NOOP("PrintJobTableModel", "confirmed"),
    "failed": QT_TRANSLATE_NOOP("PrintJobTableModel", "failed"),
    "cancelled": QT_TRANSLATE_NOOP("PrintJobTableModel", "cancelled"),
}
KINDS = {
    "waybill": QT_TRANSLATE_NOOP("PrintJobTableModel", "Waybill"),
    "packing": QT_TRANSLATE_NOOP("PrintJobTableModel", "Packing list"),
    "sku": QT_TRANSLATE_NOOP("PrintJobTableModel", "SKU label"),
}
_COLOURS = {"queued": "#8a5a00", "failed": "#b00020", "sent": "#1b5e20",
            "confirmed": "#1b5e20", "cancelled": "#777777"}


# the queue's own plain-English reasons, translated when shown
_PLAIN = {
    INTERRUPTED: QT_TRANSLATE_NOOP(
        "PrintJobTableModel", "the program stopped while sending this job; the label may "
                              "have printed — check it and reprint if needed"),
    DUPLICATE_ERROR: QT_TRANSLATE_NOOP("PrintJobTableModel", "printed by another batch"),
}
_CODED = re.compile(r"^([a-z_]+\.[a-z_.]+)(?: \((.*)\))?$", re.S)


def error_text(stored: str) -> str:
    """A job's stored error in the user's language: the queue keeps a DomainError as its
    ``str`` ("code (name='value', …)"); its literal parameters are read back without
    evaluating anything. Any other text is shown as it is."""
    known = _PLAIN.get(stored)
    if known is not None:
        return QCoreApplication.translate("PrintJobTableModel", known)
    m = _CODED.match(stored.strip())
    if not m:
        return stored
    try:
        code = ErrorCode(m.group(1))
        params: dict[str, object] = {}
        if m.group(2):
            call = ast.parse(f"f({m.group(2)})", mode="eval").body
            assert isinstance(call, ast.Call) and not call.args
            params = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords if kw.arg}
    except (ValueError, SyntaxError, AssertionError):
        return stored
    return describe(DomainError(code, **params))


def tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def state_text(state: str) -> str:
    return tr(STATES.get(state, state))


def describe_job(j: PrintJob) -> str:
    """"Waybill · order 12 · parcel 34 ×2": what a job prints, in the user's language."""
    parts = [tr(KINDS.get(j.kind, j.kind))]
    if j.sku_code:
        parts.append(j.sku_code)
    if j.order_id is not None:
        parts.append(QCoreApplication.translate("PrintJobTableModel", "order {id}").format(id=j.order_id))
    if j.parcel_id is not None:
        parts.append(QCoreApplication.translate("PrintJobTableModel", "parcel {id}").format(id=j.parcel_id))
    text = " · ".join(parts)
    if j.copies > 1:
        text += f" ×{j.copies}"
    if j.reprint_of is not None:
        text += " " + QCoreApplication.translate("PrintJobTableModel", "(reprint of {job}: {reason})").format(job=j.reprint_of,
                                                                 reason=j.reason)
    return text


class PrintJobTableModel(QAbstractTableModel):
    """Jobs newest first; ``total`` is the number matching the filter (all pages)."""

    def __init__(self, fetch_more_wanted: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self.jobs: list[PrintJob] = []
        self.total = 0
        self._fetch_more_wanted = fetch_more_wanted
        self._loading = False

    # --- filling --------------------------------------------------------------------------

    def reset(self, jobs: list[PrintJob], total: int) -> None:
        self.beginResetModel()
        self.jobs = list(jobs)
        self.total = total
        self._loading = False
        self.endResetModel()

    def append(self, jobs: list[PrintJob]) -> None:
        self._loading = False
        known = {j.id for j in self.jobs}
        new = [j for j in jobs if j.id not in known]
        if not new:
            self.total = len(self.jobs)  # the filter matches fewer than counted: stop asking
            return
        self.beginInsertRows(QModelIndex(), len(self.jobs), len(self.jobs) + len(new) - 1)
        self.jobs.extend(new)
        self.endInsertRows()

    def job(self, row: int) -> PrintJob:
        return self.jobs[row]

    # --- Qt -------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.jobs)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return (not parent.isValid() and not self._loading and self.jobs != []
                and len(self.jobs) < self.total and self._fetch_more_wanted is not None)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent) and self._fetch_more_wanted is not None:
            self._loading = True
            self._fetch_more_wanted(self.jobs[-1].id)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(COLUMNS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        j = self.jobs[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(j, col)
        if role == Qt.ItemDataRole.ToolTipRole and col == 5:
            return error_text(j.error) if j.error else None
        if role == Qt.ItemDataRole.ForegroundRole and col == 1 and j.state in _COLOURS:
            return QColor(_COLOURS[j.state])
        if role == Qt.ItemDataRole.UserRole:
            return j.id
        return None

    def _text(self, j: PrintJob, col: int) -> str:
        if col == 0:
            return str(j.id)
        if col == 1:
            text = state_text(j.state)
            return text + " " + QCoreApplication.translate("PrintJobTableModel", "(may have printed)") if j.maybe_printed else text
        if col == 2:
            return describe_job(j)
        if col == 3:
            return j.printer
        if col == 4:
            return str(j.attempts)
        if col == 5:
            return error_text(j.error).splitlines()[0][:200] if j.error else ""
        if col == 6:
            return j.created_by
        if col == 7:
            return format_local(j.created_at)
        return format_local(j.sent_at)
