"""The courier waybill service interface (电子面单): what the ERP asks of any courier system.

A request carries our deterministic ``request_key`` (sent as the service's ``object_id``):
asking twice with the same key must never yield two numbers, and :meth:`WaybillService.lookup`
finds the number a request got when the answer was lost (a crash between "issued" and
"saved"). Implementations: :class:`ecerp_desktop.connectors.cainiao.CainiaoWaybillService`
(the Cainiao cloud-print protocol through TOP). Self-numbering couriers (pre-assigned number
blocks) need no remote service: their numbers come from ``store/waybills.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Party:
    """A sender or a recipient. Buyer text: passed on as data, never interpreted."""

    name: str
    mobile: str = ""
    phone: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    town: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class WaybillRequest:
    """One parcel to number."""

    request_key: str  # deterministic per parcel and attempt generation: "parcel:12:1"
    parcel_id: int
    sender: Party
    recipient: Party
    items: tuple[tuple[str, int], ...] = ()  # (name, count)
    weight_g: int = 0
    trade_orders: tuple[str, ...] = ()  # the platform order ids in the parcel
    order_channel: str = "OTHERS"  # TB, TM, JD, PDD, OTHERS
    product_code: str = ""  # the courier product (SF: 标快 …)
    package_seq: int = 1
    package_count: int = 1


@dataclass(frozen=True, slots=True)
class IssuedWaybill:
    """A number the service issued for a request."""

    request_key: str
    number: str
    sort_code: str = ""  # 大头笔 / 三段码
    print_data: dict[str, Any] | None = field(default=None, compare=False)


class WaybillService(Protocol):
    """A courier's numbering service. Blocking; call it off the GUI thread. Failures raise
    :class:`ecerp_desktop.connectors.base.ConnectorError` (``retryable`` says whether to try
    again later)."""

    max_batch: int

    def get_numbers(self, requests: Sequence[WaybillRequest]) -> list[IssuedWaybill]:
        """Numbers for at most ``max_batch`` requests, in the order asked. Idempotent per
        ``request_key`` while the number is not cancelled."""
        ...

    def lookup(self, request_key: str) -> IssuedWaybill | None:
        """The live number issued for *request_key*, or None when the service never issued
        one (or it was cancelled)."""
        ...

    def cancel(self, number: str) -> bool:
        """Cancel (回收) *number*; True when cancelled now or already before."""
        ...

    def close(self) -> None: ...
