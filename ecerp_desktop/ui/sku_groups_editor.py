"""The SKU groups editor: named lists of SKU codes that review rule conditions use
(``{"kind": "sku", "group": "fragile"}``). The groups are part of the review rule document
(``sku_groups``), so they are saved, versioned and restored with the rules; the dialog
checks the whole draft with the rule engine, so a group a rule still uses cannot be
removed or emptied."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.rules import RuleSet, ruleset_from_dict
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.rules_panel import PairsTable, error_label, keyed_action, ok_cancel


class SkuGroupsDialog(QDialog):
    """Edit the draft's SKU groups; ``groups`` holds the validated result after accept."""

    def __init__(self, ruleset: RuleSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("skuGroupsEditor")
        self.setWindowTitle(self.tr("SKU groups"))
        self.ruleset = ruleset
        self.groups: dict[str, tuple[str, ...]] = dict(ruleset.sku_groups)
        self.table = PairsTable("skuGroupsTable", [self.tr("Group"),
                                                   self.tr("SKU codes (comma separated)")])
        for name, codes in ruleset.sku_groups.items():
            self.add_group(name, codes)
        self.add_button = QPushButton(self.tr("Add group"))
        self.add_button.setObjectName("skuGroupAdd")
        self.add_button.clicked.connect(lambda: self.add_group("", ()))
        keyed_action(self, self.add_button, "Ins", lambda: self.add_group("", ()))
        self.remove_button = QPushButton(self.tr("Remove group"))
        self.remove_button.setObjectName("skuGroupRemove")
        self.remove_button.clicked.connect(self.remove_group)
        keyed_action(self, self.remove_button, "Del", self.remove_group)
        self.error = error_label("skuGroupsError")
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("Rule conditions of the kind SKU can name a group "
                                     "instead of listing codes.")))
        lay.addWidget(self.table, 1)
        lay.addLayout(row)
        lay.addWidget(self.error)
        lay.addWidget(ok_cancel(self))
        self.resize(620, 420)

    def add_group(self, name: str, codes: tuple[str, ...] | list[str]) -> None:
        self.table.append(name, ", ".join(codes))

    def remove_group(self) -> None:
        self.table.remove_current()

    def _read(self) -> dict[str, tuple[str, ...]]:
        def bad(where: str, error: str) -> DomainError:
            return DomainError(ErrorCode.RULES_INVALID, where=where, error=error)

        out: dict[str, tuple[str, ...]] = {}
        for r, (name, text) in enumerate(self.table.pairs()):
            text = text.replace("，", ",")
            codes = tuple(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
            if not name and not codes:
                continue
            if not name:
                raise bad(f"row {r + 1}", "a group needs a name")
            if name in out:
                raise bad(f"group {name}", "two groups share this name")
            if not codes:
                raise bad(f"group {name}", "a group needs at least one SKU code")
            out[name] = codes
        return out

    def validated(self, groups: Mapping[str, tuple[str, ...]]) -> RuleSet:
        """The draft with *groups*, checked by the rule engine (rules naming a group that
        is gone fail here)."""
        doc = {**self.ruleset.to_dict(), "sku_groups": {k: list(v) for k, v in groups.items()}}
        return ruleset_from_dict(doc, self.ruleset.version)

    def accept(self) -> None:
        try:
            groups = self._read()
            self.validated(groups)
        except DomainError as exc:
            self.error.setText(describe(exc))
            return
        self.groups = groups
        super().accept()
