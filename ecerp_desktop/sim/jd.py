"""A JD JOS ``routerjson`` simulator (PROTOCOLS.md §2) at ``<url>/routerjson``.

Reads the system params from the query string or a form body, checks the app key, the
MD5 signature over all params including ``360buy_param_json``, the timestamp (plain, or
with ``.SSS+0800``) within 10 minutes and the access token, and answers with JOS shapes:
``<method>_responce`` (JD's spelling) holding ``searchorderinfo_result`` /
``orderDetailInfo`` / ``sopjosshipment_result``, or ``error_response{code, zh_desc,
en_desc}`` (codes 201 signature, 202 token, 203 too frequent: **[UNCONFIRMED]** codes).
Windows over ``max_window_minutes`` and pages over 100 are refused through ``apiResult``.

APIs: ``jingdong.pop.order.search``, ``jingdong.pop.order.get``,
``jingdong.pop.order.shipment``, ``jingdong.stock.write.updateSkuStock``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import PlatformOrder
from ecerp_desktop.domain.timeutil import CHINA, utcnow
from ecerp_desktop.sim.server import PlatformSim, SimRequest, SimResponse
from ecerp_desktop.sim.signing import md5_wrapped

NOT_YET = "0001-01-01 00:00:00"
_SERVED_STATES = frozenset({"WAIT_SELLER_STOCK_OUT", "LOCKED", "WAIT_GOODS_RECEIVE_CONFIRM",
                            "FINISHED_L", "TRADE_CANCELED"})


def _short_province(name: str) -> str:
    for suffix in ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


class JdError(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(code, zh, en)
        self.code, self.zh, self.en = code, zh, en


class JdBusinessError(Exception):
    def __init__(self, result_key: str, zh: str, en: str) -> None:
        super().__init__(result_key, zh, en)
        self.result_key, self.zh, self.en = result_key, zh, en


def _cn(dt: datetime | None) -> str:
    return NOT_YET if dt is None else dt.astimezone(CHINA).isoformat(" ")[:19]


def _parse_time(value: str) -> datetime | None:
    """``yyyy-MM-dd HH:mm:ss`` with or without ``.SSS+0800`` (China time either way)."""
    try:
        return datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
    except ValueError:
        return None


class JdSim(PlatformSim):
    """The JOS router. ``endpoint`` is the URL to give the connector; ``session`` is the
    access token."""

    platform = "jd"

    def __init__(self, *, max_window_minutes: int = 30, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_window = timedelta(minutes=max_window_minutes)

    @property
    def endpoint(self) -> str:
        return self.url + "/routerjson"

    def _error(self, code: str, zh: str, en: str) -> SimResponse:
        return SimResponse.json({"error_response": {"code": code, "zh_desc": zh,
                                                    "en_desc": en}})

    def rate_limited(self, request: SimRequest, retry_after: int,
                     platform_code: bool) -> SimResponse:
        if not platform_code:
            return super().rate_limited(request, retry_after, platform_code)
        return self._error("203", "请求过于频繁", "Requests too frequent")

    def handle(self, request: SimRequest) -> SimResponse:
        if request.path.rstrip("/") != "/routerjson":
            return SimResponse(status=404, body=b"not found", content_type="text/plain")
        p = request.params()
        method = p.get("method", "")
        try:
            self._check(p)
            try:
                business = json.loads(p.get("360buy_param_json") or "{}")
            except json.JSONDecodeError:
                raise JdError("67", "360buy_param_json格式错误", "Invalid 360buy_param_json") \
                    from None
            if not isinstance(business, dict):
                raise JdError("67", "360buy_param_json格式错误", "Invalid 360buy_param_json")
            api = {"jingdong.pop.order.search": self._search,
                   "jingdong.pop.order.get": self._get,
                   "jingdong.pop.order.shipment": self._shipment,
                   "jingdong.stock.write.updateSkuStock": self._stock}.get(method)
            if api is None:
                raise JdError("22", "无效的方法", "Invalid method")
            body = api(business)
        except JdError as exc:
            return self._error(exc.code, exc.zh, exc.en)
        except JdBusinessError as exc:
            body = {exc.result_key: {"apiResult": {
                "success": False, "numberCode": 100, "chineseErrCode": exc.zh,
                "englishErrCode": exc.en}}}
        root = method.replace(".", "_") + "_responce"
        if isinstance(body, str):
            return SimResponse.json('{"' + root + '":{"code":"0",' + body + "}}")
        return SimResponse.json({root: {"code": "0", **body}})

    def _check(self, p: dict[str, str]) -> None:
        if not p.get("method"):
            raise JdError("21", "缺少方法名参数", "Missing method")
        if p.get("app_key") != self.app_key:
            raise JdError("29", "无效的app_key", "Invalid app_key")
        if not p.get("sign") or md5_wrapped(p, self.app_secret) != p["sign"]:
            raise JdError("201", "签名无效", "Invalid signature")
        when = _parse_time(p.get("timestamp") or "")
        if when is None or abs((self.now() - when).total_seconds()) > 600:
            raise JdError("31", "时间戳错误", "Invalid timestamp")
        if p.get("access_token") != self.session:
            raise JdError("202", "access_token无效或已过期", "Invalid access_token")

    # -- orders ------------------------------------------------------------------------
    def _search(self, b: dict[str, Any]) -> str:
        key = "searchorderinfo_result"
        start = _parse_time(str(b.get("start_date") or ""))
        end = _parse_time(str(b.get("end_date") or ""))
        if start is None or end is None or end < start:
            raise JdBusinessError(key, "开始或结束时间错误", "start_date/end_date invalid")
        if end - start > self.max_window:
            raise JdBusinessError(key, "时间范围过大", "date range too wide")
        try:
            page_no = int(b.get("page") or 1)
            page_size = int(b.get("page_size") or 20)
        except (TypeError, ValueError):
            raise JdBusinessError(key, "分页参数错误", "page/page_size invalid") from None
        if page_no < 1 or not 1 <= page_size <= 100:
            raise JdBusinessError(key, "分页参数错误", "page_size must be 1..100")
        states = {s for s in str(b.get("order_state") or "").split(",") if s}
        by_created = str(b.get("dateType", "0")) == "1"
        if by_created:
            results = [o for o in self.book.all() if start <= o.created_at <= end]
            results.sort(key=lambda o: o.created_at, reverse=True)
        else:
            results = self.book.modified_between(start, end)
        if states and not states >= _SERVED_STATES:  # a filter that removes something
            results = [o for o in results if self._state(o) in states]
        items, total, _has_next = self.page(results, page_no, page_size)
        return ('"searchorderinfo_result":{"apiResult":{"success":true,"numberCode":0},'
                '"orderTotal":' + str(total) + ',"orderInfoList":['
                + self.wire_items(items) + "]}")

    def _get(self, b: dict[str, Any]) -> str:
        order = self.book.get(str(b.get("order_id") or ""))
        if order is None:
            raise JdBusinessError("orderDetailInfo", "订单不存在", "order not found")
        return ('"orderDetailInfo":{"apiResult":{"success":true},"orderInfo":'
                + self.wire_items([order]) + "}")

    # -- pushes ------------------------------------------------------------------------
    def _shipment(self, b: dict[str, Any]) -> dict[str, Any]:
        key = "sopjosshipment_result"
        oid, corp, logi_no = (str(b.get("orderId") or ""), str(b.get("logiCoprId") or ""),
                              str(b.get("logiNo") or ""))
        if not oid or not corp:
            raise JdBusinessError(key, "orderId和logiCoprId必填", "orderId/logiCoprId required")
        with self.state_lock:
            order = self.book.get(oid)
            if order is None:
                return {key: {"success": False, "chineseErrCode": "订单不存在",
                              "englishErrCode": "order not found"}}
            replay = any(s["orderId"] == oid and s["logiNo"] == logi_no
                         for s in self.shipments)
            if not replay:
                if order.status != OrderStatus.NEW or self._state(order) == "LOCKED":
                    return {key: {"success": False, "chineseErrCode": "订单状态不允许出库",
                                  "englishErrCode": "order state does not allow shipment"}}
                self.shipments.append({"orderId": oid, "logiCoprId": corp, "logiNo": logi_no,
                                       "at": utcnow()})
                now = utcnow().replace(microsecond=0)
                self.book.change(oid, lambda o: replace(o, status=OrderStatus.SHIPPED,
                                                        modified_at=max(now, o.modified_at)))
        return {key: {"success": True, "chineseErrCode": "成功", "englishErrCode": "success"}}

    def _stock(self, b: dict[str, Any]) -> dict[str, Any]:
        sku = str(b.get("skuId") or "")
        try:
            qty = int(b.get("stockNum"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return {"success": False, "message": "stockNum invalid"}
        match = [c for c in self.generator.catalog if c.sku_id == sku]
        if not match or qty < 0:
            return {"success": False, "message": f"sku {sku} invalid"}
        k = (match[0].item_id, sku)
        self.record_stock({"api": "jingdong.stock.write.updateSkuStock", "skuId": sku,
                           "quantities": {k: qty}}, {k: qty})
        return {"success": True}

    # -- wire shape --------------------------------------------------------------------
    @staticmethod
    def _state(order: PlatformOrder) -> str:
        s = order.status
        if s == OrderStatus.CANCELLED:
            return "TRADE_CANCELED"
        if s == OrderStatus.SHIPPED:
            return "WAIT_GOODS_RECEIVE_CONFIRM"
        if s == OrderStatus.DONE:
            return "FINISHED_L"
        if any(ln.refund_state == RefundState.REQUESTED for ln in order.lines):
            return "LOCKED"
        return "WAIT_SELLER_STOCK_OUT"

    def encode_order(self, order: PlatformOrder, variant: str) -> Any:
        a = order.address
        if int(order.platform_order_id[-2:]) % 2 == 0:  # JD often writes 北京, 广东, 广西
            short = _short_province(a.province)
            a = replace(a, province=short, city=short if a.city == a.province else a.city)
        state = self._state(order)
        return {
            "orderId": order.platform_order_id, "venderId": "10086", "orderType": "22",
            "payType": "4-在线支付", "orderTotalPrice": f"{order.total_amount:.2f}",
            "orderSellerPrice": f"{order.total_amount - order.discount_amount:.2f}",
            "orderPayment": f"{order.paid_amount:.2f}", "freightPrice": f"{order.post_fee:.2f}",
            "sellerDiscount": f"{order.discount_amount:.2f}", "orderState": state,
            "orderStateRemark": {"LOCKED": "已锁定", "TRADE_CANCELED": "取消"}.get(state, ""),
            "orderRemark": order.buyer_message, "venderRemark": order.seller_memo,
            "orderStartTime": _cn(order.created_at),
            "orderEndTime": _cn(order.modified_at) if state == "FINISHED_L" else NOT_YET,
            "paymentConfirmTime": _cn(order.paid_at), "modified": _cn(order.modified_at),
            "pin": order.buyer_nick,
            "consigneeInfo": {
                "fullname": a.name, "mobile": a.phone, "telephone": "",
                "province": a.province, "city": a.city, "county": a.district,
                "town": a.town,
                "fullAddress": f"{a.province}{a.city}{a.district}{a.town}{a.detail}"},
            "itemInfoList": [{
                "skuId": ln.platform_sku_id, "outerSkuId": ln.merchant_sku_code,
                "skuName": ln.title, "jdPrice": f"{ln.price:.2f}",
                "wareId": ln.platform_item_id, "itemTotal": str(ln.qty),
                "productNo": ln.merchant_sku_code} for ln in order.lines]}

    def poison_order(self, order: PlatformOrder, variant: str) -> Any:
        return {"orderId": order.platform_order_id, "orderState": "WAIT_SELLER_STOCK_OUT",
                "orderPayment": "一百元", "itemInfoList": None, "CORRUPT": True}
