"""Pinduoduo (拼多多开放平台) connector: PROTOCOLS.md §3.

- Every call is a POST of a JSON object to the router: ``type`` (the API), ``client_id``,
  ``timestamp`` (UNIX seconds), ``data_type=JSON``, ``access_token``, the business
  parameters flat beside them, and ``sign`` = UPPER(MD5(secret + Σ sorted(k+v) + secret))
  (:func:`sign_request`). Values are sent as strings, exactly as they were signed.
- Orders: ``pdd.order.number.list.increment.get`` in windows of at most 30 minutes (UNIX
  seconds), each paged from the last page back to page 1, as the platform advises. One
  order: ``pdd.order.information.get``. Refund changes are read from the same increment
  list (its ``refund_status`` per order).
- Push: ``pdd.logistics.online.send`` (``logistics_id`` is the platform's courier number:
  a numeric ``courier_code`` is used as is, a code is looked up once through
  ``pdd.logistics.companies.get``); stock through ``pdd.goods.quantity.update`` (one SKU
  per call, full overwrite).
- Errors: ``error_response.error_code``; 20004 (signature), 10019 (token) → AuthFailed;
  70031 and any "频繁"/"limit" message → RateLimited; 50000 and "系统" (system) errors →
  retryable; other codes are caller errors. **[INFERRED]**:
  PROTOCOLS.md did not find the merchant rate-limit code, the stock API or the token code.

Status: ``order_status`` 1 (待发货) is NEW once the group is formed (``group_status`` 1)
and the order confirmed (``confirm_status`` 1), UNPAID while the group is pending; 2 →
SHIPPED, 3 → DONE; a refunded (``refund_status`` 4) unshipped order, a cancelled
(``confirm_status`` 2) or a failed group (``group_status`` 2) is CANCELLED.
Address: ``town`` is the district; ``receiver_address`` is the detail.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from ecerp_desktop.connectors.base import (
    AuthFailed,
    ConnectorError,
    PullPage,
    RateLimited,
    RefundChange,
    Shipment,
    StockQuantity,
)
from ecerp_desktop.connectors.http import DEFAULT_TIMEOUT, HttpClient, decode_json
from ecerp_desktop.connectors.wire import (
    ZERO,
    BadField,
    amount,
    cn_time,
    ident,
    integer,
    jsonable,
    normalise_region,
    pull_windows,
    quantity,
    text,
)
from ecerp_desktop.domain.money import allocate
from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine

PRODUCTION_URL = "https://gw-api.pinduoduo.com/api/router"
MAX_PAGE_SIZE = 100

REFUND: dict[int, RefundState] = {1: RefundState.NONE, 2: RefundState.REQUESTED,
                                  3: RefundState.REQUESTED, 4: RefundState.REFUNDED}
_AUTH_CODES = frozenset({10019, 20004, 20005, 20031, 20032})
_RATE_CODES = frozenset({70031, 70032, 70033, 70034})


def sign_request(params: Mapping[str, str], secret: str) -> str:
    """UPPER(MD5(secret + Σ sorted(key+value) + secret)) over every param but ``sign``."""
    joined = "".join(f"{k}{v}" for k, v in sorted(params.items()) if k != "sign")
    key = secret.encode("utf-8")
    return hashlib.md5(key + joined.encode("utf-8") + key).hexdigest().upper()


def error_from(err: Mapping[str, Any], method: str) -> ConnectorError:
    try:
        code = int(err.get("error_code", 0))
    except (TypeError, ValueError):
        code = 0
    msg = str(err.get("error_msg") or "")
    sub_code = str(err.get("sub_code") or "")
    sub_msg = str(err.get("sub_msg") or "")
    label = f"pdd {method}: {code} {msg}" + (f" ({sub_code}: {sub_msg})" if sub_code else "")
    full = f"{code}:{sub_code}" if sub_code else str(code)
    words = f"{msg} {sub_msg}".lower()
    if code in _RATE_CODES or "频繁" in words or "限流" in words or "limit" in words:
        return RateLimited(label, code=full, retry_after=_seconds_in(sub_msg) or 1.0)
    if code in _AUTH_CODES:
        return AuthFailed(label, code=full)
    retryable = code in (0, 50000) or "系统" in words or "timeout" in words
    return ConnectorError(label, code=full, retryable=retryable)


def _seconds_in(message: str) -> float | None:
    digits = "".join(ch if ch.isdigit() else " " for ch in message).split()
    return float(digits[0]) if digits else None


def _status(o: Mapping[str, Any]) -> OrderStatus:
    order_status = integer(o.get("order_status"), "order_status")
    refund = integer(o.get("refund_status", 1) or 1, "refund_status")
    confirm = integer(o.get("confirm_status", 1), "confirm_status")
    group = integer(o.get("group_status", 1), "group_status")
    if confirm == 2 or group == 2:
        return OrderStatus.CANCELLED
    if order_status == 1:
        if refund == 4:
            return OrderStatus.CANCELLED
        return OrderStatus.NEW if confirm == 1 and group == 1 else OrderStatus.UNPAID
    if order_status == 2:
        return OrderStatus.SHIPPED
    if order_status == 3:
        return OrderStatus.DONE
    raise BadField(f"unknown order_status {order_status}")


_ORDER_TEXT = {1: "待发货", 2: "已发货待签收", 3: "已签收"}
_REFUND_TEXT = {2: "售后处理中", 3: "退款中", 4: "退款成功"}


def _status_text(o: Mapping[str, Any]) -> str:
    """The platform's status as a seller reads it in the PDD back office."""
    status = _ORDER_TEXT.get(integer(o.get("order_status"), "order_status"), "?")
    refund = _REFUND_TEXT.get(integer(o.get("refund_status", 1) or 1, "refund_status"))
    if integer(o.get("group_status", 1), "group_status") == 0:
        status = "拼团中"
    return f"{status}/{refund}" if refund else status


def parse_order(o: Mapping[str, Any], *, keep_raw: bool = False) -> PlatformOrder:
    """One ``order_sn_list`` entry → PlatformOrder (raises BadField on nonsense)."""
    if not isinstance(o, dict):
        raise BadField(f"order object expected, got {type(o).__name__}")
    sn = ident(o.get("order_sn"), "order_sn")
    status = _status(o)
    refund = REFUND.get(integer(o.get("refund_status", 1) or 1, "refund_status"))
    if refund is None:
        raise BadField(f"unknown refund_status {o.get('refund_status')!r:.20}")
    items = o.get("item_list")
    if not isinstance(items, list) or not items:
        raise BadField("order without item_list")
    pay = amount(o.get("pay_amount"), "pay_amount")
    postage = amount(o.get("postage"), "postage")
    discount = amount(o.get("discount_amount"), "discount_amount")
    raw_lines = []
    for it in items:
        if not isinstance(it, dict):
            raise BadField("item_list entry is not an object")
        raw_lines.append((it, quantity(it.get("goods_count"), "goods_count"),
                          amount(it.get("goods_price"), "goods_price")))
    goods = sum((price * qty for _it, qty, price in raw_lines), ZERO)
    if pay < postage:
        raise BadField("pay_amount is less than the postage")
    shares = ([pay - postage] if len(raw_lines) == 1  # the common case, no allocation
              else allocate(pay - postage, [price * qty for _it, qty, price in raw_lines]))
    lines = tuple(PlatformOrderLine(
        platform_line_id=ident(it.get("sku_id"), "sku_id"), qty=qty, price=price,
        paid_amount=share, platform_item_id=ident(it.get("goods_id"), "goods_id"),
        platform_sku_id=ident(it.get("sku_id"), "sku_id"),
        merchant_sku_code=text(it.get("outer_id") or it.get("outer_goods_id")),
        title=text(it.get("goods_name")), refund_state=refund)
        for (it, qty, price), share in zip(raw_lines, shares, strict=True))
    created = cn_time(o.get("created_time"), "created_time")
    modified = cn_time(o.get("updated_at"), "updated_at") or created
    if created is None or modified is None:
        raise BadField("order without created_time/updated_at")
    province, city, district = normalise_region(text(o.get("province")), text(o.get("city")),
                                                text(o.get("town")))
    flag = o.get("remark_tag")
    return PlatformOrder(
        platform_order_id=sn,
        platform_status=_status_text(o),
        status=status, created_at=created, modified_at=modified, lines=lines,
        address=Address(name=text(o.get("receiver_name")), phone=text(o.get("receiver_phone")),
                        province=province, city=city, district=district,
                        detail=text(o.get("receiver_address") or o.get("address")),
                        country="CN"),
        paid_at=cn_time(o.get("pay_time"), "pay_time"), buyer_message=text(o.get("buyer_memo")),
        seller_memo=text(o.get("remark")),
        seller_flag=integer(flag, "remark_tag") if flag not in (None, "") else 0,
        total_amount=amount(o.get("goods_amount"), "goods_amount") if o.get("goods_amount")
        not in (None, "") else goods,
        paid_amount=pay, post_fee=postage, discount_amount=discount,
        is_presale=integer(o.get("trade_type", 0) or 0, "trade_type") == 1,
        raw=jsonable(o) if keep_raw else None)


class PddConnector:
    """One Pinduoduo shop. Blocking; run it on a sync lane thread."""

    platform = "pdd"

    def __init__(self, client_id: str, client_secret: str, access_token: str = "", *,
                 endpoint: str = PRODUCTION_URL, page_size: int = MAX_PAGE_SIZE,
                 max_pages: int = 200, timeout: tuple[float, float] | float = DEFAULT_TIMEOUT,
                 keep_raw: bool = False, settings: Mapping[str, Any] | None = None) -> None:
        settings = dict(settings or {})
        self.client_id, self._secret, self._token = client_id, client_secret, access_token
        self.endpoint = endpoint or PRODUCTION_URL
        self.page_size = max(1, min(int(settings.get("page_size", page_size)), MAX_PAGE_SIZE))
        self.max_pages = max_pages
        self.keep_raw = keep_raw
        self.courier_ids: dict[str, str] = dict(settings.get("courier_ids", {}))
        self.http = HttpClient(timeout=timeout, platform="pdd")

    def call(self, method: str, params: Mapping[str, str]) -> dict[str, Any]:
        """Sign and send one call; the object under ``*_response``. A timestamp refused
        because our clock is off is sent once more with the platform's clock."""
        offset = self.http.clock_offset
        try:
            return self._call(method, params)
        except ConnectorError as exc:
            if "timestamp" in str(exc).lower() and self.http.clock_offset != offset:
                return self._call(method, params)
            raise

    def _call(self, method: str, params: Mapping[str, str]) -> dict[str, Any]:
        req = {"type": method, "client_id": self.client_id, "data_type": "JSON",
               "timestamp": str(int(self.http.now().timestamp())), "version": "V1"}
        if self._token:
            req["access_token"] = self._token
        req.update({k: str(v) for k, v in params.items() if v is not None})
        req["sign"] = sign_request(req, self._secret)
        body = decode_json(self.http.post_json(self.endpoint, req), "pdd")
        if not isinstance(body, dict):
            raise ConnectorError(f"pdd {method}: JSON object expected", code="bad_json")
        err = body.get("error_response")
        if isinstance(err, dict):
            raise error_from(err, method)
        for key, value in body.items():
            if key.endswith("_response") and isinstance(value, dict):
                return value
        raise ConnectorError(f"pdd {method}: unexpected response shape", code="bad_json")

    def _page(self, start: datetime, end: datetime, page: int,
              want_total: bool) -> tuple[list[Any], int | None, bool]:
        resp = self.call("pdd.order.number.list.increment.get", {
            "start_updated_at": str(int(start.timestamp())),
            "end_updated_at": str(int(end.timestamp())), "order_status": "5",
            "refund_status": "5", "page": str(page), "page_size": str(self.page_size),
            "use_has_next": "false" if want_total else "true"})
        items = resp.get("order_sn_list")
        if items is None:
            items = []
        if not isinstance(items, list):
            raise ConnectorError("pdd: order_sn_list is not a list", code="bad_json")
        total = resp.get("total_count")
        has_next = resp.get("has_next")
        try:
            total_n = int(total) if total is not None else None
        except (TypeError, ValueError):
            total_n = None
        return items, total_n, has_next is True or str(has_next).lower() == "true"

    def pull_orders(self, start: datetime, end: datetime) -> Iterator[PullPage]:
        """Orders updated in [start, end) (the platform's end is inclusive), one PullPage
        per platform page, each order once per pull."""
        return pull_windows(start, end, self._page, page_size=self.page_size,
                            max_pages=self.max_pages, platform="pdd", parse=self._parse,
                            id_keys=("order_sn",))

    def _parse(self, item: Any) -> PlatformOrder:
        return parse_order(item, keep_raw=self.keep_raw)

    def fetch_order(self, platform_order_id: str) -> PlatformOrder:
        resp = self.call("pdd.order.information.get", {"order_sn": platform_order_id})
        info = resp.get("order_info")
        try:
            return parse_order(info, keep_raw=self.keep_raw)  # type: ignore[arg-type]
        except Exception as exc:  # whatever is wrong with it, the order cannot be read
            raise ConnectorError(f"pdd: order {platform_order_id} cannot be read: {exc}",
                                 code="bad_payload", retryable=False) from exc

    def pull_refunds(self, start: datetime, end: datetime) -> Iterator[list[RefundChange]]:
        """Refund states of the orders updated in [start, end) that have after-sales."""
        for page in self.pull_orders(start, end):
            yield [RefundChange(
                platform_order_id=o.platform_order_id,
                platform_line_ids=tuple(ln.platform_line_id for ln in o.lines),
                refund_state=o.lines[0].refund_state.value, modified_at=o.modified_at)
                for o in page.orders if o.lines[0].refund_state != RefundState.NONE]

    def _logistics_id(self, courier_code: str) -> str:
        if courier_code.isdigit():
            return courier_code
        if courier_code not in self.courier_ids:
            resp = self.call("pdd.logistics.companies.get", {})
            for c in resp.get("logistics_companies") or []:
                if isinstance(c, dict) and c.get("code") and c.get("id") is not None:
                    self.courier_ids.setdefault(str(c["code"]), str(c["id"]))
        if courier_code not in self.courier_ids:
            raise ConnectorError(f"pdd: no logistics id for courier {courier_code!r}",
                                 code="unknown_courier", retryable=False)
        return self.courier_ids[courier_code]

    def confirm_shipment(self, shipment: Shipment) -> None:
        """``pdd.logistics.online.send``. Pinduoduo ships whole orders (one goods each):
        ``line_ids`` are not sent."""
        resp = self.call("pdd.logistics.online.send", {
            "order_sn": shipment.platform_order_id,
            "logistics_id": self._logistics_id(shipment.courier_code),
            "tracking_number": shipment.waybill_number})
        ok = resp.get("is_success")
        if ok is not True and str(ok).lower() != "true":
            raise ConnectorError(f"pdd: shipment of {shipment.platform_order_id} not accepted",
                                 code="ship_refused", retryable=False)

    def push_stock(self, quantities: Sequence[StockQuantity]) -> None:
        """Full overwrite, one SKU per call."""
        for q in quantities:
            if q.quantity < 0:
                raise ValueError(f"negative stock for {q.platform_sku_id}")
            self.call("pdd.goods.quantity.update", {
                "goods_id": q.platform_item_id, "sku_id": q.platform_sku_id,
                "quantity": str(q.quantity), "update_type": "1"})

    def platform_now(self) -> datetime:
        """The platform's clock as last seen (our clock corrected by the ``Date`` header of
        its answers): the sync engine should end windows by this, not by the PC's clock."""
        return self.http.now()

    def close(self) -> None:
        self.http.close()


def create_connector(cfg: Any) -> PddConnector:
    """Registry factory: a ConnectorConfig → connector."""
    return PddConnector(cfg.app_key, cfg.app_secret, cfg.session, endpoint=cfg.endpoint,
                        settings=cfg.settings)
