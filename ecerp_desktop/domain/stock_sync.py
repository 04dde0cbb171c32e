"""Stock sync to shops (按比例同步): the quantity each listing is shown.

Each listing gets its shop's share of (available − the shop's buffer), by
:func:`ecerp_desktop.domain.stock.shop_share` (never negative, capped by "max shown", 0 below
"zero below"); a listing may override the share percentage. When the listings of one SKU
would together show more than is available (shares adding up to more than 100 %), the
available stock is split in proportion to what each would have been shown, by largest
remainder, so no unit is ever sold twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ecerp_desktop.domain.stock import shop_share


@dataclass(frozen=True, slots=True)
class ShareSettings:
    """A shop's stock-share settings."""

    share_pct: int = 100
    safety_buffer: int = 0
    max_shown: int | None = None
    zero_below: int = 0


@dataclass(frozen=True, slots=True)
class ListingStock:
    """One listing as the planner sees it."""

    listing_id: int
    shop_id: int
    sku_id: int
    share_pct_override: int | None = None


def allocate(available: int, wanted: Mapping[int, int]) -> dict[int, int]:
    """Split *available* among keys in proportion to *wanted*, never above what each wants.

    Largest remainder, ties to the smaller key, so the result is deterministic."""
    total = sum(wanted.values())
    if total <= available:
        return dict(wanted)
    available = max(available, 0)
    out: dict[int, int] = {}
    rems: list[tuple[int, int]] = []
    for key, w in wanted.items():
        q, r = divmod(available * w, total)
        out[key] = q
        rems.append((-r, key))
    left = available - sum(out.values())
    for neg_r, key in sorted(rems)[:left]:
        if neg_r < 0:  # only a fractional share earns the extra unit (keeps ≤ wanted)
            out[key] += 1
    return out


def plan_quantities(available: Mapping[int, int], listings: Iterable[ListingStock],
                    shops: Mapping[int, ShareSettings]) -> dict[int, int]:
    """Listing id → quantity to show, for every listing whose shop has settings.

    *available* is per SKU (on hand − reserved over the warehouses the shops sell from);
    a SKU missing from it has none."""
    by_sku: dict[int, dict[int, int]] = defaultdict(dict)
    zero_below: dict[int, int] = {}
    for ls in listings:
        cfg = shops.get(ls.shop_id)
        if cfg is None:
            continue
        pct = cfg.share_pct if ls.share_pct_override is None else ls.share_pct_override
        pct = min(max(pct, 0), 100)
        avail = max(available.get(ls.sku_id, 0), 0)
        by_sku[ls.sku_id][ls.listing_id] = shop_share(
            avail, pct, max(cfg.safety_buffer, 0), cfg.max_shown, max(cfg.zero_below, 0))
        zero_below[ls.listing_id] = max(cfg.zero_below, 0)
    result: dict[int, int] = {}
    for sku_id, wanted in by_sku.items():
        got = allocate(max(available.get(sku_id, 0), 0), wanted)
        for lid, q in got.items():
            # scaling down may take a listing under its shop's "show 0 below"
            result[lid] = 0 if q < zero_below[lid] else q
    return result
