"""SKU mapping (商品对应关系): a platform line → our SKU, bundles (组合装) → components.

The order of lookups, first hit wins, and each answer says which one it used:

1. the explicit mapping table (a listing of this shop with this item id and SKU id, then
   the listing of the item without SKU id),
2. the merchant code (outer_sku_id / outer_id / sku) equal to one of our SKU codes,
3. the merchant code equal to one of our barcodes.

Codes compare case-insensitively with surrounding blanks removed. An unmapped line gets
"likely matches" by code and title similarity for the mapping screen.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ecerp_desktop.domain.money import CENT, ZERO


@dataclass(frozen=True, slots=True)
class SkuInfo:
    id: int
    code: str
    name: str = ""
    weight_g: int = 0
    price_floor: Decimal | None = None
    is_bundle: bool = False
    is_gift: bool = False
    active: bool = True
    cost: Decimal = ZERO
    volume_cm3: int | None = None  # per unit; None: not known (counts as 0 when splitting)


def norm_code(code: str) -> str:
    return code.strip().upper()


@dataclass(slots=True)
class Catalog:
    """Everything mapping needs, loaded once per pipeline run."""

    skus: dict[int, SkuInfo] = field(default_factory=dict)
    listings: dict[tuple[int, str, str], int] = field(default_factory=dict)
    barcodes: dict[str, int] = field(default_factory=dict)
    bundles: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    by_code: dict[str, int] = field(default_factory=dict)
    # suggest()'s n-gram index over a big catalogue, built on the first unmapped line
    suggest_index: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def build(cls, skus: Iterable[SkuInfo],
              listings: Iterable[tuple[int, str, str, int]] = (),
              barcodes: Iterable[tuple[str, int]] = (),
              bundles: Iterable[tuple[int, int, int]] = ()) -> Catalog:
        """*listings*: (shop id, item id, sku id, our sku id); *barcodes*: (code, sku id);
        *bundles*: (bundle sku id, component sku id, qty)."""
        c = cls()
        for s in skus:
            c.skus[s.id] = s
            c.by_code[norm_code(s.code)] = s.id
        for shop_id, item, sku, sku_id in listings:
            c.listings[(shop_id, item.strip(), sku.strip())] = sku_id
        for code, sku_id in barcodes:
            c.barcodes[norm_code(code)] = sku_id
        parts: dict[int, list[tuple[int, int]]] = {}
        for bundle_id, comp_id, qty in bundles:
            parts.setdefault(bundle_id, []).append((comp_id, qty))
        c.bundles = {k: tuple(sorted(v)) for k, v in parts.items()}
        return c

    def code(self, sku_id: int) -> str:
        info = self.skus.get(sku_id)
        return info.code if info else f"#{sku_id}"

    def sku_by_code(self, code: str) -> SkuInfo | None:
        sku_id = self.by_code.get(norm_code(code))
        return None if sku_id is None else self.skus.get(sku_id)


@dataclass(frozen=True, slots=True)
class LineRef:
    """The platform's identity of one order line."""

    platform_item_id: str = ""
    platform_sku_id: str = ""
    merchant_sku_code: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class MapResult:
    sku_id: int | None
    how: str  # listing, listing_item, code, barcode, unmapped, inactive
    why: str
    suggestions: tuple[str, ...] = ()


def map_line(catalog: Catalog, shop_id: int, line: LineRef) -> MapResult:
    """Our SKU for one platform line, and how it was found."""
    item, psku = line.platform_item_id.strip(), line.platform_sku_id.strip()
    if item:
        hit = catalog.listings.get((shop_id, item, psku))
        if hit is not None:
            return _found(catalog, hit, "listing",
                          f"mapping table: item {item} SKU {psku or '-'}")
        if psku:
            hit = catalog.listings.get((shop_id, item, ""))
            if hit is not None:
                return _found(catalog, hit, "listing_item", f"mapping table: item {item}")
    code = norm_code(line.merchant_sku_code)
    if code:
        hit = catalog.by_code.get(code)
        if hit is not None:
            return _found(catalog, hit, "code", f"merchant code {code} is our SKU code")
        hit = catalog.barcodes.get(code)
        if hit is not None:
            return _found(catalog, hit, "barcode", f"merchant code {code} is a barcode")
    return MapResult(None, "unmapped",
                     f"no mapping for item {item or '-'} SKU {psku or '-'} code {code or '-'}",
                     suggest(catalog, line))


def _found(catalog: Catalog, sku_id: int, how: str, why: str) -> MapResult:
    info = catalog.skus.get(sku_id)
    if info is None or not info.active:
        return MapResult(None, "inactive", f"{why}, but SKU #{sku_id} is inactive or gone")
    return MapResult(sku_id, how, f"{why} → {info.code}")


SCAN_LIMIT = 2_000  # above this many SKUs, suggest() asks an index instead of every SKU


def suggest(catalog: Catalog, line: LineRef, limit: int = 3) -> tuple[str, ...]:
    """Likely SKU codes for an unmapped line: close codes first, then close names.

    A big catalogue is searched through :class:`~ecerp_desktop.domain.mapping_suggest.
    SuggestIndex` (built once per catalogue): comparing every line with 100,000 SKUs would
    cost about a second per unmapped line."""
    if len(catalog.skus) > SCAN_LIMIT:
        if catalog.suggest_index is None:
            from ecerp_desktop.domain.mapping_suggest import SuggestIndex

            catalog.suggest_index = SuggestIndex(catalog.skus.values())
        return catalog.suggest_index.suggest(line, limit)  # type: ignore[no-any-return]
    out: list[str] = []
    codes = [s.code for s in catalog.skus.values() if s.active]
    if line.merchant_sku_code.strip():
        out += difflib.get_close_matches(line.merchant_sku_code.strip(), codes, n=limit,
                                         cutoff=0.6)
    if len(out) < limit and line.title.strip():
        names = {s.name: s.code for s in catalog.skus.values() if s.active and s.name}
        for name in difflib.get_close_matches(line.title.strip()[:200], list(names),
                                              n=limit, cutoff=0.4):
            if names[name] not in out:
                out.append(names[name])
    return tuple(out[:limit])


@dataclass(frozen=True, slots=True)
class Component:
    sku_id: int
    qty: int
    paid_amount: Decimal


def expand_bundle(catalog: Catalog, sku_id: int, qty: int,
                  paid_amount: Decimal = ZERO) -> tuple[Component, ...]:
    """The component lines of *qty* bundles, the paid amount spread over them by cost
    (equally when costs are unknown); the shares add up to *paid_amount* exactly."""
    parts = catalog.bundles.get(sku_id, ())
    if not parts:
        return ()
    weights = []
    for comp_id, n in parts:
        info = catalog.skus.get(comp_id)
        cost = info.cost if info and info.cost > 0 else Decimal(1)
        weights.append(cost * n)
    total_w = sum(weights) or Decimal(1)
    shares: list[Decimal] = []
    for w in weights[:-1]:
        shares.append((paid_amount * w / total_w).quantize(CENT))
    shares.append(paid_amount - sum(shares, ZERO))
    return tuple(Component(comp_id, n * qty, share)
                 for (comp_id, n), share in zip(parts, shares, strict=True))


def is_bundle(catalog: Catalog, sku_id: int) -> bool:
    return sku_id in catalog.bundles


def sku_weights(catalog: Catalog) -> Mapping[int, int]:
    return {k: v.weight_g for k, v in catalog.skus.items()}
