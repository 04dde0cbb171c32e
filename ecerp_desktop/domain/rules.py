"""Review rules (智能审单): an ordered list of rules, each "when all conditions hold, do these
actions", kept as a readable document that a clerk edits and that ``ecerp rules export``
writes.

Semantics (the contract a clerk relies on; the rules screen shows it):

* Rules are read top to bottom; disabled rules are skipped, and so is a rule whose hold a
  clerk already released for this order (so releasing a hold is not undone by a re-run).
* A rule matches when ALL its conditions hold (a rule without conditions always matches;
  the ``any`` condition groups alternatives; ``"not": true`` turns a condition round).
* A matching rule applies its side actions first: tag, gift, courier, warehouse, priority.
  Courier, warehouse and priority are first-come: a later rule never overrides what an
  earlier rule set. Tags and gifts add up.
* Then, if the matching rule has ``hold``, the order is held with that reason and NOTHING
  below is read (the first matching hold wins). If it has ``approve``, the order is approved
  and nothing below is read either (an early approve rule is a deliberate fast lane).
* If no rule stopped the reading, the set's ``default`` decides: ``approve`` (automatic
  review) or ``hold`` (everything waits for a clerk, reason ``manual``).

Every decision carries a "why": the rules that matched, with the facts that made them match.

Document form (JSON, or TOML with ``[[rules]]`` tables)::

    {"format": "ecerp-rules/1", "default": "approve",
     "sku_groups": {"fragile": ["GLASS-1", "GLASS-2"]},
     "rules": [{"id": 1, "name": "big orders", "enabled": true,
                "when": [{"kind": "paid_amount", "min": "2000"}],
                "then": [{"kind": "hold", "reason": "rule", "detail": "check by hand"}]}]}
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.facts import OrderFacts
from ecerp_desktop.domain.money import money
from ecerp_desktop.domain.orders import HoldReason
from ecerp_desktop.domain.regions import (
    DEFAULT_REMOTE_REGIONS,
    RegionPattern,
    address_problems,
    match_region,
)

FORMAT = "ecerp-rules/1"
SELLER_FLAGS = {0: "none", 1: "red", 2: "yellow", 3: "green", 4: "blue", 5: "purple"}


@dataclass(frozen=True, slots=True)
class Condition:
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)
    negate: bool = False

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind}
        if self.negate:
            d["not"] = True
        for k, v in self.params.items():
            d[k] = [c.to_dict() for c in v] if k == "conditions" else v
        return d


@dataclass(frozen=True, slots=True)
class Action:
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.params}


@dataclass(frozen=True, slots=True)
class Rule:
    id: int
    name: str
    conditions: tuple[Condition, ...] = ()
    actions: tuple[Action, ...] = ()
    enabled: bool = True
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "name": self.name, "enabled": self.enabled,
                             "when": [c.to_dict() for c in self.conditions],
                             "then": [a.to_dict() for a in self.actions]}
        if self.note:
            d["note"] = self.note
        return d

    @property
    def terminal(self) -> str | None:
        for a in self.actions:
            if a.kind in ("approve", "hold"):
                return a.kind
        return None


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...] = ()
    default: str = "approve"  # or "hold"
    sku_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    version: int = 0  # set by the store: every saved change is a new version

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "default": self.default,
                "sku_groups": {k: list(v) for k, v in self.sku_groups.items()},
                "rules": [r.to_dict() for r in self.rules]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def rule(self, rule_id: int) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


# --- conditions ----------------------------------------------------------------------------

Pred = Callable[[OrderFacts], str | None]  # the matched facts in words, or None: no match


@dataclass(frozen=True, slots=True)
class Context:
    """What conditions need beyond the order: the remote-region list and SKU groups."""

    remote_regions: tuple[RegionPattern, ...] = tuple(
        RegionPattern.parse(r) for r in DEFAULT_REMOTE_REGIONS)
    sku_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _bad(kind: str, msg: str) -> DomainError:
    return DomainError(ErrorCode.RULES_INVALID, where=kind, error=msg)


def _money_or_none(p: Mapping[str, Any], key: str, kind: str) -> Decimal | None:
    v = p.get(key)
    if v is None or v == "":
        return None
    try:
        return money(str(v))
    except DomainError as exc:
        raise _bad(kind, f"{key} is not an amount: {v!r}") from exc


def _int_or_none(p: Mapping[str, Any], key: str, kind: str) -> int | None:
    v = p.get(key)
    if v is None or v == "":
        return None
    if isinstance(v, bool) or not isinstance(v, int | str):
        raise _bad(kind, f"{key} is not a whole number: {v!r}")
    try:
        return int(v)
    except ValueError as exc:
        raise _bad(kind, f"{key} is not a whole number: {v!r}") from exc


def _strings(p: Mapping[str, Any], key: str, kind: str, required: bool = False) -> list[str]:
    v = p.get(key, [])
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str | int) for x in v):
        raise _bad(kind, f"{key} must be a list of texts")
    if required and not v:
        raise _bad(kind, f"{key} must not be empty")
    return [str(x) for x in v]


def _range_text(lo: Any, hi: Any, unit: str = "") -> str:
    if lo is not None and hi is not None:
        return f"between {lo}{unit} and {hi}{unit}"
    return f"≥ {lo}{unit}" if lo is not None else f"≤ {hi}{unit}"


def _in_range(value: Any, lo: Any, hi: Any) -> bool:
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def _need_range(kind: str, lo: Any, hi: Any) -> None:
    if lo is None and hi is None:
        raise _bad(kind, "give min, max or both")


def _c_shop(p: Mapping[str, Any], ctx: Context) -> Pred:
    shops = set(_strings(p, "shops", "shop", required=True))

    def pred(o: OrderFacts) -> str | None:
        if str(o.shop_id) in shops or o.shop_name in shops:
            return f"shop is {o.shop_name or o.shop_id}"
        return None
    return pred


def _c_platform(p: Mapping[str, Any], ctx: Context) -> Pred:
    platforms = {x.lower() for x in _strings(p, "platforms", "platform", required=True)}

    def pred(o: OrderFacts) -> str | None:
        return f"platform is {o.platform}" if o.platform.lower() in platforms else None
    return pred


def _c_paid_amount(p: Mapping[str, Any], ctx: Context) -> Pred:
    lo, hi = _money_or_none(p, "min", "paid_amount"), _money_or_none(p, "max", "paid_amount")
    _need_range("paid_amount", lo, hi)

    def pred(o: OrderFacts) -> str | None:
        if _in_range(o.paid_amount, lo, hi):
            return f"paid {o.paid_amount} is {_range_text(lo, hi)}"
        return None
    return pred


def _c_line_count(p: Mapping[str, Any], ctx: Context) -> Pred:
    lo, hi = _int_or_none(p, "min", "line_count"), _int_or_none(p, "max", "line_count")
    _need_range("line_count", lo, hi)

    def pred(o: OrderFacts) -> str | None:
        n = len(o.sale_lines)
        return f"{n} lines is {_range_text(lo, hi)}" if _in_range(n, lo, hi) else None
    return pred


def _sku_set(p: Mapping[str, Any], ctx: Context, kind: str) -> set[str]:
    codes = {c.strip().upper() for c in _strings(p, "skus", kind)}
    group = p.get("group")
    if group:
        if group not in ctx.sku_groups:
            raise _bad(kind, f"no SKU group {group!r}")
        codes |= {c.strip().upper() for c in ctx.sku_groups[group]}
    return codes


def _c_sku(p: Mapping[str, Any], ctx: Context) -> Pred:
    codes = _sku_set(p, ctx, "sku")
    if not codes:
        raise _bad("sku", "give skus or a group")
    mode = p.get("match", "any")
    if mode not in ("any", "all", "only"):
        raise _bad("sku", "match must be any, all or only")
    label = f"group {p['group']}" if p.get("group") else ", ".join(sorted(codes)[:5])

    def pred(o: OrderFacts) -> str | None:
        have = {ln.sku_code.upper() for ln in o.lines if not ln.is_gift and ln.sku_code}
        if mode == "any":
            hit = have & codes
            return f"contains {', '.join(sorted(hit))} ({label})" if hit else None
        if mode == "all":
            return f"contains all of {label}" if codes <= have else None
        return f"contains only {label}" if have and have <= codes else None
    return pred


def _c_quantity(p: Mapping[str, Any], ctx: Context) -> Pred:
    lo, hi = _int_or_none(p, "min", "quantity"), _int_or_none(p, "max", "quantity")
    _need_range("quantity", lo, hi)
    codes = _sku_set(p, ctx, "quantity")

    def pred(o: OrderFacts) -> str | None:
        n = sum(ln.qty for ln in o.sale_lines
                if not codes or ln.sku_code.upper() in codes)
        what = "of " + ", ".join(sorted(codes)[:5]) if codes else "in total"
        return f"quantity {n} {what} is {_range_text(lo, hi)}" if _in_range(n, lo, hi) else None
    return pred


def _c_weight(p: Mapping[str, Any], ctx: Context) -> Pred:
    lo, hi = _int_or_none(p, "min_g", "weight"), _int_or_none(p, "max_g", "weight")
    _need_range("weight", lo, hi)

    def pred(o: OrderFacts) -> str | None:
        w = o.weight_g
        return f"weight {w} g is {_range_text(lo, hi, ' g')}" if _in_range(w, lo, hi) else None
    return pred


def _text_cond(attr: str, label: str) -> Callable[[Mapping[str, Any], Context], Pred]:
    def make(p: Mapping[str, Any], ctx: Context) -> Pred:
        words = [w for w in _strings(p, "contains", attr) if w]
        present = p.get("present", True)

        def pred(o: OrderFacts) -> str | None:
            text: str = getattr(o, attr)
            if words:
                hit = next((w for w in words if w in text), None)
                return f"{label} contains {hit!r}" if hit is not None else None
            has = bool(text.strip())
            if has == bool(present):
                return f"{label} {'present' if has else 'empty'}"
            return None
        return pred
    return make


def _c_seller_flag(p: Mapping[str, Any], ctx: Context) -> Pred:
    raw = p.get("flags", [])
    names = {v: k for k, v in SELLER_FLAGS.items()}
    flags: set[int] = set()
    for f in raw if isinstance(raw, list) else [raw]:
        if isinstance(f, str) and f in names:
            flags.add(names[f])
        elif isinstance(f, int) and not isinstance(f, bool):
            flags.add(f)
        else:
            raise _bad("seller_flag", f"unknown flag {f!r} (use 0-5 or {', '.join(names)})")
    if not flags:
        raise _bad("seller_flag", "flags must not be empty")

    def pred(o: OrderFacts) -> str | None:
        if o.seller_flag in flags:
            return f"seller flag {SELLER_FLAGS.get(o.seller_flag, o.seller_flag)}"
        return None
    return pred


def _c_region(p: Mapping[str, Any], ctx: Context) -> Pred:
    patterns = tuple(RegionPattern.parse(r) for r in _strings(p, "regions", "region",
                                                              required=True))

    def pred(o: OrderFacts) -> str | None:
        hit = match_region(patterns, o.province, o.city, o.district)
        return f"address in {hit}" if hit else None
    return pred


def _c_remote(p: Mapping[str, Any], ctx: Context) -> Pred:
    def pred(o: OrderFacts) -> str | None:
        hit = match_region(ctx.remote_regions, o.province, o.city, o.district)
        return f"remote region {hit}" if hit else None
    return pred


def _c_address(p: Mapping[str, Any], ctx: Context) -> Pred:
    min_chars = _int_or_none(p, "min_detail_chars", "address_incomplete") or 5

    def pred(o: OrderFacts) -> str | None:
        problems = address_problems(o.province, o.city, o.district, o.address_detail,
                                    min_chars)
        return "address: " + "; ".join(problems) if problems else None
    return pred


def _flag_cond(attr: str, label: str) -> Callable[[Mapping[str, Any], Context], Pred]:
    def make(p: Mapping[str, Any], ctx: Context) -> Pred:
        def pred(o: OrderFacts) -> str | None:
            return label if getattr(o, attr) else None
        return pred
    return make


def _c_price_floor(p: Mapping[str, Any], ctx: Context) -> Pred:
    def pred(o: OrderFacts) -> str | None:
        for ln in o.sale_lines:
            if ln.price_floor is None or ln.qty <= 0:
                continue
            unit = (ln.paid_amount / ln.qty).quantize(Decimal("0.01"))
            if unit < ln.price_floor:
                return f"{ln.sku_code} sold at {unit}, below its floor {ln.price_floor}"
        return None
    return pred


def _c_other_open(p: Mapping[str, Any], ctx: Context) -> Pred:
    def pred(o: OrderFacts) -> str | None:
        n = o.other_open_orders
        return f"the buyer has {n} other open order(s)" if n > 0 else None
    return pred


def _c_first_order(p: Mapping[str, Any], ctx: Context) -> Pred:
    def pred(o: OrderFacts) -> str | None:
        return "the buyer's first order" if o.buyer_order_count == 0 else None
    return pred


def _c_any(p: Mapping[str, Any], ctx: Context) -> Pred:
    subs = p.get("conditions")
    if not isinstance(subs, list | tuple) or not subs:
        raise _bad("any", "conditions must be a non-empty list")
    preds = [compile_condition(c if isinstance(c, Condition) else condition_from_dict(c), ctx)
             for c in subs]

    def pred(o: OrderFacts) -> str | None:
        for q in preds:
            text = q(o)
            if text is not None:
                return text
        return None
    return pred


CONDITIONS: dict[str, Callable[[Mapping[str, Any], Context], Pred]] = {
    "shop": _c_shop,
    "platform": _c_platform,
    "paid_amount": _c_paid_amount,
    "line_count": _c_line_count,
    "sku": _c_sku,
    "quantity": _c_quantity,
    "weight": _c_weight,
    "buyer_message": _text_cond("buyer_message", "buyer message"),
    "seller_memo": _text_cond("seller_memo", "seller memo"),
    "seller_flag": _c_seller_flag,
    "region": _c_region,
    "remote_region": _c_remote,
    "address_incomplete": _c_address,
    "cod": _flag_cond("is_cod", "cash on delivery"),
    "presale": _flag_cond("is_presale", "pre-sale"),
    "blacklist": _flag_cond("buyer_blacklisted", "buyer on the blacklist"),
    "price_below_floor": _c_price_floor,
    "other_open_order": _c_other_open,
    "first_order": _c_first_order,
    "any": _c_any,
}


def compile_condition(c: Condition, ctx: Context) -> Pred:
    make = CONDITIONS.get(c.kind)
    if make is None:
        raise _bad(c.kind, f"unknown condition (known: {', '.join(sorted(CONDITIONS))})")
    inner = make(c.params, ctx)
    if not c.negate:
        return inner

    def negated(o: OrderFacts) -> str | None:
        return None if inner(o) is not None else f"not ({c.kind})"
    return negated


# --- actions -------------------------------------------------------------------------------

ACTIONS: dict[str, tuple[str, ...]] = {  # kind → required parameters
    "approve": (),
    "hold": (),
    "assign_courier": ("courier",),
    "assign_warehouse": ("warehouse",),
    "add_gift": ("sku",),
    "add_tag": ("tag",),
    "set_priority": ("priority",),
}


def _check_action(a: Action, rule: str) -> None:
    need = ACTIONS.get(a.kind)
    if need is None:
        raise _bad(rule, f"unknown action {a.kind!r} (known: {', '.join(ACTIONS)})")
    for k in need:
        if a.params.get(k) in (None, ""):
            raise _bad(rule, f"action {a.kind} needs {k}")
    if a.kind == "set_priority":
        _int_or_none(a.params, "priority", rule)
    if a.kind == "add_gift":
        qty = _int_or_none(a.params, "qty", rule)
        if qty is not None and qty <= 0:
            raise _bad(rule, "gift qty must be positive")


# --- the decision --------------------------------------------------------------------------

@dataclass(slots=True)
class Decision:
    """What the rules decided for one order, and why."""

    approved: bool = True
    hold_reason: str = ""
    hold_detail: str = ""
    rule_id: int | None = None  # the rule that approved or held (None: the default)
    rule_name: str = ""
    courier: str | None = None
    warehouse: str | None = None
    priority: int | None = None
    tags: list[str] = field(default_factory=list)
    gifts: list[tuple[str, int, int, str]] = field(default_factory=list)  # code, qty, rule id, name
    why: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Compiled:
    rule: Rule
    preds: tuple[Pred, ...]


class Reviewer:
    """A rule set compiled once, then applied to many orders (microseconds each)."""

    def __init__(self, rules: RuleSet, ctx: Context | None = None) -> None:
        self.rules = rules
        ctx = ctx or Context()
        if rules.sku_groups:
            ctx = Context(ctx.remote_regions, {**ctx.sku_groups, **rules.sku_groups})
        self._compiled = [
            _Compiled(r, tuple(compile_condition(c, ctx) for c in r.conditions))
            for r in rules.rules if r.enabled]

    def decide(self, o: OrderFacts) -> Decision:
        d = Decision()
        for c in self._compiled:
            r = c.rule
            if r.id in o.released_rule_ids:
                if r.terminal == "hold":
                    d.why.append(f"rule {r.id} '{r.name}' skipped: a clerk released its hold")
                    continue
            facts: list[str] = []
            for pred in c.preds:
                text = pred(o)
                if text is None:
                    break
                facts.append(text)
            else:
                if self._apply(d, r, facts):
                    return d
        if self.rules.default == "hold":
            d.approved = False
            d.hold_reason = HoldReason.MANUAL.value
            d.hold_detail = "no rule approved it; the rule set waits for a clerk"
            d.rule_name = "(default)"
            d.why.append("no rule decided: default is hold for a clerk")
        else:
            d.why.append("no rule held it: approved by default")
        return d

    @staticmethod
    def _apply(d: Decision, r: Rule, facts: list[str]) -> bool:
        label = f"rule {r.id} '{r.name}'"
        d.why.append(f"{label} matched: {'; '.join(facts) if facts else 'always'}")
        for a in r.actions:
            p = a.params
            if a.kind == "add_tag":
                tag = str(p["tag"])
                if tag not in d.tags:
                    d.tags.append(tag)
                    d.why.append(f"{label}: tag {tag}")
            elif a.kind == "add_gift":
                qty = int(p.get("qty", 1))
                d.gifts.append((str(p["sku"]), qty, r.id, r.name))
                d.why.append(f"{label}: gift {qty} × {p['sku']}")
            elif a.kind == "assign_courier":
                if d.courier is None:
                    d.courier = str(p["courier"])
                    d.why.append(f"{label}: courier {d.courier}")
            elif a.kind == "assign_warehouse":
                if d.warehouse is None:
                    d.warehouse = str(p["warehouse"])
                    d.why.append(f"{label}: warehouse {d.warehouse}")
            elif a.kind == "set_priority" and d.priority is None:
                d.priority = int(p["priority"])
                d.why.append(f"{label}: priority {d.priority}")
        for a in r.actions:
            if a.kind == "hold":
                d.approved = False
                d.hold_reason = str(a.params.get("reason") or HoldReason.RULE.value)
                d.hold_detail = str(a.params.get("detail", "")) or "; ".join(facts)
                d.rule_id, d.rule_name = r.id, r.name
                d.why.append(f"{label}: hold ({d.hold_reason})")
                return True
            if a.kind == "approve":
                d.rule_id, d.rule_name = r.id, r.name
                d.why.append(f"{label}: approve")
                return True
        return False


# --- reading and writing the document ------------------------------------------------------

def condition_from_dict(d: Mapping[str, Any]) -> Condition:
    if not isinstance(d, Mapping) or not isinstance(d.get("kind"), str):
        raise _bad("condition", f"each condition needs a kind: {d!r}"[:200])
    params = {k: v for k, v in d.items() if k not in ("kind", "not")}
    if "conditions" in params:
        subs = params["conditions"]
        if not isinstance(subs, list):
            raise _bad("any", "conditions must be a list")
        params["conditions"] = tuple(condition_from_dict(c) for c in subs)
    return Condition(d["kind"], params, bool(d.get("not", False)))


def rule_from_dict(d: Mapping[str, Any]) -> Rule:
    if not isinstance(d, Mapping):
        raise _bad("rule", "each rule must be a table/object")
    rid = d.get("id")
    if not isinstance(rid, int) or isinstance(rid, bool) or rid <= 0:
        raise _bad(str(d.get("name", "rule")), "id must be a positive whole number")
    name = str(d.get("name", "")).strip() or f"rule {rid}"
    when, then = d.get("when", []), d.get("then", [])
    if not isinstance(when, list) or not isinstance(then, list):
        raise _bad(name, "when and then must be lists")
    actions = []
    for a in then:
        if not isinstance(a, Mapping) or not isinstance(a.get("kind"), str):
            raise _bad(name, f"each action needs a kind: {a!r}"[:200])
        act = Action(a["kind"], {k: v for k, v in a.items() if k != "kind"})
        _check_action(act, name)
        actions.append(act)
    terminal = [a.kind for a in actions if a.kind in ("approve", "hold")]
    if len(terminal) > 1:
        raise _bad(name, "a rule either approves or holds, not both")
    return Rule(rid, name, tuple(condition_from_dict(c) for c in when), tuple(actions),
                bool(d.get("enabled", True)), str(d.get("note", "")))


def ruleset_from_dict(d: Mapping[str, Any], version: int = 0) -> RuleSet:
    """Read and validate a rule document; raises RULES_INVALID naming the rule at fault."""
    if not isinstance(d, Mapping):
        raise _bad("document", "the rule document must be an object")
    fmt = d.get("format", FORMAT)
    if fmt != FORMAT:
        raise _bad("document", f"unknown format {fmt!r} (expected {FORMAT})")
    default = d.get("default", "approve")
    if default not in ("approve", "hold"):
        raise _bad("document", "default must be approve or hold")
    groups_raw = d.get("sku_groups", {})
    if not isinstance(groups_raw, Mapping):
        raise _bad("sku_groups", "must map a group name to a list of SKU codes")
    groups = {str(k): tuple(_strings({"v": v}, "v", f"group {k}")) for k, v in
              groups_raw.items()}
    raw_rules = d.get("rules", [])
    if not isinstance(raw_rules, list):
        raise _bad("rules", "must be a list")
    rules = tuple(rule_from_dict(r) for r in raw_rules)
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise _bad("rules", "two rules share an id")
    rs = RuleSet(rules, default, groups, version)
    Reviewer(rs)  # compile once: unknown kinds and bad parameters fail here, not mid-run
    return rs


def parse_rules(text: str, fmt: str = "json", version: int = 0) -> RuleSet:
    """A rule document from JSON or TOML text."""
    try:
        data = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise DomainError(ErrorCode.RULES_INVALID, where="document", error=str(exc)) from exc
    return ruleset_from_dict(data, version)


def describe(rule: Rule) -> str:
    """One line for the rules screen: 'when paid_amount(min=2000) then hold(...)'."""
    def one(x: Condition | Action) -> str:
        params = ", ".join(f"{k}={v}" for k, v in x.params.items() if k != "conditions")
        neg = "not " if isinstance(x, Condition) and x.negate else ""
        return f"{neg}{x.kind}({params})" if params else f"{neg}{x.kind}"
    when = " and ".join(one(c) for c in rule.conditions) or "always"
    then = ", ".join(one(a) for a in rule.actions) or "nothing"
    return f"when {when} then {then}"


def decide_all(reviewer: Reviewer, orders: Sequence[OrderFacts]) -> list[Decision]:
    return [reviewer.decide(o) for o in orders]
