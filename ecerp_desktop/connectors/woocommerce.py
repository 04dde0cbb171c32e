"""WooCommerce REST API v3 (``/wp-json/wc/v3``): orders in, shipments and stock out.

Auth: HTTP Basic (consumer key / secret) over HTTPS; OAuth 1.0a one-legged, signed in the
query string, over plain HTTP (WooCommerce refuses Basic there). Paging is by ``page`` and
``per_page`` (≤ 100) with the totals in ``X-WP-Total`` / ``X-WP-TotalPages``.

Offset paging over a set that changes while we read it can skip an order: an order on an
early page that is modified again leaves the window and every later order moves up one
place. Because the window ends in the past, orders can only *leave* it, never join; so the
pull reads page 1 (with the total: for most windows the whole answer), then the pages from
the last back to the first, where a departure can only move an order onto a page not read
yet (seen twice at worst, deduped by id, never missed) — the reason Taobao demands the same
backwards order.

WooCommerce has no courier fields in core: a shipment is an order note (visible to the
buyer) carrying a machine-readable ``[ecerp-shipment]`` line, and the order is set
``completed`` (with the tracking in the ``ecerp_tracking`` meta) once every line has
shipped. Notes already carrying the waybill make a repeated confirmation a no-op, so the
outbox may deliver twice.

Methods block on HTTP; call them from a sync lane thread, never the GUI thread.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from ecerp_desktop.connectors import ownshop
from ecerp_desktop.connectors.base import (
    AuthFailed,
    BadPayload,
    ConnectorError,
    PullPage,
    RefundChange,
    Shipment,
    StockQuantity,
)
from ecerp_desktop.connectors.oauth1 import signed_query
from ecerp_desktop.connectors.ownshop import BadOrder, JsonClient
from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine

API_PREFIX = "/wp-json/wc/v3"
MAX_PER_PAGE = 100
MAX_BATCH = 100  # WooCommerce's batch endpoints take at most 100 objects
MAX_PAGES = 5_000  # a total beyond this (500,000 orders in one window) is a broken server
SHIPMENT_MARK = "[ecerp-shipment]"
CLOCK_TOLERANCE = 120.0  # seconds; WooCommerce accepts OAuth timestamps ±15 minutes

# pending = awaiting payment; on-hold = awaiting payment confirmation (bank transfer,
# cheque): neither may be shipped yet, so both are UNPAID for us.
STATUS_MAP: dict[str, OrderStatus] = {
    "pending": OrderStatus.UNPAID,
    "checkout-draft": OrderStatus.UNPAID,
    "on-hold": OrderStatus.UNPAID,
    "processing": OrderStatus.NEW,
    "completed": OrderStatus.DONE,
    "cancelled": OrderStatus.CANCELLED,
    "refunded": OrderStatus.CANCELLED,
    "failed": OrderStatus.CANCELLED,
    "trash": OrderStatus.CANCELLED,
}
_CLOSED = {"cancelled", "refunded", "failed", "trash"}


def gmt_param(at: datetime) -> str:
    """An aware time as WooCommerce's GMT query value (``dates_are_gmt=true``)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


# -- wire → PlatformOrder -------------------------------------------------------------------

def _line_refunds(lines: list[dict[str, Any]], refunds: list[dict[str, Any]] | None,
                  order_status: str) -> dict[str, RefundState]:
    """Refund state per order line id from the order's refund objects.

    A refund line names its origin in the ``_refunded_item_id`` meta when the site exposes
    it; otherwise it is matched by product and variation. Fully refunded lines are
    REFUNDED; partly refunded ones REQUESTED, so the order is held for a person to look.
    """
    if order_status == "refunded":
        return {ownshop.ident(ln.get("id"), "line id"): RefundState.REFUNDED for ln in lines}
    if not refunds:
        return {}
    by_product: dict[tuple[str, str], str] = {}
    qty: dict[str, int] = {}
    for ln in lines:
        lid = ownshop.ident(ln.get("id"), "line id")
        by_product.setdefault((ownshop.opt_ident(ln.get("product_id")),
                               ownshop.opt_ident(ln.get("variation_id"))), lid)
        qty[lid] = ownshop.quantity(ln.get("quantity"))
    refunded: dict[str, int] = {}
    for refund in refunds:
        for item in refund.get("line_items") or ():
            origin = ""
            for meta in item.get("meta_data") or ():
                if isinstance(meta, dict) and meta.get("key") == "_refunded_item_id":
                    origin = ownshop.text(meta.get("value"))
            if origin not in qty:
                origin = by_product.get((ownshop.opt_ident(item.get("product_id")),
                                         ownshop.opt_ident(item.get("variation_id"))), "")
            if origin:
                refunded[origin] = refunded.get(origin, 0) + abs(
                    ownshop.quantity(item.get("quantity")))
    return {lid: (RefundState.REFUNDED if n >= qty[lid] else RefundState.REQUESTED)
            for lid, n in refunded.items() if n > 0}


def order_from_wire(data: dict[str, Any], refunds: list[dict[str, Any]] | None = None, *,
                    keep_raw: bool = False) -> PlatformOrder:
    """One WooCommerce order object → PlatformOrder; BadOrder when it cannot be read.
    *keep_raw* keeps the payload on the order (off for bulk pulls, as the other
    connectors do: a quarantined order always keeps its payload)."""
    if not isinstance(data, dict):
        raise BadOrder(f"order is {type(data).__name__}, not an object")
    oid = ownshop.ident(ownshop.need(data, "id"), "id")
    wire_status = ownshop.text(ownshop.need(data, "status"))
    status = STATUS_MAP.get(wire_status)
    if status is None:  # custom statuses from plug-ins: quarantine, a person decides
        raise BadOrder(f"unknown status {wire_status!r}")
    created = (ownshop.utc_time(data.get("date_created_gmt"), "date_created_gmt")
               or ownshop.utc_time(data.get("date_created"), "date_created", naive_is_utc=False))
    modified = (ownshop.utc_time(data.get("date_modified_gmt"), "date_modified_gmt")
                or ownshop.utc_time(data.get("date_modified"), "date_modified",
                                    naive_is_utc=False))
    if created is None or modified is None:
        raise BadOrder("missing date_created_gmt/date_modified_gmt")
    paid_at = ownshop.utc_time(data.get("date_paid_gmt"), "date_paid_gmt")
    raw_lines = data.get("line_items")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise BadOrder("no line_items")
    states = _line_refunds(raw_lines, refunds, wire_status)
    lines = []
    for ln in raw_lines:
        if not isinstance(ln, dict):
            raise BadOrder("line item is not an object")
        lid = ownshop.ident(ln.get("id"), "line id")
        qty = ownshop.quantity(ownshop.need(ln, "quantity"))
        if qty <= 0:
            raise BadOrder(f"line {lid}: quantity {qty}")
        subtotal = ownshop.amount(ln.get("subtotal"), "subtotal")
        paid = (ownshop.amount(ln.get("total"), "total")
                + ownshop.amount(ln.get("total_tax"), "total_tax"))
        product = ownshop.opt_ident(ln.get("product_id"))
        variation = ownshop.opt_ident(ln.get("variation_id"))
        lines.append(PlatformOrderLine(
            platform_line_id=lid, qty=qty,
            price=ownshop.amount(subtotal / qty, "price"), paid_amount=paid,
            platform_item_id=product, platform_sku_id=variation,
            merchant_sku_code=ownshop.text(ln.get("sku")).strip(),
            title=ownshop.text(ln.get("name")),
            refund_state=states.get(lid, RefundState.NONE)))
    total = ownshop.amount(data.get("total"), "total")
    return PlatformOrder(
        platform_order_id=oid, platform_status=wire_status, status=status,
        created_at=created, modified_at=modified, lines=tuple(lines),
        address=_address(data), paid_at=paid_at,
        buyer_nick=_buyer(data), buyer_message=ownshop.text(data.get("customer_note")),
        total_amount=total,
        paid_amount=total if (paid_at is not None or status in (OrderStatus.NEW,
                                                                OrderStatus.DONE)) else Decimal("0.00"),
        post_fee=(ownshop.amount(data.get("shipping_total"), "shipping_total")
                  + ownshop.amount(data.get("shipping_tax"), "shipping_tax")),
        discount_amount=ownshop.amount(data.get("discount_total"), "discount_total"),
        currency=ownshop.text(data.get("currency")) or "CNY",
        is_cod=ownshop.text(data.get("payment_method")) == "cod",
        raw=ownshop.plain(data) if keep_raw else None)


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadOrder(f"{key} is not an object")
    return value


def _address(data: dict[str, Any]) -> Address:
    billing = _section(data, "billing")
    shipping = _section(data, "shipping")
    src = shipping if (shipping.get("address_1") or shipping.get("city")) else billing
    t = ownshop.text
    country = t(src.get("country")).upper() or "CN"
    province = t(src.get("state"))
    city = t(src.get("city")).strip()
    line1, line2 = t(src.get("address_1")), t(src.get("address_2"))
    if country == "CN":
        province = ownshop.cn_province(province, ownshop.WOO_CN_STATES)
        district, town, detail = ownshop.split_cn_address(province, city, line1, line2)
    else:
        district, town, detail = "", "", " ".join(p for p in (line1.strip(), line2.strip()) if p)
    return Address(
        name=ownshop.person_name(t(src.get("first_name")), t(src.get("last_name"))),
        phone=(t(shipping.get("phone")) or t(billing.get("phone"))).strip(),
        province=province, city=city, district=district, town=town, detail=detail,
        zip_code=t(src.get("postcode")).strip(), country=country)


def _buyer(data: dict[str, Any]) -> str:
    billing = _section(data, "billing")
    email = ownshop.text(billing.get("email")).strip()
    if email:
        return email
    return ownshop.person_name(ownshop.text(billing.get("first_name")),
                               ownshop.text(billing.get("last_name")))


def _refund_changes(order: PlatformOrder) -> list[RefundChange]:
    """One RefundChange per refund state found on the order's lines."""
    by_state: dict[RefundState, list[str]] = {}
    for ln in order.lines:
        if ln.refund_state != RefundState.NONE:
            by_state.setdefault(ln.refund_state, []).append(ln.platform_line_id)
    return [RefundChange(order.platform_order_id, tuple(ids), state.value, order.modified_at,
                         {"status": order.platform_status}) for state, ids in by_state.items()]


def bad_payload(item: Any, reason: str) -> BadPayload:
    oid = ""
    if isinstance(item, dict) and isinstance(item.get("id"), int | str):
        oid = str(item["id"])
    return BadPayload(platform_order_id=oid, raw=ownshop.dumps(item)[:100_000], reason=reason)


def shipment_note(shipment: Shipment) -> str:
    """The order note for one parcel: a line for people, a marked line for us."""
    courier = _token(shipment.courier_code)
    waybill = _token(shipment.waybill_number)
    lines = ",".join(_token(x) for x in shipment.line_ids)
    human = f"已发货 Shipped: {courier} {waybill}"
    mark = f"{SHIPMENT_MARK} courier={courier} waybill={waybill}"
    if lines:
        mark += f" lines={lines}"
    return f"{human}\n{mark}"


def _token(value: str) -> str:
    # courier codes, waybills and ids never need spaces or '='; keep the mark parseable
    return re.sub(r"[\s=,\[\]]+", "", value)


_MARK = re.compile(re.escape(SHIPMENT_MARK) + r" courier=(\S*) waybill=(\S*)(?: lines=(\S+))?")


def parse_shipment_notes(notes: list[dict[str, Any]]) -> list[tuple[str, str, tuple[str, ...]]]:
    """(courier, waybill, line ids) of every shipment we recorded in the order's notes."""
    out = []
    for note in notes:
        if not isinstance(note, dict):
            continue
        for m in _MARK.finditer(ownshop.text(note.get("note"))):
            out.append((m.group(1), m.group(2),
                        tuple(x for x in (m.group(3) or "").split(",") if x)))
    return out


# -- the connector ------------------------------------------------------------------------

class WooCommerceConnector:
    """One WooCommerce site. *endpoint* is the site root (``https://shop.example.com``).

    ``auth`` is ``"basic"``, ``"oauth1"`` or ``"auto"`` (Basic over HTTPS, OAuth 1.0a over
    HTTP, as WooCommerce requires)."""

    platform = "woocommerce"
    max_window_minutes = 24 * 60  # no platform limit; the sync settings decide

    def __init__(self, endpoint: str, consumer_key: str, consumer_secret: str, *,
                 auth: str = "auto", per_page: int = MAX_PER_PAGE, timeout: float = 30.0,
                 fetch_refunds: bool = True, keep_raw: bool = False,
                 signature_method: str = "HMAC-SHA1", client: JsonClient | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.base = endpoint.rstrip("/")
        if self.base.endswith(API_PREFIX):
            self.base = self.base[: -len(API_PREFIX)]
        self.key, self.secret = consumer_key, consumer_secret
        if auth == "auto":
            auth = "basic" if urlsplit(self.base).scheme == "https" else "oauth1"
        if auth not in ("basic", "oauth1"):
            raise ValueError(f"unknown WooCommerce auth {auth!r}")
        self.auth = auth
        self.signature_method = signature_method  # HMAC-SHA1 or HMAC-SHA256
        self.per_page = max(1, min(per_page, MAX_PER_PAGE))
        self.fetch_refunds = fetch_refunds
        self.refunds_endpoint = True  # False once the site said it has no /refunds
        self.keep_raw = keep_raw
        self.clock = clock
        self.clock_offset = 0.0  # server time minus ours, when our clock is off (OAuth)
        self.http = client or JsonClient(timeout=timeout, platform="WooCommerce",
                                         error_text=_error_text, on_response=self._server_time)

    # -- transport -------------------------------------------------------------------
    def _server_time(self, headers: dict[str, str]) -> None:
        """Learn how far our clock is from the site's (its ``Date`` header): OAuth
        timestamps more than 15 minutes off are refused, and shop PCs' clocks drift."""
        try:
            server = parsedate_to_datetime(headers.get("date", "")).timestamp()
        except (TypeError, ValueError, IndexError):
            return
        offset = server - self.clock()
        self.clock_offset = offset if abs(offset) > CLOCK_TOLERANCE else 0.0

    def _call(self, method: str, path: str, params: Sequence[tuple[str, str]] = (),
              body: Any = None) -> tuple[Any, dict[str, str]]:
        url = f"{self.base}{API_PREFIX}{path}"
        query = list(params)
        if self.auth != "oauth1":
            return self.http.request(method, url, params=query, body=body,
                                     auth=(self.key, self.secret))

        def signed() -> list[tuple[str, str]]:  # afresh for every attempt: nonces are single-use
            return signed_query(method, url, query, self.key, self.secret,
                                signature_method=self.signature_method,
                                timestamp=int(self.clock() + self.clock_offset))
        offset = self.clock_offset
        try:
            return self.http.request(method, url, body=body, params=signed)
        except AuthFailed as exc:
            # refused for our clock, and the answer told us the right time: once more
            if "timestamp" not in str(exc).lower() or self.clock_offset == offset:
                raise
            return self.http.request(method, url, body=body, params=signed)

    # -- orders ----------------------------------------------------------------------
    def _window(self, start: datetime, end: datetime) -> list[tuple[str, str]]:
        # Both bounds are exclusive and second-grained: widen each by a second so orders
        # modified exactly at *start*, or in *end*'s second, are included (the sync engine
        # moves its cursor to *end*; duplicates are harmless, misses are not).
        return [("modified_after", gmt_param(start - timedelta(seconds=1))),
                ("modified_before", gmt_param(end + timedelta(seconds=1))),
                ("dates_are_gmt", "true"),
                ("status", "any"), ("orderby", "id"), ("order", "asc")]

    def _raw_pages(self, start: datetime, end: datetime) -> Iterator[list[Any]]:
        """Page 1 first (the whole answer for most windows, and the total); if there is
        more, the pages from the last back to 1 (page 1 again: an order may have moved
        onto it since; the duplicates are dropped by id)."""
        window = self._window(start, end)
        first, headers = self._page_data(window, 1)
        total = _header_int(headers, "x-wp-total")
        pages = math.ceil(total / self.per_page)
        if pages > MAX_PAGES:
            raise ConnectorError(f"WooCommerce reports {total} orders in one window; "
                                 "refusing to page through it", code="paging_runaway",
                                 retryable=False)
        yield first or []
        if pages <= 1:
            return
        for page in range(pages, 0, -1):
            try:
                data, _ = self._page_data(window, page)
            except ConnectorError as exc:
                # orders left the window since we counted: the last page is gone
                if exc.code.endswith("invalid_page_number"):
                    continue
                raise
            yield data or []

    def _page_data(self, window: list[tuple[str, str]],
                   page: int) -> tuple[list[Any] | None, dict[str, str]]:
        data, headers = self._call("GET", "/orders", [
            *window, ("per_page", str(self.per_page)), ("page", str(page))])
        if not isinstance(data, list):
            raise ConnectorError("WooCommerce order list is not a JSON array",
                                 code="bad_response")
        return data, headers

    def pull_orders(self, start: datetime, end: datetime) -> Iterator[PullPage]:
        """Orders modified in [start, end): page 1, then from the last page back to 1."""
        seen: set[str] = set()
        for items in self._raw_pages(start, end):
            yield self._page(items, seen)

    def _page(self, items: list[Any], seen: set[str]) -> PullPage:
        page = PullPage()
        for item in items:
            oid = str(item.get("id")) if isinstance(item, dict) else ""
            if oid and oid in seen:
                continue  # an order that moved between pages while we read them
            try:
                refunds = self._refunds_for(item)
                page.orders.append(order_from_wire(item, refunds, keep_raw=self.keep_raw))
            except (BadOrder, ArithmeticError, TypeError, AttributeError) as exc:
                page.bad.append(bad_payload(item, f"WooCommerce order: {exc}"))
            if oid:
                seen.add(oid)
        return page

    def _refunds_for(self, item: Any) -> list[dict[str, Any]] | None:
        if not (self.fetch_refunds and isinstance(item, dict) and item.get("refunds")
                and item.get("status") != "refunded"):
            return None
        oid = ownshop.ident(item.get("id"), "id")
        try:
            data, _ = self._call("GET", f"/orders/{oid}/refunds", [("per_page", "100")])
        except ConnectorError as exc:
            if exc.retryable or isinstance(exc, AuthFailed):
                raise
            # e.g. the order was deleted meanwhile: park this order, keep the page
            raise BadOrder(f"its refunds could not be read: {exc}") from exc
        if not isinstance(data, list):
            raise BadOrder("refund list is not an array")
        return data

    def fetch_order(self, platform_order_id: str) -> PlatformOrder:
        data, _ = self._call("GET", f"/orders/{_path_id(platform_order_id)}")
        try:
            return order_from_wire(data, self._refunds_for(data), keep_raw=True)
        except (BadOrder, ArithmeticError, TypeError, AttributeError) as exc:
            raise ConnectorError(f"WooCommerce order {platform_order_id}: {exc}",
                                 code="bad_order", retryable=False) from exc

    def pull_refunds(self, start: datetime, end: datetime) -> Iterator[list[RefundChange]]:
        """Refund states per line for refunds created in [start, end).

        Newer WooCommerce lists refunds store-wide (``GET /refunds``, each with its
        ``parent_id``); each refunded order is then read with all its refunds, since a line's
        state depends on every refund of it. Sites without that endpoint (``rest_no_route``)
        fall back to the orders modified in the window."""
        if self.refunds_endpoint:
            try:
                yield from self._refunds_feed(start, end)
                return
            except ConnectorError as exc:
                if exc.code != "rest_no_route":
                    raise
                self.refunds_endpoint = False  # an older site: remember, fall back
        for page in self.pull_orders(start, end):
            changes = [c for order in page.orders for c in _refund_changes(order)]
            if changes:
                yield changes

    def _refunds_feed(self, start: datetime, end: datetime) -> Iterator[list[RefundChange]]:
        window = [("after", gmt_param(start - timedelta(seconds=1))),
                  ("before", gmt_param(end + timedelta(seconds=1))),
                  ("dates_are_gmt", "true"), ("orderby", "id"), ("order", "asc"),
                  ("per_page", str(MAX_PER_PAGE))]
        parents: dict[str, None] = {}
        for page in range(1, MAX_PAGES + 1):  # refunds never change: forward paging is safe
            data, headers = self._call("GET", "/refunds", [*window, ("page", str(page))])
            if not isinstance(data, list):
                raise ConnectorError("WooCommerce refund list is not a JSON array",
                                     code="bad_response")
            for refund in data:
                if isinstance(refund, dict) and str(refund.get("parent_id", "")).isdigit():
                    parents.setdefault(str(refund["parent_id"]), None)
            if page >= _header_int(headers, "x-wp-totalpages") or not data:
                break
        batch: list[RefundChange] = []
        for oid in parents:
            try:
                batch.extend(_refund_changes(self.fetch_order(oid)))
            except ConnectorError as exc:
                if exc.retryable or isinstance(exc, AuthFailed):
                    raise
                continue  # the order is gone or unreadable: the order pull reports it
            if len(batch) >= MAX_PER_PAGE:
                yield batch
                batch = []
        if batch:
            yield batch

    # -- shipments -------------------------------------------------------------------
    def confirm_shipment(self, shipment: Shipment) -> None:
        """Record a parcel (a note, once per waybill); complete the order when every line
        has shipped. Safe to call again with the same shipment."""
        oid = _path_id(shipment.platform_order_id)
        order, _ = self._call("GET", f"/orders/{oid}")
        if not isinstance(order, dict):
            raise ConnectorError("WooCommerce order is not an object", code="bad_response")
        status = ownshop.text(order.get("status"))
        if status in _CLOSED:
            raise ConnectorError(f"WooCommerce order {oid} is {status}; not shipping it",
                                 code="order_closed", retryable=False)
        line_ids = {str(ln.get("id")) for ln in order.get("line_items") or ()
                    if isinstance(ln, dict)}
        unknown = [x for x in shipment.line_ids if x not in line_ids]
        if unknown:
            raise ConnectorError(f"WooCommerce order {oid} has no line {', '.join(unknown)}",
                                 code="unknown_line", retryable=False)
        to_ship = self._lines_to_ship(order, line_ids)
        notes, _ = self._call("GET", f"/orders/{oid}/notes")
        recorded = parse_shipment_notes(notes if isinstance(notes, list) else [])
        waybill = _token(shipment.waybill_number)
        if not any(w == waybill for _, w, _ in recorded):
            self._call("POST", f"/orders/{oid}/notes",
                       body={"note": shipment_note(shipment), "customer_note": True})
            recorded.append((_token(shipment.courier_code), waybill,
                             tuple(_token(x) for x in shipment.line_ids)))
        shipped: set[str] = set()
        whole = False
        for _, _, lines in recorded:
            if lines:
                shipped.update(lines)
            else:
                whole = True
        if status != "completed" and (whole or to_ship <= shipped):
            # visible (no leading underscore) so the seller sees it under Custom Fields
            tracking = ";".join(f"{c}:{w}" for c, w, _ in recorded)
            self._call("PUT", f"/orders/{oid}", body={
                "status": "completed",
                "meta_data": [{"key": "ecerp_tracking", "value": tracking}]})

    def _lines_to_ship(self, order: dict[str, Any], line_ids: set[str]) -> set[str]:
        """The lines a parcel must still cover before the order is complete: all but the
        fully refunded ones (a refunded line is never shipped)."""
        if not order.get("refunds"):
            return line_ids
        try:
            mapped = order_from_wire(order, self._refunds_for(order))
        except BadOrder:
            return line_ids
        return {ln.platform_line_id for ln in mapped.lines
                if ln.refund_state != RefundState.REFUNDED}

    # -- stock -----------------------------------------------------------------------
    def push_stock(self, quantities: Sequence[StockQuantity]) -> None:
        """Set ``stock_quantity`` through the batch endpoints (products, and variations per
        parent product), at most 100 per call. Item-level refusals are collected and
        raised together after every batch was sent."""
        simple: list[dict[str, Any]] = []
        variations: dict[str, list[dict[str, Any]]] = {}
        failures: list[str] = []
        for q in quantities:
            qty = max(0, int(q.quantity))
            item, sku = str(q.platform_item_id).strip(), str(q.platform_sku_id).strip()
            if not item.isdigit() or (sku and not sku.isdigit()):
                failures.append(f"{item}/{sku}: not a WooCommerce product id")
            elif sku and sku != item:
                variations.setdefault(item, []).append(
                    {"id": int(sku), "manage_stock": True, "stock_quantity": qty})
            else:
                simple.append({"id": int(item), "manage_stock": True, "stock_quantity": qty})
        for path, updates in [("/products/batch", simple), *(
                (f"/products/{_path_id(pid)}/variations/batch", ups)
                for pid, ups in variations.items())]:
            for i in range(0, len(updates), MAX_BATCH):
                data, _ = self._call("POST", path, body={"update": updates[i:i + MAX_BATCH]})
                for result in (data or {}).get("update", []) if isinstance(data, dict) else []:
                    if isinstance(result, dict) and result.get("error"):
                        err = result["error"]
                        msg = err.get("message", "") if isinstance(err, dict) else str(err)
                        failures.append(f"{result.get('id')}: {msg}")
        if failures:
            raise ConnectorError("WooCommerce refused stock for " + "; ".join(failures[:20]),
                                 code="stock_refused", retryable=False)


def _header_int(headers: dict[str, str], name: str) -> int:
    value = headers.get(name, "")
    if not value.strip().isdigit():
        raise ConnectorError(f"WooCommerce answer lacks a numeric {name} header",
                             code="bad_response")
    return int(value)


def _path_id(value: str) -> str:
    value = str(value).strip()
    if not value.isdigit():
        raise ConnectorError(f"not a WooCommerce id: {value!r}", code="bad_id", retryable=False)
    return value


def _error_text(payload: Any) -> tuple[str, str] | None:
    """(code, message) from WooCommerce's error object ``{"code","message","data"}``."""
    if isinstance(payload, dict) and isinstance(payload.get("code"), str):
        return payload["code"], ownshop.text(payload.get("message"))
    return None


def create_connector(cfg: Any) -> WooCommerceConnector:
    """Registry factory: ``cfg`` is a connectors.registry.ConnectorConfig."""
    settings = dict(getattr(cfg, "settings", {}) or {})
    return WooCommerceConnector(
        cfg.endpoint, cfg.app_key, cfg.app_secret, auth=settings.get("auth", "auto"),
        per_page=int(settings.get("per_page", MAX_PER_PAGE)),
        keep_raw=bool(settings.get("keep_raw", False)),
        signature_method=str(settings.get("signature_method", "HMAC-SHA1")),
        timeout=float(settings.get("timeout", 30.0)))
