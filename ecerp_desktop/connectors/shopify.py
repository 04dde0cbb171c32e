"""Shopify Admin REST (``/admin/api/<version>/``): orders in, fulfillments and stock out.

- Auth: the ``X-Shopify-Access-Token`` header (a custom app's Admin API token).
- Orders: ``orders.json?status=any&updated_at_min&updated_at_max&limit=250``, then the
  ``Link`` header's ``rel="next"`` URL exactly as given (``page_info`` cursors; with a
  cursor only ``limit`` and ``fields`` may be sent). Cursor paging is keyset paging, so an
  order modified while we read leaves without shifting the others. A cursor seen twice or
  more pages than the bound means paging that never ends: an error, not a hang.
- Rate: a leaky bucket per shop. Every answer carries ``X-Shopify-Shop-Api-Call-Limit:
  used/size``; above ``pace_above`` of the bucket we pause long enough for it to drain
  back, so 429s stay rare. A 429 carries ``Retry-After`` and is slept through (bounded)
  by the client, or handed to the sync engine as RateLimited when it is long.
- Shipments: the FulfillmentOrder flow. ``fulfillment_orders.json`` says what can still be
  fulfilled; ``POST fulfillments.json`` with ``line_items_by_fulfillment_order`` and
  ``tracking_info{number, company}`` ships the whole rest or only the given lines (split
  parcels). A fulfillment already carrying the waybill makes a repeat a no-op.
- Stock: ``inventory_levels/set.json`` per variant's inventory item at one location (the
  configured one, else the shop's first active location).

Methods block on HTTP; call them from a sync lane thread, never the GUI thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ecerp_desktop.connectors import ownshop
from ecerp_desktop.connectors.base import (
    BadPayload,
    ConnectorError,
    PullPage,
    RefundChange,
    Shipment,
    StockQuantity,
)
from ecerp_desktop.connectors.ownshop import BadOrder, JsonClient
from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine

DEFAULT_API_VERSION = "2024-10"
MAX_LIMIT = 250
MAX_PAGES = 4_000  # a million orders in one window means the paging is broken
ZERO = Decimal("0.00")

_UNPAID = {"pending", "partially_paid"}
_PAID = {"authorized", "paid", "partially_refunded"}  # authorized: captured on fulfilment
_VOID = {"refunded", "voided"}


def iso_param(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


# -- wire → PlatformOrder -------------------------------------------------------------------

def map_status(data: dict[str, Any]) -> tuple[OrderStatus, str]:
    """(our status, the platform's status text) from the three Shopify fields."""
    financial = ownshop.text(data.get("financial_status")) or "pending"
    fulfillment = ownshop.text(data.get("fulfillment_status")) or "unfulfilled"
    text = f"{financial}/{fulfillment}"
    if data.get("cancelled_at"):
        return OrderStatus.CANCELLED, text + "/cancelled"
    if financial in _VOID:
        return OrderStatus.CANCELLED, text
    if financial in _UNPAID:
        return OrderStatus.UNPAID, text
    if financial not in _PAID:
        raise BadOrder(f"unknown financial_status {financial!r}")
    if fulfillment == "fulfilled":
        return (OrderStatus.DONE if data.get("closed_at") else OrderStatus.SHIPPED), text
    if fulfillment not in ("unfulfilled", "partial", "restocked"):
        raise BadOrder(f"unknown fulfillment_status {fulfillment!r}")
    return OrderStatus.NEW, text


def _line_refunds(data: dict[str, Any], lines: list[dict[str, Any]]) -> dict[str, RefundState]:
    if ownshop.text(data.get("financial_status")) == "refunded":
        return {ownshop.ident(ln.get("id"), "line id"): RefundState.REFUNDED for ln in lines}
    refunded: dict[str, int] = {}
    for refund in data.get("refunds") or ():
        if not isinstance(refund, dict):
            raise BadOrder("refund is not an object")
        for item in refund.get("refund_line_items") or ():
            lid = ownshop.ident(ownshop.need(item, "line_item_id"), "line_item_id")
            refunded[lid] = refunded.get(lid, 0) + abs(ownshop.quantity(item.get("quantity")))
    qty = {ownshop.ident(ln.get("id"), "line id"): ownshop.quantity(ln.get("quantity"))
           for ln in lines}
    return {lid: (RefundState.REFUNDED if n >= qty.get(lid, 0) else RefundState.REQUESTED)
            for lid, n in refunded.items() if n > 0 and lid in qty}


def _money_set(data: dict[str, Any], key: str) -> Decimal:
    value = data.get(key)
    if isinstance(value, dict):
        shop = value.get("shop_money")
        if isinstance(shop, dict):
            return ownshop.amount(shop.get("amount"), key)
    return ZERO


def order_from_wire(data: dict[str, Any], *, keep_raw: bool = False) -> PlatformOrder:
    """One Shopify order object → PlatformOrder; BadOrder when it cannot be read.
    *keep_raw* keeps the payload on the order (off for bulk pulls)."""
    if not isinstance(data, dict):
        raise BadOrder(f"order is {type(data).__name__}, not an object")
    oid = ownshop.ident(ownshop.need(data, "id"), "id")
    status, wire_status = map_status(data)
    created = ownshop.utc_time(ownshop.need(data, "created_at"), "created_at")
    modified = ownshop.utc_time(ownshop.need(data, "updated_at"), "updated_at")
    if created is None or modified is None:
        raise BadOrder("empty created_at/updated_at")
    raw_lines = data.get("line_items")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise BadOrder("no line_items")
    states = _line_refunds(data, raw_lines)
    lines = []
    for ln in raw_lines:
        if not isinstance(ln, dict):
            raise BadOrder("line item is not an object")
        lid = ownshop.ident(ln.get("id"), "line id")
        qty = ownshop.quantity(ownshop.need(ln, "quantity"))
        if qty <= 0:
            raise BadOrder(f"line {lid}: quantity {qty}")
        price = ownshop.amount(ownshop.need(ln, "price"), "price")
        allocations = ln.get("discount_allocations")
        if isinstance(allocations, list) and allocations:
            discount = sum((ownshop.amount(a.get("amount"), "discount_allocations")
                            for a in allocations if isinstance(a, dict)), ZERO)
        else:
            discount = ownshop.amount(ln.get("total_discount"), "total_discount")
        title = ownshop.text(ln.get("title"))
        variant_title = ownshop.text(ln.get("variant_title"))
        lines.append(PlatformOrderLine(
            platform_line_id=lid, qty=qty, price=price, paid_amount=price * qty - discount,
            platform_item_id=ownshop.opt_ident(ln.get("product_id")),
            platform_sku_id=ownshop.opt_ident(ln.get("variant_id")),
            merchant_sku_code=ownshop.text(ln.get("sku")).strip(),
            title=f"{title} {variant_title}" if variant_title else title,
            refund_state=states.get(lid, RefundState.NONE)))
    total = ownshop.amount(data.get("total_price"), "total_price")
    paid = status not in (OrderStatus.UNPAID,) and ownshop.text(
        data.get("financial_status")) != "voided"
    processed = ownshop.utc_time(data.get("processed_at"), "processed_at")
    customer = data.get("customer") if isinstance(data.get("customer"), dict) else {}
    gateways = data.get("payment_gateway_names") or ()
    return PlatformOrder(
        platform_order_id=oid, platform_status=wire_status, status=status,
        created_at=created, modified_at=modified, lines=tuple(lines),
        address=_address(data), paid_at=processed if paid else None,
        buyer_nick=(ownshop.text(data.get("email")) or ownshop.text(customer.get("email"))),
        buyer_message=ownshop.text(data.get("note")),
        total_amount=total, paid_amount=total if paid else ZERO,
        post_fee=_money_set(data, "total_shipping_price_set"),
        discount_amount=ownshop.amount(data.get("total_discounts"), "total_discounts"),
        currency=ownshop.text(data.get("currency")) or "CNY",
        is_cod=any("cash on delivery" in ownshop.text(g).lower() for g in gateways
                   if isinstance(g, str)),
        raw=ownshop.plain(data) if keep_raw else None)


def _address(data: dict[str, Any]) -> Address:
    src = data.get("shipping_address") or data.get("billing_address") or {}
    if not isinstance(src, dict):
        raise BadOrder("shipping_address is not an object")
    t = ownshop.text
    country = (t(src.get("country_code")) or "CN").upper()
    city = t(src.get("city")).strip()
    line1, line2 = t(src.get("address1")), t(src.get("address2"))
    first, last = t(src.get("first_name")), t(src.get("last_name"))
    name = ownshop.person_name(first, last) if (first or last) else t(src.get("name"))
    if country == "CN":
        code = t(src.get("province_code")).upper()
        province = ownshop.SHOPIFY_CN_PROVINCES.get(code) or t(src.get("province")).strip()
        district, town, detail = ownshop.split_cn_address(province, city, line1, line2)
    else:
        province = t(src.get("province_code")) or t(src.get("province"))
        district, town = "", ""
        detail = " ".join(p for p in (line1.strip(), line2.strip()) if p)
    return Address(name=name, phone=t(src.get("phone")).strip(), province=province, city=city,
                   district=district, town=town, detail=detail,
                   zip_code=t(src.get("zip")).strip(), country=country)


def bad_payload(item: Any, reason: str) -> BadPayload:
    oid = ""
    if isinstance(item, dict) and isinstance(item.get("id"), int | str):
        oid = str(item["id"])
    return BadPayload(platform_order_id=oid, raw=ownshop.dumps(item)[:100_000], reason=reason)


def _error_text(payload: Any) -> tuple[str, str] | None:
    """Shopify errors: ``{"errors": "text"}`` or ``{"errors": {"field": ["text"]}}``."""
    if not isinstance(payload, dict) or "errors" not in payload:
        return None
    errors = payload["errors"]
    if isinstance(errors, dict):
        parts = [f"{k}: {'; '.join(map(str, v)) if isinstance(v, list) else v}"
                 for k, v in errors.items()]
        return "shopify_error", ", ".join(parts)
    return "shopify_error", str(errors)


# -- the connector ------------------------------------------------------------------------

class ShopifyConnector:
    """One Shopify shop. *endpoint* is ``https://<shop>.myshopify.com`` (or a simulator)."""

    platform = "shopify"
    max_window_minutes = 24 * 60  # no platform limit; the sync settings decide

    def __init__(self, endpoint: str, access_token: str, *,
                 api_version: str = DEFAULT_API_VERSION, limit: int = MAX_LIMIT,
                 location_id: str = "", pace_above: float = 0.8, leak_rate: float = 2.0,
                 timeout: float = 30.0, keep_raw: bool = False,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.base = endpoint.rstrip("/")
        self.api = f"{self.base}/admin/api/{api_version}"
        self.token = access_token
        self.limit = max(1, min(limit, MAX_LIMIT))
        self.location_id = location_id
        self.pace_above, self.leak_rate = pace_above, leak_rate
        self.sleep = sleep
        self.keep_raw = keep_raw
        self.paced = 0.0  # seconds spent waiting for the bucket to drain (for tests, logs)
        self.call_limit: tuple[int, int] | None = None
        self._inventory_items: dict[str, str] = {}
        self.http = JsonClient(timeout=timeout, platform="Shopify", error_text=_error_text,
                               on_response=self._pace, sleep=sleep)
        self.http.http.session.headers["X-Shopify-Access-Token"] = access_token

    # -- transport -------------------------------------------------------------------
    def _pace(self, headers: dict[str, str]) -> None:
        """Slow down near the top of the leaky bucket (pause until it drained to the mark)."""
        value = headers.get("x-shopify-shop-api-call-limit", "")
        used, _, size = value.partition("/")
        if not (used.strip().isdigit() and size.strip().isdigit()):
            return
        self.call_limit = (int(used), int(size))
        mark = self.pace_above * int(size)
        if int(used) >= mark and self.leak_rate > 0:
            wait = (int(used) - mark + 1) / self.leak_rate
            self.paced += wait
            self.sleep(wait)

    def _call(self, method: str, path_or_url: str, params: Sequence[tuple[str, str]] = (),
              body: Any = None) -> tuple[Any, dict[str, str]]:
        url = path_or_url if path_or_url.startswith("http") else f"{self.api}{path_or_url}"
        return self.http.request(method, url, params=list(params) or None, body=body)

    # -- orders ----------------------------------------------------------------------
    def _raw_pages(self, start: datetime, end: datetime) -> Iterator[list[Any]]:
        params: list[tuple[str, str]] = [
            ("status", "any"), ("updated_at_min", iso_param(start)),
            ("updated_at_max", iso_param(end)), ("limit", str(self.limit))]
        url = f"{self.api}/orders.json"
        cursors: set[str] = set()
        for _ in range(MAX_PAGES):
            data, headers = self._call("GET", url, params)
            orders = data.get("orders") if isinstance(data, dict) else None
            if not isinstance(orders, list):
                raise ConnectorError("Shopify answer has no orders list", code="bad_response")
            yield orders
            nxt = ownshop.parse_link_header(headers.get("link")).get("next")
            if not nxt:
                return
            if urlsplit(nxt).netloc != urlsplit(self.api).netloc:  # our token goes there
                raise ConnectorError("Shopify's next-page link points to another host",
                                     code="bad_link", retryable=False)
            cursor = dict(parse_qsl(urlsplit(nxt).query)).get("page_info", "")
            if not cursor or cursor in cursors:
                raise ConnectorError("Shopify paging never ends (a page_info came back "
                                     "twice)", code="endless_paging", retryable=False)
            if not orders:
                raise ConnectorError("Shopify sent an empty page that says there is more",
                                     code="endless_paging", retryable=False)
            cursors.add(cursor)
            url, params = nxt, []  # the next URL is used exactly as given
        raise ConnectorError(f"Shopify paging went past {MAX_PAGES} pages",
                             code="endless_paging", retryable=False)

    def pull_orders(self, start: datetime, end: datetime) -> Iterator[PullPage]:
        """Orders updated in [start, end] (Shopify's bounds are inclusive; overlap is
        harmless, orders are deduplicated)."""
        seen: set[str] = set()
        for items in self._raw_pages(start, end):
            page = PullPage()
            for item in items:
                oid = str(item.get("id")) if isinstance(item, dict) else ""
                if oid and oid in seen:
                    continue
                try:
                    page.orders.append(order_from_wire(item, keep_raw=self.keep_raw))
                except (BadOrder, ArithmeticError, TypeError, AttributeError) as exc:
                    page.bad.append(bad_payload(item, f"Shopify order: {exc}"))
                if oid:
                    seen.add(oid)
            yield page

    def fetch_order(self, platform_order_id: str) -> PlatformOrder:
        data, _ = self._call("GET", f"/orders/{_path_id(platform_order_id)}.json")
        try:
            return order_from_wire(data.get("order") if isinstance(data, dict) else data,
                                   keep_raw=True)
        except (BadOrder, ArithmeticError, TypeError, AttributeError) as exc:
            raise ConnectorError(f"Shopify order {platform_order_id}: {exc}", code="bad_order",
                                 retryable=False) from exc

    def pull_refunds(self, start: datetime, end: datetime) -> Iterator[list[RefundChange]]:
        """Refund states per line of orders updated in the window (refunds are inline)."""
        for page in self.pull_orders(start, end):
            changes = []
            for order in page.orders:
                by_state: dict[RefundState, list[str]] = {}
                for ln in order.lines:
                    if ln.refund_state != RefundState.NONE:
                        by_state.setdefault(ln.refund_state, []).append(ln.platform_line_id)
                for state, line_ids in by_state.items():
                    changes.append(RefundChange(order.platform_order_id, tuple(line_ids),
                                                state.value, order.modified_at,
                                                {"status": order.platform_status}))
            if changes:
                yield changes

    # -- shipments -------------------------------------------------------------------
    def confirm_shipment(self, shipment: Shipment) -> None:
        """Fulfil the order (or the given lines) with the waybill as tracking number.
        A repeat with the same waybill changes nothing."""
        oid = _path_id(shipment.platform_order_id)
        data, _ = self._call("GET", f"/orders/{oid}.json",
                             [("fields", "id,cancelled_at,financial_status,line_items")])
        order = data.get("order") if isinstance(data, dict) else None
        if not isinstance(order, dict):
            raise ConnectorError("Shopify order answer has no order", code="bad_response")
        if order.get("cancelled_at") or order.get("financial_status") in _VOID:
            raise ConnectorError(f"Shopify order {oid} is cancelled; not shipping it",
                                 code="order_closed", retryable=False)
        data, _ = self._call("GET", f"/orders/{oid}/fulfillments.json")
        for f in (data or {}).get("fulfillments", []) if isinstance(data, dict) else []:
            numbers = {ownshop.text(f.get("tracking_number"))} | {
                ownshop.text(n) for n in f.get("tracking_numbers") or ()}
            if shipment.waybill_number in numbers and f.get("status") != "cancelled":
                return  # already delivered once
        data, _ = self._call("GET", f"/orders/{oid}/fulfillment_orders.json")
        fos = data.get("fulfillment_orders") if isinstance(data, dict) else None
        if not isinstance(fos, list):
            raise ConnectorError("Shopify answer has no fulfillment_orders", code="bad_response")
        known = {str(ln.get("id")) for ln in order.get("line_items") or ()
                 if isinstance(ln, dict)}
        unknown = [x for x in shipment.line_ids if x not in known]
        if unknown:
            raise ConnectorError(f"Shopify order {oid} has no line {', '.join(unknown)}",
                                 code="unknown_line", retryable=False)
        wanted = set(shipment.line_ids)
        groups: list[dict[str, Any]] = []
        for fo in fos:
            if not isinstance(fo, dict) or fo.get("status") not in ("open", "in_progress"):
                continue
            items = [{"id": li["id"], "quantity": li["fulfillable_quantity"]}
                     for li in fo.get("line_items") or ()
                     if isinstance(li, dict) and li.get("fulfillable_quantity", 0) > 0
                     and (not wanted or str(li.get("line_item_id")) in wanted)]
            if not items:
                continue
            group: dict[str, Any] = {"fulfillment_order_id": fo["id"]}
            if wanted:
                group["fulfillment_order_line_items"] = items
            groups.append(group)
        if not groups:
            return  # everything asked for is already fulfilled
        self._call("POST", "/fulfillments.json", body={"fulfillment": {
            "line_items_by_fulfillment_order": groups,
            "tracking_info": {"number": shipment.waybill_number,
                              "company": shipment.courier_code},
            "notify_customer": True}})

    # -- stock -----------------------------------------------------------------------
    def _location(self) -> str:
        if not self.location_id:
            data, _ = self._call("GET", "/locations.json")
            for loc in (data or {}).get("locations", []) if isinstance(data, dict) else []:
                if isinstance(loc, dict) and loc.get("active", True):
                    self.location_id = str(loc["id"])
                    break
            else:
                raise ConnectorError("Shopify shop has no active location", code="no_location",
                                     retryable=False)
        return self.location_id

    def _inventory_item(self, product_id: str, variant_id: str) -> str | None:
        """The variant's inventory item id: all variants of the product in one call (cached),
        or the variant alone when the product is not known."""
        if variant_id not in self._inventory_items:
            try:
                if product_id:
                    data, _ = self._call("GET",
                                         f"/products/{_path_id(product_id)}/variants.json",
                                         [("fields", "id,inventory_item_id")])
                    variants = data.get("variants", []) if isinstance(data, dict) else []
                else:
                    data, _ = self._call("GET", f"/variants/{_path_id(variant_id)}.json")
                    variants = [data.get("variant")] if isinstance(data, dict) else []
            except ConnectorError as exc:
                if exc.retryable:
                    raise
                return None
            for v in variants:
                if isinstance(v, dict) and v.get("inventory_item_id"):
                    self._inventory_items[str(v["id"])] = str(v["inventory_item_id"])
        return self._inventory_items.get(variant_id)

    def push_stock(self, quantities: Sequence[StockQuantity]) -> None:
        """Set ``available`` for each variant at the location; refusals (unknown
        variants) are collected and raised together after the rest were sent."""
        location = self._location()
        failures: list[str] = []
        for q in quantities:
            item = self._inventory_item(q.platform_item_id, q.platform_sku_id or "")
            if item is None:
                failures.append(f"{q.platform_item_id}/{q.platform_sku_id}: unknown variant")
                continue
            try:
                self._call("POST", "/inventory_levels/set.json", body={
                    "location_id": int(location), "inventory_item_id": int(item),
                    "available": max(0, int(q.quantity))})
            except ConnectorError as exc:
                if exc.retryable:
                    raise
                failures.append(f"{q.platform_sku_id}: {exc}")
        if failures:
            raise ConnectorError("Shopify refused stock for " + "; ".join(failures[:20]),
                                 code="stock_refused", retryable=False)


def _path_id(value: str) -> str:
    value = str(value).strip()
    if not value.isdigit():
        raise ConnectorError(f"not a Shopify id: {value!r}", code="bad_id", retryable=False)
    return value


def create_connector(cfg: Any) -> ShopifyConnector:
    """Registry factory: ``cfg`` is a connectors.registry.ConnectorConfig (the access token
    is the shop's session secret)."""
    settings = dict(getattr(cfg, "settings", {}) or {})
    return ShopifyConnector(
        cfg.endpoint, cfg.session or cfg.app_secret,
        api_version=str(settings.get("api_version", DEFAULT_API_VERSION)),
        limit=int(settings.get("limit", MAX_LIMIT)),
        location_id=str(settings.get("location_id", "")),
        leak_rate=float(settings.get("leak_rate", 2.0)),
        keep_raw=bool(settings.get("keep_raw", False)),
        timeout=float(settings.get("timeout", 30.0)))
