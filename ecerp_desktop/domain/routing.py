"""Where a parcel ships from and with whom: warehouse order per province, courier matching
(物流匹配) by the couriers' rate tables and limits.

Warehouse order for a province: the explicit province → warehouse priority rows first (then
the '*' rows), then warehouses in the same province, the same area, a neighbouring area,
then the rest by id. Courier: the one a rule or the remote-region route asked for when it
serves the address and parcel; otherwise the cheapest that does (ties by code).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ecerp_desktop.domain.money import ZERO
from ecerp_desktop.domain.regions import AREA_NEIGHBOURS, area_of, province_short


@dataclass(frozen=True, slots=True)
class WarehouseInfo:
    id: int
    code: str
    province: str = ""
    active: bool = True


def warehouse_order(province: str, warehouses: Sequence[WarehouseInfo],
                    priority: Mapping[str, Sequence[int]]) -> list[int]:
    """Warehouse ids nearest first for an address in *province*.

    *priority*: short province name (or '*') → warehouse ids in the user's order.
    """
    active = {w.id: w for w in warehouses if w.active}
    prov = province_short(province)
    out: list[int] = []
    for key in (prov, "*"):
        for wid in priority.get(key, ()):
            if wid in active and wid not in out:
                out.append(wid)
    area = area_of(prov)
    near = AREA_NEIGHBOURS.get(area, ())

    def rank(w: WarehouseInfo) -> tuple[int, int]:
        wp = province_short(w.province)
        wa = area_of(wp)
        if wp and wp == prov:
            return (0, w.id)
        if wa and wa == area:
            return (1, w.id)
        if wa in near:
            return (2 + near.index(wa), w.id)
        return (9, w.id)
    out += [w.id for w in sorted(active.values(), key=rank) if w.id not in out]
    return out


# --- couriers ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Rate:
    province: str  # short name or '*'
    first_weight_g: int
    first_price: Decimal
    step_weight_g: int
    step_price: Decimal
    excluded: bool = False

    def price(self, weight_g: int) -> Decimal:
        extra = max(0, weight_g - self.first_weight_g)
        steps = math.ceil(extra / self.step_weight_g) if self.step_weight_g > 0 else 0
        return self.first_price + self.step_price * steps


@dataclass(frozen=True, slots=True)
class CourierInfo:
    """A courier and its limits (from couriers.settings): ``max_weight_g``, ``max_amount``,
    ``shops`` (ids/names it may serve; empty: all), ``warehouses`` (codes it picks up from;
    empty: all), ``exclude_skus`` (codes it refuses), ``cod`` (takes cash on delivery)."""

    id: int
    code: str
    name: str = ""
    rates: Mapping[str, Rate] = field(default_factory=dict)
    max_weight_g: int | None = None
    max_amount: Decimal | None = None
    shops: frozenset[str] = frozenset()
    warehouses: frozenset[str] = frozenset()
    exclude_skus: frozenset[str] = frozenset()
    cod: bool = True
    active: bool = True

    @classmethod
    def build(cls, id: int, code: str, name: str, rates: Iterable[Rate],
              settings: Mapping[str, object] | None = None, active: bool = True
              ) -> CourierInfo:
        st = dict(settings or {})

        def strs(key: str) -> frozenset[str]:
            v = st.get(key) or []
            return frozenset(str(x).upper() if key == "exclude_skus" else str(x)
                             for x in (v if isinstance(v, list) else [v]))
        mw = st.get("max_weight_g")
        ma = st.get("max_amount")
        return cls(id, code, name, {province_short(r.province) if r.province != "*" else "*": r
                                    for r in rates},
                   int(mw) if isinstance(mw, int | str) and str(mw).isdigit() else None,
                   Decimal(str(ma)) if ma not in (None, "") else None,
                   strs("shops"), strs("warehouses"), strs("exclude_skus"),
                   bool(st.get("cod", True)), active)

    def rate_for(self, province: str) -> Rate | None:
        return self.rates.get(province_short(province)) or self.rates.get("*")


@dataclass(frozen=True, slots=True)
class ParcelFacts:
    """What courier matching looks at for one parcel."""

    province: str
    weight_g: int
    amount: Decimal = ZERO
    shop_id: int = 0
    shop_name: str = ""
    sku_codes: frozenset[str] = frozenset()
    warehouse_code: str = ""
    is_cod: bool = False


def serves(c: CourierInfo, p: ParcelFacts) -> tuple[Decimal | None, str]:
    """The courier's price for the parcel, or None and the reason it cannot take it."""
    if not c.active:
        return None, "inactive"
    rate = c.rate_for(p.province)
    if rate is None:
        return None, f"no rate for {province_short(p.province) or 'an empty province'}"
    if rate.excluded:
        return None, f"does not serve {province_short(p.province)}"
    if c.max_weight_g is not None and p.weight_g > c.max_weight_g:
        return None, f"weight {p.weight_g} g above its limit {c.max_weight_g} g"
    if c.max_amount is not None and p.amount > c.max_amount:
        return None, f"amount {p.amount} above its limit {c.max_amount}"
    if c.shops and str(p.shop_id) not in c.shops and p.shop_name not in c.shops:
        return None, "not contracted for this shop"
    if c.warehouses and p.warehouse_code and p.warehouse_code not in c.warehouses:
        return None, f"no pick-up at warehouse {p.warehouse_code}"
    refused = c.exclude_skus & {s.upper() for s in p.sku_codes}
    if refused:
        return None, f"refuses {', '.join(sorted(refused))}"
    if p.is_cod and not c.cod:
        return None, "no cash on delivery"
    return rate.price(p.weight_g), ""


@dataclass(frozen=True, slots=True)
class CourierChoice:
    courier_id: int | None
    code: str
    cost: Decimal | None
    why: str


def choose_courier(couriers: Sequence[CourierInfo], p: ParcelFacts,
                   preferred: str | None = None, preferred_by: str = "") -> CourierChoice:
    """The courier for one parcel (None when nobody serves it)."""
    quotes: list[tuple[Decimal, str, CourierInfo]] = []
    refusals: list[str] = []
    for c in couriers:
        price, reason = serves(c, p)
        if price is None:
            refusals.append(f"{c.code}: {reason}")
        else:
            quotes.append((price, c.code, c))
    if preferred:
        hit = next((q for q in quotes if q[1] == preferred), None)
        if hit is not None:
            return CourierChoice(hit[2].id, hit[1], hit[0],
                                 f"courier {hit[1]} as {preferred_by or 'configured'} "
                                 f"({hit[0]} for {p.weight_g} g)")
        refusals.insert(0, f"{preferred} (asked by {preferred_by or 'configuration'}) "
                           "cannot take it")
    if not quotes:
        return CourierChoice(None, "", None,
                             "no courier serves this parcel: " + "; ".join(refusals))
    quotes.sort(key=lambda q: (q[0], q[1]))
    price, code, c = quotes[0]
    others = ", ".join(f"{q[1]} {q[0]}" for q in quotes[1:4])
    why = f"courier {code}: cheapest at {price} for {p.weight_g} g to " \
          f"{province_short(p.province)}" + (f" (then {others})" if others else "")
    if preferred:
        why += f"; {refusals[0]}"
    return CourierChoice(c.id, code, price, why)
