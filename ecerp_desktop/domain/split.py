"""Warehouse choice and split (拆单): which warehouse fills which line, and how lines are
cut into parcels.

1. One warehouse for everything: the first in the province's order that has stock for
   every line.
2. Else, when splitting is allowed, each line whole from the first warehouse that can fill
   it (warehouses already used by this order first, to keep parcels few). A bundle's
   components are lines of their own, so a bundle can ship from two warehouses.
3. Else: out of stock, naming what is short.

Then pre-sale lines ship apart from in-stock lines, and per-parcel limits of weight and
volume cut a warehouse's share into several parcels (first fit, heaviest then bulkiest
first; a line's quantity may be divided; a unit above a limit on its own ships alone).
A SKU without a volume counts as 0 cm³ (it never causes a split by volume), as a SKU
without a weight counts as 0 g. Every unit of every shipping line lands in exactly one
parcel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field

Stock = MutableMapping[tuple[int, int], int]  # (warehouse id, sku id) → available


@dataclass(frozen=True, slots=True)
class Item:
    """One shipping line (or the part of it in one parcel)."""

    line_id: int
    order_id: int
    sku_id: int
    qty: int
    weight_g: int = 0  # per unit
    presale: bool = False
    volume_cm3: int = 0  # per unit (0: not known)


@dataclass(slots=True)
class PlannedParcel:
    warehouse_id: int | None
    items: list[Item] = field(default_factory=list)
    presale: bool = False

    @property
    def weight_g(self) -> int:
        return sum(i.weight_g * i.qty for i in self.items)

    @property
    def volume_cm3(self) -> int:
        return sum(i.volume_cm3 * i.qty for i in self.items)


@dataclass(slots=True)
class Allocation:
    parcels: list[PlannedParcel] = field(default_factory=list)
    short: list[tuple[int, int, int]] = field(default_factory=list)  # sku, needed, best wh has
    why: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.short and bool(self.parcels)


def _need(items: Iterable[Item]) -> dict[int, int]:
    need: dict[int, int] = {}
    for i in items:
        need[i.sku_id] = need.get(i.sku_id, 0) + i.qty
    return need


def allocate(items: Sequence[Item], order: Sequence[int], stock: Mapping[tuple[int, int], int],
             allow_split: bool = True, names: Mapping[int, str] | None = None,
             sku_name: Callable[[int], str] = str) -> Allocation:
    """Choose warehouses for *items* from *order* (nearest first) against *stock*.

    Pure: *stock* is read, not changed; call :func:`take` once the plan is kept.
    """
    names = names or {}
    res = Allocation()
    if not items:
        return res
    if not order:
        res.short = [(s, n, 0) for s, n in _need(items).items()]
        res.why.append("no warehouse to ship from")
        return res
    need = _need(items)
    for wid in order:
        for s, n in need.items():
            if stock.get((wid, s), 0) < n:
                break
        else:
            res.parcels.append(PlannedParcel(wid, list(items)))
            rank = order.index(wid) + 1
            res.why.append(f"warehouse {names.get(wid, wid)}: nearest with stock for every "
                           f"line (choice {rank} of {len(order)})")
            return res
    if allow_split:
        left: dict[tuple[int, int], int] = {}
        used: list[int] = []
        by_wh: dict[int, list[Item]] = {}
        for it in items:
            chosen = None
            for wid in used + [w for w in order if w not in used]:
                key = (wid, it.sku_id)
                have = left.get(key, stock.get(key, 0))
                if have >= it.qty:
                    chosen = wid
                    left[key] = have - it.qty
                    break
            if chosen is None:
                res.short.append((it.sku_id, it.qty,
                                  max(left.get((w, it.sku_id), stock.get((w, it.sku_id), 0))
                                      for w in order)))
                continue
            if chosen not in used:
                used.append(chosen)
            by_wh.setdefault(chosen, []).append(it)
        if not res.short:
            res.parcels = [PlannedParcel(w, by_wh[w]) for w in used]
            res.why.append("split by warehouse: no single warehouse has every line; "
                           + "; ".join(f"{names.get(w, w)} ships "
                                       f"{sum(i.qty for i in by_wh[w])} unit(s)"
                                       for w in used))
            return res
        res.parcels = []
    else:
        res.short = [(s, n, max(stock.get((w, s), 0) for w in order))
                     for s, n in need.items()
                     if all(stock.get((w, s), 0) < n for w in order)] or [
            (s, n, 0) for s, n in need.items()]
    res.why.append("out of stock: " + "; ".join(
        f"{sku_name(s)} needs {n}, best warehouse has {h}" for s, n, h in res.short))
    return res


def take(stock: Stock, parcels: Iterable[PlannedParcel]) -> None:
    """Subtract a kept plan from *stock* (the pipeline's running view of availability)."""
    for p in parcels:
        if p.warehouse_id is None:
            continue
        for i in p.items:
            key = (p.warehouse_id, i.sku_id)
            stock[key] = stock.get(key, 0) - i.qty


def split_presale(parcels: Sequence[PlannedParcel]) -> list[PlannedParcel]:
    """Pre-sale lines in parcels of their own, apart from in-stock lines."""
    out: list[PlannedParcel] = []
    for p in parcels:
        now = [i for i in p.items if not i.presale]
        later = [i for i in p.items if i.presale]
        if now and later:
            out += [PlannedParcel(p.warehouse_id, now), PlannedParcel(p.warehouse_id, later,
                                                                      True)]
        else:
            out.append(PlannedParcel(p.warehouse_id, list(p.items), bool(later)))
    return out


def split_by_weight(parcel: PlannedParcel, max_g: int | None) -> list[PlannedParcel]:
    """Cut one parcel into parcels of at most *max_g* (a unit heavier than the limit goes
    alone). Quantities of one line may be divided between parcels."""
    return split_by_limits(parcel, max_g, None)


def split_by_limits(parcel: PlannedParcel, max_g: int | None,
                    max_cm3: int | None) -> list[PlannedParcel]:
    """Cut one parcel into parcels of at most *max_g* grams and *max_cm3* cubic
    centimetres (None or 0: no limit). First fit, heaviest then bulkiest line first; a
    unit above a limit by itself goes alone; a line's quantity may be divided."""
    max_g = max_g or None
    max_cm3 = max_cm3 or None
    if ((max_g is None or parcel.weight_g <= max_g)
            and (max_cm3 is None or parcel.volume_cm3 <= max_cm3)):
        return [parcel]
    bins: list[_Bin] = []
    for it in sorted(parcel.items, key=lambda i: (-i.weight_g, -i.volume_cm3, i.line_id)):
        remaining = it.qty
        for b in bins:
            if remaining == 0:
                break
            fit = min(remaining, _room(max_g, b.g, it.weight_g),
                      _room(max_cm3, b.cm3, it.volume_cm3))
            if fit > 0:
                b.put(it, fit)
                remaining -= fit
        while remaining > 0:
            fit = max(1, min(remaining, _room(max_g, 0, it.weight_g),
                             _room(max_cm3, 0, it.volume_cm3)))
            b = _Bin()
            b.put(it, fit)
            bins.append(b)
            remaining -= fit
    return [PlannedParcel(parcel.warehouse_id, list(b.items.values()), parcel.presale)
            for b in bins]


def _room(limit: int | None, used: int, per_unit: int) -> int:
    """How many more units of *per_unit* fit under *limit* (a huge number: no limit)."""
    if limit is None or per_unit <= 0:
        return 1 << 62
    return max(0, (limit - used) // per_unit)


@dataclass(slots=True)
class _Bin:
    g: int = 0
    cm3: int = 0
    items: dict[int, Item] = field(default_factory=dict)  # line id → item

    def put(self, it: Item, qty: int) -> None:
        self.g += qty * it.weight_g
        self.cm3 += qty * it.volume_cm3
        prev = self.items.get(it.line_id)
        self.items[it.line_id] = Item(it.line_id, it.order_id, it.sku_id,
                                      qty + (prev.qty if prev else 0), it.weight_g,
                                      it.presale, it.volume_cm3)


def split_by_hand(items: Sequence[Item], groups: Sequence[Sequence[tuple[int, int]]]
                  ) -> list[list[Item]] | str:
    """A clerk's split: *groups* of (line id, qty). Returns the parcels' items, or what is
    wrong (every unit of every line must be in exactly one group, no empty group)."""
    by_id = {i.line_id: i for i in items}
    given: dict[int, int] = {}
    out: list[list[Item]] = []
    for n, g in enumerate(groups, 1):
        if not g:
            return f"parcel {n} is empty"
        parcel: list[Item] = []
        for line_id, qty in g:
            it = by_id.get(line_id)
            if it is None:
                return f"line {line_id} is not a shipping line of this order"
            if qty <= 0:
                return f"line {line_id}: quantity must be positive"
            given[line_id] = given.get(line_id, 0) + qty
            parcel.append(Item(it.line_id, it.order_id, it.sku_id, qty, it.weight_g,
                               it.presale, it.volume_cm3))
        out.append(parcel)
    for it in items:
        if given.get(it.line_id, 0) != it.qty:
            return (f"line {it.line_id}: {given.get(it.line_id, 0)} of {it.qty} unit(s) "
                    "placed; every unit must be in exactly one parcel")
    return out
