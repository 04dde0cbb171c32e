"""A hand-written fake platform implementing the connector Protocol (no HTTP).

It keeps orders by modified time, pages them, records every window asked for, and can be
told to fail: raise the next queued exceptions, return bad payloads, page forever.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ecerp_desktop.connectors.base import (
    BadPayload,
    PullPage,
    RefundChange,
    Shipment,
    StockQuantity,
)
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine

T0 = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)


def make_order(pid: str, modified: datetime, *, status: OrderStatus = OrderStatus.NEW,
               platform_status: str = "WAIT_SELLER_SEND_GOODS", qty: int = 1,
               lines: int = 2, name: str = "张三") -> PlatformOrder:
    return PlatformOrder(
        platform_order_id=pid, platform_status=platform_status, status=status,
        created_at=modified - timedelta(minutes=5), modified_at=modified,
        lines=tuple(PlatformOrderLine(f"{pid}-{i}", qty, Decimal("9.90"), Decimal("9.90"),
                                      "item1", f"sku{i}", f"M-{i}", f"商品{i}")
                    for i in range(lines)),
        address=Address(name=name, phone="13800138000", province="浙江省", city="杭州市",
                        district="西湖区", detail="文三路 1 号"),
        paid_amount=Decimal("19.80"), total_amount=Decimal("19.80"),
        raw={"tid": pid})


@dataclass
class FakePlatform:
    platform: str = "fake"
    page_size: int = 10
    max_window_minutes: int = 30
    orders: dict[str, PlatformOrder] = field(default_factory=dict)
    windows: list[tuple[datetime, datetime]] = field(default_factory=list)
    pull_errors: list[Exception] = field(default_factory=list)  # raised before a window
    push_errors: list[Exception] = field(default_factory=list)  # raised before a push
    bad: list[BadPayload] = field(default_factory=list)  # returned on the first page
    endless: bool = False
    shipments: list[Shipment] = field(default_factory=list)
    stock: list[list[StockQuantity]] = field(default_factory=list)
    refunds: list[RefundChange] = field(default_factory=list)

    def add(self, *orders: PlatformOrder) -> None:
        for o in orders:
            self.orders[o.platform_order_id] = o

    def modify(self, pid: str, modified: datetime, **changes: object) -> PlatformOrder:
        o = replace(self.orders[pid], modified_at=modified, **changes)  # type: ignore[arg-type]
        self.orders[pid] = o
        return o

    def pull_orders(self, start: datetime, end: datetime) -> Iterator[PullPage]:
        assert end - start <= timedelta(minutes=self.max_window_minutes), (start, end)
        self.windows.append((start, end))
        if self.pull_errors:
            raise self.pull_errors.pop(0)
        hits = sorted((o for o in self.orders.values() if start <= o.modified_at < end),
                      key=lambda o: o.platform_order_id)
        pages = [hits[i:i + self.page_size] for i in range(0, len(hits), self.page_size)]
        if not pages:
            pages = [[]]
        for n, chunk in enumerate(pages):
            page = PullPage(orders=list(chunk))
            if n == 0 and self.bad:
                page.bad = list(self.bad)
            yield page
        while self.endless:  # the last page again, forever
            yield PullPage(orders=list(pages[-1]))

    def fetch_order(self, platform_order_id: str) -> PlatformOrder:
        return self.orders[platform_order_id]

    def pull_refunds(self, start: datetime, end: datetime) -> Iterator[list[RefundChange]]:
        yield [r for r in self.refunds if start <= r.modified_at < end]

    def confirm_shipment(self, shipment: Shipment) -> None:
        if self.push_errors:
            raise self.push_errors.pop(0)
        self.shipments.append(shipment)

    def push_stock(self, quantities: Sequence[StockQuantity]) -> None:
        if self.push_errors:
            raise self.push_errors.pop(0)
        self.stock.append(list(quantities))


class Clock:
    """A settable clock for the engine (times only; waits stay real but tiny)."""

    def __init__(self, at: datetime = T0) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **kw: float) -> None:
        self.at += timedelta(**kw)
