"""An order as a platform reports it, already normalised by its connector.

Connectors turn each platform's wire shape into these; the ingest service stores them.
Strings are as the buyer typed them (hostile text included), money is Decimal, times are
aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from ecerp_desktop.domain.orders import OrderStatus, RefundState

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Address:
    name: str = ""
    phone: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    town: str = ""
    detail: str = ""
    zip_code: str = ""
    country: str = "CN"


@dataclass(frozen=True, slots=True)
class PlatformOrderLine:
    platform_line_id: str  # oid on Taobao; unique within the order
    qty: int
    price: Decimal = ZERO
    paid_amount: Decimal = ZERO
    platform_item_id: str = ""
    platform_sku_id: str = ""
    merchant_sku_code: str = ""  # outer_sku_id / outer_id / sku
    title: str = ""
    refund_state: RefundState = RefundState.NONE


@dataclass(frozen=True, slots=True)
class PlatformOrder:
    platform_order_id: str  # tid
    platform_status: str  # the platform's own status text, kept beside ours
    status: OrderStatus  # what the platform status means for us (UNPAID, NEW, CANCELLED…)
    created_at: datetime
    modified_at: datetime
    lines: tuple[PlatformOrderLine, ...]
    address: Address = field(default_factory=Address)
    paid_at: datetime | None = None
    buyer_nick: str = ""
    buyer_message: str = ""
    seller_memo: str = ""
    seller_flag: int = 0
    total_amount: Decimal = ZERO
    paid_amount: Decimal = ZERO
    post_fee: Decimal = ZERO
    discount_amount: Decimal = ZERO
    currency: str = "CNY"
    is_cod: bool = False
    is_presale: bool = False
    raw: dict[str, Any] | None = None  # the platform payload, kept for support
