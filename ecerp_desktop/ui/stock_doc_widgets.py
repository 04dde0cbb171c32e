"""What the stock-document tabs (transfers, returns, adjustments) share: scans from the
wedge filter while the tab is on screen, one background op at a time with its outcome in a
status line, a confirmation question, and the warehouse pickers.

A scan arrives through the application's ScannerFilter (or one the tab brings and installs
while it is shown, as the packing page does) and through the tab's own scan field (typed,
or a scanner set up to end with Enter while that field has focus); both call
:meth:`DocTab.on_code`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox, QWidget

from ecerp_desktop.services import transfers
from ecerp_desktop.services.transfers import WarehouseRecord
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.feedback import StatusLine
from ecerp_desktop.ui.ops import run_op
from ecerp_desktop.ui.scanner_filter import ScannerFilter, ScanSource, mark_scan_field, take_typed


class DocTab(QWidget):
    """Base of the stock-document tabs. GUI thread only."""

    outcome = Signal(str)  # "ok" or "error" after each op (for tests)

    def __init__(self, ctx: PageContext, parent: QWidget | None = None, *,
                 scanner_filter: ScannerFilter | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.busy = False
        self.warehouses: list[WarehouseRecord] = []
        # Asked before anything that moves stock; tests answer it themselves.
        self.confirm: Callable[[str], bool] = self._ask
        self.status = StatusLine()
        self._scans = ScanSource(self, self._scanned, scanner_filter)

    # -- scans

    def scan_field(self, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        mark_scan_field(edit)
        edit.returnPressed.connect(lambda: self._typed(edit))
        return edit

    def _typed(self, edit: QLineEdit) -> None:
        code = take_typed(edit)
        if code:
            self.on_code(code[:64])

    def _scanned(self, code: str) -> None:
        if self.isVisible() and code.strip():  # another tab or area: not our scan
            self.on_code(code.strip()[:64])

    def on_code(self, code: str) -> None:  # pragma: no cover - every tab overrides it
        raise NotImplementedError

    # -- ops and outcomes

    def run(self, fn: Callable[[], Any], done: Callable[[Any], None], *,
            changes: set[str] | None = None) -> None:
        """Run a service call off the GUI thread; its DomainError lands in the status. A
        write (*changes* given) makes the tab busy until it is done: a second click or an
        Enter pressed twice does nothing meanwhile."""
        write = bool(changes)
        if write:
            self.busy = True

        def ok(result: Any) -> None:
            if write:
                self.busy = False
            done(result)
            self.outcome.emit("ok")

        def failed(exc: BaseException) -> None:
            if write:
                self.busy = False
            self.error(describe(exc))
            self.outcome.emit("error")

        run_op(fn, owner=self, on_success=ok, on_failure=failed, changes=changes)

    def ok(self, text: str) -> None:
        self.status.ok(text)

    def error(self, text: str) -> None:
        self.status.error(text)

    def _ask(self, text: str) -> bool:
        return ask_plain(self, QCoreApplication.translate("DocTab", "Please confirm"), text)

    # -- warehouses

    def load_warehouses(self, boxes: Sequence[QComboBox]) -> None:
        store, actor = self.ctx.store, self.ctx.actor

        def fill(rows: list[WarehouseRecord]) -> None:
            self.warehouses = rows
            for box in boxes:
                box.clear()
                for w in rows:
                    box.addItem(f"{w.name} ({w.code})", w.code)
            self.warehouses_loaded()

        self.run(lambda: transfers.warehouses(store, actor), fill)

    def warehouses_loaded(self) -> None:
        """Called once the pickers are filled."""


def ask_plain(parent: QWidget, title: str, text: str) -> bool:
    """A Yes/No question whose text is shown as plain text: it carries scanned codes and
    SKU names, which QMessageBox.question would render as HTML."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box.exec() == QMessageBox.StandardButton.Yes
