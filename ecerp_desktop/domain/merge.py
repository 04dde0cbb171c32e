"""Merge (合单): orders of one buyer to one address and phone ship as one parcel.

Eligible: the shop allows merging, not cash on delivery, not pre-sale, a phone and an
address to compare, not tagged ``no_merge`` (set when a clerk undoes a merge). Orders with
the same key are merged when paid within the window of the group's first order. A held
order is never merged silently: it stays apart and the orders it would have joined say so
in their "why".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ecerp_desktop.domain.facts import OrderFacts
from ecerp_desktop.domain.regions import city_short, province_short

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
