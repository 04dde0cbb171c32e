"""Rule conditions and actions in words, and the field layout the rule editor offers
for each common kind (the rarer kinds are edited as JSON); gift rules in words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ecerp_desktop.domain.gifts import GiftRule
from ecerp_desktop.domain.rules import Rule
from ecerp_desktop.domain.timeutil import format_local

CTX = "RuleWords"

# kind → (title, [(param, label, type)]); type: list (comma separated), money, int, text
CONDITION_FORMS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "shop": (QT_TRANSLATE_NOOP("RuleWords", "Shop"), [("shops", QT_TRANSLATE_NOOP("RuleWords", "Shops"), "list")]),
    "platform": (QT_TRANSLATE_NOOP("RuleWords", "Platform"),
                 [("platforms", QT_TRANSLATE_NOOP("RuleWords", "Platforms"), "list")]),
    "paid_amount": (QT_TRANSLATE_NOOP("RuleWords", "Paid amount"),
                    [("min", QT_TRANSLATE_NOOP("RuleWords", "From"), "money"),
                     ("max", QT_TRANSLATE_NOOP("RuleWords", "To"), "money")]),
    "region": (QT_TRANSLATE_NOOP("RuleWords", "Province / region"),
               [("regions", QT_TRANSLATE_NOOP("RuleWords", "Regions"), "list")]),
    "buyer_message": (QT_TRANSLATE_NOOP("RuleWords", "Buyer message"),
                      [("contains", QT_TRANSLATE_NOOP("RuleWords", "Contains (empty: any message)"),
                        "list")]),
    "sku": (QT_TRANSLATE_NOOP("RuleWords", "SKU"), [("skus", QT_TRANSLATE_NOOP("RuleWords", "SKUs"), "list"),
                                                     ("group", QT_TRANSLATE_NOOP("RuleWords", "SKU group"), "text")]),
    "quantity": (QT_TRANSLATE_NOOP("RuleWords", "Quantity"),
                 [("min", QT_TRANSLATE_NOOP("RuleWords", "From"), "int"),
                  ("max", QT_TRANSLATE_NOOP("RuleWords", "To"), "int")]),
    "weight": (QT_TRANSLATE_NOOP("RuleWords", "Weight (g)"),
               [("min_g", QT_TRANSLATE_NOOP("RuleWords", "From"), "int"),
                ("max_g", QT_TRANSLATE_NOOP("RuleWords", "To"), "int")]),
    "remote_region": (QT_TRANSLATE_NOOP("RuleWords", "Remote region"), []),
    "cod": (QT_TRANSLATE_NOOP("RuleWords", "Cash on delivery"), []),
    "presale": (QT_TRANSLATE_NOOP("RuleWords", "Pre-sale"), []),
    "blacklist": (QT_TRANSLATE_NOOP("RuleWords", "Buyer on the blacklist"), []),
}

ACTION_FORMS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "approve": (QT_TRANSLATE_NOOP("RuleWords", "Approve"), []),
    "hold": (QT_TRANSLATE_NOOP("RuleWords", "Hold"),
             [("reason", QT_TRANSLATE_NOOP("RuleWords", "Reason"), "text"),
              ("detail", QT_TRANSLATE_NOOP("RuleWords", "Detail"), "text")]),
    "assign_courier": (QT_TRANSLATE_NOOP("RuleWords", "Assign courier"),
                       [("courier", QT_TRANSLATE_NOOP("RuleWords", "Courier code"), "text")]),
    "assign_warehouse": (QT_TRANSLATE_NOOP("RuleWords", "Assign warehouse"),
                         [("warehouse", QT_TRANSLATE_NOOP("RuleWords", "Warehouse code"), "text")]),
    "add_tag": (QT_TRANSLATE_NOOP("RuleWords", "Add tag"), [("tag", QT_TRANSLATE_NOOP("RuleWords", "Tag"), "text")]),
    "set_priority": (QT_TRANSLATE_NOOP("RuleWords", "Set priority"),
                     [("priority", QT_TRANSLATE_NOOP("RuleWords", "Priority"), "int")]),
    "add_gift": (QT_TRANSLATE_NOOP("RuleWords", "Add gift"),
                 [("sku", QT_TRANSLATE_NOOP("RuleWords", "Gift SKU"), "text"),
                  ("qty", QT_TRANSLATE_NOOP("RuleWords", "Quantity"), "int")]),
}


def tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def _value(v: Any) -> str:
    if isinstance(v, list | tuple):
        return ", ".join(str(x) for x in v)
    return str(v)


def _one(kind: str, params: Mapping[str, Any], forms: dict[str, tuple[str, list[Any]]]) -> str:
    form = forms.get(kind)
    title = tr(form[0]) if form else kind
    shown = [(tr(lbl), params.get(key)) for key, lbl, _t in (form[1] if form else [])]
    known = {key for key, _l, _t in (form[1] if form else [])}
    shown += [(k, v) for k, v in params.items() if k not in known and k != "conditions"]
    parts = [f"{lbl} {_value(v)}" for lbl, v in shown if v not in (None, "", [], ())]
    return f"{title} ({'; '.join(parts)})" if parts else title


def condition_words(c: Mapping[str, Any]) -> str:
    params = {k: v for k, v in c.items() if k not in ("kind", "not")}
    text = _one(str(c.get("kind", "?")), params, CONDITION_FORMS)
    return QCoreApplication.translate("RuleWords", "not %1").replace("%1", text) if c.get("not") else text


def action_words(a: Mapping[str, Any]) -> str:
    return _one(str(a.get("kind", "?")), {k: v for k, v in a.items() if k != "kind"},
                ACTION_FORMS)


def rule_words(rule: Rule) -> tuple[str, str]:
    """(conditions, actions) of *rule* in words."""
    d = rule.to_dict()
    when = QCoreApplication.translate("RuleWords", " and ").join(condition_words(c) for c in d["when"]) or QCoreApplication.translate("RuleWords", "always")
    then = ", ".join(action_words(a) for a in d["then"]) or QCoreApplication.translate("RuleWords", "nothing")
    return when, then


GIFT_WORDS = {
    "shop": QT_TRANSLATE_NOOP("RuleWords", "shop %1"),
    "min": QT_TRANSLATE_NOOP("RuleWords", "paid from %1"),
    "max": QT_TRANSLATE_NOOP("RuleWords", "paid up to %1"),
    "skus": QT_TRANSLATE_NOOP("RuleWords", "bought %1"),
    "qty": QT_TRANSLATE_NOOP("RuleWords", "quantity from %1"),
    "start": QT_TRANSLATE_NOOP("RuleWords", "paid at or after %1"),
    "end": QT_TRANSLATE_NOOP("RuleWords", "paid before %1"),
    "first": QT_TRANSLATE_NOOP("RuleWords", "first order of the buyer"),
    "per_buyer": QT_TRANSLATE_NOOP("RuleWords", "at most %1 per buyer"),
    "total": QT_TRANSLATE_NOOP("RuleWords", "at most %1 in total"),
    "exclusive": QT_TRANSLATE_NOOP("RuleWords", "no gift rule below"),
}


def gift_rule_words(rule: GiftRule) -> tuple[str, str]:
    """(conditions, gifts) of a gift rule (赠品规则) in words."""
    values: list[tuple[str, object]] = [
        ("shop", ", ".join(rule.shops) if rule.shops else None),
        ("min", rule.min_amount), ("max", rule.max_amount),
        ("skus", ", ".join(rule.skus) if rule.skus else None), ("qty", rule.min_qty),
        ("start", format_local(rule.start)[:16] if rule.start else None),
        ("end", format_local(rule.end)[:16] if rule.end else None),
        ("first", "" if rule.first_order_only else None),
        ("per_buyer", rule.limit_per_buyer), ("total", rule.limit_total),
        ("exclusive", "" if rule.exclusive else None)]
    when = [tr(GIFT_WORDS[k]).replace("%1", str(v)) for k, v in values if v is not None]
    gifts = ", ".join(f"{q} × {c}" for c, q in rule.gifts)
    return (QCoreApplication.translate("RuleWords", " and ").join(when)
            or QCoreApplication.translate("RuleWords", "always"), gifts)
