"""The gift rule editor dialog (赠品规则): a clerk sets one gift rule's conditions (shop,
paid amount, SKU bought and quantity, a date window in local time, first order of a
buyer, limits per buyer and in total) and its gifts (SKU code and quantity) in a form, or
edits the rule as JSON; both are validated by the gift rule engine before the dialog
closes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ecerp_desktop.domain.gifts import (
    GiftRule,
    gift_rule_from_dict,
    gift_rules_from_dict,
    gift_rules_to_dict,
)
from ecerp_desktop.domain.timeutil import format_local
from ecerp_desktop.ui.rules_panel import FormJsonDialog, PairsTable, keyed_action


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.replace("，", ",").split(",") if w.strip()]


def _number(text: str) -> Any:
    """A whole number as int; anything else as typed (the engine names the mistake)."""
    t = text.strip()
    return int(t) if t.isdigit() else t


class GiftRuleEditorDialog(FormJsonDialog):
    """Edit one gift rule; ``rule`` holds the validated result after ``accept``."""

    def __init__(self, rule: GiftRule, others: Sequence[GiftRule],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("giftRuleEditor")
        self.setWindowTitle(self.tr("Gift rule"))
        self.rule = rule
        self.others = [r for r in others if r.id != rule.id]
        d = rule.to_dict()

        def line(name: str, value: Any, hint: str = "") -> QLineEdit:
            e = QLineEdit("" if value is None else str(value))
            e.setObjectName(name)
            e.setPlaceholderText(hint)
            return e

        self.name = line("giftName", rule.name)
        self.enabled = QCheckBox(self.tr("Enabled"))
        self.enabled.setObjectName("giftEnabled")
        self.enabled.setChecked(rule.enabled)
        self.exclusive = QCheckBox(self.tr("Stop here (no gift rule below applies)"))
        self.exclusive.setObjectName("giftExclusive")
        self.exclusive.setChecked(rule.exclusive)
        self.shops = line("giftShops", ", ".join(rule.shops),
                          self.tr("Shop names or ids, comma separated (empty: every shop)"))
        self.min_amount = line("giftMinAmount", d.get("min_amount"), self.tr("From"))
        self.max_amount = line("giftMaxAmount", d.get("max_amount"), self.tr("To"))
        self.skus = line("giftSkus", ", ".join(rule.skus),
                         self.tr("SKU codes, comma separated (empty: any order)"))
        self.min_qty = line("giftMinQty", rule.min_qty, self.tr("At least"))
        when_hint = self.tr("YYYY-MM-DD HH:MM (Beijing time)")
        self.start = line("giftStart", format_local(rule.start)[:16], when_hint)
        self.end = line("giftEnd", format_local(rule.end)[:16], when_hint)
        self.first_order = QCheckBox(self.tr("Only the first order of a buyer"))
        self.first_order.setObjectName("giftFirstOrder")
        self.first_order.setChecked(rule.first_order_only)
        self.per_buyer = line("giftPerBuyer", rule.limit_per_buyer, self.tr("No limit"))
        self.total = line("giftTotal", rule.limit_total, self.tr("No limit"))

        self.gifts = PairsTable("giftLines", [self.tr("Gift SKU"), self.tr("Quantity")])
        for code, qty in rule.gifts:
            self.add_gift(code, qty)
        self.add_gift_button = QPushButton(self.tr("Add gift"))
        self.add_gift_button.setObjectName("giftAdd")
        self.add_gift_button.clicked.connect(lambda: self.add_gift("", 1))
        keyed_action(self, self.add_gift_button, "Ctrl+Ins", lambda: self.add_gift("", 1))
        self.remove_gift_button = QPushButton(self.tr("Remove gift"))
        self.remove_gift_button.setObjectName("giftRemove")
        self.remove_gift_button.clicked.connect(self.remove_gift)
        keyed_action(self, self.remove_gift_button, "Ctrl+Del", self.remove_gift)

        form = QWidget()
        f = QFormLayout(form)
        f.addRow(self.tr("Name"), self.name)
        flags = QHBoxLayout()
        flags.addWidget(self.enabled)
        flags.addWidget(self.exclusive)
        flags.addStretch(1)
        f.addRow("", flags)
        f.addRow(self.tr("Shops"), self.shops)
        amount = QHBoxLayout()
        amount.addWidget(self.min_amount)
        amount.addWidget(QLabel("–"))
        amount.addWidget(self.max_amount)
        f.addRow(self.tr("Paid amount"), amount)
        f.addRow(self.tr("SKUs bought"), self.skus)
        f.addRow(self.tr("Quantity of them"), self.min_qty)
        window = QHBoxLayout()
        window.addWidget(self.start)
        window.addWidget(QLabel("–"))
        window.addWidget(self.end)
        f.addRow(self.tr("Paid between"), window)
        f.addRow("", self.first_order)
        f.addRow(self.tr("Limit per buyer"), self.per_buyer)
        f.addRow(self.tr("Limit in total"), self.total)
        grow = QHBoxLayout()
        grow.addWidget(self.add_gift_button)
        grow.addWidget(self.remove_gift_button)
        grow.addStretch(1)
        f.addRow(self.tr("Gifts"), self.gifts)
        f.addRow("", grow)
        self.build(form, "gift", 720, 620)

    # -- gifts --------------------------------------------------------------------------
    def add_gift(self, code: str, qty: int) -> None:
        self.gifts.append(code, str(qty))

    def remove_gift(self) -> None:
        self.gifts.remove_current()

    def _gift_rows(self) -> list[dict[str, Any]]:
        return [{"sku": code, "qty": _number(qty or "1")}
                for code, qty in self.gifts.pairs() if code or qty]

    # -- form, JSON, validation ---------------------------------------------------------
    def form_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.rule.id, "name": self.name.text().strip(),
                             "enabled": self.enabled.isChecked(), "gifts": self._gift_rows()}
        if _words(self.shops.text()):
            d["shops"] = _words(self.shops.text())
        if _words(self.skus.text()):
            d["skus"] = _words(self.skus.text())
        for key, field in (("min_amount", self.min_amount), ("max_amount", self.max_amount),
                           ("start", self.start), ("end", self.end)):
            if field.text().strip():
                d[key] = field.text().strip()  # times without a zone are Beijing time
        for key, field in (("min_qty", self.min_qty), ("limit_per_buyer", self.per_buyer),
                           ("limit_total", self.total)):
            if field.text().strip():
                d[key] = _number(field.text())
        if self.first_order.isChecked():
            d["first_order_only"] = True
        if self.exclusive.isChecked():
            d["exclusive"] = True
        return d

    def validate(self, d: Any) -> GiftRule:
        rule = gift_rule_from_dict(d)
        gift_rules_from_dict(gift_rules_to_dict([*self.others, rule]))  # among the others
        return rule
