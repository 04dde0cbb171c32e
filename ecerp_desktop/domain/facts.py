"""What the pipeline's decisions look at: an order and its lines as plain values.

The store builds these in bulk; review rules, gift rules, merge, split, warehouse and
courier choice read them and never touch the database, so a dry run is the same code as a
real run with nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ecerp_desktop.domain.mapping import LineRef
from ecerp_desktop.domain.money import ZERO


@dataclass(slots=True)
class LineFacts:
    line_id: int  # order_lines.id (0 for a line not stored yet, e.g. in a dry run)
    sku_id: int | None
    sku_code: str
    qty: int
    price: Decimal = ZERO
    paid_amount: Decimal = ZERO
    weight_g: int = 0  # per unit
    price_floor: Decimal | None = None
    is_gift: bool = False
    is_presale: bool = False
    refunded: bool = False  # refund requested or done: not shipped
    bundle_parent: bool = False  # a bundle line: its component lines ship instead
    is_component: bool = False  # a component line of a bundle line
    title: str = ""
    platform_line_id: str = ""
    parent_id: int | None = None  # the bundle line a component belongs to
    ref: LineRef | None = None  # the platform's identity, for mapping
    volume_cm3: int = 0  # per unit; a SKU without a volume counts as 0

    @property
    def ships(self) -> bool:
        """True when this line goes into a parcel."""
        return not self.bundle_parent and not self.refunded and self.sku_id is not None


@dataclass(slots=True)
class OrderFacts:
    id: int
    shop_id: int
    shop_name: str = ""
    platform: str = ""
    shop_allows_merge: bool = True
    status: str = "new"
    buyer_key: str = ""  # buyer nick or customer id: who the buyer is on the platform
    customer_id: int | None = None
    receiver_name: str = ""
    phone_hash: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    address_detail: str = ""
    buyer_message: str = ""
    seller_memo: str = ""
    seller_flag: int = 0
    is_cod: bool = False
    is_presale: bool = False
    paid_amount: Decimal = ZERO
    created_at: datetime | None = None
    paid_at: datetime | None = None
    lines: list[LineFacts] = field(default_factory=list)
    buyer_blacklisted: bool = False
    buyer_order_count: int = 0  # earlier orders of this buyer (0: a first order)
    other_open_orders: int = 0  # other open orders of the same buyer
    tags: list[str] = field(default_factory=list)
    released_rule_ids: frozenset[int] = frozenset()  # holds a clerk released
    prev_warehouse_id: int | None = None  # as assigned before (a dry run compares)
    prev_courier_id: int | None = None

    def shipping_lines(self) -> list[LineFacts]:
        return [ln for ln in self.lines if ln.ships]

    @property
    def weight_g(self) -> int:
        return sum(ln.weight_g * ln.qty for ln in self.shipping_lines())

    @property
    def total_qty(self) -> int:
        return sum(ln.qty for ln in self.lines if not ln.bundle_parent and not ln.is_gift)

    @property
    def sale_lines(self) -> list[LineFacts]:
        """The lines the buyer ordered (bundles as bought, not their components; no gifts)."""
        return [ln for ln in self.lines if not ln.is_gift and not ln.is_component]
