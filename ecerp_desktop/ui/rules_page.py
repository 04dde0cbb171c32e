"""The review rules screen (审单规则): the ordered rule list with add / edit / delete /
move / enable, saving the draft as a new version with a comment, the version history with
show and restore, and a dry run of the draft over the last N days.

The page edits a draft in memory; nothing is written until "Save as new version" (the
service checks ORDERS_REVIEW). All database work runs as ops on the database lane.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.auth import Permission
from ecerp_desktop.domain.rules import Rule, RuleSet, ruleset_from_dict
from ecerp_desktop.domain.timeutil import format_local
from ecerp_desktop.services import pipeline
from ecerp_desktop.services.pipeline import ProcessResult
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import run_op
from ecerp_desktop.ui.orders_table_model import hold_title
from ecerp_desktop.ui.rules_editor import RuleEditorDialog
from ecerp_desktop.ui.rules_words import rule_words


def _table(name: str, headers: list[str]) -> QTableWidget:
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


def _cell(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)  # plain text: rule names and buyer facts are not markup
    item.setToolTip(text)
    return item


class RulesPage(QWidget):
    """The rules screen. Tests wait on ``loaded``, ``saved``, ``dry_run_done`` and
    ``failed``; ``draft`` is the rule set being edited."""

    loaded = Signal()
    saved = Signal(int)
    dry_run_done = Signal(object)
    failed = Signal(str)

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("rulesPage")
        self.setWindowTitle(self.tr("Review rules"))
        self.can_edit = ctx.actor.can(Permission.ORDERS_REVIEW)
        self.draft = RuleSet()
        self.history: list[Any] = []
        self.last_dry_run: ProcessResult | None = None

        self.rules = _table("rulesTable", [self.tr("#"), self.tr("Name"), self.tr("Enabled"),
                                           self.tr("When"), self.tr("Then")])
        self.rules.doubleClicked.connect(lambda _i: self.edit_current())
        self.default = QComboBox()
        self.default.setObjectName("defaultDecision")
        self.default.addItem(self.tr("Otherwise: approve"), "approve")
        self.default.addItem(self.tr("Otherwise: hold for a clerk"), "hold")
        self.default.activated.connect(lambda _i: self._set_default())
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
                ("add", self.tr("Add…"), self.add_rule),
                ("edit", self.tr("Edit…"), self.edit_current),
                ("delete", self.tr("Delete"), self.delete_current),
                ("up", self.tr("Move up"), lambda: self.move_current(-1)),
                ("down", self.tr("Move down"), lambda: self.move_current(1)),
                ("toggle", self.tr("Enable / disable"), self.toggle_current)):
            b = QPushButton(text)
            b.setObjectName(f"rules_{key}")
            b.clicked.connect(slot)
            buttons.addWidget(b)
            self.buttons[key] = b
        buttons.addWidget(self.default)
        buttons.addStretch(1)
        self.comment = QLineEdit()
        self.comment.setObjectName("versionComment")
        self.comment.setPlaceholderText(self.tr("What changed (comment)"))
        self.save_button = QPushButton(self.tr("Save as new version"))
        self.save_button.setObjectName("saveVersion")
        self.save_button.clicked.connect(self.save_version)
        self.save_button.setEnabled(self.can_edit)
        save_row = QHBoxLayout()
        save_row.addWidget(self.comment, 1)
        save_row.addWidget(self.save_button)

        self.versions = _table("versionsTable", [self.tr("Version"), self.tr("Saved at"),
                                                 self.tr("Who"), self.tr("Comment")])
        self.show_button = QPushButton(self.tr("Show in the editor"))
        self.show_button.setObjectName("showVersion")
        self.show_button.clicked.connect(self.show_version)
        self.restore_button = QPushButton(self.tr("Restore as new version"))
        self.restore_button.setObjectName("restoreVersion")
        self.restore_button.clicked.connect(self.restore_version)
        self.restore_button.setEnabled(self.can_edit)
        vrow = QHBoxLayout()
        vrow.addWidget(self.show_button)
        vrow.addWidget(self.restore_button)
        vrow.addStretch(1)

        self.days = QSpinBox()
        self.days.setObjectName("dryRunDays")
        self.days.setRange(1, 90)
        self.days.setValue(7)
        self.days.setSuffix(self.tr(" days"))
        self.dry_button = QPushButton(self.tr("Dry run of the draft"))
        self.dry_button.setObjectName("dryRun")
        self.dry_button.clicked.connect(self.dry_run)
        self.counts = QLabel()
        self.counts.setObjectName("dryRunCounts")
        self.counts.setTextFormat(Qt.TextFormat.PlainText)
        self.counts.setWordWrap(True)
        self.why = _table("dryRunWhy", [self.tr("Order"), self.tr("Outcome"), self.tr("Why")])
        drow = QHBoxLayout()
        drow.addWidget(QLabel(self.tr("Orders of the last")))
        drow.addWidget(self.days)
        drow.addWidget(self.dry_button)
        drow.addStretch(1)

        self.status = QLabel()
        self.status.setObjectName("rulesStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)

        top = QWidget()
        tl = QVBoxLayout(top)
        tl.addWidget(self.rules, 1)
        tl.addLayout(buttons)
        tl.addLayout(save_row)
        bottom_left = QWidget()
        bl = QVBoxLayout(bottom_left)
        bl.addWidget(QLabel(self.tr("Versions")))
        bl.addWidget(self.versions, 1)
        bl.addLayout(vrow)
        bottom_right = QWidget()
        br = QVBoxLayout(bottom_right)
        br.addLayout(drow)
        br.addWidget(self.counts)
        br.addWidget(self.why, 1)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(bottom_left)
        lower.addWidget(bottom_right)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(lower)
        root = QVBoxLayout(self)
        root.addWidget(split, 1)
        root.addWidget(self.status)
        self.reload()

    # -- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        store = self.ctx.store

        def work() -> tuple[RuleSet, list[Any]]:
            return pipeline.current_rules(store)[0], pipeline.rule_history(store)
        run_op(work, owner=self, on_success=self._loaded, on_failure=self._failed)

    def _loaded(self, got: tuple[RuleSet, list[Any]]) -> None:
        self.draft, self.history = got
        self._show_rules()
        self.versions.setRowCount(len(self.history))
        for r, v in enumerate(self.history):
            for c, text in enumerate((str(v.version), format_local(v.created_at),
                                      v.created_by, v.comment)):
                self.versions.setItem(r, c, _cell(text))
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        text = describe(error)
        self.status.setText(text)
        self.failed.emit(text)

    # -- the draft ----------------------------------------------------------------------
    def _show_rules(self, select: int | None = None) -> None:
        self.rules.setRowCount(len(self.draft.rules))
        for r, rule in enumerate(self.draft.rules):
            when, then = rule_words(rule)
            for c, text in enumerate((str(r + 1), rule.name,
                                      self.tr("yes") if rule.enabled else self.tr("no"),
                                      when, then)):
                self.rules.setItem(r, c, _cell(text))
        self.default.setCurrentIndex(max(0, self.default.findData(self.draft.default)))
        if select is not None and 0 <= select < len(self.draft.rules):
            self.rules.selectRow(select)

    def _set_rules(self, rules: list[Rule], select: int | None = None) -> None:
        self.draft = dataclasses.replace(self.draft, rules=tuple(rules))
        self.status.setText(self.tr("Draft changed: not saved yet."))
        self._show_rules(select)

    def _set_default(self) -> None:
        self.draft = dataclasses.replace(self.draft, default=self.default.currentData())

    def current_row(self) -> int:
        rows = self.rules.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def add_rule(self) -> None:
        new_id = max((r.id for r in self.draft.rules), default=0) + 1
        self._edit(Rule(new_id, self.tr("New rule")), len(self.draft.rules))

    def edit_current(self) -> None:
        row = self.current_row()
        if row >= 0:
            self._edit(self.draft.rules[row], row)

    def open_editor(self, rule: Rule) -> RuleEditorDialog:
        """The editor for *rule* (tests drive it; the page execs it)."""
        return RuleEditorDialog(rule, self.draft, self)

    def _edit(self, rule: Rule, row: int) -> None:
        dialog = self.open_editor(rule)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_edit(dialog.rule, row)

    def apply_edit(self, rule: Rule, row: int) -> None:
        rules = list(self.draft.rules)
        if row < len(rules):
            rules[row] = rule
        else:
            rules.append(rule)
        self._set_rules(rules, row)

    def delete_current(self) -> None:
        row = self.current_row()
        if row >= 0:
            rules = list(self.draft.rules)
            del rules[row]
            self._set_rules(rules, min(row, len(rules) - 1))

    def move_current(self, step: int) -> None:
        row = self.current_row()
        to = row + step
        if row >= 0 and 0 <= to < len(self.draft.rules):
            rules = list(self.draft.rules)
            rules[row], rules[to] = rules[to], rules[row]
            self._set_rules(rules, to)

    def toggle_current(self) -> None:
        row = self.current_row()
        if row >= 0:
            rules = list(self.draft.rules)
            rules[row] = dataclasses.replace(rules[row], enabled=not rules[row].enabled)
            self._set_rules(rules, row)

    # -- versions -----------------------------------------------------------------------
    def save_version(self) -> None:
        self._save(self.draft, self.comment.text().strip())

    def _save(self, rules: RuleSet, comment: str) -> None:
        store, actor = self.ctx.store, self.ctx.actor

        def done(version: int) -> None:
            self.comment.clear()
            self.status.setText(self.tr("Saved as version %1.").replace("%1", str(version)))
            self.saved.emit(version)
            self.reload()
        run_op(lambda: pipeline.save_rules(store, actor, rules, comment), owner=self,
               on_success=done, on_failure=self._failed, changes={"rules"})

    def _selected_version(self) -> Any | None:
        rows = self.versions.selectionModel().selectedRows()
        return self.history[rows[0].row()] if rows else None

    def show_version(self) -> None:
        """Load the selected version into the draft (not saved until "Save")."""
        v = self._selected_version()
        if v is not None:
            self.draft = ruleset_from_dict(v.document, v.version)
            self._show_rules()
            self.status.setText(self.tr("Showing version %1: not saved yet.")
                                .replace("%1", str(v.version)))

    def restore_version(self) -> None:
        v = self._selected_version()
        if v is not None:
            self._save(ruleset_from_dict(v.document, v.version),
                       self.tr("restored version %1").replace("%1", str(v.version)))

    # -- dry run ------------------------------------------------------------------------
    def dry_run(self) -> None:
        store, actor, rules, days = self.ctx.store, self.ctx.actor, self.draft, self.days.value()
        self.dry_button.setEnabled(False)
        self.counts.setText(self.tr("Running…"))

        def done(result: ProcessResult) -> None:
            self.dry_button.setEnabled(True)
            self._show_dry_run(result)

        def fail(error: BaseException) -> None:
            self.dry_button.setEnabled(True)
            self.counts.clear()
            self._failed(error)
        run_op(lambda: pipeline.dry_run(store, actor, rules=rules, days=days), owner=self,
               on_success=done, on_failure=fail)

    def _show_dry_run(self, r: ProcessResult) -> None:
        self.last_dry_run = r
        held = "; ".join(f"{hold_title(k)} {n}" for k, n in sorted(r.held.items()))
        self.counts.setText(
            self.tr("%1 orders: %2 approved, %3 held, %4 re-routed. Held: %5")
            .replace("%1", str(r.processed)).replace("%2", str(r.approved))
            .replace("%3", str(sum(r.held.values()))).replace("%4", str(r.rerouted))
            .replace("%5", held or "—"))
        ids = sorted(r.why)
        self.why.setRowCount(len(ids))
        for row, oid in enumerate(ids):
            outcome = r.outcome.get(oid, "")
            for c, text in enumerate((str(oid), outcome, "; ".join(r.why[oid]))):
                self.why.setItem(row, c, _cell(text))
        self.dry_run_done.emit(r)


_windows: list[RulesPage] = []


def rules_button(ctx: PageContext, parent: QWidget) -> QPushButton:
    """The orders page's "Rules…" button: opens the rules screen as its own window."""
    button = QPushButton(QCoreApplication.translate("RulesPage", "Rules…"))
    button.setObjectName("button_rules")

    def open_window() -> None:
        page = RulesPage(ctx)
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        page.destroyed.connect(lambda: _windows.remove(page) if page in _windows else None)
        _windows.append(page)  # a top-level window needs an owner to stay alive
        page.resize(1100, 760)
        page.show()
    button.clicked.connect(open_window)
    return button
