"""One versioned rule document being edited as a draft: the ordered list with add / edit /
delete / move / enable, "save as new version" with a comment, and the version history
with show and restore. The review rules (审单规则) and the gift rules (赠品规则) are each
one of these panels on the rules screen; a subclass says how its items look and are
edited, loaded and saved.

Every action is a QAction with a shortcut (named in the button's tooltip); the shortcuts
work while the panel is the visible tab. Nothing is written until "Save as new version";
``dirty`` says whether the draft differs from what was last loaded or saved.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.auth import Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.timeutil import format_local
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import run_op


def table(name: str, headers: list[str]) -> QTableWidget:
    """A read-only, single-row-selecting table (the rule list, versions, dry-run why)."""
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def cell(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)  # plain text: rule names and buyer facts are not markup
    item.setToolTip(text)
    return item


def keyed_action(owner: QWidget, widget: QWidget, key: str | QKeySequence,
                 slot: Callable[[], Any], text: str | None = None,
                 anywhere: bool = False) -> QAction:
    """A shortcut for what *widget* (a button, or any control given its *text*) does,
    named in the tooltip. Active while *owner* is visible and has the focus within (keys
    that mean something in a text field: Ins, Del, F2), or, with *anywhere*, in the whole
    window while *owner* is visible."""
    seq = QKeySequence(key)
    label = text if text is not None else widget.text()  # type: ignore[attr-defined]
    action = QAction(label, owner)
    action.setShortcut(seq)
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut if anywhere
                              else Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(lambda _c=False: slot() if widget.isEnabled() else None)
    owner.addAction(action)
    widget.setToolTip(f"{label} ({seq.toString(QKeySequence.SequenceFormat.NativeText)})")
    return action


class RuleListPanel(QWidget):
    """The draft of one rule document. Subclasses implement the hooks below."""

    loaded = Signal()
    saved = Signal(int)
    failed = Signal(str)
    message = Signal(str)  # a status line for the page

    def __init__(self, ctx: PageContext, name: str, headers: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.ctx = ctx
        self.can_edit = ctx.actor.can(Permission.ORDERS_REVIEW)
        self.draft: Any = self.empty()
        self.history: list[Any] = []
        self.dirty = False
        self.loaded_once = False
        # asks Save / Discard / Cancel before an unsaved draft is replaced: (panels, then)
        self.confirm: Callable[[list[RuleListPanel], Callable[[], None]], None] | None = None
        self.actions_by_key: dict[str, QAction] = {}

        self.rules = table(f"{name}Table", headers)
        self.rules.doubleClicked.connect(lambda _i: self.edit_current())
        self.rules.activated.connect(lambda _i: self.edit_current())  # Enter
        self.button_row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, shortcut, slot in (
                ("add", self.tr("Add…"), "Ins", self.add_rule),
                ("edit", self.tr("Edit…"), "F2", self.edit_current),
                ("delete", self.tr("Delete"), "Del", self.delete_current),
                ("up", self.tr("Move up"), "Ctrl+Up", lambda: self.move_current(-1)),
                ("down", self.tr("Move down"), "Ctrl+Down", lambda: self.move_current(1)),
                ("toggle", self.tr("Enable / disable"), "Ctrl+E", self.toggle_current)):
            self.add_button(key, text, shortcut, slot)
        self.comment = QLineEdit()
        self.comment.setObjectName(f"{name}Comment")
        self.comment.setPlaceholderText(self.tr("What changed (comment)"))
        self.save_button = QPushButton(self.tr("Save as new version"))
        self.save_button.setObjectName(f"{name}Save")
        self.save_button.clicked.connect(lambda _c=False: self.save_version())
        self.save_button.setEnabled(self.can_edit)
        self.actions_by_key["save"] = keyed_action(self, self.save_button, "Ctrl+S",
                                                   self.save_version, anywhere=True)
        save_row = QHBoxLayout()
        save_row.addWidget(self.comment, 1)
        save_row.addWidget(self.save_button)

        self.versions = table(f"{name}Versions", [self.tr("Version"), self.tr("Saved at"),
                                                self.tr("Who"), self.tr("Comment")])
        self.show_button = QPushButton(self.tr("Show in the editor"))
        self.show_button.setObjectName(f"{name}ShowVersion")
        self.show_button.clicked.connect(self.show_version)
        self.actions_by_key["show"] = keyed_action(self, self.show_button, "Ctrl+L",
                                                   self.show_version, anywhere=True)
        self.restore_button = QPushButton(self.tr("Restore as new version"))
        self.restore_button.setObjectName(f"{name}RestoreVersion")
        self.restore_button.clicked.connect(self.restore_version)
        self.restore_button.setEnabled(self.can_edit)
        self.actions_by_key["restore"] = keyed_action(self, self.restore_button,
                                                      "Ctrl+Shift+R", self.restore_version,
                                                      anywhere=True)
        vrow = QHBoxLayout()
        vrow.addWidget(self.show_button)
        vrow.addWidget(self.restore_button)
        vrow.addStretch(1)

        top = QWidget()
        tl = QVBoxLayout(top)
        tl.addWidget(self.rules, 1)
        tl.addLayout(self.button_row)
        tl.addLayout(save_row)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.addWidget(QLabel(self.tr("Versions")))
        bl.addWidget(self.versions, 1)
        bl.addLayout(vrow)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.addWidget(split, 1)

    def add_button(self, key: str, text: str, shortcut: str,
                   slot: Callable[[], Any]) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(f"{self.objectName()}_{key}")
        b.clicked.connect(lambda _c=False: slot())
        self.button_row.addWidget(b)
        self.buttons[key] = b
        self.actions_by_key[key] = keyed_action(self, b, shortcut, slot,
                                                anywhere=shortcut.startswith("Ctrl+"))
        return b

    # -- hooks ----------------------------------------------------------------------------
    def empty(self) -> Any:
        raise NotImplementedError

    def items(self) -> list[Any]:
        raise NotImplementedError

    def with_items(self, items: list[Any]) -> Any:
        raise NotImplementedError

    def row_texts(self, item: Any) -> list[str]:
        raise NotImplementedError

    def new_item(self, new_id: int) -> Any:
        raise NotImplementedError

    def open_editor(self, item: Any) -> QDialog:
        raise NotImplementedError

    def load(self) -> tuple[Any, list[Any]]:  # worker thread
        raise NotImplementedError

    def save_draft(self, draft: Any, comment: str) -> int:  # worker thread
        raise NotImplementedError

    def from_version(self, version: Any) -> Any:
        raise NotImplementedError

    def after_show(self) -> None:
        """Refresh what the subclass shows beside the list."""

    # -- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        run_op(self.load, owner=self, on_success=self._loaded, on_failure=self._failed)

    def _loaded(self, got: tuple[Any, list[Any]]) -> None:
        self.draft, self.history = got
        self.loaded_once = True
        self.set_dirty(False)
        self._show_rules()
        self.versions.setRowCount(len(self.history))
        for r, v in enumerate(self.history):
            for c, text in enumerate((str(v.version), format_local(v.created_at),
                                      v.created_by, v.comment)):
                self.versions.setItem(r, c, cell(text))
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        text = describe(error)
        self.message.emit(text)
        self.failed.emit(text)

    def set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty

    # -- the draft ----------------------------------------------------------------------
    def _show_rules(self, select: int | None = None) -> None:
        items = self.items()
        self.rules.setRowCount(len(items))
        for r, item in enumerate(items):
            for c, text in enumerate([str(r + 1), *self.row_texts(item)]):
                self.rules.setItem(r, c, cell(text))
        self.after_show()
        if select is not None and 0 <= select < len(items):
            self.rules.selectRow(select)

    def changed(self, draft: Any, select: int | None = None) -> None:
        """The draft became *draft*: show it, mark it unsaved."""
        self.draft = draft
        self.set_dirty(True)
        self.message.emit(self.tr("Draft changed: not saved yet."))
        self._show_rules(select)

    def _set_rules(self, items: list[Any], select: int | None = None) -> None:
        self.changed(self.with_items(items), select)

    def current_row(self) -> int:
        rows = self.rules.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def add_rule(self) -> None:
        new_id = max((r.id for r in self.items()), default=0) + 1
        self._edit(self.new_item(new_id), len(self.items()))

    def edit_current(self) -> None:
        row = self.current_row()
        if row >= 0:
            self._edit(self.items()[row], row)

    def _edit(self, item: Any, row: int) -> None:
        dialog = self.open_editor(item)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_edit(dialog.rule, row)  # type: ignore[attr-defined]

    def apply_edit(self, item: Any, row: int) -> None:
        items = list(self.items())
        if row < len(items):
            items[row] = item
        else:
            items.append(item)
        self._set_rules(items, row)

    def delete_current(self) -> None:
        row = self.current_row()
        if row >= 0:
            items = list(self.items())
            del items[row]
            self._set_rules(items, min(row, len(items) - 1))

    def move_current(self, step: int) -> None:
        row = self.current_row()
        to = row + step
        if row >= 0 and 0 <= to < len(self.items()):
            items = list(self.items())
            items[row], items[to] = items[to], items[row]
            self._set_rules(items, to)

    def toggle_current(self) -> None:
        row = self.current_row()
        if row >= 0:
            items = list(self.items())
            items[row] = dataclasses.replace(items[row], enabled=not items[row].enabled)
            self._set_rules(items, row)

    # -- versions -----------------------------------------------------------------------
    def save_version(self, then: Callable[[], None] | None = None) -> None:
        self._save(self.draft, self.comment.text().strip(), then)

    def _save(self, draft: Any, comment: str, then: Callable[[], None] | None = None) -> None:
        def done(version: int) -> None:
            self.comment.clear()
            self.set_dirty(False)
            self.message.emit(self.tr("Saved as version %1.").replace("%1", str(version)))
            self.saved.emit(version)
            if then is not None:
                then()
            else:
                self.reload()
        run_op(lambda: self.save_draft(draft, comment), owner=self, on_success=done,
               on_failure=self._failed, changes={"rules"})

    def _selected_version(self) -> Any | None:
        rows = self.versions.selectionModel().selectedRows()
        return self.history[rows[0].row()] if rows else None

    def show_version(self) -> None:
        """Load the selected version into the draft (not saved until "Save"); an unsaved
        draft is not thrown away without asking (*confirm*, set by the page)."""
        v = self._selected_version()
        if v is None:
            return
        if self.dirty and self.confirm is not None:
            self.confirm([self], lambda: self._show_version(v))
        else:
            self._show_version(v)

    def _show_version(self, v: Any) -> None:
        if v is not None:
            self.changed(self.from_version(v))
            self.message.emit(self.tr("Showing version %1: not saved yet.")
                              .replace("%1", str(v.version)))

    def restore_version(self) -> None:
        v = self._selected_version()
        if v is not None:
            self._save(self.from_version(v),
                       self.tr("restored version %1").replace("%1", str(v.version)))


# --- dialogs -----------------------------------------------------------------------------------

def error_label(name: str) -> QLabel:
    """The red line under a rule dialog where the engine's refusal is shown."""
    label = QLabel()
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020")
    return label


def ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """OK (also Ctrl+Return) and Cancel (Esc) wired to the dialog."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    keyed_action(dialog, buttons.button(QDialogButtonBox.StandardButton.Ok), "Ctrl+Return",
                 dialog.accept)
    return buttons


class FormJsonDialog(QDialog):
    """Edit one rule in a form or as JSON (Ctrl+PgUp / Ctrl+PgDown switch); OK has the
    engine validate it, and ``rule`` holds the result. Subclasses build the form, then
    call :meth:`build`, and implement :meth:`form_dict` and :meth:`validate`."""

    rule: Any

    def build(self, form: QWidget, prefix: str, width: int, height: int) -> None:
        self.json = QPlainTextEdit()
        self.json.setObjectName(f"{prefix}Json")
        self.tabs = QTabWidget()
        self.tabs.setObjectName(f"{prefix}Tabs")
        self.tabs.addTab(form, self.tr("Form"))
        self.tabs.addTab(self.json, self.tr("JSON"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.error = error_label(f"{prefix}Error")
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.error)
        lay.addWidget(ok_cancel(self))
        self.resize(width, height)

    def form_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    def validate(self, d: Any) -> Any:
        """The rule *d* describes, checked among the others (raises RULES_INVALID)."""
        raise NotImplementedError

    def _tab_changed(self, index: int) -> None:
        if index == 1:  # the form as JSON; edits there win when OK is pressed on that tab
            self.json.setPlainText(json.dumps(self.form_dict(), ensure_ascii=False, indent=2))

    def _draft(self) -> Any:
        if self.tabs.currentIndex() == 1:
            try:
                d = json.loads(self.json.toPlainText())
            except ValueError as exc:
                raise DomainError(ErrorCode.RULES_INVALID, where="JSON",
                                  error=str(exc)) from exc
            if isinstance(d, dict):
                d["id"] = self.rule.id  # the id is the list's business, not the text's
        else:
            d = self.form_dict()
        return self.validate(d)

    def accept(self) -> None:
        try:
            self.rule = self._draft()
        except DomainError as exc:
            self.error.setText(describe(exc))
            return
        super().accept()


class PairsTable(QTableWidget):
    """An editable two-column table of text pairs (gift SKU and quantity, group name and
    codes) with add / remove for the rule dialogs."""

    def __init__(self, name: str, headers: list[str]) -> None:
        super().__init__(0, len(headers))
        self.setObjectName(name)
        self.setHorizontalHeaderLabels(headers)
        self.horizontalHeader().setStretchLastSection(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)

    def append(self, first: str, second: str) -> None:
        """A row at the end; an empty one opens its first cell for typing."""
        r = self.rowCount()
        self.insertRow(r)
        self.setItem(r, 0, QTableWidgetItem(first))
        self.setItem(r, 1, QTableWidgetItem(second))
        if not first:
            self.setCurrentCell(r, 0)
            self.editItem(self.item(r, 0))

    def remove_current(self) -> None:
        r = self.currentRow()
        if r >= 0:
            self.removeRow(r)

    def pairs(self) -> list[tuple[str, str]]:
        """(first, second) of every row, stripped."""
        def text(r: int, c: int) -> str:
            item = self.item(r, c)
            return (item.text() if item is not None else "").strip()
        return [(text(r, 0), text(r, 1)) for r in range(self.rowCount())]
