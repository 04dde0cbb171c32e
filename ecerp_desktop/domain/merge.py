"""Merge (合单): orders of one buyer to one address and phone ship as one parcel.

Eligible: the shop allows merging, not cash on delivery, not pre-sale, a phone and an
address to compare, not tagged ``no_merge`` (set when a clerk undoes a merge). Orders with
the same key are merged when paid within the window of the group's first order. A held
order is never merged silently: it stays apart and the orders it would have joined say so
in their "why".

An order may also join a parcel approved in an earlier run (:class:`OpenParcel`,
:func:`join_open_parcel`) while that parcel is still open: no waybill asked for or issued,
nothing printed, no packing station holding it, the lead order still approved. The
parcel keeps its warehouse and courier; the new lines are reserved there in the same
transaction, or the order is routed on its own when the parcel cannot take them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ecerp_desktop.domain.facts import OrderFacts
from ecerp_desktop.domain.regions import city_short, province_short
from ecerp_desktop.domain.routing import CourierInfo, ParcelFacts, serves
from ecerp_desktop.domain.split import Item

NO_MERGE_TAG = "no_merge"
_BLANKS = re.compile(r"[\s,，。.·\-—_#()（）]+")

MergeKey = tuple[str, str, str, str, str, str, str, str]


def merge_key(o: OrderFacts) -> MergeKey | None:
    """The identity two orders must share to merge, or None when *o* may not merge."""
    if not o.shop_allows_merge or o.is_cod or o.is_presale or NO_MERGE_TAG in o.tags:
        return None
    if not o.phone_hash or not o.address_detail.strip():
        return None
    detail = _BLANKS.sub("", o.address_detail).lower()
    return (o.platform, o.buyer_key, o.phone_hash, province_short(o.province),
            city_short(o.city), o.district.strip(), detail, o.receiver_name.strip())


def why_not(o: OrderFacts) -> str:
    if not o.shop_allows_merge:
        return "the shop does not allow merging"
    if o.is_cod:
        return "cash on delivery"
    if o.is_presale:
        return "pre-sale"
    if NO_MERGE_TAG in o.tags:
        return "a clerk undid a merge of this order"
    return "no phone or address to compare"


@dataclass(frozen=True, slots=True)
class MergeGroup:
    lead_id: int  # the earliest paid order; its parcel carries the others' lines
    order_ids: tuple[int, ...]  # lead first
    why: str


@dataclass(slots=True)
class MergePlan:
    groups: list[MergeGroup] = field(default_factory=list)
    notes: dict[int, list[str]] = field(default_factory=dict)  # order id → why not merged

    def group_of(self) -> dict[int, MergeGroup]:
        return {oid: g for g in self.groups for oid in g.order_ids}


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def plan_merges(orders: Sequence[OrderFacts], window: timedelta,
                held: Iterable[int] = ()) -> MergePlan:
    """Group *orders* (those the rules approved plus, in *held*, the ones they held)."""
    held_ids = set(held)
    plan = MergePlan()
    by_key: dict[MergeKey, list[OrderFacts]] = {}
    for o in orders:
        k = merge_key(o)
        if k is not None:
            by_key.setdefault(k, []).append(o)
    for same in by_key.values():
        if len(same) < 2:
            continue
        held_here = [o.id for o in same if o.id in held_ids]
        ok = sorted((o for o in same if o.id not in held_ids),
                    key=lambda o: (o.paid_at or o.created_at or _EPOCH, o.id))
        for o in ok:
            if held_here:
                plan.notes.setdefault(o.id, []).append(
                    "not merged with held order(s) "
                    + ", ".join(map(str, held_here)) + " of the same buyer and address")
        for hid in held_here:
            plan.notes.setdefault(hid, []).append(
                "held: not merged with the buyer's other orders to the same address")
        group: list[OrderFacts] = []
        for o in ok:
            t = o.paid_at or o.created_at or _EPOCH
            start = (group[0].paid_at or group[0].created_at or _EPOCH) if group else t
            if group and t - start <= window:
                group.append(o)
                continue
            _close(plan, group, window)
            group = [o]
        _close(plan, group, window)
    return plan


def _close(plan: MergePlan, group: list[OrderFacts], window: timedelta) -> None:
    if len(group) < 2:
        return
    ids = tuple(o.id for o in group)
    hours = window.total_seconds() / 3600
    plan.groups.append(MergeGroup(ids[0], ids, (
        f"merged {len(ids)} orders ({', '.join(map(str, ids))}): same buyer, phone and "
        f"address, paid within {hours:g} h")))


# --- merging into a parcel of an earlier run ---------------------------------------------------

@dataclass(frozen=True, slots=True)
class OpenParcel:
    """An approved parcel a later order of the same buyer may still join (合单 across runs):
    open, its stock reserved, no waybill asked for or issued, nothing printed, no packing
    station holding it. *lead* carries the merge key of its lead order; *first_paid* is
    the earliest payment among the orders already in it (the window counts from there)."""

    parcel_id: int
    lead: OrderFacts
    first_paid: datetime
    warehouse_id: int
    courier_id: int | None
    weight_g: int
    volume_cm3: int
    amount: Decimal
    sku_codes: frozenset[str] = frozenset()
    order_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ParcelJoin:
    """Lines of one or more new orders added to an :class:`OpenParcel`; the stock for
    them is reserved in the parcel's warehouse in the same transaction."""

    parcel_id: int
    lead_id: int  # the parcel's lead order: the joining orders' ``merged_into``
    warehouse_id: int
    courier_id: int | None
    cost: Decimal | None  # the parcel's courier cost with the new lines
    items: tuple[Item, ...]
    order_ids: tuple[int, ...]  # the joining orders
    why: str

    @property
    def weight_g(self) -> int:
        return sum(i.weight_g * i.qty for i in self.items)


def open_candidates(o: OrderFacts, parcels: Iterable[OpenParcel], window: timedelta
                    ) -> list[OpenParcel]:
    """The open parcels *o* may join: same merge key, paid within *window* of the parcel's
    first order, earliest parcel first."""
    k = merge_key(o)
    if k is None:
        return []
    t = o.paid_at or o.created_at or _EPOCH
    out = [p for p in parcels if p.lead.id != o.id and o.id not in p.order_ids
           and merge_key(p.lead) == k and abs(t - p.first_paid) <= window]
    return sorted(out, key=lambda p: (p.first_paid, p.parcel_id))


def join_open_parcel(order_ids: Sequence[int], items: Sequence[Item], amount: Decimal,
                     candidates: Sequence[OpenParcel], stock: Mapping[tuple[int, int], int],
                     couriers: Sequence[CourierInfo], max_weight_g: int | None,
                     max_volume_cm3: int | None, sku_code: Callable[[int], str] = str
                     ) -> tuple[ParcelJoin | None, list[str]]:
    """Choose the first of *candidates* that can take *items* whole: its warehouse has the
    stock, the parcel stays within the weight and volume limits, and its courier still
    serves it. Returns the join (None when no parcel fits) and the reasons in words.
    Pure: *stock* is read, not changed."""
    notes: list[str] = []
    if not items:
        return None, notes
    if any(i.presale for i in items):
        return None, ["not merged into an open parcel: pre-sale lines ship apart"]
    need: dict[int, int] = {}
    for i in items:
        need[i.sku_id] = need.get(i.sku_id, 0) + i.qty
    add_g = sum(i.weight_g * i.qty for i in items)
    add_cm3 = sum(i.volume_cm3 * i.qty for i in items)
    by_id = {c.id: c for c in couriers}
    for p in candidates:
        label = f"open parcel {p.parcel_id} of order {p.lead.id}"
        short = [s for s, n in need.items() if stock.get((p.warehouse_id, s), 0) < n]
        if short:
            notes.append(f"not merged into {label}: its warehouse lacks "
                         + ", ".join(sku_code(s) for s in short))
            continue
        if max_weight_g and p.weight_g + add_g > max_weight_g:
            notes.append(f"not merged into {label}: {p.weight_g + add_g} g would pass the "
                         f"{max_weight_g} g parcel limit")
            continue
        if max_volume_cm3 and p.volume_cm3 + add_cm3 > max_volume_cm3:
            notes.append(f"not merged into {label}: {p.volume_cm3 + add_cm3} cm³ would pass "
                         f"the {max_volume_cm3} cm³ parcel limit")
            continue
        cost: Decimal | None = None
        courier = by_id.get(p.courier_id) if p.courier_id is not None else None
        if courier is not None:
            facts = ParcelFacts(p.lead.province, p.weight_g + add_g, p.amount + amount,
                                p.lead.shop_id, p.lead.shop_name,
                                p.sku_codes | {sku_code(i.sku_id) for i in items},
                                "", p.lead.is_cod)
            cost, refused = serves(courier, facts)
            if cost is None:
                notes.append(f"not merged into {label}: courier {courier.code} {refused}")
                continue
        ids = ", ".join(map(str, order_ids))
        why = (f"merged into {label} (approved in an earlier run, not yet waybilled): "
               f"same buyer, phone and address; order(s) {ids} ship with it")
        return ParcelJoin(p.parcel_id, p.lead.id, p.warehouse_id, p.courier_id, cost,
                          tuple(items), tuple(order_ids), why), notes
    return None, notes
