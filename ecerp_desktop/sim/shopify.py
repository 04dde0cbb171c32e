"""A Shopify shop's Admin REST API on loopback, for tests, the demo and ``ecerp sim serve``.

- ``X-Shopify-Access-Token`` is checked (401 with Shopify's ``{"errors": …}`` otherwise).
- A leaky bucket per shop (*bucket* requests, draining at *leak_rate* per second): every
  answer carries ``X-Shopify-Shop-Api-Call-Limit: used/size``; a request that finds the
  bucket full gets HTTP 429 with ``Retry-After: 2.0`` (*retry_after*) and Shopify's
  "Exceeded … calls per second" text.
- ``orders.json`` with ``status``, ``updated_at_min/max``, ``created_at_min/max``,
  ``limit`` (≤ 250), ``fields``; cursor paging (newest id first) through ``Link`` headers
  whose ``page_info`` is opaque; with ``page_info`` only ``limit`` and ``fields`` are
  accepted, as on Shopify.
- The FulfillmentOrder flow (``fulfillment_orders.json``, ``POST fulfillments.json`` with
  ``line_items_by_fulfillment_order`` and ``tracking_info``), inventory levels by location
  (``locations.json``, ``products/{id}/variants.json``, ``variants/{id}.json``,
  ``inventory_levels/set.json``).
  What was fulfilled and set is kept for tests (``fulfillments``, ``inventory``).
- The fault SPEC applies; in addition ``repeat`` copies the previous page's last order
  onto the next page, ``endless_paging`` sends the last page's ``next`` link back to the
  first page (forever), and ``poison`` serves some orders malformed.

Orders come from an :class:`OrderBook` of canonical PlatformOrder values, rendered in
Shopify's shape (shop time +08:00 with offsets, money as strings, discounts as line
``discount_allocations``, refunds as ``refund_line_items``, CN ``province_code``).
"""

from __future__ import annotations

import base64
import hmac
import json
import math
import re
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import PlatformOrder
from ecerp_desktop.domain.timeutil import CHINA, utcnow
from ecerp_desktop.sim.server import PlatformSim, SimRequest, SimResponse
from ecerp_desktop.sim.woocommerce import split_name

PROVINCE_CODES = {
    "安徽省": "AH", "北京市": "BJ", "重庆市": "CQ", "福建省": "FJ", "甘肃省": "GS",
    "广东省": "GD", "广西壮族自治区": "GX", "贵州省": "GZ", "海南省": "HI", "河北省": "HE",
    "黑龙江省": "HL", "河南省": "HA", "湖北省": "HB", "湖南省": "HN", "内蒙古自治区": "NM",
    "江苏省": "JS", "江西省": "JX", "吉林省": "JL", "辽宁省": "LN", "宁夏回族自治区": "NX",
    "青海省": "QH", "陕西省": "SN", "山东省": "SD", "上海市": "SH", "山西省": "SX",
    "四川省": "SC", "天津市": "TJ", "新疆维吾尔自治区": "XJ", "西藏自治区": "XZ",
    "云南省": "YN", "浙江省": "ZJ",
}
_PATH = re.compile(r"^/admin/api/(\d{4}-\d{2}|unstable)(/.*)$")
_PAGE_INFO_ONLY = {"limit", "fields", "page_info"}
_LOCATION = 65_000_001


def _errors(message: Any, status: int, **headers: str) -> SimResponse:
    return SimResponse.json({"errors": message}, status=status, **headers)


def _ts(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(CHINA).isoformat()


def _m(value: Decimal) -> str:
    return f"{value:.2f}"


class LeakyBucket:
    """Shopify's request bucket: *size* requests, draining at *rate* per second."""

    def __init__(self, size: int = 40, rate: float = 2.0) -> None:
        self.size, self.rate = size, rate
        self.level = 0.0
        self._at = time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> tuple[bool, int]:
        """(allowed, used after this request)."""
        with self._lock:
            now = time.monotonic()
            self.level = max(0.0, self.level - (now - self._at) * self.rate)
            self._at = now
            if self.level + 1 > self.size:
                return False, math.ceil(self.level)
            self.level += 1
            return True, math.ceil(self.level)


class ShopifySim(PlatformSim):
    """The simulated shop. ``access_token`` (the base's ``session``) is the Admin API token
    it accepts. Read-back: ``fulfillments`` per order, ``shipments`` (every fulfilment, in
    arrival order), ``stock`` {(product id, variant id): available}, ``inventory``
    {(inventory item id, location id): available}."""

    platform = "shopify"

    def __init__(self, *, access_token: str = "shpat_ecerp_test", bucket: int = 40,
                 leak_rate: float = 2.0, retry_after: float = 2.0, **kwargs: Any) -> None:
        kwargs.setdefault("session", access_token)
        super().__init__(**kwargs)
        self.access_token = self.session
        self.bucket = LeakyBucket(bucket, leak_rate)
        self.retry_after = retry_after  # what a full bucket announces (Shopify: 2.0)
        self.fulfillments: dict[str, list[dict[str, Any]]] = {}
        self.fulfilled_qty: dict[str, int] = {}  # line item id → quantity fulfilled
        self.inventory: dict[tuple[int, int], int] = {}
        self.throttled = 0
        self.auth_failures = 0
        self._next_id = 1
        self.variants: dict[str, list[str]] = {}
        self._by_inventory_item: dict[int, tuple[str, str]] = {}
        self._by_variant = {c.sku_id: c.item_id for c in self.generator.catalog}
        for c in self.generator.catalog:
            self.variants.setdefault(c.item_id, []).append(c.sku_id)
            self._by_inventory_item[self.inventory_item_id(c.sku_id)] = (c.item_id, c.sku_id)

    def stop(self) -> None:
        self.book.stop_feed()
        super().stop()

    def rate_limited(self, request: SimRequest, retry_after: float,
                     platform_code: bool) -> SimResponse:
        self.throttled += 1
        return _errors("Exceeded 2 calls per second for api client. Reduce request rates to "
                       "resume uninterrupted service.", 429, **{
                           "Retry-After": f"{float(retry_after):.1f}",
                           "X-Shopify-Shop-Api-Call-Limit":
                               f"{self.bucket.size}/{self.bucket.size}"})

    @staticmethod
    def inventory_item_id(variant_id: str) -> int:
        return int(variant_id) + 7_000_000_000_000

    # -- dispatch ----------------------------------------------------------------------
    def handle(self, request: SimRequest) -> SimResponse:
        match = _PATH.match(request.path)
        if not match:
            return _errors("Not Found", 404)
        token = request.headers.get("x-shopify-access-token", "")
        if not hmac.compare_digest(token, self.access_token):
            self.auth_failures += 1
            return _errors("[API] Invalid API key or access token (unrecognized login or "
                           "wrong password)", 401)
        allowed, used = self.bucket.take()
        limit_header = {"X-Shopify-Shop-Api-Call-Limit": f"{used}/{self.bucket.size}"}
        if not allowed:
            return self.rate_limited(request, self.retry_after, False)
        response = self._route(match.group(2), request)
        response.headers.update(limit_header)
        return response

    def _route(self, path: str, request: SimRequest) -> SimResponse:
        m = request.method
        if path == "/orders.json" and m == "GET":
            return self._list_orders(request)
        if (match := re.fullmatch(r"/orders/(\d+)\.json", path)) and m == "GET":
            order = self.book.get(match.group(1))
            if order is None:
                return _errors("Not Found", 404)
            fields = request.query.get("fields")
            if fields:
                return SimResponse.json({"order": _fields(self.encode_order(order), fields)})
            return SimResponse.json('{"order":' + self.wire_text(order) + "}")
        if (match := re.fullmatch(r"/orders/(\d+)/fulfillment_orders\.json", path)) and \
                m == "GET":
            order = self.book.get(match.group(1))
            if order is None:
                return _errors("Not Found", 404)
            return SimResponse.json({"fulfillment_orders": [self._fulfillment_order(order)]})
        if (match := re.fullmatch(r"/orders/(\d+)/fulfillments\.json", path)) and m == "GET":
            if self.book.get(match.group(1)) is None:
                return _errors("Not Found", 404)
            with self.state_lock:
                return SimResponse.json(
                    {"fulfillments": list(self.fulfillments.get(match.group(1), []))})
        if path == "/fulfillments.json" and m == "POST":
            return self._fulfil(request.json())
        if path == "/locations.json" and m == "GET":
            return SimResponse.json({"locations": [
                {"id": _LOCATION, "name": "上海仓", "active": True, "country_code": "CN"}]})
        if (match := re.fullmatch(r"/products/(\d+)/variants\.json", path)) and m == "GET":
            variants = self.variants.get(match.group(1))
            if variants is None:
                return _errors("Not Found", 404)
            return SimResponse.json({"variants": [
                {"id": int(v), "product_id": int(match.group(1)),
                 "inventory_item_id": self.inventory_item_id(v)} for v in variants]})
        if (match := re.fullmatch(r"/variants/(\d+)\.json", path)) and m == "GET":
            found = self._by_variant.get(match.group(1))
            if found is None:
                return _errors("Not Found", 404)
            return SimResponse.json({"variant": {
                "id": int(match.group(1)), "product_id": int(found),
                "inventory_item_id": self.inventory_item_id(match.group(1))}})
        if path == "/inventory_levels/set.json" and m == "POST":
            return self._set_inventory(request.json())
        return _errors("Not Found", 404)

    # -- orders ------------------------------------------------------------------------
    def _list_orders(self, request: SimRequest) -> SimResponse:
        q = request.query
        try:
            limit = int(q.get("limit", "50"))
        except ValueError:
            return _errors({"limit": ["is not a number"]}, 400)
        if not 1 <= limit <= 250:
            return _errors({"limit": ["must be less than or equal to 250"]}, 400)
        if "page_info" in q:
            extra = sorted(set(q) - _PAGE_INFO_ONLY)
            if extra:
                return _errors(f"{extra[0]} cannot be passed when page_info is present", 400)
            try:
                state = json.loads(base64.urlsafe_b64decode(q["page_info"].encode()))
                filters, last_id = state["f"], int(state["last"])
            except (ValueError, KeyError, TypeError):
                return _errors({"page_info": ["Invalid value."]}, 400)
        else:
            filters = {k: q[k] for k in ("status", "updated_at_min", "updated_at_max",
                                         "created_at_min", "created_at_max") if k in q}
            last_id = None
        try:
            orders = self._filtered(filters)
        except ValueError as exc:
            return _errors({"updated_at_min": [str(exc)]}, 400)
        if last_id is not None:
            orders = [o for o in orders if int(o.platform_order_id) < last_id]
        chunk = orders[:limit]
        headers: dict[str, str] = {}
        base = f"http://{request.headers.get('host', '')}{request.path}"
        links = []
        fields = q.get("fields")
        if chunk and len(orders) > limit:
            links.append(self._link(base, limit, fields, filters,
                                    int(chunk[-1].platform_order_id), "next"))
        elif chunk and self.faults.endless_paging:
            links.append(self._link(base, limit, fields, filters, 1 << 62, "next"))
        if last_id is not None:
            links.append(self._link(base, limit, fields, filters, -last_id, "previous"))
        if links:
            headers["Link"] = ", ".join(links)
        if last_id is not None and self.faults.roll("repeat"):
            previous = [o for o in self._filtered(filters) if int(o.platform_order_id) >= last_id]
            if previous:
                chunk = [previous[-1], *chunk]
        if fields:
            body = json.dumps({"orders": [_fields(self.encode_order(o), fields) for o in chunk]},
                              ensure_ascii=False)
        else:
            body = '{"orders":[' + self.wire_items(chunk) + "]}"
        return SimResponse.json(body, **headers)

    def _filtered(self, filters: dict[str, str]) -> list[PlatformOrder]:
        def when(name: str) -> datetime | None:
            value = filters.get(name)
            if not value:
                return None
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=CHINA)).astimezone(UTC)
        u_min, u_max = when("updated_at_min"), when("updated_at_max")
        c_min, c_max = when("created_at_min"), when("created_at_max")
        orders = self.book.modified_between(u_min or datetime(2000, 1, 1, tzinfo=UTC),
                                            u_max or utcnow() + timedelta(days=1))
        status = filters.get("status", "open")
        out = []
        for o in orders:
            if (c_min and o.created_at < c_min) or (c_max and o.created_at > c_max):
                continue
            closed = o.status in (OrderStatus.CANCELLED, OrderStatus.DONE)
            if (status == "open" and closed) or (status == "closed" and not closed) or \
                    (status == "cancelled" and o.status != OrderStatus.CANCELLED):
                continue
            out.append(o)
        out.sort(key=lambda o: int(o.platform_order_id), reverse=True)
        return out

    @staticmethod
    def _link(base: str, limit: int, fields: str | None, filters: dict[str, str],
              last: int, rel: str) -> str:
        token = base64.urlsafe_b64encode(json.dumps(
            {"f": filters, "last": last, "d": rel}, separators=(",", ":")).encode()).decode()
        query = f"limit={limit}&page_info={token}"
        if fields:
            query += f"&fields={quote(fields, safe=',')}"
        return f'<{base}?{query}>; rel="{rel}"'

    # -- fulfilment --------------------------------------------------------------------
    def line_id(self, order: PlatformOrder, index: int) -> str:
        return str(int(order.platform_order_id) * 10 + index + 1)

    def _fulfillment_order(self, order: PlatformOrder) -> dict[str, Any]:
        items = []
        with self.state_lock:
            for i, ln in enumerate(order.lines):
                lid = self.line_id(order, i)
                done = self.fulfilled_qty.get(lid, 0)
                items.append({"id": int(lid) + 3, "line_item_id": int(lid),
                              "inventory_item_id": self.inventory_item_id(ln.platform_sku_id),
                              "quantity": ln.qty, "fulfillable_quantity": ln.qty - done})
        if order.status == OrderStatus.CANCELLED:
            status = "cancelled"
        elif all(it["fulfillable_quantity"] == 0 for it in items) or \
                order.status in (OrderStatus.SHIPPED, OrderStatus.DONE):
            status = "closed"
        elif any(it["fulfillable_quantity"] < it["quantity"] for it in items):
            status = "in_progress"
        else:
            status = "open"
        if status == "closed":
            for it in items:
                it["fulfillable_quantity"] = 0
        return {"id": int(order.platform_order_id) * 10 + 7,
                "order_id": int(order.platform_order_id), "status": status,
                "assigned_location_id": _LOCATION, "line_items": items}

    def _fulfil(self, body: Any) -> SimResponse:
        f = body.get("fulfillment") if isinstance(body, dict) else None
        groups = f.get("line_items_by_fulfillment_order") if isinstance(f, dict) else None
        if not isinstance(groups, list) or not groups:
            return _errors({"fulfillment": ["line_items_by_fulfillment_order is required"]},
                           400)
        tracking = f.get("tracking_info") or {}
        plan: list[tuple[PlatformOrder, str, int]] = []
        order: PlatformOrder | None = None
        for group in groups:
            fo_id = int(group.get("fulfillment_order_id", 0))
            order = self.book.get(str(fo_id // 10))
            if order is None or fo_id % 10 != 7:
                return _errors("Not Found", 404)
            fo = self._fulfillment_order(order)
            if fo["status"] not in ("open", "in_progress"):
                return _errors({"base": [f"Fulfillment order {fo_id} has an unfulfillable "
                                         f"status= {fo['status']}."]}, 422)
            by_id = {it["id"]: it for it in fo["line_items"]}
            asked = group.get("fulfillment_order_line_items")
            if asked is None:
                asked = [{"id": it["id"], "quantity": it["fulfillable_quantity"]}
                         for it in fo["line_items"] if it["fulfillable_quantity"] > 0]
            for it in asked:
                target = by_id.get(int(it.get("id", 0)))
                qty = int(it.get("quantity", 0))
                if target is None or not 0 < qty <= target["fulfillable_quantity"]:
                    return _errors({"base": ["Invalid fulfillment order line item quantity "
                                             "requested."]}, 422)
                plan.append((order, str(target["line_item_id"]), qty))
        assert order is not None
        oid = order.platform_order_id
        now = utcnow().replace(microsecond=0)
        with self.state_lock:
            for _, lid, qty in plan:
                self.fulfilled_qty[lid] = self.fulfilled_qty.get(lid, 0) + qty
            record = {"id": self._next_id, "order_id": int(oid), "status": "success",
                      "created_at": _ts(now), "tracking_company": tracking.get("company"),
                      "tracking_number": tracking.get("number"),
                      "tracking_numbers": [tracking.get("number")],
                      "notify_customer": bool(f.get("notify_customer")),
                      "line_items": [{"id": int(lid), "quantity": q} for _, lid, q in plan]}
            self._next_id += 1
            self.fulfillments.setdefault(oid, []).append(record)
            self.shipments.append(record)
            all_done = all(self.fulfilled_qty.get(self.line_id(order, i), 0) >= ln.qty
                           for i, ln in enumerate(order.lines))
        if all_done:
            self.book.change(oid, lambda o: replace(o, status=OrderStatus.SHIPPED,
                                                    modified_at=max(now, o.modified_at)))
        else:
            self.book.change(oid, lambda o: replace(o, modified_at=max(now, o.modified_at)))
        return SimResponse.json({"fulfillment": record}, status=201)

    def _set_inventory(self, body: Any) -> SimResponse:
        if not isinstance(body, dict):
            return _errors("Bad Request", 400)
        location, item, available = (body.get("location_id"), body.get("inventory_item_id"),
                                     body.get("available"))
        if location != _LOCATION:
            return _errors({"location_id": ["is invalid"]}, 422)
        variant = self._by_inventory_item.get(item) if isinstance(item, int) else None
        if variant is None:
            return _errors({"inventory_item_id": ["is invalid"]}, 422)
        if not isinstance(available, int) or isinstance(available, bool):
            return _errors({"available": ["must be an integer"]}, 422)
        with self.state_lock:
            self.inventory[(item, location)] = available
        self.record_stock({"api": "inventory_levels/set", "location_id": location,
                           "inventory_item_id": item, "available": available},
                          {variant: available})
        return SimResponse.json({"inventory_level": {
            "inventory_item_id": item, "location_id": location, "available": available,
            "updated_at": _ts(utcnow())}})

    # -- wire shape --------------------------------------------------------------------
    def poison_order(self, order: PlatformOrder, variant: str) -> Any:
        data = self.encode_order(order, variant)
        _poison(data, self.book.index_of(order.platform_order_id))
        return data

    def encode_order(self, order: PlatformOrder, variant: str = "") -> dict[str, Any]:
        index = self.book.index_of(order.platform_order_id)
        oid = order.platform_order_id
        a = order.address
        first, last = split_name(a.name)
        district = "" if a.district == a.city else a.district
        address = {"first_name": first, "last_name": last, "name": f"{first} {last}".strip(),
                   "address1": f"{district}{a.town}{a.detail}", "address2": "",
                   "city": a.city, "province": a.province,
                   "province_code": PROVINCE_CODES.get(a.province), "zip": a.zip_code,
                   "country": "China", "country_code": a.country or "CN", "phone": a.phone,
                   "company": None}
        lines, refund_items = [], []
        with self.state_lock:
            fulfilled = {self.line_id(order, i): self.fulfilled_qty.get(self.line_id(order, i), 0)
                         for i in range(len(order.lines))}
        for i, ln in enumerate(order.lines):
            lid = self.line_id(order, i)
            discount = ln.price * ln.qty - ln.paid_amount
            lines.append({
                "id": int(lid), "admin_graphql_api_id": f"gid://shopify/LineItem/{lid}",
                "variant_id": int(ln.platform_sku_id), "product_id": int(ln.platform_item_id),
                "sku": ln.merchant_sku_code, "title": ln.title, "variant_title": "",
                "quantity": ln.qty, "price": _m(ln.price), "total_discount": "0.00",
                "discount_allocations": ([{"amount": _m(discount),
                                           "discount_application_index": 0}]
                                         if discount > 0 else []),
                "fulfillable_quantity": ln.qty - fulfilled[lid],
                "fulfillment_status": "fulfilled" if fulfilled[lid] >= ln.qty else None,
                "requires_shipping": True, "taxable": False})
            if ln.refund_state == RefundState.REFUNDED:
                refund_items.append({"id": int(lid) + 5, "line_item_id": int(lid),
                                     "quantity": ln.qty, "subtotal": _m(ln.paid_amount),
                                     "restock_type": "cancel"})
        s = order.status
        refunded_all = bool(refund_items) and len(refund_items) == len(order.lines)
        if s == OrderStatus.UNPAID:
            financial = "pending"
        elif s == OrderStatus.CANCELLED:
            financial = "refunded" if order.paid_at and refunded_all else (
                "voided" if not order.paid_at else "refunded")
        else:
            financial = "partially_refunded" if refund_items else "paid"
        if s in (OrderStatus.SHIPPED, OrderStatus.DONE):
            fulfillment: str | None = "fulfilled"
        elif any(fulfilled.values()):
            fulfillment = "partial"
        else:
            fulfillment = None
        data: dict[str, Any] = {
            "id": int(oid), "admin_graphql_api_id": f"gid://shopify/Order/{oid}",
            "name": f"#{1000 + index + 1}", "order_number": 1000 + index + 1,
            "email": f"buyer{oid}@example.cn", "created_at": _ts(order.created_at),
            "updated_at": _ts(order.modified_at),
            "processed_at": _ts(order.paid_at or order.created_at),
            "cancelled_at": _ts(order.modified_at) if s == OrderStatus.CANCELLED else None,
            "cancel_reason": "customer" if s == OrderStatus.CANCELLED else None,
            "closed_at": _ts(order.modified_at) if s in (OrderStatus.DONE,
                                                         OrderStatus.CANCELLED) else None,
            "currency": order.currency, "presentment_currency": order.currency,
            "financial_status": financial, "fulfillment_status": fulfillment,
            "total_price": _m(order.paid_amount),
            "subtotal_price": _m(order.total_amount - order.discount_amount),
            "total_discounts": _m(order.discount_amount), "total_tax": "0.00",
            "total_shipping_price_set": {
                "shop_money": {"amount": _m(order.post_fee), "currency_code": order.currency},
                "presentment_money": {"amount": _m(order.post_fee),
                                      "currency_code": order.currency}},
            "note": order.buyer_message or None, "tags": "",
            "payment_gateway_names": ["alipay"],
            "customer": {"id": 9_000_000 + max(index, 0), "email": f"buyer{oid}@example.cn"},
            "shipping_address": address, "billing_address": dict(address),
            "line_items": lines,
            "refunds": ([{"id": int(oid) * 10 + 9, "order_id": int(oid),
                          "created_at": _ts(order.modified_at),
                          "refund_line_items": refund_items}] if refund_items else []),
        }
        return data


def _fields(data: dict[str, Any], fields: str | None) -> dict[str, Any]:
    if not fields:
        return data
    wanted = {f.strip() for f in fields.split(",")}
    return {k: v for k, v in data.items() if k in wanted}


def _poison(data: dict[str, Any], index: int) -> None:
    kind = index % 4
    if kind == 0:
        data["line_items"] = None
    elif kind == 1:
        data["total_price"] = "NaN"
    elif kind == 2:
        data["updated_at"] = "yesterday"
    else:
        data["financial_status"] = "mystery"

