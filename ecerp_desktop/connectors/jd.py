"""JD (京东宙斯 JOS) connector: PROTOCOLS.md §2.

- Every call is a POST to ``/routerjson`` with the system params ``method``, ``app_key``,
  ``access_token``, ``timestamp`` (``yyyy-MM-dd HH:mm:ss.SSS+0800``), ``v=2.0`` and the
  business params as ONE JSON string, ``360buy_param_json``; ``sign`` =
  UPPER(MD5(secret + Σ sorted(k+v) + secret)) (:func:`sign_request`).
- Orders: ``jingdong.pop.order.search`` by modified time (``dateType`` 0 **[INFERRED]**)
  in windows of at most 30 minutes, every ``order_state``, paged from the last page back
  (``orderTotal`` gives the count). One order: ``jingdong.pop.order.get``. Refund changes
  come from the same search (JD refunds whole orders: LOCKED while asked, TRADE_CANCELED
  after payment when refunded).
- Push: ``jingdong.pop.order.shipment`` (``logiCoprId`` = our courier code, JD's carrier
  id; JD ships whole orders, so ``line_ids`` are not sent);
  ``jingdong.stock.write.updateSkuStock`` (``skuId``, ``stockNum``) **[INFERRED]**.
- Responses sit under ``<method with _>_responce`` (JD's spelling); business failures in
  ``apiResult``/``success:false``; errors as ``error_response{code (string), zh_desc,
  en_desc}``: 201/202 and token/sign texts → AuthFailed, 203 and "频繁" → RateLimited
  (**[UNCONFIRMED]** codes, see PROTOCOLS.md §2.5).
"""

from __future__ import annotations

import hashlib
import json
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
    BadField,
    amount,
    cn_time,
    cn_time_text,
    ident,
    jsonable,
    normalise_region,
    pull_windows,
    quantity,
    text,
)
from ecerp_desktop.domain.money import allocate
from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine
from ecerp_desktop.domain.timeutil import CHINA

PRODUCTION_URL = "https://api.jd.com/routerjson"
MAX_PAGE_SIZE = 100
ALL_STATES = ("WAIT_SELLER_STOCK_OUT,WAIT_GOODS_RECEIVE_CONFIRM,WAIT_SELLER_DELIVERY,PAUSE,"
              "FINISHED_L,TRADE_CANCELED,LOCKED,POP_ORDER_PAUSE,WAIT_SEND_CODE")
OPTIONAL_FIELDS = ",".join((
    "orderId", "venderId", "orderType", "payType", "orderTotalPrice", "orderSellerPrice",
    "orderPayment", "freightPrice", "sellerDiscount", "orderState", "orderStateRemark",
    "orderRemark", "venderRemark", "orderStartTime", "orderEndTime", "paymentConfirmTime",
    "modified", "consigneeInfo", "itemInfoList", "pin", "waybill", "logisticsId"))

STATUS: dict[str, OrderStatus] = {
    "WAIT_SELLER_STOCK_OUT": OrderStatus.NEW,
    "WAIT_SELLER_DELIVERY": OrderStatus.NEW,
    "WAIT_SEND_CODE": OrderStatus.NEW,
    "PAUSE": OrderStatus.NEW,
    "POP_ORDER_PAUSE": OrderStatus.NEW,
    "LOCKED": OrderStatus.NEW,  # locked while a refund is asked: platform_status says so
    "WAIT_GOODS_RECEIVE_CONFIRM": OrderStatus.SHIPPED,
    "DELIVERY_RETURN": OrderStatus.SHIPPED,
    "FINISHED_L": OrderStatus.DONE,
    "TRADE_CANCELED": OrderStatus.CANCELLED,
}
_AUTH_CODES = frozenset({"19", "201", "202"})
_RATE_CODES = frozenset({"203"})


def sign_request(params: Mapping[str, str], secret: str) -> str:
    """UPPER(MD5(secret + Σ sorted(key+value) + secret)), ``360buy_param_json`` included."""
    joined = "".join(f"{k}{v}" for k, v in sorted(params.items()) if k != "sign")
    key = secret.encode("utf-8")
    return hashlib.md5(key + joined.encode("utf-8") + key).hexdigest().upper()


def jd_timestamp(when: datetime) -> str:
    local = when.astimezone(CHINA)
    return local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d}+0800"


def response_root(method: str) -> str:
    return method.replace(".", "_") + "_responce"


def error_from(err: Mapping[str, Any], method: str) -> ConnectorError:
    code = str(err.get("code", ""))
    zh, en = str(err.get("zh_desc") or ""), str(err.get("en_desc") or "")
    label = f"jd {method}: {code} {en or zh}"
    words = f"{zh} {en}".lower()
    if code in _RATE_CODES or "频繁" in words or "too frequent" in words or "limit" in words:
        return RateLimited(label, code=code, retry_after=1.0)
    if code in _AUTH_CODES or "token" in words or "sign" in words or "签名" in words:
        return AuthFailed(label, code=code)
    retryable = code.startswith("5") or "系统" in zh or "timeout" in words
    return ConnectorError(label, code=code, retryable=retryable)


def parse_order(o: Mapping[str, Any], *, keep_raw: bool = False) -> PlatformOrder:
    """One JD ``OrderInfo`` → PlatformOrder (raises BadField on nonsense)."""
    if not isinstance(o, dict):
        raise BadField(f"order object expected, got {type(o).__name__}")
    oid = ident(o.get("orderId"), "orderId")
    state = o.get("orderState")
    status = STATUS.get(state) if isinstance(state, str) else None
    if status is None:
        raise BadField(f"unknown orderState {state!r:.40}")
    paid_at = cn_time(o.get("paymentConfirmTime"), "paymentConfirmTime")
    if state == "LOCKED":
        refund = RefundState.REQUESTED
    elif state == "TRADE_CANCELED" and paid_at is not None:
        refund = RefundState.REFUNDED
    else:
        refund = RefundState.NONE
    items = o.get("itemInfoList")
    if not isinstance(items, list) or not items:
        raise BadField("order without itemInfoList")
    parsed = []
    for it in items:
        if not isinstance(it, dict):
            raise BadField("itemInfoList entry is not an object")
        parsed.append((it, quantity(it.get("itemTotal"), "itemTotal"),
                       amount(it.get("jdPrice"), "jdPrice")))
    payment = amount(o.get("orderPayment"), "orderPayment")
    freight = amount(o.get("freightPrice"), "freightPrice")
    if payment < freight:
        raise BadField("orderPayment is less than the freight")
    shares = ([payment - freight] if len(parsed) == 1  # the common case, no allocation
              else allocate(payment - freight, [price * qty for _it, qty, price in parsed]))
    lines = tuple(PlatformOrderLine(
        platform_line_id=ident(it.get("skuId"), "skuId"), qty=qty, price=price,
        paid_amount=share, platform_item_id=text(it.get("wareId")),
        platform_sku_id=ident(it.get("skuId"), "skuId"),
        merchant_sku_code=text(it.get("outerSkuId") or it.get("productNo")),
        title=text(it.get("skuName")), refund_state=refund)
        for (it, qty, price), share in zip(parsed, shares, strict=True))
    created = cn_time(o.get("orderStartTime"), "orderStartTime")
    modified = cn_time(o.get("modified"), "modified") or created
    if created is None or modified is None:
        raise BadField("order without orderStartTime/modified")
    c = o.get("consigneeInfo") or {}
    if not isinstance(c, dict):
        raise BadField("consigneeInfo is not an object")
    raw_province, raw_city = text(c.get("province")), text(c.get("city"))
    county, town = text(c.get("county")), text(c.get("town"))
    province, city, district = normalise_region(raw_province, raw_city, county)
    full = text(c.get("fullAddress"))
    # fullAddress repeats the regions in front of the street address: peel them off
    detail = full
    for part in (raw_province, raw_city, county, town):
        if part and detail.startswith(part):
            detail = detail[len(part):]
    return PlatformOrder(
        platform_order_id=oid, platform_status=state, status=status, created_at=created,
        modified_at=modified, lines=lines,
        address=Address(name=text(c.get("fullname")),
                        phone=text(c.get("mobile") or c.get("telephone")), province=province,
                        city=city, district=district, town=town, detail=detail.strip()),
        paid_at=paid_at, buyer_nick=text(o.get("pin")), buyer_message=text(o.get("orderRemark")),
        seller_memo=text(o.get("venderRemark")),
        total_amount=amount(o.get("orderTotalPrice"), "orderTotalPrice"),
        paid_amount=payment, post_fee=freight,
        discount_amount=amount(o.get("sellerDiscount"), "sellerDiscount"),
        is_cod=str(o.get("payType", "")).startswith("1-"),
        raw=jsonable(o) if keep_raw else None)


class JdConnector:
    """One JD POP shop. Blocking; run it on a sync lane thread."""

    platform = "jd"

    def __init__(self, app_key: str, app_secret: str, access_token: str = "", *,
                 endpoint: str = PRODUCTION_URL, page_size: int = MAX_PAGE_SIZE,
                 max_pages: int = 200, timeout: tuple[float, float] | float = DEFAULT_TIMEOUT,
                 keep_raw: bool = False, settings: Mapping[str, Any] | None = None) -> None:
        settings = dict(settings or {})
        self.app_key, self._secret, self._token = app_key, app_secret, access_token
        self.endpoint = endpoint or PRODUCTION_URL
        self.page_size = max(1, min(int(settings.get("page_size", page_size)), MAX_PAGE_SIZE))
        self.max_pages = max_pages
        self.keep_raw = keep_raw
        self.http = HttpClient(timeout=timeout, platform="jd")

    def call(self, method: str, business: Mapping[str, Any]) -> dict[str, Any]:
        """Sign and send one call; the object under ``<method>_responce``. A timestamp
        refused because our clock is off is sent once more with the platform's clock."""
        offset = self.http.clock_offset
        try:
            return self._call(method, business)
        except ConnectorError as exc:
            if exc.code == "31" and self.http.clock_offset != offset:
                return self._call(method, business)
            raise

    def _call(self, method: str, business: Mapping[str, Any]) -> dict[str, Any]:
        req = {"method": method, "app_key": self.app_key,
               "timestamp": jd_timestamp(self.http.now()),
               "v": "2.0", "360buy_param_json": json.dumps(
                   business, ensure_ascii=False, separators=(",", ":"))}
        if self._token:
            req["access_token"] = self._token
        req["sign"] = sign_request(req, self._secret)
        body = decode_json(self.http.post_form(self.endpoint, req), "jd")
        if not isinstance(body, dict):
            raise ConnectorError(f"jd {method}: JSON object expected", code="bad_json")
        err = body.get("error_response")
        if isinstance(err, dict):
            raise error_from(err, method)
        inner = body.get(response_root(method))
        if not isinstance(inner, dict):
            raise ConnectorError(f"jd {method}: unexpected response shape", code="bad_json")
        return inner

    @staticmethod
    def _result(inner: Mapping[str, Any], key: str, method: str) -> dict[str, Any]:
        result = inner.get(key)
        if not isinstance(result, dict):
            raise ConnectorError(f"jd {method}: no {key} in the answer", code="bad_json")
        api = result.get("apiResult")
        if isinstance(api, dict) and api.get("success") is False:
            code = str(api.get("englishErrCode") or api.get("numberCode") or "")
            raise ConnectorError(f"jd {method}: {api.get('chineseErrCode') or code}",
                                 code=code, retryable=False)
        return result

    def _page(self, start: datetime, end: datetime, page: int,
              _want_total: bool) -> tuple[list[Any], int | None, bool]:
        method = "jingdong.pop.order.search"
        inner = self.call(method, {
            "start_date": cn_time_text(start), "end_date": cn_time_text(end),
            "order_state": ALL_STATES, "optional_fields": OPTIONAL_FIELDS, "page": str(page),
            "page_size": str(self.page_size), "dateType": "0", "sortType": "1"})
        result = self._result(inner, "searchorderinfo_result", method)
        items = result.get("orderInfoList") or []
        if not isinstance(items, list):
            raise ConnectorError("jd: orderInfoList is not a list", code="bad_json")
        try:
            total = int(result.get("orderTotal"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ConnectorError("jd: no orderTotal in the answer", code="bad_json") from None
        return items, total, page * self.page_size < total

    def pull_orders(self, start: datetime, end: datetime) -> Iterator[PullPage]:
        """Orders modified in [start, end) (the platform's end is inclusive), one PullPage
        per platform page, each order once per pull."""
        return pull_windows(start, end, self._page, page_size=self.page_size,
                            max_pages=self.max_pages, platform="jd", parse=self._parse,
                            id_keys=("orderId",))

    def _parse(self, item: Any) -> PlatformOrder:
        return parse_order(item, keep_raw=self.keep_raw)

    def fetch_order(self, platform_order_id: str) -> PlatformOrder:
        method = "jingdong.pop.order.get"
        inner = self.call(method, {"order_id": platform_order_id,
                                   "optional_fields": OPTIONAL_FIELDS,
                                   "order_state": ALL_STATES})
        result = self._result(inner, "orderDetailInfo", method)
        try:
            return parse_order(result.get("orderInfo"), keep_raw=self.keep_raw)  # type: ignore[arg-type]
        except Exception as exc:  # whatever is wrong with it, the order cannot be read
            raise ConnectorError(f"jd: order {platform_order_id} cannot be read: {exc}",
                                 code="bad_payload", retryable=False) from exc

    def pull_refunds(self, start: datetime, end: datetime) -> Iterator[list[RefundChange]]:
        """Refund states of the orders modified in [start, end) that have one."""
        for page in self.pull_orders(start, end):
            yield [RefundChange(
                platform_order_id=o.platform_order_id,
                platform_line_ids=tuple(ln.platform_line_id for ln in o.lines),
                refund_state=o.lines[0].refund_state.value, modified_at=o.modified_at)
                for o in page.orders if o.lines[0].refund_state != RefundState.NONE]

    def confirm_shipment(self, shipment: Shipment) -> None:
        method = "jingdong.pop.order.shipment"
        inner = self.call(method, {"orderId": shipment.platform_order_id,
                                   "logiCoprId": shipment.courier_code,
                                   "logiNo": shipment.waybill_number})
        result = inner.get("sopjosshipment_result")
        ok = result.get("success") if isinstance(result, dict) else None
        if ok is not True and str(ok).lower() != "true":
            why = (result or {}).get("chineseErrCode") if isinstance(result, dict) else None
            raise ConnectorError(f"jd: shipment of {shipment.platform_order_id} not accepted"
                                 + (f": {why}" if why else ""), code="ship_refused",
                                 retryable=False)

    def push_stock(self, quantities: Sequence[StockQuantity]) -> None:
        """One SKU per call, full overwrite."""
        method = "jingdong.stock.write.updateSkuStock"
        for q in quantities:
            if q.quantity < 0:
                raise ValueError(f"negative stock for {q.platform_sku_id}")
            inner = self.call(method, {"skuId": q.platform_sku_id, "stockNum": q.quantity})
            if inner.get("success") is False:
                raise ConnectorError(f"jd: stock of {q.platform_sku_id} not accepted",
                                     code="stock_refused", retryable=False)

    def platform_now(self) -> datetime:
        """The platform's clock as last seen (our clock corrected by the ``Date`` header of
        its answers): the sync engine should end windows by this, not by the PC's clock."""
        return self.http.now()

    def close(self) -> None:
        self.http.close()


def create_connector(cfg: Any) -> JdConnector:
    """Registry factory: a ConnectorConfig → connector."""
    return JdConnector(cfg.app_key, cfg.app_secret, cfg.session, endpoint=cfg.endpoint,
                       settings=cfg.settings)
