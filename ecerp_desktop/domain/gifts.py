"""Gift rules (赠品规则): when an order meets a rule's conditions, free gift lines are added.

All enabled rules that match add their gifts (an ``exclusive`` rule stops the ones below
it). Limits count orders that received the rule's gifts: per buyer and in total; the
pipeline loads the counts so far and this module keeps them up to date as it grants, so a
limit holds across a whole batch. Gift lines are zero-price, marked as gifts, and reserved
like any other line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.facts import OrderFacts
from ecerp_desktop.domain.money import money
from ecerp_desktop.domain.timeutil import as_utc

FORMAT = "ecerp-gifts/1"


@dataclass(frozen=True, slots=True)
class GiftRule:
    id: int
    name: str
    gifts: tuple[tuple[str, int], ...]  # (SKU code, qty)
    enabled: bool = True
    shops: tuple[str, ...] = ()  # shop ids or names; empty: every shop
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    skus: tuple[str, ...] = ()  # bought any of these (empty: any order)
    min_qty: int | None = None  # of *skus* (or in total when skus is empty)
    start: datetime | None = None  # paid within [start, end)
    end: datetime | None = None
    first_order_only: bool = False
    limit_per_buyer: int | None = None
    limit_total: int | None = None
    exclusive: bool = False
    sku_set: frozenset[str] = field(default=frozenset(), init=False, repr=False,
                                    compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sku_set", frozenset(c.upper() for c in self.skus))

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "name": self.name, "enabled": self.enabled,
                             "gifts": [{"sku": c, "qty": q} for c, q in self.gifts]}
        for k in ("shops", "skus"):
            if getattr(self, k):
                d[k] = list(getattr(self, k))
        for k in ("min_amount", "max_amount"):
            if getattr(self, k) is not None:
                d[k] = str(getattr(self, k))
        for k in ("start", "end"):
            if getattr(self, k) is not None:
                d[k] = getattr(self, k).isoformat()
        for k in ("min_qty", "limit_per_buyer", "limit_total"):
            if getattr(self, k) is not None:
                d[k] = getattr(self, k)
        if self.first_order_only:
            d["first_order_only"] = True
        if self.exclusive:
            d["exclusive"] = True
        return d


@dataclass(slots=True)
class GiftUsage:
    """How often each rule has given so far: in total and per buyer."""

    total: dict[int, int] = field(default_factory=dict)
    per_buyer: dict[tuple[int, str], int] = field(default_factory=dict)

    def count(self, rule_id: int, buyer: str) -> None:
        self.total[rule_id] = self.total.get(rule_id, 0) + 1
        self.per_buyer[(rule_id, buyer)] = self.per_buyer.get((rule_id, buyer), 0) + 1


@dataclass(frozen=True, slots=True)
class GiftGrant:
    rule_id: int
    rule_name: str
    sku_code: str
    qty: int


@dataclass(slots=True)
class GiftResult:
    grants: list[GiftGrant] = field(default_factory=list)
    why: list[str] = field(default_factory=list)


def _matches(r: GiftRule, o: OrderFacts) -> str | None:
    """The facts that make *r* apply to *o* in words, or None."""
    facts: list[str] = []
    if r.shops:
        if str(o.shop_id) not in r.shops and o.shop_name not in r.shops:
            return None
        facts.append(f"shop {o.shop_name or o.shop_id}")
    if r.min_amount is not None and o.paid_amount < r.min_amount:
        return None
    if r.max_amount is not None and o.paid_amount > r.max_amount:
        return None
    if r.min_amount is not None or r.max_amount is not None:
        facts.append(f"paid {o.paid_amount}")
    codes = r.sku_set
    bought = [ln for ln in o.sale_lines if not codes or ln.sku_code.upper() in codes]
    if codes and not bought:
        return None
    if codes:
        facts.append("bought " + ", ".join(sorted({ln.sku_code for ln in bought})))
    if r.min_qty is not None:
        n = sum(ln.qty for ln in bought)
        if n < r.min_qty:
            return None
        facts.append(f"quantity {n} ≥ {r.min_qty}")
    when = o.paid_at or o.created_at
    if r.start is not None or r.end is not None:
        if when is None or (r.start is not None and when < r.start) or (
                r.end is not None and when >= r.end):
            return None
        facts.append("paid within the promotion window")
    if r.first_order_only:
        if o.buyer_order_count > 0:
            return None
        facts.append("first order of the buyer")
    return "; ".join(facts) or "every order"


def evaluate_gifts(rules: Sequence[GiftRule], o: OrderFacts,
                   usage: GiftUsage, already: frozenset[int] = frozenset()) -> GiftResult:
    """The gifts *o* earns; *usage* is updated. Rules in *already* (gifts the order got in
    an earlier run) are not granted twice but still count as applied for ``exclusive``."""
    res = GiftResult()
    buyer = o.buyer_key or f"order:{o.id}"
    for r in rules:
        if not r.enabled:
            continue
        facts = _matches(r, o)
        if facts is None:
            continue
        label = f"gift rule {r.id} '{r.name}'"
        if r.id in already:
            res.why.append(f"{label}: gifts already on the order")
        elif r.limit_total is not None and usage.total.get(r.id, 0) >= r.limit_total:
            res.why.append(f"{label} matched ({facts}) but its total limit "
                           f"{r.limit_total} is used up")
            continue
        elif (r.limit_per_buyer is not None
              and usage.per_buyer.get((r.id, buyer), 0) >= r.limit_per_buyer):
            res.why.append(f"{label} matched ({facts}) but this buyer already got it "
                           f"{r.limit_per_buyer} time(s)")
            continue
        else:
            usage.count(r.id, buyer)
            for code, qty in r.gifts:
                res.grants.append(GiftGrant(r.id, r.name, code, qty))
            gifts = ", ".join(f"{q} × {c}" for c, q in r.gifts)
            res.why.append(f"{label} matched ({facts}): adds {gifts}")
        if r.exclusive:
            break
    return res


# --- the document --------------------------------------------------------------------------

def _bad(where: str, msg: str) -> DomainError:
    return DomainError(ErrorCode.RULES_INVALID, where=where, error=msg)


def _time(v: Any, where: str) -> datetime | None:
    if v in (None, ""):
        return None
    try:
        t = v if isinstance(v, datetime) else datetime.fromisoformat(str(v))
    except ValueError as exc:
        raise _bad(where, f"not a time: {v!r}") from exc
    return as_utc(t)


def _opt_int(d: Mapping[str, Any], key: str, where: str) -> int | None:
    v = d.get(key)
    if v is None:
        return None
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise _bad(where, f"{key} must be a whole number ≥ 0")
    return v


def gift_rule_from_dict(d: Mapping[str, Any]) -> GiftRule:
    if not isinstance(d, Mapping):
        raise _bad("gift rule", "each gift rule must be an object")
    rid = d.get("id")
    if not isinstance(rid, int) or isinstance(rid, bool) or rid <= 0:
        raise _bad(str(d.get("name", "gift rule")), "id must be a positive whole number")
    name = str(d.get("name") or f"gift rule {rid}")
    raw = d.get("gifts", [])
    if not isinstance(raw, list) or not raw:
        raise _bad(name, "gifts must list at least one {sku, qty}")
    gifts = []
    for g in raw:
        if not isinstance(g, Mapping) or not str(g.get("sku", "")).strip():
            raise _bad(name, "each gift needs a sku")
        qty = g.get("qty", 1)
        if not isinstance(qty, int) or isinstance(qty, bool) or qty <= 0:
            raise _bad(name, "gift qty must be a positive whole number")
        gifts.append((str(g["sku"]).strip(), qty))

    def amount(key: str) -> Decimal | None:
        v = d.get(key)
        if v in (None, ""):
            return None
        try:
            return money(str(v))
        except DomainError as exc:
            raise _bad(name, f"{key} is not an amount") from exc

    return GiftRule(
        rid, name, tuple(gifts), bool(d.get("enabled", True)),
        tuple(str(s) for s in d.get("shops", [])), amount("min_amount"), amount("max_amount"),
        tuple(str(s) for s in d.get("skus", [])), _opt_int(d, "min_qty", name),
        _time(d.get("start"), name), _time(d.get("end"), name),
        bool(d.get("first_order_only", False)), _opt_int(d, "limit_per_buyer", name),
        _opt_int(d, "limit_total", name), bool(d.get("exclusive", False)))


def gift_rules_from_dict(d: Mapping[str, Any]) -> tuple[GiftRule, ...]:
    if not isinstance(d, Mapping) or d.get("format", FORMAT) != FORMAT:
        raise _bad("gift rules", f"expected a document of format {FORMAT}")
    raw = d.get("rules", [])
    if not isinstance(raw, list):
        raise _bad("gift rules", "rules must be a list")
    rules = tuple(gift_rule_from_dict(r) for r in raw)
    if len({r.id for r in rules}) != len(rules):
        raise _bad("gift rules", "two gift rules share an id")
    return rules


def gift_rules_to_dict(rules: Sequence[GiftRule]) -> dict[str, Any]:
    return {"format": FORMAT, "rules": [r.to_dict() for r in rules]}


def gift_rules_to_json(rules: Sequence[GiftRule]) -> str:
    return json.dumps(gift_rules_to_dict(rules), ensure_ascii=False, indent=2)
