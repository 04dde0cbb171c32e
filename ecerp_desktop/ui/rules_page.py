"""The rules screen (审单规则 / 赠品规则): two tabs, the review rules and the gift rules,
each an ordered list edited as a draft and saved as a new version with a comment, with
its version history (show, restore); the review rules' SKU groups; the merge and split
settings (parcel weight and volume limits); and a dry run of both drafts over the last N
days with a progress bar and Cancel.

Closing the window, or showing an old version over an unsaved draft, asks first: Save,
Discard or Cancel. Every action has a shortcut, named in its tooltip:

    Ins add · F2 / Enter edit · Del delete · Ctrl+Up / Ctrl+Down move · Ctrl+E enable or
    disable · Ctrl+S save as new version · Ctrl+L show the selected version · Ctrl+Shift+R
    restore it · Ctrl+G SKU groups · Ctrl+D default decision · Ctrl+1 / Ctrl+2 review or
    gift rules · Ctrl+Shift+O merge and split settings · F5 dry run · Esc cancel it

Nothing is written until "Save as new version" (the service checks ORDERS_REVIEW). All
database work runs as ops on the database lane.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.gifts import GiftRule, gift_rules_from_dict
from ecerp_desktop.domain.pipeline import Options
from ecerp_desktop.domain.rules import Rule, RuleSet, ruleset_from_dict
from ecerp_desktop.services import pipeline
from ecerp_desktop.services.pipeline import ProcessResult
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.gift_rules_editor import GiftRuleEditorDialog
from ecerp_desktop.ui.ops import ProgressRelay, run_op
from ecerp_desktop.ui.orders_table_model import hold_title
from ecerp_desktop.ui.rules_editor import RuleEditorDialog
from ecerp_desktop.ui.rules_options import PipelineOptionsDialog
from ecerp_desktop.ui.rules_panel import RuleListPanel, cell, keyed_action, table
from ecerp_desktop.ui.rules_words import gift_rule_words, rule_words
from ecerp_desktop.ui.sku_groups_editor import SkuGroupsDialog
from ecerp_desktop.ui.windows import window_button


class ReviewRulesPanel(RuleListPanel):
    """The review rules (审单规则) and their SKU groups and default decision."""

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "rules", [self.tr("#"), self.tr("Name"), self.tr("Enabled"),
                                        self.tr("When"), self.tr("Then")], parent)
        self.groups_button = self.add_button("groups", self.tr("SKU groups…"), "Ctrl+G",
                                             self.edit_groups)
        self.default = QComboBox()
        self.default.setObjectName("defaultDecision")
        self.default.addItem(self.tr("Otherwise: approve"), "approve")
        self.default.addItem(self.tr("Otherwise: hold for a clerk"), "hold")
        self.default.activated.connect(lambda _i: self._set_default())
        self.actions_by_key["default"] = keyed_action(
            self, self.default, "Ctrl+D", self._cycle_default,
            self.tr("Default decision when no rule decides"), anywhere=True)
        self.button_row.addWidget(self.default)
        self.button_row.addStretch(1)

    def empty(self) -> RuleSet:
        return RuleSet()

    def items(self) -> list[Rule]:
        return list(self.draft.rules)

    def with_items(self, items: list[Rule]) -> RuleSet:
        return dataclasses.replace(self.draft, rules=tuple(items))

    def row_texts(self, rule: Rule) -> list[str]:
        when, then = rule_words(rule)
        return [rule.name, self.tr("yes") if rule.enabled else self.tr("no"), when, then]

    def new_item(self, new_id: int) -> Rule:
        return Rule(new_id, self.tr("New rule"))

    def open_editor(self, rule: Rule) -> RuleEditorDialog:
        """The editor for *rule* (tests drive it; the panel execs it)."""
        return RuleEditorDialog(rule, self.draft, self)

    def load(self) -> tuple[RuleSet, list[Any]]:
        store = self.ctx.store
        return pipeline.current_rules(store)[0], pipeline.rule_history(store)

    def save_draft(self, draft: RuleSet, comment: str) -> int:
        return pipeline.save_rules(self.ctx.store, self.ctx.actor, draft, comment)

    def from_version(self, v: Any) -> RuleSet:
        return ruleset_from_dict(v.document, v.version)

    def after_show(self) -> None:
        self.default.setCurrentIndex(max(0, self.default.findData(self.draft.default)))
        n = len(self.draft.sku_groups)
        self.groups_button.setText(self.tr("SKU groups (%1)…").replace("%1", str(n)))

    def _set_default(self) -> None:
        self.changed(dataclasses.replace(self.draft, default=self.default.currentData()))

    def _cycle_default(self) -> None:
        self.default.setCurrentIndex((self.default.currentIndex() + 1) % self.default.count())
        self._set_default()

    # -- SKU groups ---------------------------------------------------------------------
    def open_groups_editor(self) -> SkuGroupsDialog:
        """The SKU groups editor for the draft (tests drive it; the panel execs it)."""
        return SkuGroupsDialog(self.draft, self)

    def edit_groups(self) -> None:
        dialog = self.open_groups_editor()
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_groups(dialog)

    def apply_groups(self, dialog: SkuGroupsDialog) -> None:
        self.changed(dialog.validated(dialog.groups), self.current_row())


class GiftRulesPanel(RuleListPanel):
    """The gift rules (赠品规则)."""

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "gifts", [self.tr("#"), self.tr("Name"), self.tr("Enabled"),
                                        self.tr("When"), self.tr("Gifts")], parent)
        self.button_row.addStretch(1)

    def empty(self) -> tuple[GiftRule, ...]:
        return ()

    def items(self) -> list[GiftRule]:
        return list(self.draft)

    def with_items(self, items: list[GiftRule]) -> tuple[GiftRule, ...]:
        return tuple(items)

    def row_texts(self, rule: GiftRule) -> list[str]:
        when, gifts = gift_rule_words(rule)
        return [rule.name, self.tr("yes") if rule.enabled else self.tr("no"), when, gifts]

    def new_item(self, new_id: int) -> GiftRule:
        return GiftRule(new_id, self.tr("New gift rule"), ())

    def open_editor(self, rule: GiftRule) -> GiftRuleEditorDialog:
        return GiftRuleEditorDialog(rule, self.draft, self)

    def load(self) -> tuple[tuple[GiftRule, ...], list[Any]]:
        store = self.ctx.store
        return pipeline.current_rules(store)[1], pipeline.rule_history(store, gifts=True)

    def save_draft(self, draft: tuple[GiftRule, ...], comment: str) -> int:
        return pipeline.save_gift_rules(self.ctx.store, self.ctx.actor, draft, comment)

    def from_version(self, v: Any) -> tuple[GiftRule, ...]:
        return gift_rules_from_dict(v.document)


class RulesPage(QWidget):
    """The rules screen. Tests wait on ``loaded`` (the review rules), ``saved``,
    ``dry_run_done`` and ``failed``; ``draft`` is the review rule set being edited,
    ``gift_rules.draft`` the gift rules."""

    loaded = Signal()
    saved = Signal(int)
    dry_run_done = Signal(object)
    failed = Signal(str)
    options_saved = Signal(object)

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("rulesPage")
        self.setWindowTitle(self.tr("Rules"))
        self.last_dry_run: ProcessResult | None = None
        self.dry_chunk = 5000  # orders per dry-run step (progress and cancel go by steps)
        self.unsaved_box: QMessageBox | None = None
        self._cancel: threading.Event | None = None
        self._why_fill = 0  # which dry run's reasons the why table is being filled with

        self.status = QLabel()
        self.status.setObjectName("rulesStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.review = ReviewRulesPanel(ctx)
        self.gift_rules = GiftRulesPanel(ctx)
        for panel in (self.review, self.gift_rules):
            panel.message.connect(self.status.setText)
            panel.failed.connect(self.failed)
            panel.confirm = self.ask_unsaved
        self.review.loaded.connect(self.loaded)
        self.review.saved.connect(self.saved)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("rulesTabs")
        self.tabs.addTab(self.review, self.tr("Review rules"))
        self.tabs.addTab(self.gift_rules, self.tr("Gift rules"))
        self.tab_actions: list[QAction] = []
        for i, key in enumerate(("Ctrl+1", "Ctrl+2")):
            seq = QKeySequence(key)
            action = QAction(self.tabs.tabText(i), self)
            action.setShortcut(seq)
            action.triggered.connect(lambda _c=False, i=i: self._switch_tab(i))
            self.addAction(action)
            self.tab_actions.append(action)
            self.tabs.setTabToolTip(i, f"{self.tabs.tabText(i)} "
                                       f"({seq.toString(QKeySequence.SequenceFormat.NativeText)})")

        self.days = QSpinBox()
        self.days.setObjectName("dryRunDays")
        self.days.setRange(1, 90)
        self.days.setValue(7)
        self.days.setSuffix(self.tr(" days"))
        self.dry_button = QPushButton(self.tr("Dry run of the drafts"))
        self.dry_button.setObjectName("dryRun")
        self.dry_button.clicked.connect(self.dry_run)
        self.dry_action = keyed_action(self, self.dry_button, "F5", self.dry_run,
                                       anywhere=True)
        self.cancel_button = QPushButton(self.tr("Cancel the dry run"))
        self.cancel_button.setObjectName("dryRunCancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_dry_run)
        self.cancel_action = keyed_action(self, self.cancel_button, "Esc", self.cancel_dry_run,
                                          anywhere=True)
        self.progress = QProgressBar()
        self.progress.setObjectName("dryRunProgress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("%v of %m orders"))
        self.progress.setTextVisible(False)  # until a run reports
        self.counts = QLabel()
        self.counts.setObjectName("dryRunCounts")
        self.counts.setTextFormat(Qt.TextFormat.PlainText)
        self.counts.setWordWrap(True)
        self.why = table("dryRunWhy", [self.tr("Order"), self.tr("Outcome"), self.tr("Why")])
        self.options_button = QPushButton(self.tr("Merge and split…"))
        self.options_button.setObjectName("pipelineOptionsButton")
        self.options_button.clicked.connect(self.edit_options)
        keyed_action(self, self.options_button, "Ctrl+Shift+O", self.edit_options,
                     anywhere=True)
        drow = QHBoxLayout()
        drow.addWidget(self.options_button)
        drow.addWidget(QLabel(self.tr("Orders of the last")))
        drow.addWidget(self.days)
        drow.addWidget(self.dry_button)
        drow.addWidget(self.cancel_button)
        drow.addWidget(self.progress, 1)
        dry = QWidget()
        dl = QVBoxLayout(dry)
        dl.addLayout(drow)
        dl.addWidget(self.counts)
        dl.addWidget(self.why, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tabs)
        split.addWidget(dry)
        root = QVBoxLayout(self)
        root.addWidget(split, 1)
        root.addWidget(self.status)
        self.reload()

    # -- the review panel, as the page's own (the orders page and older tests use these) --
    @property
    def draft(self) -> RuleSet:
        return self.review.draft  # type: ignore[no-any-return]

    @draft.setter
    def draft(self, value: RuleSet) -> None:
        self.review.draft = value

    def __getattr__(self, name: str) -> Any:
        if name in _REVIEW_ATTRS:
            return getattr(self.review, name)
        raise AttributeError(name)

    def reload(self) -> None:
        self.review.reload()
        self.gift_rules.reload()

    def _switch_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        panel = self.tabs.currentWidget()
        if panel is not None:
            panel.findChild(QWidget, f"{panel.objectName()}Table").setFocus()

    # -- unsaved drafts -----------------------------------------------------------------
    def unsaved(self) -> list[RuleListPanel]:
        return [p for p in (self.review, self.gift_rules) if p.dirty]

    def ask_unsaved(self, panels: list[RuleListPanel], then: Callable[[], None]) -> None:
        """Save / Discard / Cancel for the unsaved drafts of *panels*, then *then* (unless
        cancelled or a save failed). Window-modal and not blocking: ``unsaved_box``."""
        names = ", ".join(self.tabs.tabText(self.tabs.indexOf(p)) for p in panels)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Unsaved changes"),
                          self.tr("%1: the draft has changes that are not saved.")
                          .replace("%1", names),
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("unsavedBox")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.unsaved_box = box

        def answered(button: Any) -> None:
            choice = box.standardButton(button)
            self.unsaved_box = None
            if choice == QMessageBox.StandardButton.Save:
                self._save_all(list(panels), then)
            elif choice == QMessageBox.StandardButton.Discard:
                for p in panels:
                    p.set_dirty(False)
                then()
        box.buttonClicked.connect(answered)
        box.open()

    def _save_all(self, panels: list[RuleListPanel], then: Callable[[], None]) -> None:
        if not panels:
            then()
            return
        first, rest = panels[0], panels[1:]
        first.save_version(then=lambda: self._save_all(rest, then))

    def may_leave(self, then: Callable[[], None]) -> None:
        """Run *then* now, or after Save / Discard when a draft is unsaved (for a host
        that switches away from this screen)."""
        panels = self.unsaved()
        if panels:
            self.ask_unsaved(panels, then)
        else:
            then()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.unsaved():
            event.ignore()
            if self.unsaved_box is None:
                self.ask_unsaved(self.unsaved(), self.close)
            return
        self.cancel_dry_run()
        super().closeEvent(event)

    # -- merge and split options ----------------------------------------------------------
    def edit_options(self) -> None:
        """Load the options, then edit them in :class:`PipelineOptionsDialog`."""
        store = self.ctx.store

        def show(opts: Options) -> None:
            dialog = self.open_options_dialog(opts)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.apply_options(dialog.options)
        run_op(lambda: pipeline.options(store), owner=self, on_success=show,
               on_failure=self.review._failed)

    def open_options_dialog(self, opts: Options) -> PipelineOptionsDialog:
        """The options dialog (tests drive it; :meth:`edit_options` execs it)."""
        return PipelineOptionsDialog(opts, self)

    def apply_options(self, opts: Options) -> None:
        store, actor = self.ctx.store, self.ctx.actor

        def done(_none: object) -> None:
            self.status.setText(self.tr("Merge and split settings saved."))
            self.options_saved.emit(opts)
        run_op(lambda: pipeline.set_options(store, actor, opts), owner=self,
               on_success=done, on_failure=self.review._failed, changes={"rules"})

    # -- dry run ------------------------------------------------------------------------
    def dry_run(self) -> None:
        if self._cancel is not None:
            return  # one at a time
        store, actor, days = self.ctx.store, self.ctx.actor, self.days.value()
        rules = self.review.draft
        gifts = self.gift_rules.draft if self.gift_rules.loaded_once else None
        cancel = self._cancel = threading.Event()
        relay = ProgressRelay(self)
        relay.changed.connect(self._progress)
        chunk = self.dry_chunk
        self.dry_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)  # busy until the first step reports
        self.progress.setTextVisible(True)
        self.counts.setText(self.tr("Running…"))

        def finish() -> None:
            self._cancel = None
            self.dry_button.setEnabled(True)
            self.cancel_button.setEnabled(False)
            relay.deleteLater()

        def done(result: ProcessResult) -> None:
            finish()
            self.progress.setRange(0, max(1, result.processed))
            self.progress.setValue(result.processed)
            self._show_dry_run(result)

        def fail(error: BaseException) -> None:
            finish()
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.counts.clear()
            self.review._failed(error)
        run_op(lambda: pipeline.dry_run(store, actor, rules=rules, gift_rules=gifts,
                                        days=days, chunk_size=chunk, progress=relay.report,
                                        cancel=cancel.is_set),
               owner=self, on_success=done, on_failure=fail)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)

    def cancel_dry_run(self) -> None:
        if self._cancel is not None and not self._cancel.is_set():
            self._cancel.set()
            self.counts.setText(self.tr("Cancelling…"))

    def _show_dry_run(self, r: ProcessResult) -> None:
        self.last_dry_run = r
        held = "; ".join(f"{hold_title(k)} {n}" for k, n in sorted(r.held.items()))
        text = (self.tr("%1 orders: %2 approved, %3 held, %4 re-routed. Held: %5")
                .replace("%1", str(r.processed)).replace("%2", str(r.approved))
                .replace("%3", str(sum(r.held.values()))).replace("%4", str(r.rerouted))
                .replace("%5", held or "—"))
        if r.cancelled:
            text = self.tr("Cancelled after %1 orders.").replace("%1", str(r.processed)) \
                + " " + text
        self.counts.setText(text)
        ids = sorted(r.why)
        self._why_fill += 1
        self.why.setRowCount(len(ids))
        self._fill_why(r, ids, 0, self._why_fill)
        self.dry_run_done.emit(r)

    def _fill_why(self, r: ProcessResult, ids: list[int], start: int, fill: int) -> None:
        """Rows *start*… of the why table, a batch per turn of the event loop: a dry run
        of a month's orders (hundreds of thousands of rows, over a second per 100,000)
        would otherwise freeze the window while it is shown."""
        if fill != self._why_fill:
            return  # a later dry run is shown now
        end = min(len(ids), start + _WHY_BATCH)
        for row in range(start, end):
            oid = ids[row]
            for c, t in enumerate((str(oid), r.outcome.get(oid, ""), "; ".join(r.why[oid]))):
                self.why.setItem(row, c, cell(t))
        if end < len(ids):
            QTimer.singleShot(0, self, lambda: self._fill_why(r, ids, end, fill))


_WHY_BATCH = 2000  # dry-run why rows shown per turn of the event loop (~25 ms)


_REVIEW_ATTRS = frozenset((
    "rules", "buttons", "comment", "save_button", "versions", "show_button",
    "restore_button", "default", "history", "can_edit", "open_editor", "apply_edit",
    "current_row", "add_rule", "edit_current", "delete_current", "move_current",
    "toggle_current", "save_version", "show_version", "restore_version",
    "open_groups_editor", "apply_groups", "edit_groups"))


def rules_button(ctx: PageContext, parent: QWidget) -> QPushButton:
    """The orders page's "Rules…" button: opens the rules screen as its own window."""
    return window_button(QCoreApplication.translate("RulesPage", "Rules…"), "button_rules",
                         lambda: RulesPage(ctx), (1100, 760))
