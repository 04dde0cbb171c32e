"""The order pipeline as one pure function over a chunk of orders:

    mapping → gifts → review rules → remote-region routes → merge → warehouse → split
    → courier

:func:`plan_chunk` takes orders as :class:`OrderFacts`, the configuration loaded once per
run, and a running view of available stock; it returns what to write (mapped SKUs, new
component and gift lines, parcels with their lines, holds, the stock to reserve) and, per
order, every decision with the rule behind it in words. The service writes the plan in bulk;
a dry run prints it; nothing here touches the database.

New lines (bundle components, gifts) get negative temporary ids, unique within the chunk;
the store swaps them for real ids when it inserts them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from ecerp_desktop.domain.facts import LineFacts, OrderFacts
from ecerp_desktop.domain.gifts import GiftRule, GiftUsage, evaluate_gifts
from ecerp_desktop.domain.mapping import Catalog, LineRef, MapResult, map_line
from ecerp_desktop.domain.merge import (
    OpenParcel,
    ParcelJoin,
    join_open_parcel,
    merge_key,
    open_candidates,
    plan_merges,
)
from ecerp_desktop.domain.money import ZERO
from ecerp_desktop.domain.orders import HoldReason, OrderStatus
from ecerp_desktop.domain.regions import RegionPattern, match_region
from ecerp_desktop.domain.routing import (
    CourierInfo,
    ParcelFacts,
    WarehouseInfo,
    choose_courier,
    warehouse_order,
)
from ecerp_desktop.domain.rules import Decision, Reviewer, RuleSet
from ecerp_desktop.domain.split import (
    Item,
    PlannedParcel,
    Stock,
    allocate,
    split_by_limits,
    split_presale,
    take,
)

PARCEL_OPEN = "open"  # approved, stock reserved, waiting for a waybill
PARCEL_INTERCEPTED = "intercepted"  # stopped by a refund (截单): never pack it
NO_COURIER = "no_courier"  # a hold reason beside HoldReason: nobody serves the parcel
GIFT_LINE_PREFIX = "gift:"  # platform_line_id of our gift lines: gift:<rule>:<sku code>
RULE_GIFT_PREFIX = "rulegift:"
COMPONENT_SEP = "#c"  # platform_line_id of a component line: <bundle line>#c<sku id>


# Enum values read once (a member's .value is a property: slow in the per-order loop)
_HELD, _APPROVED = OrderStatus.HELD.value, OrderStatus.APPROVED.value
_UNMAPPED_SKU, _REMOTE_REGION = HoldReason.UNMAPPED_SKU.value, HoldReason.REMOTE_REGION.value
_REFUND_PENDING, _OUT_OF_STOCK = HoldReason.REFUND_PENDING.value, HoldReason.OUT_OF_STOCK.value


@dataclass(frozen=True, slots=True)
class Options:
    """Pipeline settings the user changes (stored as the setting ``pipeline.options``)."""

    merge: bool = True
    merge_window_hours: float = 24.0
    split_by_warehouse: bool = True
    split_presale: bool = True
    max_parcel_weight_g: int | None = None
    max_parcel_volume_cm3: int | None = None  # SKUs without a volume count as 0 cm³

    def to_dict(self) -> dict[str, Any]:
        return {"merge": self.merge, "merge_window_hours": self.merge_window_hours,
                "split_by_warehouse": self.split_by_warehouse,
                "split_presale": self.split_presale,
                "max_parcel_weight_g": self.max_parcel_weight_g,
                "max_parcel_volume_cm3": self.max_parcel_volume_cm3}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> Options:
        d = d or {}
        mw = d.get("max_parcel_weight_g")
        mv = d.get("max_parcel_volume_cm3")
        return cls(bool(d.get("merge", True)), float(d.get("merge_window_hours", 24.0)),
                   bool(d.get("split_by_warehouse", True)), bool(d.get("split_presale", True)),
                   int(mw) if mw else None, int(mv) if mv else None)


@dataclass(frozen=True, slots=True)
class RemoteRoute:
    """A remote region (偏远地区) and what to do with orders to it."""

    pattern: RegionPattern
    hold: bool = False
    courier: str | None = None


@dataclass
class Config:
    """Everything a run needs, loaded once."""

    catalog: Catalog
    rules: RuleSet
    gift_rules: tuple[GiftRule, ...] = ()
    warehouses: list[WarehouseInfo] = field(default_factory=list)
    wh_priority: dict[str, list[int]] = field(default_factory=dict)
    couriers: list[CourierInfo] = field(default_factory=list)
    remote: list[RemoteRoute] = field(default_factory=list)
    options: Options = field(default_factory=Options)
    reviewer: Reviewer | None = None

    def __post_init__(self) -> None:
        from ecerp_desktop.domain.rules import Context

        if self.reviewer is None:
            ctx = Context(tuple(r.pattern for r in self.remote))
            self.reviewer = Reviewer(self.rules, ctx)
        self._wh_by_code = {w.code: w for w in self.warehouses}
        self._wh_names = {w.id: w.code for w in self.warehouses}
        self._courier_ids = {c.id: c.code for c in self.couriers}
        self._order_cache: dict[str, list[int]] = {}
        self._sku_limits = any(c.exclude_skus for c in self.couriers)
        # Per run: a platform line maps the same way every time, an address is in the
        # same remote region (the hot loop asks both for every order).
        self._map_cache: dict[tuple[int, LineRef], MapResult] = {}
        self._remote_patterns = [r.pattern for r in self.remote]
        self._route_cache: dict[tuple[str, str, str], RegionPattern | None] = {}

    def map_line(self, shop_id: int, ref: LineRef) -> MapResult:
        key = (shop_id, ref)
        got = self._map_cache.get(key)
        if got is None:
            got = self._map_cache[key] = map_line(self.catalog, shop_id, ref)
        return got

    def remote_route(self, province: str, city: str, district: str) -> RegionPattern | None:
        key = (province, city, district)
        if key in self._route_cache:
            return self._route_cache[key]
        got = self._route_cache[key] = match_region(self._remote_patterns, province, city,
                                                    district)
        return got

    @property
    def needs_buyer_history(self) -> bool:
        """True when a rule looks at the buyer's other or earlier orders."""
        kinds = {"first_order", "other_open_order"}

        def uses(conds: Sequence[Any]) -> bool:
            return any(c.kind in kinds or uses(c.params.get("conditions", ()))
                       for c in conds)
        return (any(uses(r.conditions) for r in self.rules.rules if r.enabled)
                or any(g.first_order_only for g in self.gift_rules if g.enabled))

    def wh_order(self, province: str) -> list[int]:
        got = self._order_cache.get(province)
        if got is None:
            got = warehouse_order(province, self.warehouses, self.wh_priority)
            self._order_cache[province] = got
        return got


@dataclass(frozen=True, slots=True)
class NewLine:
    temp_id: int  # negative, unique within the chunk
    order_id: int
    platform_line_id: str
    sku_id: int
    qty: int
    is_gift: bool
    parent_id: int | None = None  # the bundle line (a real id)
    paid_amount: Decimal = ZERO
    title: str = ""


@dataclass(slots=True)
class ParcelPlan:
    order_id: int  # the lead order
    seq: int
    warehouse_id: int
    courier_id: int | None
    cost: Decimal | None
    items: list[Item]

    @property
    def weight_g(self) -> int:
        return sum(i.weight_g * i.qty for i in self.items)


@dataclass(slots=True)
class Outcome:
    """One order's result: its new status and every decision in words."""

    order_id: int
    from_status: str
    status: str  # approved or held
    hold_reason: str = ""
    hold_detail: str = ""
    rule_id: int | None = None
    rule_name: str = ""
    tags: list[str] = field(default_factory=list)
    priority: int | None = None
    warehouse_id: int | None = None
    courier_id: int | None = None
    merged_into: int | None = None
    rerouted: bool = False
    why: list[str] = field(default_factory=list)


@dataclass(slots=True)
class GiftGranted:
    rule_id: int
    order_id: int
    buyer_key: str
    sku_id: int
    qty: int


@dataclass(slots=True)
class ChunkPlan:
    outcomes: list[Outcome] = field(default_factory=list)
    mapped: list[tuple[int, int]] = field(default_factory=list)  # (line id, sku id)
    new_lines: list[NewLine] = field(default_factory=list)
    parcels: list[ParcelPlan] = field(default_factory=list)
    gifts: list[GiftGranted] = field(default_factory=list)
    joins: list[ParcelJoin] = field(default_factory=list)  # into parcels of earlier runs

    def reservations(self) -> dict[tuple[int, int], int]:
        out: dict[tuple[int, int], int] = {}
        for wh, items in [(p.warehouse_id, p.items) for p in self.parcels] + [
                (j.warehouse_id, j.items) for j in self.joins]:
            for i in items:
                key = (wh, i.sku_id)
                out[key] = out.get(key, 0) + i.qty
        return out


class _Ids:
    def __init__(self) -> None:
        self.n = 0

    def next(self) -> int:
        self.n -= 1
        return self.n


def _enrich(cat: Catalog, ln: LineFacts) -> None:
    info = cat.skus.get(ln.sku_id) if ln.sku_id is not None else None
    if info is not None:
        ln.sku_code = info.code
        ln.weight_g = info.weight_g
        ln.price_floor = info.price_floor
        ln.volume_cm3 = info.volume_cm3 or 0


def map_order(o: OrderFacts, cat: Catalog, ids: _Ids, plan: ChunkPlan,
              mapper: Callable[[int, LineRef], MapResult] | None = None) -> list[str]:
    """Map every unmapped line, expand bundles. Returns the unmapped lines in words.
    *mapper* (shop id, line) → result replaces :func:`map_line` (a run's memo of it)."""
    unmapped: list[str] = []
    why: list[str] = []
    has_components = {ln.parent_id for ln in o.lines if ln.parent_id is not None}
    for ln in o.lines:
        if ln.parent_id is not None:
            ln.is_component = True
    added: list[LineFacts] = []
    for ln in o.lines:
        if ln.sku_id is None and not ln.is_gift and not ln.is_component:
            ref = ln.ref
            if ref is None:
                unmapped.append(f"line {ln.platform_line_id}: nothing to map by")
                continue
            res = mapper(o.shop_id, ref) if mapper else map_line(cat, o.shop_id, ref)
            if res.sku_id is None:
                hint = f" (likely: {', '.join(res.suggestions)})" if res.suggestions else ""
                unmapped.append(f"'{ref.title[:60]}' {res.why}{hint}")
                continue
            ln.sku_id = res.sku_id
            if ln.line_id > 0:
                plan.mapped.append((ln.line_id, res.sku_id))
            why.append(f"line {ln.platform_line_id}: {res.why}")
        _enrich(cat, ln)
        if ln.sku_id in cat.bundles and not ln.is_component:
            ln.bundle_parent = True
            if ln.line_id not in has_components:
                for comp in _components(cat, ln):
                    nl = NewLine(ids.next(), o.id,
                                 f"{ln.platform_line_id}{COMPONENT_SEP}{comp[0]}",
                                 comp[0], comp[1], ln.is_gift, ln.line_id, comp[2])
                    plan.new_lines.append(nl)
                    c = LineFacts(nl.temp_id, nl.sku_id, "", nl.qty, ZERO, nl.paid_amount,
                                  is_gift=ln.is_gift, is_presale=ln.is_presale,
                                  refunded=ln.refunded, is_component=True,
                                  platform_line_id=nl.platform_line_id, parent_id=ln.line_id)
                    _enrich(cat, c)
                    added.append(c)
                why.append(f"line {ln.platform_line_id}: bundle {ln.sku_code} → "
                           + ", ".join(f"{c.qty} × {c.sku_code}" for c in added
                                       if c.parent_id == ln.line_id))
    o.lines.extend(added)
    if unmapped:
        return unmapped
    return why


def _components(cat: Catalog, ln: LineFacts) -> list[tuple[int, int, Decimal]]:
    from ecerp_desktop.domain.mapping import expand_bundle

    return [(c.sku_id, c.qty, c.paid_amount)
            for c in expand_bundle(cat, ln.sku_id or 0, ln.qty, ln.paid_amount)]


def _add_gift_line(o: OrderFacts, cfg: Config, ids: _Ids, plan: ChunkPlan, line_key: str,
                   code: str, qty: int) -> str | None:
    info = cfg.catalog.sku_by_code(code)
    if info is None:
        return f"gift SKU {code} is unknown: not added"
    if any(ln.platform_line_id == line_key for ln in o.lines):
        return None
    nl = NewLine(ids.next(), o.id, line_key, info.id, qty, True, None, ZERO, "")
    plan.new_lines.append(nl)
    gl = LineFacts(nl.temp_id, info.id, info.code, qty, is_gift=True,
                   platform_line_id=line_key, is_presale=o.is_presale)
    _enrich(cfg.catalog, gl)
    o.lines.append(gl)
    return None


def _held(o: OrderFacts, reason: str, detail: str, why: list[str], rule_id: int | None = None,
          rule_name: str = "") -> Outcome:
    return Outcome(o.id, o.status, _HELD, reason, detail[:255], rule_id,
                   rule_name, why=why)


def plan_chunk(orders: Sequence[OrderFacts], cfg: Config, stock: Stock,
               usage: GiftUsage | None = None,
               load_stock: Callable[[set[int]], Mapping[tuple[int, int], int]] | None = None,
               load_open: Callable[[set[str]], Sequence[OpenParcel]] | None = None
               ) -> ChunkPlan:
    """Decide every order of the chunk. *stock* is consumed as parcels are planned, so the
    next chunk sees what this one took; *usage* counts gift grants across chunks.

    *load_stock*, when given, is called once after mapping with the SKU ids the approved
    orders need, and what it returns is added to *stock* (the service reads the balances
    then, in its transaction, once the platform lines are known as our SKUs).

    *load_open*, when given (and merging is on), is called once with the phone hashes of
    the orders that may merge and returns the open parcels of earlier runs they may join
    (:class:`ecerp_desktop.domain.merge.OpenParcel`).
    """
    usage = usage if usage is not None else GiftUsage()
    plan = ChunkPlan()
    ids = _Ids()
    reviewer = cfg.reviewer
    assert reviewer is not None
    decided: list[tuple[OrderFacts, Decision, Outcome]] = []
    held_ids: set[int] = set()
    for o in orders:
        why = map_order(o, cfg.catalog, ids, plan, cfg.map_line)
        if any(ln.sku_id is None and not ln.is_component for ln in o.lines
               if not ln.refunded):
            plan.outcomes.append(_held(o, _UNMAPPED_SKU, "; ".join(why),
                                       ["unmapped SKU: " + w for w in why]))
            held_ids.add(o.id)
            continue
        already = frozenset(int(ln.platform_line_id.split(":")[1]) for ln in o.lines
                            if ln.platform_line_id.startswith(GIFT_LINE_PREFIX))
        g = evaluate_gifts(cfg.gift_rules, o, usage, already)
        why += g.why
        for grant in g.grants:
            key = f"{GIFT_LINE_PREFIX}{grant.rule_id}:{grant.sku_code}"
            note = _add_gift_line(o, cfg, ids, plan, key, grant.sku_code, grant.qty)
            if note:
                why.append(note)
            else:
                info = cfg.catalog.sku_by_code(grant.sku_code)
                if info is not None:
                    plan.gifts.append(GiftGranted(grant.rule_id, o.id,
                                                  o.buyer_key or f"order:{o.id}", info.id,
                                                  grant.qty))
        d = reviewer.decide(o)
        why += d.why
        for code, qty, rule_id, _name in d.gifts:
            note = _add_gift_line(o, cfg, ids, plan, f"{RULE_GIFT_PREFIX}{rule_id}:{code}",
                                  code, qty)
            if note:
                why.append(note)
        if not d.approved:
            out = _held(o, d.hold_reason, d.hold_detail, why, d.rule_id, d.rule_name)
            out.tags, out.priority = d.tags, d.priority
            plan.outcomes.append(out)
            held_ids.add(o.id)
            continue
        route = cfg.remote_route(o.province, o.city, o.district) if cfg.remote else None
        if route is not None:
            rr = next(r for r in cfg.remote if r.pattern == route)
            if rr.hold:
                why.append(f"remote region {route}: configured to hold")
                out = _held(o, _REMOTE_REGION, f"remote region {route}", why)
                out.tags, out.priority = d.tags, d.priority
                plan.outcomes.append(out)
                held_ids.add(o.id)
                continue
            if rr.courier and d.courier is None:
                d.courier = rr.courier
                why.append(f"remote region {route}: routed to courier {rr.courier}")
        out = Outcome(o.id, o.status, _APPROVED, rule_id=d.rule_id,
                      rule_name=d.rule_name, tags=d.tags, priority=d.priority, why=why)
        decided.append((o, d, out))
    if load_stock is not None:
        need = {ln.sku_id for o, _, _ in decided for ln in o.lines if ln.sku_id is not None}
        stock.update(load_stock(need))
    held_facts = [o for o in orders if o.id in held_ids]
    open_parcels: Sequence[OpenParcel] = ()
    if load_open is not None and cfg.options.merge:
        hashes = {o.phone_hash for o in [*(o for o, _, _ in decided), *held_facts]
                  if merge_key(o) is not None}
        open_parcels = load_open(hashes) if hashes else ()
    _route_all(decided, held_facts, cfg, stock, plan, open_parcels)
    return plan


def _route_all(decided: list[tuple[OrderFacts, Decision, Outcome]], held: list[OrderFacts],
               cfg: Config, stock: Stock, plan: ChunkPlan,
               open_parcels: Sequence[OpenParcel] = ()) -> None:
    by_id = {o.id: (o, d, out) for o, d, out in decided}
    units: list[list[int]] = []
    if cfg.options.merge:
        mp = plan_merges([o for o, _, _ in decided] + held, timedelta(
            hours=cfg.options.merge_window_hours), [o.id for o in held])
        held_out = {out.order_id: out for out in plan.outcomes}
        for o in held:
            if o.id in mp.notes and o.id in held_out:
                held_out[o.id].why += mp.notes[o.id]
        grouped = mp.group_of()
        done: set[int] = set()
        for o, _, out in decided:
            out.why += mp.notes.get(o.id, [])
            grp = grouped.get(o.id)
            if grp is None:
                units.append([o.id])
            elif o.id not in done:
                units.append(list(grp.order_ids))
                done.update(grp.order_ids)
                for oid in grp.order_ids:
                    by_id[oid][2].why.append(grp.why)
    else:
        units = [[o.id] for o, _, _ in decided]
    # Urgent first: a higher priority gets the stock when it is short.
    units.sort(key=lambda u: (-max(by_id[i][1].priority or 0 for i in u), u[0]))
    if open_parcels:
        units = _join_open(units, by_id, held, cfg, stock, plan, open_parcels)
    for unit in units:
        if not _route_unit(unit, by_id, cfg, stock, plan) and len(unit) > 1:
            for oid in unit:
                by_id[oid][2].why.append("the merged parcel could not be filled: "
                                         "each order is routed on its own")
                _route_unit([oid], by_id, cfg, stock, plan, last_try=True)
    for _o, _d, out in decided:
        plan.outcomes.append(out)


def _join_open(units: list[list[int]], by_id: dict[int, tuple[OrderFacts, Decision, Outcome]],
               held: list[OrderFacts], cfg: Config, stock: Stock, plan: ChunkPlan,
               open_parcels: Sequence[OpenParcel]) -> list[list[int]]:
    """Add the units that may join an open parcel of an earlier run to it (合单 across
    runs); returns the units left to route as usual."""
    window = timedelta(hours=cfg.options.merge_window_hours)
    held_out = {out.order_id: out for out in plan.outcomes}
    for o in held:
        hit = open_candidates(o, open_parcels, window)
        if hit and o.id in held_out:
            held_out[o.id].why.append(
                f"held: not merged into open parcel {hit[0].parcel_id} of order "
                f"{hit[0].lead.id} (same buyer and address)")
    rest: list[list[int]] = []
    # A parcel as this chunk's joins leave it: a second unit joining the same parcel must
    # see the first one's weight, volume, amount and SKUs (limits, courier cost).
    now_open = list(open_parcels)
    for unit in units:
        lead = by_id[unit[0]][0]
        ds = [by_id[oid][1] for oid in unit]
        cands = open_candidates(lead, now_open, window)
        wh_code = next((d.warehouse for d in ds if d.warehouse), None)
        courier_code = next((d.courier for d in ds if d.courier), None)
        if cands and (wh_code or courier_code):
            wh = cfg._wh_by_code.get(wh_code) if wh_code else None
            cid = next((c.id for c in cfg.couriers if c.code == courier_code), None)
            fits = [p for p in cands
                    if (not wh_code or (wh is not None and wh.id == p.warehouse_id))
                    and (not courier_code or cid == p.courier_id)]
            if len(fits) < len(cands):
                for oid in unit:
                    by_id[oid][2].why.append(
                        "not merged into an open parcel with another warehouse or courier "
                        "than a rule chose")
            cands = fits
        if not cands:
            rest.append(unit)
            continue
        items = [Item(ln.line_id, by_id[oid][0].id, ln.sku_id or 0, ln.qty, ln.weight_g,
                      ln.is_presale or by_id[oid][0].is_presale, ln.volume_cm3)
                 for oid in unit for ln in by_id[oid][0].shipping_lines()]
        amount = sum((by_id[oid][0].paid_amount for oid in unit), ZERO)
        join, notes = join_open_parcel(unit, items, amount, cands, stock, cfg.couriers,
                                       cfg.options.max_parcel_weight_g,
                                       cfg.options.max_parcel_volume_cm3, cfg.catalog.code)
        for oid in unit:
            by_id[oid][2].why += notes
        if join is None:
            rest.append(unit)
            continue
        take(stock, [PlannedParcel(join.warehouse_id, list(join.items))])
        plan.joins.append(join)
        now_open = [p if p.parcel_id != join.parcel_id else replace(
            p, weight_g=p.weight_g + join.weight_g,
            volume_cm3=p.volume_cm3 + sum(i.volume_cm3 * i.qty for i in join.items),
            amount=p.amount + amount,
            sku_codes=p.sku_codes | {cfg.catalog.code(i.sku_id) for i in join.items},
            order_ids=(*p.order_ids, *join.order_ids)) for p in now_open]
        for oid in unit:
            o, _, out = by_id[oid]
            out.why.append(join.why)
            out.merged_into = join.lead_id
            out.warehouse_id, out.courier_id = join.warehouse_id, join.courier_id
            out.rerouted = _rerouted(o, join.warehouse_id, join.courier_id)
    return rest


def _route_unit(unit: list[int], by_id: dict[int, tuple[OrderFacts, Decision, Outcome]],
                cfg: Config, stock: Stock, plan: ChunkPlan, last_try: bool = False) -> bool:
    lead, d_lead, _ = by_id[unit[0]]
    items: list[Item] = []
    amount = ZERO
    for oid in unit:
        o = by_id[oid][0]
        amount += o.paid_amount
        for ln in o.shipping_lines():
            items.append(Item(ln.line_id, o.id, ln.sku_id or 0, ln.qty, ln.weight_g,
                              ln.is_presale or o.is_presale, ln.volume_cm3))
    outs = [by_id[oid][2] for oid in unit]
    forced_code = next((by_id[oid][1].warehouse for oid in unit if by_id[oid][1].warehouse),
                       None)
    if not items:
        for out in outs:
            _hold(out, _REFUND_PENDING, "no line left to ship")
        return True
    if forced_code is not None:
        w = cfg._wh_by_code.get(forced_code)
        if w is None or not w.active:
            for out in outs:
                out.why.append(f"warehouse {forced_code} asked by a rule is unknown or "
                               "inactive: the nearest is chosen instead")
            order = cfg.wh_order(lead.province)
        else:
            order = [w.id]
    else:
        order = cfg.wh_order(lead.province)
    names = cfg._wh_names
    alloc = allocate(items, order, stock, cfg.options.split_by_warehouse, names,
                     cfg.catalog.code)
    if not alloc.ok:
        if len(unit) > 1 and not last_try:
            return False
        for out in outs:
            out.why += alloc.why
            _hold(out, _OUT_OF_STOCK, "; ".join(alloc.why))
        return True
    parcels: list[PlannedParcel] = alloc.parcels
    if cfg.options.split_presale:
        parcels = split_presale(parcels)
    max_g, max_cm3 = cfg.options.max_parcel_weight_g, cfg.options.max_parcel_volume_cm3
    if max_g or max_cm3:
        parcels = [q for p in parcels for q in split_by_limits(p, max_g, max_cm3)]
    preferred = d_lead.courier or next((by_id[oid][1].courier for oid in unit
                                        if by_id[oid][1].courier), None)
    chosen: list[tuple[PlannedParcel, Any]] = []
    notes = list(alloc.why)
    if len(parcels) > len(alloc.parcels):
        notes.append(f"split into {len(parcels)} parcels"
                     + (f" (at most {max_g} g each)" if max_g else "")
                     + (f" (at most {max_cm3} cm³ each)" if max_cm3 else "")
                     + (" (pre-sale lines apart)" if any(p.presale for p in parcels) else ""))
    for p in parcels:
        wh_code = names.get(p.warehouse_id or 0, "")
        codes = (frozenset(cfg.catalog.code(i.sku_id) for i in p.items)
                 if cfg._sku_limits else frozenset())
        facts = ParcelFacts(lead.province, p.weight_g, amount, lead.shop_id, lead.shop_name,
                            codes, wh_code, lead.is_cod)
        choice = choose_courier(cfg.couriers, facts, preferred, "a rule" if d_lead.courier
                                else "the remote-region route")
        if choice.courier_id is None:
            for out in outs:
                out.why += [*notes, choice.why]
                _hold(out, NO_COURIER, choice.why)
            return True
        chosen.append((p, choice))
        notes.append(choice.why if len(parcels) == 1 else f"parcel from {wh_code}: {choice.why}")
    take(stock, alloc.parcels)
    for seq, (p, choice) in enumerate(chosen, 1):
        plan.parcels.append(ParcelPlan(lead.id, seq, p.warehouse_id or 0, choice.courier_id,
                                       choice.cost, p.items))
    first_wh, first_courier = chosen[0][0].warehouse_id, chosen[0][1].courier_id
    for oid in unit:
        o, _, out = by_id[oid]
        out.why += notes
        out.rerouted = _rerouted(o, first_wh, first_courier)
        out.warehouse_id, out.courier_id = first_wh, first_courier
        if oid != lead.id:
            out.merged_into = lead.id
    return True


def _rerouted(o: OrderFacts, wh: int | None, courier: int | None) -> bool:
    return ((o.prev_warehouse_id is not None and o.prev_warehouse_id != wh)
            or (o.prev_courier_id is not None and o.prev_courier_id != courier))


def _hold(out: Outcome, reason: str, detail: str) -> None:
    out.status = _HELD
    out.hold_reason = reason
    out.hold_detail = detail[:255]
    out.warehouse_id = out.courier_id = out.merged_into = None
