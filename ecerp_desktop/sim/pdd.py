"""A Pinduoduo open-platform router simulator (PROTOCOLS.md §3) at ``<url>/api/router``.

Takes a JSON body (or a form), checks ``client_id``, the MD5 signature (20004), the UNIX
``timestamp`` within 10 minutes, the ``access_token`` (10019), windows of at most 30
minutes and pages of at most 100 (10000), and answers in PDD's shapes: ``error_response``
with ``error_code``/``error_msg``, ``order_sn_increment_get_response`` with
``total_count``/``has_next``/``order_sn_list``. Money goes out as JSON numbers in yuan, as
the platform sends it. Unpaid orders do not exist on Pinduoduo and are never served.
Its rate-limit answer is error_code 70031 "调用太频繁" (**[INFERRED]**, see the connector).

APIs: ``pdd.order.number.list.increment.get``, ``pdd.order.information.get``,
``pdd.logistics.companies.get``, ``pdd.logistics.online.send``, ``pdd.goods.quantity.update``.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import PlatformOrder
from ecerp_desktop.domain.timeutil import CHINA, utcnow
from ecerp_desktop.sim.server import PlatformSim, SimRequest, SimResponse
from ecerp_desktop.sim.signing import md5_wrapped

# The simulated courier list (the real ids come from pdd.logistics.companies.get).
COMPANIES = ((44, "顺丰速运", "SF"), (115, "中通快递", "ZTO"), (85, "圆通速递", "YTO"),
             (1, "申通快递", "STO"), (121, "韵达快递", "YUNDA"), (118, "邮政EMS", "EMS"),
             (120, "京东快递", "JD"), (132, "邮政快递包裹", "POSTB"))
_REFUND = {RefundState.NONE: 1, RefundState.REQUESTED: 3, RefundState.REFUNDED: 4,
           RefundState.REJECTED: 1}
_STATUS = {OrderStatus.NEW: 1, OrderStatus.CANCELLED: 1, OrderStatus.SHIPPED: 2,
           OrderStatus.DONE: 3}


class PddError(Exception):
    def __init__(self, code: int, msg: str, sub_msg: str = "") -> None:
        super().__init__(code, msg, sub_msg)
        self.code, self.msg, self.sub_msg = code, msg, sub_msg


def _cn(dt: datetime | None) -> str:
    return "" if dt is None else dt.astimezone(CHINA).isoformat(" ")[:19]


def _int(p: dict[str, str], name: str, default: int | None = None, lo: int = 0,
         hi: int = 2**62) -> int:
    raw = p.get(name)
    if raw in (None, ""):
        if default is None:
            raise PddError(10000, "参数错误", f"{name} is required")
        return default
    try:
        value = int(raw)  # type: ignore[arg-type]
    except ValueError:
        raise PddError(10000, "参数错误", f"{name} must be a number") from None
    if not lo <= value <= hi:
        raise PddError(10000, "参数错误", f"{name} out of range {lo}..{hi}")
    return value


class PddSim(PlatformSim):
    """The PDD router. ``endpoint`` is the URL to give the connector; ``app_key`` is the
    client_id, ``app_secret`` the client_secret, ``session`` the access_token."""

    platform = "pdd"

    def __init__(self, *, max_window_minutes: int = 30, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_window = timedelta(minutes=max_window_minutes)

    @property
    def endpoint(self) -> str:
        return self.url + "/api/router"

    def _error(self, code: int, msg: str, sub_msg: str = "") -> SimResponse:
        return SimResponse.json({"error_response": {
            "error_code": code, "error_msg": msg, "sub_code": str(code), "sub_msg": sub_msg,
            "request_id": uuid.uuid4().hex[:16]}})

    def rate_limited(self, request: SimRequest, retry_after: int,
                     platform_code: bool) -> SimResponse:
        if not platform_code:
            return super().rate_limited(request, retry_after, platform_code)
        return self._error(70031, "调用太频繁", f"请{retry_after}秒后重试")

    def handle(self, request: SimRequest) -> SimResponse:
        if request.path.rstrip("/") != "/api/router":
            return SimResponse(status=404, body=b"not found", content_type="text/plain")
        p = request.params()
        try:
            self._check(p)
            api = {"pdd.order.number.list.increment.get": self._increment,
                   "pdd.order.information.get": self._information,
                   "pdd.logistics.companies.get": self._companies,
                   "pdd.logistics.online.send": self._online_send,
                   "pdd.goods.quantity.update": self._quantity}.get(p["type"])
            if api is None:
                raise PddError(10002, "接口不存在", p["type"])
            return SimResponse.json(api(p))
        except PddError as exc:
            return self._error(exc.code, exc.msg, exc.sub_msg)

    def _check(self, p: dict[str, str]) -> None:
        for name in ("type", "client_id", "timestamp", "sign"):
            if not p.get(name):
                raise PddError(10000, "参数错误", f"{name} is required")
        if p["client_id"] != self.app_key:
            raise PddError(10016, "client_id不存在")
        if md5_wrapped(p, self.app_secret) != p["sign"]:
            raise PddError(20004, "签名校验失败")
        ts = _int(p, "timestamp")
        if abs(self.now().timestamp() - ts) > 600:
            raise PddError(10000, "参数错误", "timestamp must be within 10 minutes")
        if p.get("access_token") != self.session:
            raise PddError(10019, "access_token已过期")

    # -- orders ------------------------------------------------------------------------
    def _increment(self, p: dict[str, str]) -> str:
        start_s = _int(p, "start_updated_at")
        end_s = _int(p, "end_updated_at")
        if end_s < start_s or end_s - start_s > self.max_window.total_seconds():
            raise PddError(10000, "参数错误", "时间间隔不能超过30分钟")
        page_no = _int(p, "page", 1, 1, 1_000_000)
        page_size = _int(p, "page_size", 100, 1, 100)
        start = datetime.fromtimestamp(start_s, UTC)
        end = datetime.fromtimestamp(end_s, UTC)
        results = [o for o in self.book.modified_between(start, end) if o.paid_at is not None]
        items, total, has_next = self.page(results, page_no, page_size)
        return ('{"order_sn_increment_get_response":{"total_count":' + str(total)
                + ',"has_next":' + ("true" if has_next else "false")
                + ',"order_sn_list":[' + self.wire_items(items) + '],"request_id":"'
                + uuid.uuid4().hex[:16] + '"}}')

    def _information(self, p: dict[str, str]) -> str:
        order = self.book.get(p.get("order_sn") or "")
        if order is None or order.paid_at is None:
            raise PddError(10000, "参数错误", "订单不存在")
        return '{"order_info_get_response":{"order_info":' + self.wire_items([order]) + "}}"

    # -- pushes ------------------------------------------------------------------------
    def _companies(self, p: dict[str, str]) -> dict[str, Any]:
        return {"logistics_companies_get_response": {"logistics_companies": [
            {"id": i, "logistics_company": name, "code": code, "available": 1}
            for i, name, code in COMPANIES]}}

    def _online_send(self, p: dict[str, str]) -> dict[str, Any]:
        sn = p.get("order_sn") or ""
        logistics_id = _int(p, "logistics_id")
        tracking = p.get("tracking_number") or ""
        if not sn or not tracking:
            raise PddError(10000, "参数错误", "order_sn and tracking_number are required")
        if logistics_id not in {c[0] for c in COMPANIES}:
            raise PddError(10000, "参数错误", "logistics_id 不存在")
        with self.state_lock:
            order = self.book.get(sn)
            if order is None or order.paid_at is None:
                raise PddError(10000, "参数错误", "订单不存在")
            replay = any(s["order_sn"] == sn and s["tracking_number"] == tracking
                         for s in self.shipments)
            if not replay:
                if order.status != OrderStatus.NEW:
                    raise PddError(50001, "业务错误", "订单状态不允许发货")
                self.shipments.append({"order_sn": sn, "logistics_id": logistics_id,
                                       "tracking_number": tracking, "at": utcnow()})
                now = utcnow().replace(microsecond=0)
                self.book.change(sn, lambda o: replace(o, status=OrderStatus.SHIPPED,
                                                       modified_at=max(now, o.modified_at)))
        return {"logistics_online_send_response": {"is_success": True}}

    def _quantity(self, p: dict[str, str]) -> dict[str, Any]:
        goods, sku = p.get("goods_id") or "", p.get("sku_id") or ""
        qty = _int(p, "quantity", None, 0, 10**9)
        if (goods, sku) not in self.catalog_ids():
            raise PddError(10000, "参数错误", f"sku {sku} not in goods {goods}")
        self.record_stock({"api": "pdd.goods.quantity.update", "goods_id": goods,
                           "quantities": {(goods, sku): qty}}, {(goods, sku): qty})
        return {"goods_quantity_update_response": {"is_success": True}}

    # -- wire shape --------------------------------------------------------------------
    def encode_order(self, order: PlatformOrder, variant: str) -> Any:
        a = order.address
        refund = _REFUND[order.lines[0].refund_state]
        return {
            "order_sn": order.platform_order_id, "order_status": _STATUS[order.status],
            "refund_status": refund, "after_sales_status": 0 if refund == 1 else 5,
            "confirm_status": 1, "group_status": 1, "risk_control_status": 0,
            "trade_type": 0, "is_lucky_flag": 1, "pay_type": "WEIXIN",
            "created_time": _cn(order.created_at), "confirm_time": _cn(order.paid_at),
            "pay_time": _cn(order.paid_at), "updated_at": _cn(order.modified_at),
            "goods_amount": float(order.total_amount),
            "discount_amount": float(order.discount_amount),
            "seller_discount": float(order.discount_amount), "platform_discount": 0,
            "postage": float(order.post_fee), "pay_amount": float(order.paid_amount),
            "receiver_name": a.name, "receiver_phone": a.phone, "country": "中国",
            "province": a.province, "city": a.city, "town": a.district,
            "receiver_address": a.detail,
            "address": f"{a.province}{a.city}{a.district}{a.detail}",
            "buyer_memo": order.buyer_message, "remark": order.seller_memo,
            "remark_tag": order.seller_flag or None,
            "item_list": [{
                "goods_id": int(ln.platform_item_id), "sku_id": int(ln.platform_sku_id),
                "outer_id": ln.merchant_sku_code,
                "outer_goods_id": ln.merchant_sku_code.rsplit("-", 1)[0],
                "goods_name": ln.title, "goods_price": float(ln.price),
                "goods_spec": ln.title.rpartition(" ")[2], "goods_count": ln.qty}
                for ln in order.lines]}

    def poison_order(self, order: PlatformOrder, variant: str) -> Any:
        return {"order_sn": order.platform_order_id, "order_status": "CORRUPT",
                "pay_amount": "NaN", "item_list": {"oops": True}}
