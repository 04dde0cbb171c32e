"""The small interface every platform connector implements.

A connector speaks one platform's real protocol (signing, paging, rate limits, error codes)
and hands back normalised :class:`PlatformOrder` values. It never touches the database: the
sync engine decides what to store and when to move cursors. Methods block on HTTP; call
them from a sync lane thread, never the GUI thread.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ecerp_desktop.domain.platform_order import PlatformOrder

MAX_WINDOW_MINUTES = 30  # Taobao and Pinduoduo refuse wider increment windows


class ConnectorError(Exception):
    """The platform refused or failed. ``retry_after`` (seconds) is set for rate limits."""

    def __init__(self, message: str, *, code: str = "", retryable: bool = True,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.retryable = retryable
        self.retry_after = retry_after


class RateLimited(ConnectorError):
    """429, Taobao code 7 / accesscontrol.*, Shopify call limits: wait, then try again."""


class AuthFailed(ConnectorError):
    """Bad signature, expired session: retrying will not help until the user acts."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message, code=code, retryable=False)


@dataclass(frozen=True, slots=True)
class BadPayload:
    """One order (or page) that could not be understood: quarantined, never dropped."""

    platform_order_id: str
    raw: str
    reason: str


@dataclass(slots=True)
class PullPage:
    """What one request returned: good orders, and items to quarantine."""

    orders: list[PlatformOrder] = field(default_factory=list)
    bad: list[BadPayload] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Shipment:
    platform_order_id: str
    courier_code: str
    waybill_number: str
    line_ids: tuple[str, ...] = ()  # platform line ids for a split shipment; () = whole order


@dataclass(frozen=True, slots=True)
class StockQuantity:
    platform_item_id: str
    platform_sku_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class RefundChange:
    platform_order_id: str
    platform_line_ids: tuple[str, ...]
    refund_state: str
    modified_at: datetime
    raw: dict[str, Any] | None = None


class PlatformConnector(Protocol):
    platform: str

    def pull_orders(self, start: datetime, end: datetime) -> Iterator[PullPage]:
        """Orders modified in [start, end), paged as the platform demands."""
        ...

    def fetch_order(self, platform_order_id: str) -> PlatformOrder:
        ...

    def pull_refunds(self, start: datetime, end: datetime) -> Iterator[list[RefundChange]]:
        ...

    def confirm_shipment(self, shipment: Shipment) -> None:
        ...

    def push_stock(self, quantities: Sequence[StockQuantity]) -> None:
        ...
