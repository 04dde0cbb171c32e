"""Stock alerts and reorder suggestions (库存预警 / 采购建议).

Per (warehouse, SKU): units sold over the last *days* from the ledger
(store/stock_metrics.flows), available now, and what is already coming — in transit in the
balances (placed POs, transfers) plus draft POs not yet placed. The shared arithmetic in
domain/stock_metrics gives days of cover and the quantity to order so that stock lasts the
lead time plus the target cover and never falls under the minimum, in whole packs.

Settings come from ``stock_alert_rules``: a rule for the warehouse beats a rule for every
warehouse (``warehouse_id`` 0, applied in each active warehouse), which beats the defaults
(no minimum, 15 days of cover, pack of 1); the lead time defaults to the SKU's supplier's. The list is sorted by urgency:
fewest days of cover first (below the minimum with no sales counts as 0 days).

:func:`draft_pos` turns chosen suggestions into draft POs, one per (supplier, warehouse),
at the supplier's last cost (else the SKU's cost).

Threads: any worker thread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.purchasing import LineInput
from ecerp_desktop.domain.stock_metrics import days_of_cover, reorder_quantity
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import purchasing as pur
from ecerp_desktop.store import Store, audit
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import purchasing as q
from ecerp_desktop.store import stock_metrics as sm
from ecerp_desktop.store.purchasing import AlertRule

DEFAULT_COVER_DAYS = 15
DEFAULT_LEAD_DAYS = 7
ALL_WAREHOUSES = 0


@dataclass(frozen=True, slots=True)
class Suggestion:
    warehouse_id: int
    warehouse_code: str
    sku_id: int
    sku_code: str
    sku_name: str
    supplier_id: int | None
    supplier_code: str
    supplier_name: str
    on_hand: int
    available: int
    in_transit: int
    on_draft: int  # on draft POs, not yet placed
    sold: int
    days: int
    days_of_cover: Decimal | None
    min_qty: int
    cover_days: int
    lead_days: int
    pack_size: int
    suggested: int
    unit_cost: Decimal

    @property
    def key(self) -> tuple[int, int]:
        return (self.warehouse_id, self.sku_id)

    @property
    def daily_rate(self) -> Decimal:
        return (Decimal(max(self.sold, 0)) / max(self.days, 1)).quantize(Decimal("0.01"))

    @property
    def below_min(self) -> bool:
        return self.available < self.min_qty


def _urgency(sg: Suggestion) -> tuple[Decimal, int, str, str]:
    cover = sg.days_of_cover
    if cover is None:  # nothing sold: urgent only when under its minimum
        cover = Decimal(0) if sg.below_min else Decimal(10**9)
    return (cover, -sg.suggested, sg.warehouse_code, sg.sku_code)


def suggestions(store: Store, actor: Actor, *, days: int = 30, warehouse: str | None = None,
                supplier: str | None = None, include_all: bool = False,
                now: datetime | None = None) -> list[Suggestion]:
    """What to reorder, most urgent first (only quantities > 0 unless *include_all*)."""
    actor.require(Permission.PURCHASE)
    if isinstance(days, bool) or not 1 <= days <= 3650:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=days)
    now = now or utcnow()
    with store.read() as s:
        wh_filter = pur.require_warehouse(s, warehouse) if warehouse else None
        sup_filter = pur.require_supplier(s, supplier) if supplier else None
        whs = {w.id: w for w in cat.warehouses(s)}
        flows = {(f.warehouse_id, f.sku_id): f for f in sm.flows(
            s, now - timedelta(days=days), now,
            warehouse_id=None if wh_filter is None else wh_filter.id)}
        rules = q.alert_rules(s)
        active = [w for w in whs.values() if w.active]
        keys = set(flows)
        for (w, k) in rules:  # a rule for every warehouse applies in each active one
            keys.update([(w, k)] if w != ALL_WAREHOUSES else [(a.id, k) for a in active])
        if wh_filter is not None:
            keys = {key for key in keys if key[0] == wh_filter.id}
        keys = {key for key in keys if key[0] in whs}
        skus = q.sku_facts(s)
        balances = q.balance_facts(s, None if wh_filter is None else wh_filter.id)
        drafts = q.draft_quantities(s)
        links = q.sku_suppliers(s)
        sups = {r.id: r for r in q.suppliers(s)}
    out: list[Suggestion] = []
    for (w, k) in keys:
        sku = skus.get(k)
        if sku is None or sku.is_bundle or not sku.active:
            continue
        link = links.get(k)
        sup = sups.get(link.supplier_id) if link is not None else None
        if sup_filter is not None and (sup is None or sup.id != sup_filter.id):
            continue
        rule = rules.get((w, k)) or rules.get((ALL_WAREHOUSES, k))
        flow = flows.get((w, k))
        sold, n_days = (flow.sold, flow.days) if flow is not None else (0, days)
        on_hand, reserved, in_transit = balances.get((w, k), (0, 0, 0))
        available = on_hand - reserved
        on_draft = drafts.get((w, k), 0)
        min_qty = rule.min_qty if rule else 0
        cover = rule.cover_days if rule and rule.cover_days is not None \
            else DEFAULT_COVER_DAYS
        lead = rule.lead_days if rule and rule.lead_days is not None \
            else (sup.lead_time_days if sup is not None else DEFAULT_LEAD_DAYS)
        pack = rule.pack_size if rule else 1
        qty = reorder_quantity(available=available, incoming=in_transit + on_draft,
                               sold=sold, days=n_days, lead_days=lead, cover_days=cover,
                               min_qty=min_qty, pack_size=pack)
        if qty <= 0 and not include_all:
            continue
        cost = link.last_cost if link is not None and link.last_cost is not None \
            else sku.cost
        out.append(Suggestion(
            w, whs[w].code, k, sku.code, sku.name, None if sup is None else sup.id,
            "" if sup is None else sup.code, "" if sup is None else sup.name, on_hand,
            available, in_transit, on_draft, sold, n_days,
            days_of_cover(available, sold, n_days), min_qty, cover, lead, pack, qty, cost))
    out.sort(key=_urgency)
    return out


@dataclass(frozen=True, slots=True)
class DraftResult:
    created: tuple[str, ...]  # PO numbers
    skipped: tuple[str, ...] = field(default=())  # SKU codes without a supplier


def draft_pos(store: Store, actor: Actor, picks: Sequence[Suggestion], *,
              supplier: str | None = None, quantities: dict[tuple[int, int], int] | None = None
              ) -> DraftResult:
    """Draft one PO per (supplier, warehouse) from the chosen suggestions, all in one
    transaction (one refused line drafts nothing); with *supplier*, every pick goes to that
    supplier. *quantities* overrides the suggested quantity per (warehouse, SKU). SKUs with
    no supplier are skipped and named."""
    actor.require(Permission.PURCHASE)
    groups: dict[tuple[str, str], list[LineInput]] = defaultdict(list)
    skipped: list[str] = []
    for sg in picks:
        qty = (quantities or {}).get(sg.key, sg.suggested)
        if qty <= 0:
            continue
        sup = supplier or sg.supplier_code
        if not sup:
            skipped.append(sg.sku_code)
            continue
        groups[(sup, sg.warehouse_code)].append(LineInput(sg.sku_code, qty, sg.unit_cost))
    if not groups and not skipped:
        raise DomainError(ErrorCode.REQUIRED, what="suggestions")
    with store.write() as s:
        created = [pur.new_draft(s, actor, supplier=sup, warehouse=wh, lines=lines,
                                 remark="reorder suggestion")
                   for (sup, wh), lines in sorted(groups.items())]
    return DraftResult(tuple(created), tuple(skipped))


def draft_from_suggestions(store: Store, actor: Actor, *, days: int = 30,
                           supplier: str | None = None, warehouse: str | None = None
                           ) -> DraftResult:
    """Every current suggestion (of *supplier*'s SKUs when named) drafted into POs."""
    picks = suggestions(store, actor, days=days, warehouse=warehouse, supplier=supplier)
    if not picks:
        return DraftResult(())
    return draft_pos(store, actor, picks, supplier=supplier)


# --- alert rules -----------------------------------------------------------------------------

def set_rule(store: Store, actor: Actor, sku: str, *, warehouse: str | None = None,
             min_qty: int = 0, cover_days: int | None = None, lead_days: int | None = None,
             pack_size: int = 1) -> AlertRule:
    """Set the alert settings of a SKU, for one warehouse or (no warehouse) all of them."""
    actor.require(Permission.PURCHASE)
    for value in (min_qty, cover_days, lead_days):
        if value is not None and (isinstance(value, bool) or not 0 <= value <= 100_000):
            raise DomainError(ErrorCode.INVALID_QUANTITY, value=value)
    if isinstance(pack_size, bool) or not 1 <= pack_size <= 100_000:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=pack_size)
    now = utcnow()
    with store.write() as s:
        found = pur.require_sku(s, sku)
        wh_id = pur.require_warehouse(s, warehouse).id if warehouse else ALL_WAREHOUSES
        rule = AlertRule(found.id, wh_id, min_qty, cover_days, lead_days, pack_size)
        q.upsert_rule(s, rule, now)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="stock_alert.set", entity="sku", entity_id=found.code,
                     detail={"warehouse": warehouse or "*", "min_qty": min_qty,
                             "cover_days": cover_days, "lead_days": lead_days,
                             "pack_size": pack_size})
        return rule


def rules(store: Store, actor: Actor) -> list[tuple[str, str, AlertRule]]:
    """Every alert rule as (SKU code, warehouse code or "*", rule)."""
    actor.require(Permission.PURCHASE)
    with store.read() as s:
        found = q.alert_rules(s)
        whs = {w.id: w.code for w in cat.warehouses(s)}
        ids = sorted({k for _, k in found})
        codes = {r.id: r.code for r in cat.skus(s, ids=ids)} if ids else {}
    return sorted(((codes.get(r.sku_id, str(r.sku_id)),
                    whs.get(r.warehouse_id, "*") if r.warehouse_id else "*", r)
                   for r in found.values()), key=lambda t: (t[0], t[1]))
