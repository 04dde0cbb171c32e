"""The rule editor dialog: a clerk builds one rule's conditions and actions from combo
boxes and fields, or edits the rule as JSON (for the rarer kinds); both are validated by
the rule engine before the dialog closes. Keys: Ctrl+Shift+C / Ctrl+Shift+X add / remove
a condition, Ctrl+Shift+A / Ctrl+Shift+Z an action, Ctrl+Return OK, Esc cancel,
Ctrl+PgUp / Ctrl+PgDown form or JSON."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.rules import Rule, RuleSet, rule_from_dict, ruleset_from_dict
from ecerp_desktop.ui.rules_panel import FormJsonDialog, keyed_action
from ecerp_desktop.ui.rules_words import (
    ACTION_FORMS,
    CONDITION_FORMS,
    action_words,
    condition_words,
    tr,
)


class _PartEditor(QWidget):
    """A list of conditions (or actions) with a kind combo, two fields and add/remove."""

    def __init__(self, forms: dict[str, tuple[str, list[tuple[str, str, str]]]],
                 items: list[dict[str, Any]], negatable: bool, name: str) -> None:
        super().__init__()
        self.forms = forms
        self.items = [dict(x) for x in items]
        self.list = QListWidget()
        self.list.setObjectName(f"{name}List")
        self.kind = QComboBox()
        self.kind.setObjectName(f"{name}Kind")
        for key, (title, _f) in forms.items():
            self.kind.addItem(tr(title), key)
        self.fields = [QLineEdit(), QLineEdit()]
        for i, f in enumerate(self.fields):
            f.setObjectName(f"{name}Field{i}")
        self.negate = QCheckBox(self.tr("Not"))
        self.negate.setObjectName(f"{name}Not")
        self.negate.setVisible(negatable)
        self.add = QPushButton(self.tr("Add"))
        self.add.setObjectName(f"{name}Add")
        self.remove = QPushButton(self.tr("Remove"))
        self.remove.setObjectName(f"{name}Remove")
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        row = QHBoxLayout()
        for w in (self.negate, self.kind, *self.fields, self.add, self.remove):
            row.addWidget(w)
        lay = QVBoxLayout(self)
        lay.addWidget(self.list)
        lay.addLayout(row)
        lay.addWidget(self.error)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.add.clicked.connect(self.add_current)
        self.remove.clicked.connect(self.remove_current)
        self._kind_changed()
        self.refresh()

    def _kind_changed(self) -> None:
        spec = self.forms[self.kind.currentData()][1]
        for i, f in enumerate(self.fields):
            f.clear()
            f.setVisible(i < len(spec))
            if i < len(spec):
                f.setPlaceholderText(tr(spec[i][1]))

    def refresh(self) -> None:
        words = condition_words if self.forms is CONDITION_FORMS else action_words
        self.list.clear()
        for x in self.items:
            self.list.addItem(words(x))

    def add_current(self) -> None:
        """Add what the combo and fields say (checked by the engine on OK)."""
        key = self.kind.currentData()
        item: dict[str, Any] = {"kind": key}
        for (param, _label, typ), f in zip(self.forms[key][1], self.fields, strict=False):
            text = f.text().strip()
            if not text:
                continue
            if typ == "list":
                item[param] = [w.strip() for w in text.replace("，", ",").split(",")
                               if w.strip()]
            elif typ == "int":
                item[param] = int(text) if text.lstrip("-").isdigit() else text
            else:
                item[param] = text
        if self.negate.isChecked() and self.negate.isVisibleTo(self):
            item["not"] = True
        self.items.append(item)
        self.refresh()

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.items):
            del self.items[row]
            self.refresh()


class RuleEditorDialog(FormJsonDialog):
    """Edit one rule; ``rule`` holds the validated result after ``accept``."""

    def __init__(self, rule: Rule, ruleset: RuleSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleEditor")
        self.setWindowTitle(self.tr("Rule"))
        self.ruleset = ruleset
        self.rule: Rule = rule
        d = rule.to_dict()
        self.name = QLineEdit(rule.name)
        self.name.setObjectName("ruleName")
        self.enabled = QCheckBox(self.tr("Enabled"))
        self.enabled.setObjectName("ruleEnabled")
        self.enabled.setChecked(rule.enabled)
        self.conditions = _PartEditor(CONDITION_FORMS, d["when"], True, "condition")
        self.actions = _PartEditor(ACTION_FORMS, d["then"], False, "action")
        form = QWidget()
        g = QGridLayout(form)
        g.addWidget(QLabel(self.tr("Name")), 0, 0)
        g.addWidget(self.name, 0, 1)
        g.addWidget(self.enabled, 0, 2)
        g.addWidget(QLabel(self.tr("When all of these hold")), 1, 0, 1, 3)
        g.addWidget(self.conditions, 2, 0, 1, 3)
        g.addWidget(QLabel(self.tr("Then")), 3, 0, 1, 3)
        g.addWidget(self.actions, 4, 0, 1, 3)
        for part, add_key, remove_key, add_text, remove_text in (
                (self.conditions, "Ctrl+Shift+C", "Ctrl+Shift+X", self.tr("Add condition"),
                 self.tr("Remove condition")),
                (self.actions, "Ctrl+Shift+A", "Ctrl+Shift+Z", self.tr("Add action"),
                 self.tr("Remove action"))):
            keyed_action(self, part.add, add_key, part.add_current, add_text)
            keyed_action(self, part.remove, remove_key, part.remove_current, remove_text)
        self.build(form, "rule", 760, 520)

    def form_dict(self) -> dict[str, Any]:
        d = self.rule.to_dict()
        d.update(name=self.name.text().strip(), enabled=self.enabled.isChecked(),
                 when=self.conditions.items, then=self.actions.items)
        return d

    def validate(self, d: Any) -> Rule:
        rule = rule_from_dict(d)
        # compile it among the others: unknown kinds and bad parameters fail here
        others = [r.to_dict() for r in self.ruleset.rules if r.id != rule.id]
        ruleset_from_dict({**self.ruleset.to_dict(), "rules": [*others, rule.to_dict()]})
        return rule
