"""Stock figures the owner and the buyer read: turnover, days of cover, reorder quantity.

Pure arithmetic over quantities the ledger provides (see store/stock_metrics.py), shared by
the stock alerts (库存预警) and the turnover report (库存周转率) so the two never disagree.
Turnover follows the field's definition: units issued in the period divided by the average
of opening and closing stock (周转率 = 出库数量 / ((期初 + 期末) / 2)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True, slots=True)
class StockFlow:
    """One (warehouse, SKU) over a period: stock at both ends and the net units sold."""

    warehouse_id: int
    sku_id: int
    opening: int  # on hand at the start of the period
    closing: int  # on hand at the end of the period
    sold: int  # shipped to buyers minus buyer returns, within the period
    days: int  # length of the period in days (>= 1)

    @property
    def daily_rate(self) -> Decimal:
        return Decimal(max(self.sold, 0)) / Decimal(max(self.days, 1))

    @property
    def turnover(self) -> Decimal | None:
        return turnover(self.sold, self.opening, self.closing)

    @property
    def turnover_days(self) -> Decimal | None:
        rate = self.turnover
        if rate is None or rate == 0:
            return None
        return _q(Decimal(max(self.days, 1)) / rate)


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def turnover(sold: int, opening: int, closing: int) -> Decimal | None:
    """Units sold over average stock; None when there was no stock at either end."""
    average = Decimal(opening + closing) / 2
    if average <= 0:
        return None
    return _q(Decimal(max(sold, 0)) / average)


def days_of_cover(available: int, sold: int, days: int) -> Decimal | None:
    """How many days *available* lasts at the period's selling rate; None when nothing sold
    (stock that does not move never runs out, and an infinity would not sort or export)."""
    if sold <= 0 or days <= 0:
        return None
    return _q(Decimal(max(available, 0)) * days / sold)


def reorder_quantity(*, available: int, incoming: int, sold: int, days: int,
                     lead_days: int, cover_days: int, min_qty: int = 0,
                     pack_size: int = 1) -> int:
    """Units to order now so that stock lasts the lead time plus *cover_days* and never
    falls under *min_qty*; *incoming* counts what is already on its way (in transit and
    open purchase orders). Rounded up to whole packs; 0 when nothing is needed."""
    rate = Decimal(max(sold, 0)) / Decimal(max(days, 1))
    target = max(math.ceil(rate * (lead_days + cover_days)), min_qty)
    short = target - max(available, 0) - max(incoming, 0)
    if short <= 0:
        return 0
    pack = max(pack_size, 1)
    return -(-short // pack) * pack
