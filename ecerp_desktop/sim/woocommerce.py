"""A WooCommerce REST v3 site on loopback, for tests, the demo and ``ecerp sim serve``.

It checks credentials the way WooCommerce does: OAuth 1.0a one-legged over plain HTTP
(signature over the method, the site URL and the sorted query, key ``secret&``; timestamp
within 15 minutes; a nonce used twice is refused) or, in ``auth="basic"`` mode (as behind
HTTPS), HTTP Basic with the consumer key and secret. Refusals use WooCommerce's error
object ``{"code","message","data":{"status"}}`` and its HTTP status.

Orders come from an :class:`OrderBook` (canonical PlatformOrder values) and are rendered in
WooCommerce's shape: site-local and ``*_gmt`` times, money as 2-decimal strings, state codes
``CN1``…``CN32``, Chinese names split into last/first name, the district, street and detail
in ``address_1``. Line refunds become refund objects. The shipment notes, order completions
and stock quantities the client sends are kept for tests (``notes``, ``stock``,
``completed``). The fault SPEC of :mod:`ecerp_desktop.sim.faults` applies; in addition
``repeat`` copies an order of the next page onto this one, ``endless_paging`` inflates
``X-WP-Total``, and ``poison`` serves some orders malformed.

The signature check is written from WooCommerce's PHP (``check_oauth_signature``), not
from our client code, so the two can disagree when one of them is wrong.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
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

PREFIX = "/wp-json/wc/v3"
NONCE_WINDOW = 15 * 60  # WooCommerce: timestamps more than 15 minutes off are refused
_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "慕容", "尉迟")

# full province name → WooCommerce CN state code (woocommerce i18n/states.php)
STATE_CODES = {
    "云南省": "CN1", "北京市": "CN2", "天津市": "CN3", "河北省": "CN4", "山西省": "CN5",
    "内蒙古自治区": "CN6", "辽宁省": "CN7", "吉林省": "CN8", "黑龙江省": "CN9",
    "上海市": "CN10", "江苏省": "CN11", "浙江省": "CN12", "安徽省": "CN13", "福建省": "CN14",
    "江西省": "CN15", "山东省": "CN16", "河南省": "CN17", "湖北省": "CN18", "湖南省": "CN19",
    "广东省": "CN20", "广西壮族自治区": "CN21", "海南省": "CN22", "重庆市": "CN23",
    "四川省": "CN24", "贵州省": "CN25", "陕西省": "CN26", "甘肃省": "CN27", "青海省": "CN28",
    "宁夏回族自治区": "CN29", "澳门特别行政区": "CN30", "西藏自治区": "CN31",
    "新疆维吾尔自治区": "CN32",
}


def _err(code: str, message: str, status: int) -> SimResponse:
    return SimResponse.json({"code": code, "message": message, "data": {"status": status}},
                            status=status)


def _rfc3986(value: str) -> str:
    return quote(value, safe="-._~")


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _local(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(CHINA).strftime("%Y-%m-%dT%H:%M:%S")


def _gmt(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def split_name(name: str) -> tuple[str, str]:
    """(first_name, last_name) as a Chinese buyer fills a Western form: surname last."""
    if name and "\u3400" <= name[0] <= "\u9fff":
        surname = name[:2] if name[:2] in _COMPOUND else name[:1]
        return name[len(surname):], surname
    return name, ""


class WooCommerceSim(PlatformSim):
    """The simulated site. ``consumer_key``/``consumer_secret`` (the base's ``app_key`` /
    ``app_secret``) are the API keys; ``auth`` is ``"oauth1"`` (plain HTTP) or ``"basic"``
    (as behind HTTPS). Read-back: ``notes`` per order, ``completed`` order ids, ``meta``,
    ``shipments`` (every note posted), ``stock`` {(product id, variation id or ""): qty}."""

    platform = "woocommerce"

    def __init__(self, *, consumer_key: str = "ck_ecerp_test",
                 consumer_secret: str = "cs_ecerp_test", auth: str = "oauth1",
                 refunds_endpoint: bool = True, **kwargs: Any) -> None:
        self.refunds_endpoint = refunds_endpoint  # False: an older site without /refunds
        kwargs.setdefault("app_key", consumer_key)
        kwargs.setdefault("app_secret", consumer_secret)
        super().__init__(**kwargs)
        if auth not in ("oauth1", "basic"):
            raise ValueError("auth is 'oauth1' or 'basic'")
        self.consumer_key, self.consumer_secret, self.auth = \
            self.app_key, self.app_secret, auth
        self._nonces: dict[str, float] = {}
        self.notes: dict[str, list[dict[str, Any]]] = {}
        self.meta: dict[str, list[dict[str, Any]]] = {}
        self.completed: list[str] = []  # order ids set to completed through the API
        self.auth_failures = 0
        self._next_note = 1
        catalog = self.generator.catalog
        self.products = {c.item_id for c in catalog}
        self.variations = {(c.item_id, c.sku_id) for c in catalog}

    def stop(self) -> None:
        self.book.stop_feed()
        super().stop()

    # -- auth --------------------------------------------------------------------------
    def _authenticate(self, request: SimRequest) -> SimResponse | None:
        if self.auth == "basic":
            header = request.headers.get("authorization", "")
            ok = False
            if header.lower().startswith("basic "):
                try:
                    user, _, pw = base64.b64decode(header[6:]).decode("utf-8").partition(":")
                except (ValueError, UnicodeDecodeError):
                    user, pw = "", ""
                ok = hmac.compare_digest(user, self.consumer_key) and \
                    hmac.compare_digest(pw, self.consumer_secret)
            elif "consumer_key" in request.query:  # WooCommerce's query-string fallback
                ok = request.query.get("consumer_key") == self.consumer_key and \
                    request.query.get("consumer_secret") == self.consumer_secret
            if ok:
                return None
            self.auth_failures += 1
            return _err("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.", 401)
        return self._check_oauth(request)

    def _check_oauth(self, request: SimRequest) -> SimResponse | None:
        params = dict(request.query)
        for name in ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce",
                     "oauth_signature", "oauth_signature_method"):
            if not params.get(name):
                self.auth_failures += 1
                return _err("woocommerce_rest_authentication_missing_parameter",
                            f"Missing OAuth parameter {name}", 401)
        if params["oauth_consumer_key"] != self.consumer_key:
            self.auth_failures += 1
            return _err("woocommerce_rest_authentication_error", "Consumer key is invalid.",
                        401)
        method = params["oauth_signature_method"]
        if method not in ("HMAC-SHA1", "HMAC-SHA256"):
            self.auth_failures += 1
            return _err("woocommerce_rest_authentication_error",
                        "Invalid signature - signature method is invalid.", 401)
        # WooCommerce: sort by raw key, encode key and value, join "k=v" encoded, with %26
        consumer_signature = params.pop("oauth_signature").replace(" ", "+")
        base_uri = _rfc3986(f"http://{request.headers.get('host', '')}{request.path}")
        pairs = [f"{_rfc3986(k)}={_rfc3986(v)}" for k, v in sorted(params.items())]
        query = "%26".join(_rfc3986(p) for p in pairs)
        string_to_sign = f"{request.method.upper()}&{base_uri}&{query}"
        digest = hashlib.sha1 if method == "HMAC-SHA1" else hashlib.sha256
        expected = base64.b64encode(hmac.new(f"{self.consumer_secret}&".encode(),
                                             string_to_sign.encode(), digest).digest()).decode()
        if not hmac.compare_digest(expected, consumer_signature):
            self.auth_failures += 1
            return _err("woocommerce_rest_authentication_error",
                        "Invalid signature - provided signature does not match.", 401)
        try:
            ts = int(params["oauth_timestamp"])
        except ValueError:
            ts = -1
        now = time.time()
        if abs(now - ts) > NONCE_WINDOW:
            self.auth_failures += 1
            return _err("woocommerce_rest_authentication_error", "Invalid timestamp.", 401)
        nonce = params["oauth_nonce"]
        with self.state_lock:
            for old in [n for n, t in self._nonces.items() if t < now - NONCE_WINDOW]:
                del self._nonces[old]
            if nonce in self._nonces:
                self.auth_failures += 1
                return _err("woocommerce_rest_authentication_error",
                            "Invalid nonce - nonce has already been used.", 401)
            self._nonces[nonce] = ts
        return None

    # -- dispatch ----------------------------------------------------------------------
    def handle(self, request: SimRequest) -> SimResponse:
        if not request.path.startswith(PREFIX + "/"):
            return _err("rest_no_route", "No route was found matching the URL and request "
                        "method.", 404)
        refused = self._authenticate(request)
        if refused is not None:
            return refused
        path, m = request.path[len(PREFIX):], request.method
        if path == "/orders" and m == "GET":
            return self._list_orders(request)
        if (match := re.fullmatch(r"/orders/(\d+)", path)):
            oid = match.group(1)
            if m == "GET":
                return self._one_order(oid)
            if m in ("PUT", "POST"):
                return self._update_order(oid, request.json())
        if path == "/refunds" and m == "GET" and self.refunds_endpoint:
            return self._list_refunds(request)
        if (match := re.fullmatch(r"/orders/(\d+)/refunds", path)) and m == "GET":
            order = self.book.get(match.group(1))
            if order is None:
                return _invalid_order()
            return SimResponse.json(self._refunds(order))
        if (match := re.fullmatch(r"/orders/(\d+)/notes", path)):
            return self._order_notes(match.group(1), m, request.json())
        if path == "/products/batch" and m in ("POST", "PUT"):
            return self._stock_batch("", request.json())
        if (match := re.fullmatch(r"/products/(\d+)/variations/batch", path)) and \
                m in ("POST", "PUT"):
            return self._stock_batch(match.group(1), request.json())
        if (match := re.fullmatch(r"/products/(\d+)(?:/variations/(\d+))?", path)) and \
                m in ("PUT", "POST"):
            body = request.json() or {}
            result = self._set_stock(match.group(1), match.group(2) or "", body)
            if "error" in result:
                err = result["error"]
                return _err(err["code"], err["message"], err["data"]["status"])
            return SimResponse.json(result)
        return _err("rest_no_route", "No route was found matching the URL and request method.",
                    404)

    # -- orders ------------------------------------------------------------------------
    def _time_param(self, request: SimRequest, name: str) -> datetime | None:
        value = request.query.get(name)
        if not value:
            return None
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            gmt = request.query.get("dates_are_gmt", "").lower() in ("1", "true")
            parsed = parsed.replace(tzinfo=UTC if gmt else CHINA)
        return parsed.astimezone(UTC)

    def _list_orders(self, request: SimRequest) -> SimResponse:
        q = request.query
        try:
            per_page = int(q.get("per_page", "10"))
            page = int(q.get("page", "1"))
            after = self._time_param(request, "modified_after")
            before = self._time_param(request, "modified_before")
        except ValueError:
            return _err("rest_invalid_param", "Invalid parameter(s): per_page, page, "
                        "modified_after, modified_before", 400)
        if not 1 <= per_page <= 100:
            return _err("rest_invalid_param", "Invalid parameter(s): per_page "
                        "(per_page must be between 1 (inclusive) and 100 (inclusive))", 400)
        if page < 1:
            return _err("rest_invalid_param", "Invalid parameter(s): page", 400)
        lo = after or datetime(2000, 1, 1, tzinfo=UTC)
        hi = before or utcnow() + timedelta(days=1)
        orders = [o for o in self.book.modified_between(lo, hi, newest_first=False)
                  if (after is None or o.modified_at > after)
                  and (before is None or o.modified_at < before)]
        statuses = [s for s in q.get("status", "any").split(",") if s and s != "any"]
        if statuses:
            orders = [o for o in orders if _wire_status(o) in statuses]
        orderby, desc = q.get("orderby", "date"), q.get("order", "desc") == "desc"
        if orderby == "id":
            orders.sort(key=lambda o: int(o.platform_order_id), reverse=desc)
        elif orderby == "modified":
            orders.sort(key=lambda o: (o.modified_at, int(o.platform_order_id)), reverse=desc)
        else:
            orders.sort(key=lambda o: (o.created_at, int(o.platform_order_id)), reverse=desc)
        chunk, total, _ = self.page(orders, page, per_page)  # repeat/endless faults
        pages = math.ceil(total / per_page) if total else 0
        if page > pages and total > 0:  # as WordPress answers for posts
            return _err("rest_post_invalid_page_number", "The page number requested "
                        "is larger than the number of pages available.", 400)
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
        link = self._link(request, page, pages)
        if link:
            headers["Link"] = link
        return SimResponse.json("[" + self.wire_items(chunk) + "]", **headers)

    def _list_refunds(self, request: SimRequest) -> SimResponse:
        """``GET /refunds`` (newer WooCommerce): refunds store-wide by creation time."""
        try:
            per_page = int(request.query.get("per_page", "10"))
            page = int(request.query.get("page", "1"))
            after = self._time_param(request, "after")
            before = self._time_param(request, "before")
        except ValueError:
            return _err("rest_invalid_param", "Invalid parameter(s): per_page, page, after, "
                        "before", 400)
        if not 1 <= per_page <= 100 or page < 1:
            return _err("rest_invalid_param", "Invalid parameter(s): per_page, page", 400)
        lo = after or datetime(2000, 1, 1, tzinfo=UTC)
        hi = before or utcnow() + timedelta(days=1)
        refunds = []
        for o in self.book.modified_between(lo, hi, newest_first=False):
            for r in self._refunds(o):
                created = datetime.fromisoformat(r["date_created_gmt"]).replace(tzinfo=UTC)
                if (after is None or created > after) and (before is None or created < before):
                    refunds.append({**r, "parent_id": int(o.platform_order_id)})
        refunds.sort(key=lambda r: r["id"])
        total = len(refunds)
        pages = math.ceil(total / per_page) if total else 0
        chunk = refunds[(page - 1) * per_page: page * per_page]
        return SimResponse.json(chunk, **{"X-WP-Total": str(total),
                                          "X-WP-TotalPages": str(pages)})

    def _link(self, request: SimRequest, page: int, pages: int) -> str:
        base = f"http://{request.headers.get('host', '')}{request.path}"
        keep = {k: v for k, v in request.query.items() if not k.startswith("oauth_")}
        parts = []

        def url(p: int) -> str:
            query = "&".join(f"{_rfc3986(k)}={_rfc3986(v)}" for k, v in {**keep,
                                                                        "page": str(p)}.items())
            return f"{base}?{query}"
        if page > 1:
            parts.append(f'<{url(page - 1)}>; rel="prev"')
        if page < pages:
            parts.append(f'<{url(page + 1)}>; rel="next"')
        return ", ".join(parts)

    def _one_order(self, oid: str) -> SimResponse:
        order = self.book.get(oid)
        if order is None:
            return _invalid_order()
        return SimResponse.json(self.wire_text(order))

    def _update_order(self, oid: str, body: Any) -> SimResponse:
        if not isinstance(body, dict):
            return _err("rest_invalid_json", "Invalid JSON body passed.", 400)
        status = body.get("status")
        if status is not None and status not in _STATUSES:
            return _err("rest_invalid_param", "Invalid parameter(s): status", 400)
        now = utcnow().replace(microsecond=0)

        def apply(o: PlatformOrder) -> PlatformOrder:
            if status == "completed" and o.status not in (OrderStatus.SHIPPED, OrderStatus.DONE):
                return replace(o, status=OrderStatus.SHIPPED, modified_at=max(now, o.modified_at))
            return o
        new = self.book.change(oid, apply)
        if new is None:
            return _invalid_order()
        with self.state_lock:
            if status == "completed":
                self.completed.append(oid)
            for item in body.get("meta_data") or ():
                if isinstance(item, dict):
                    self.meta.setdefault(oid, []).append(item)
        return SimResponse.json(self.wire_text(new))

    def _order_notes(self, oid: str, method: str, body: Any) -> SimResponse:
        if self.book.get(oid) is None:
            return _invalid_order()
        if method == "GET":
            with self.state_lock:
                return SimResponse.json(list(reversed(self.notes.get(oid, []))))
        if method != "POST":
            return _err("rest_no_route", "No route was found matching the URL and request "
                        "method.", 404)
        if not isinstance(body, dict) or not isinstance(body.get("note"), str) \
                or not body["note"].strip():
            return _err("woocommerce_rest_missing_note", "Note is required.", 400)
        now = utcnow()
        with self.state_lock:
            note = {"id": self._next_note, "author": "ecerp", "date_created": _local(now),
                    "date_created_gmt": _gmt(now), "note": body["note"],
                    "customer_note": bool(body.get("customer_note")), "added_by_user": False}
            self._next_note += 1
            self.notes.setdefault(oid, []).append(note)
            self.shipments.append({"order_id": oid, "note": note["note"],
                                   "customer_note": note["customer_note"]})
        return SimResponse.json(note, status=201)

    # -- stock -------------------------------------------------------------------------
    def _set_stock(self, product: str, variation: str, body: dict[str, Any]) -> dict[str, Any]:
        known = (product, variation) in self.variations if variation else \
            product in self.products
        pid = int(variation or product)
        if not known:
            code = ("woocommerce_rest_product_variation_invalid_id" if variation
                    else "woocommerce_rest_product_invalid_id")
            return {"id": pid, "error": {"code": code, "message": "Invalid ID.",
                                         "data": {"status": 400}}}
        qty = body.get("stock_quantity")
        if not isinstance(qty, int) or isinstance(qty, bool):
            return {"id": pid, "error": {"code": "rest_invalid_param",
                                         "message": "Invalid parameter(s): stock_quantity",
                                         "data": {"status": 400}}}
        self.record_stock({"api": "PUT products" + ("/variations" if variation else ""),
                           "id": pid, "stock_quantity": qty}, {(product, variation): qty})
        return {"id": pid, "parent_id": int(product) if variation else 0,
                "manage_stock": True, "stock_quantity": qty,
                "stock_status": "instock" if qty > 0 else "outofstock"}

    def _stock_batch(self, parent: str, body: Any) -> SimResponse:
        if not isinstance(body, dict):
            return _err("rest_invalid_json", "Invalid JSON body passed.", 400)
        updates = body.get("update") or []
        if len(updates) + len(body.get("create") or []) + len(body.get("delete") or []) > 100:
            return _err("woocommerce_rest_request_entity_too_large",
                        "Unable to accept more than 100 items for this request.", 413)
        results = []
        for item in updates:
            if not isinstance(item, dict) or "id" not in item:
                results.append({"id": 0, "error": {"code": "rest_invalid_param",
                                                   "message": "Invalid ID.",
                                                   "data": {"status": 400}}})
                continue
            if parent:
                results.append(self._set_stock(parent, str(item["id"]), item))
            else:
                results.append(self._set_stock(str(item["id"]), "", item))
        return SimResponse.json({"update": results})

    # -- wire shape --------------------------------------------------------------------
    def line_id(self, order: PlatformOrder, index: int) -> str:
        """The WooCommerce line item id of the order's *index*-th line."""
        return str(int(order.platform_order_id) * 10 + index + 1)

    def _refunds(self, order: PlatformOrder) -> list[dict[str, Any]]:
        items = []
        for i, ln in enumerate(order.lines):
            if ln.refund_state == RefundState.REFUNDED:
                items.append({
                    "id": int(self.line_id(order, i)) + 5, "name": ln.title,
                    "product_id": int(ln.platform_item_id),
                    "variation_id": int(ln.platform_sku_id or 0), "quantity": -ln.qty,
                    "subtotal": _money(-ln.paid_amount), "total": _money(-ln.paid_amount),
                    "sku": ln.merchant_sku_code, "meta_data": []})
        if not items:
            return []
        amount = sum((Decimal(x["total"]) for x in items), Decimal("0"))
        at = order.modified_at
        return [{"id": int(order.platform_order_id) * 10 + 9, "date_created": _local(at),
                 "date_created_gmt": _gmt(at), "amount": _money(-amount), "reason": "退款",
                 "refunded_by": 1, "refunded_payment": True, "meta_data": [],
                 "line_items": items}]

    def poison_order(self, order: PlatformOrder, variant: str) -> Any:
        data = self.encode_order(order, variant)
        _poison(data, self.book.index_of(order.platform_order_id))
        return data

    def encode_order(self, order: PlatformOrder, variant: str = "") -> dict[str, Any]:
        index = self.book.index_of(order.platform_order_id)
        a = order.address
        first, last = split_name(a.name)
        district = "" if a.district == a.city else a.district
        shipping = {"first_name": first, "last_name": last, "company": "",
                    "address_1": f"{district}{a.town}{a.detail}", "address_2": "",
                    "city": a.city, "state": STATE_CODES.get(a.province, a.province),
                    "postcode": a.zip_code, "country": a.country or "CN", "phone": a.phone}
        billing = {**shipping, "email": f"buyer{order.platform_order_id}@example.cn"}
        lines = []
        for i, ln in enumerate(order.lines):
            lines.append({
                "id": int(self.line_id(order, i)), "name": ln.title,
                "product_id": int(ln.platform_item_id),
                "variation_id": int(ln.platform_sku_id or 0), "quantity": ln.qty,
                "tax_class": "", "subtotal": _money(ln.price * ln.qty), "subtotal_tax": "0.00",
                "total": _money(ln.paid_amount), "total_tax": "0.00", "taxes": [],
                "meta_data": [], "sku": ln.merchant_sku_code,
                "price": float(ln.paid_amount / ln.qty)})  # WooCommerce sends a JSON number
        refunds = self._refunds(order)
        data: dict[str, Any] = {
            "id": int(order.platform_order_id), "parent_id": 0,
            "number": order.platform_order_id, "order_key": f"wc_order_{index:08d}",
            "created_via": "checkout", "version": "8.5.2", "status": _wire_status(order),
            "currency": order.currency, "date_created": _local(order.created_at),
            "date_created_gmt": _gmt(order.created_at),
            "date_modified": _local(order.modified_at),
            "date_modified_gmt": _gmt(order.modified_at),
            "discount_total": _money(order.discount_amount), "discount_tax": "0.00",
            "shipping_total": _money(order.post_fee), "shipping_tax": "0.00",
            "cart_tax": "0.00", "total": _money(order.paid_amount), "total_tax": "0.00",
            "prices_include_tax": False, "customer_id": 0, "customer_note": order.buyer_message,
            "billing": billing, "shipping": shipping,
            "payment_method": "alipay", "payment_method_title": "支付宝",
            "transaction_id": "", "date_paid": _local(order.paid_at),
            "date_paid_gmt": _gmt(order.paid_at), "meta_data": [], "line_items": lines,
            "tax_lines": [], "shipping_lines": [], "fee_lines": [], "coupon_lines": [],
            "refunds": [{"id": r["id"], "reason": r["reason"], "total": f"-{r['amount']}"}
                        for r in refunds],
        }
        return data


_STATUSES = ("pending", "processing", "on-hold", "completed", "cancelled", "refunded",
             "failed", "trash", "checkout-draft")


def _wire_status(order: PlatformOrder) -> str:
    s = order.status
    if s == OrderStatus.UNPAID:
        return "pending"
    if s in (OrderStatus.SHIPPED, OrderStatus.DONE):
        return "completed"
    if s == OrderStatus.CANCELLED:
        if order.lines and all(ln.refund_state == RefundState.REFUNDED for ln in order.lines):
            return "refunded"
        return "cancelled"
    return "processing"


def _poison(data: dict[str, Any], index: int) -> None:
    """Break one order the ways real sites do (a plug-in writing junk, a deleted product)."""
    kind = index % 4
    if kind == 0:
        data["line_items"] = "Array"  # PHP's print of an array where a list was expected
    elif kind == 1:
        data["total"] = "¥ 12,34.5x"
    elif kind == 2:
        data["date_modified_gmt"] = "0000-00-00 00:00:00"
        data["date_modified"] = "0000-00-00 00:00:00"
    else:
        data["status"] = "wc-awaiting-shipment-custom"


def _invalid_order() -> SimResponse:
    return _err("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", 404)

