"""A Taobao / Tmall TOP gateway simulator (PROTOCOLS.md §1) at ``<url>/router/rest``.

It checks what the real gateway checks and answers with TOP's own error shapes:
app key (28/29), signature for md5/hmac/hmac-sha256 (24/25), timestamp within 10 minutes
of its clock (30/31), session (26/27), ``v`` (32/33), method (21/22), required and valid
arguments (40/41; windows over ``max_window_minutes``, page sizes over 100). Rate limits
come back as code 7 ``accesscontrol.limited-by-api-access-count`` with "This ban will last
for N more seconds". Orders come in the simplified or non-simplified shape as ``simplify``
asks, ids alternately as JSON strings and numbers.

APIs: ``taobao.trades.sold.increment.get``, ``taobao.trades.sold.get``,
``taobao.trade.fullinfo.get``, ``taobao.refunds.receive.get``,
``taobao.logistics.offline.send`` (split via ``sub_tid``; a replay of the same waybill is
accepted), ``taobao.skus.quantity.update`` (≤ 20 SKUs), ``taobao.item.quantity.update``.
Pushed shipments and stock are kept in ``shipments`` / ``stock`` / ``stock_calls``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import PlatformOrder
from ecerp_desktop.domain.timeutil import CHINA, utcnow
from ecerp_desktop.sim.server import PlatformSim, SimRequest, SimResponse
from ecerp_desktop.sim.signing import top_sign

MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_REFUND_WIRE = {RefundState.NONE: "NO_REFUND", RefundState.REQUESTED: "WAIT_SELLER_AGREE",
                RefundState.REFUNDED: "SUCCESS", RefundState.REJECTED: "SELLER_REFUSE_BUYER"}
_ERRORS = {
    7: "App Call Limited", 21: "Missing Method", 22: "Invalid Method", 24: "Missing Signature",
    25: "Invalid Signature", 26: "Missing Session", 27: "Invalid Session",
    28: "Missing App Key", 29: "Invalid App Key", 30: "Missing Timestamp",
    31: "Invalid Timestamp", 32: "Missing Version", 33: "Invalid Version",
    40: "Missing Required Arguments", 41: "Invalid Arguments", 15: "Remote service error",
}


def response_root(method: str) -> str:
    name = method[len("taobao."):] if method.startswith("taobao.") else method
    return name.replace(".", "_") + "_response"


class TopError(Exception):
    def __init__(self, code: int, sub_code: str = "", sub_msg: str = "") -> None:
        super().__init__(code, sub_code, sub_msg)
        self.code, self.sub_code, self.sub_msg = code, sub_code, sub_msg


def _cn(dt: datetime | None) -> str:
    return "" if dt is None else dt.astimezone(CHINA).isoformat(" ")[:19]


def _money(d: Decimal) -> str:
    return f"{d:.2f}"


def _parse_cn(value: str, name: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
    except ValueError:
        raise TopError(41, f"isv.invalid-parameter:{name}", f"bad time {value!r}") from None


def _required(params: dict[str, str], *names: str) -> None:
    for n in names:
        if not params.get(n):
            raise TopError(40, f"isv.missing-parameter:{n}", f"{n} is required")


def _int_param(params: dict[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = params.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise TopError(41, f"isv.invalid-parameter:{name}", f"{name} must be a number") from None
    if not lo <= value <= hi:
        raise TopError(41, f"isv.invalid-parameter:{name}", f"{name} must be {lo}..{hi}")
    return value


class TaobaoSim(PlatformSim):
    """The TOP gateway. ``endpoint`` is the URL to give the connector."""

    platform = "taobao"

    def __init__(self, *, platform: str = "taobao", max_window_minutes: int = 30,
                 **kwargs: Any) -> None:
        self.platform = platform
        super().__init__(**kwargs)
        self.max_window = timedelta(minutes=max_window_minutes)
        self.shipped_lines: dict[str, set[str]] = {}

    @property
    def endpoint(self) -> str:
        return self.url + "/router/rest"

    # -- envelope ----------------------------------------------------------------------
    def _error(self, code: int, sub_code: str = "", sub_msg: str = "") -> SimResponse:
        err: dict[str, Any] = {"code": code, "msg": _ERRORS.get(code, "Remote service error")}
        if sub_code:
            err["sub_code"] = sub_code
            err["sub_msg"] = sub_msg
        err["request_id"] = uuid.uuid4().hex[:12]
        return SimResponse.json({"error_response": err})

    def rate_limited(self, request: SimRequest, retry_after: int,
                     platform_code: bool) -> SimResponse:
        if not platform_code:
            return super().rate_limited(request, retry_after, platform_code)
        return self._error(7, "accesscontrol.limited-by-api-access-count",
                           f"This ban will last for {retry_after} more seconds")

    def handle(self, request: SimRequest) -> SimResponse:
        if request.path.rstrip("/") != "/router/rest":
            return SimResponse(status=404, body=b"not found", content_type="text/plain")
        p = request.params()
        try:
            self._check_envelope(p)
            method = p["method"]
            api = self._apis().get(method)
            if api is None:
                raise TopError(22, "isv.invalid-method", f"unknown method {method}")
            result = api(p)
        except TopError as exc:
            return self._error(exc.code, exc.sub_code, exc.sub_msg)
        simplify = p.get("simplify") == "true"
        if isinstance(result, str):  # a pre-built body fragment ("k":v,… without braces)
            inner = "{" + result + "}"
            body = inner if simplify else '{"' + response_root(method) + '":' + inner + "}"
            return SimResponse.json(body)
        return SimResponse.json(result if simplify else {response_root(method): result})

    def _check_envelope(self, p: dict[str, str]) -> None:
        if not p.get("method"):
            raise TopError(21)
        if not p.get("app_key"):
            raise TopError(28)
        if p["app_key"] != self.app_key:
            raise TopError(29)
        if not p.get("sign"):
            raise TopError(24)
        method = p.get("sign_method") or "hmac"  # TOP's own default is hmac
        if method not in ("md5", "hmac", "hmac-sha256"):
            raise TopError(25, "isv.invalid-signature", f"sign_method {method}")
        if top_sign(p, self.app_secret, method) != p["sign"]:
            raise TopError(25)
        ts = p.get("timestamp")
        if not ts:
            raise TopError(30)
        try:
            when = datetime.strptime(ts, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
        except ValueError:
            raise TopError(31) from None
        if abs((self.now() - when).total_seconds()) > 600:
            raise TopError(31)
        if not p.get("v"):
            raise TopError(32)
        if p["v"] != "2.0":
            raise TopError(33)
        if not p.get("session"):
            raise TopError(26)
        if p["session"] != self.session:
            raise TopError(27, "invalid-sessionkey", "session is invalid or expired")

    def _apis(self) -> dict[str, Any]:
        return {
            "taobao.trades.sold.increment.get": self._increment,
            "taobao.trades.sold.get": self._sold_get,
            "taobao.trade.fullinfo.get": self._fullinfo,
            "taobao.refunds.receive.get": self._refunds,
            "taobao.logistics.offline.send": self._offline_send,
            "taobao.skus.quantity.update": self._skus_quantity,
            "taobao.item.quantity.update": self._item_quantity,
        }

    # -- orders ------------------------------------------------------------------------
    def _window(self, p: dict[str, str], a: str, b: str) -> tuple[datetime, datetime]:
        _required(p, "fields", a, b)
        start, end = _parse_cn(p[a], a), _parse_cn(p[b], b)
        if end < start:
            raise TopError(41, f"isv.invalid-parameter:{b}", f"{b} before {a}")
        if end - start > self.max_window:
            raise TopError(41, f"isv.invalid-parameter:{b}",
                           f"the time span may not exceed {self.max_window}")
        return start, end

    def _list_body(self, results: list[PlatformOrder], p: dict[str, str], plural: str,
                   singular: str, encode: Any = None) -> str:
        page_no = _int_param(p, "page_no", 1, 1, 1_000_000)
        page_size = _int_param(p, "page_size", 40, 1, 100)
        items, total, has_next = self.page(results, page_no, page_size)
        simplify = p.get("simplify") == "true"
        variant = "s" if simplify else ""
        joined = (self.wire_items(items, variant) if encode is None
                  else ",".join(encode(o) for o in items))
        listing = f'[{joined}]' if simplify else f'{{"{singular}":[{joined}]}}'
        head = (f'"has_next":{"true" if has_next else "false"}'
                if p.get("use_has_next") == "true" else f'"total_results":{total}')
        return f'{head},"{plural}":{listing},"request_id":"{uuid.uuid4().hex[:12]}"'

    def _increment(self, p: dict[str, str]) -> str:
        start, end = self._window(p, "start_modified", "end_modified")
        return self._list_body(self.book.modified_between(start, end), p, "trades", "trade")

    def _sold_get(self, p: dict[str, str]) -> str:
        _required(p, "fields")
        start = _parse_cn(p.get("start_created") or "2000-01-01 00:00:00", "start_created")
        end = _parse_cn(p.get("end_created") or "2100-01-01 00:00:00", "end_created")
        results = [o for o in self.book.all() if start <= o.created_at <= end]
        results.sort(key=lambda o: o.created_at, reverse=True)
        return self._list_body(results, p, "trades", "trade")

    def _fullinfo(self, p: dict[str, str]) -> str:
        _required(p, "fields", "tid")
        order = self.book.get(p["tid"])
        if order is None:
            raise TopError(15, "isv.trade-not-exist", f"trade {p['tid']} does not exist")
        variant = "s" if p.get("simplify") == "true" else ""
        return f'"trade":{self.wire_items([order], variant)}'

    def _refunds(self, p: dict[str, str]) -> str:
        start, end = self._window(p, "start_modified", "end_modified")
        rows: list[Any] = []
        for o in self.book.modified_between(start, end):
            for ln in o.lines:
                if ln.refund_state != RefundState.NONE:
                    rows.append((o, ln))

        def encode(row: Any) -> str:
            o, ln = row
            return json.dumps({
                "refund_id": str(int(ln.platform_line_id) * 10 + 7)
                if ln.platform_line_id.isdigit() else ln.platform_line_id + "-R",
                "tid": o.platform_order_id, "oid": ln.platform_line_id,
                "status": _REFUND_WIRE[ln.refund_state], "modified": _cn(o.modified_at),
                "refund_fee": _money(ln.paid_amount), "good_status": "BUYER_NOT_RECEIVED"},
                ensure_ascii=False)

        return self._list_body(rows, p, "refunds", "refund", encode)

    # -- pushes ------------------------------------------------------------------------
    def _offline_send(self, p: dict[str, str]) -> dict[str, Any]:
        _required(p, "tid", "out_sid", "company_code")
        tid = p["tid"]
        sub = [s for s in (p.get("sub_tid") or "").split(",") if s]
        with self.state_lock:
            order = self.book.get(tid)
            if order is None:
                raise TopError(15, "isv.trade-not-exist", f"trade {tid} does not exist")
            oids = {ln.platform_line_id for ln in order.lines}
            if any(s not in oids for s in sub):
                raise TopError(41, "isv.invalid-parameter:sub_tid", "sub_tid not in trade")
            replay = any(s["tid"] == tid and s["out_sid"] == p["out_sid"]
                         and s["sub_tid"] == sub for s in self.shipments)
            if not replay:
                if order.status != OrderStatus.NEW:
                    raise TopError(15, "isv.logistics-offline-service-error",
                                   f"trade status does not allow shipping ({order.status})")
                shipped = self.shipped_lines.setdefault(tid, set())
                shipped.update(sub or oids)
                self.shipments.append({"tid": tid, "out_sid": p["out_sid"],
                                       "company_code": p["company_code"], "sub_tid": sub,
                                       "is_split": p.get("is_split", "0"), "at": utcnow()})
                now = utcnow().replace(microsecond=0)
                done = shipped >= oids
                self.book.change(tid, lambda o: replace(
                    o, status=OrderStatus.SHIPPED if done else o.status,
                    modified_at=max(now, o.modified_at)))
        return {"shipping": {"is_success": True}}

    def _skus_quantity(self, p: dict[str, str]) -> dict[str, Any]:
        _required(p, "num_iid")
        pairs = [s for s in (p.get("skuid_quantities") or "").split(";") if s]
        by_outer = not pairs
        if by_outer:
            pairs = [s for s in (p.get("outerid_quantities") or "").split(";") if s]
        if not pairs:
            raise TopError(40, "isv.missing-parameter:skuid_quantities", "nothing to update")
        if len(pairs) > 20:
            raise TopError(41, "isv.invalid-parameter:skuid_quantities", "at most 20 SKUs")
        item = p["num_iid"]
        catalog = self.catalog_ids()
        by_code = {c.code: c for c in self.generator.catalog if c.item_id == item}
        changes: dict[tuple[str, str], int] = {}
        for pair in pairs:
            ref, _, qty = pair.rpartition(":")
            try:
                n = int(qty)
            except ValueError:
                raise TopError(41, "isv.invalid-parameter:skuid_quantities", pair) from None
            sku_id = by_code[ref].sku_id if by_outer and ref in by_code else ref
            if (item, sku_id) not in catalog:
                raise TopError(15, "isv.item-sku-not-exist", f"sku {ref} not in item {item}")
            if p.get("type") == "2":
                n += self.stock.get((item, sku_id), 0)
            if n < 0:
                raise TopError(41, "isv.invalid-parameter:quantity", "quantity below zero")
            changes[(item, sku_id)] = n
        self.record_stock({"api": "taobao.skus.quantity.update", "num_iid": item,
                           "quantities": dict(changes)}, changes)
        return {"item": {"num_iid": int(item), "modified": _cn(utcnow())}}

    def _item_quantity(self, p: dict[str, str]) -> dict[str, Any]:
        _required(p, "num_iid", "quantity")
        item = p["num_iid"]
        if not any(c.item_id == item for c in self.generator.catalog):
            raise TopError(15, "isv.item-not-exist", f"item {item} does not exist")
        try:
            n = int(p["quantity"])
        except ValueError:
            raise TopError(41, "isv.invalid-parameter:quantity", p["quantity"]) from None
        sku = p.get("sku_id") or ""
        self.record_stock({"api": "taobao.item.quantity.update", "num_iid": item,
                           "quantities": {(item, sku): n}}, {(item, sku): n})
        return {"item": {"num_iid": int(item), "num": n, "modified": _cn(utcnow())}}

    # -- wire shape --------------------------------------------------------------------
    def _wire_status(self, order: PlatformOrder) -> str:
        s = order.status
        if s == OrderStatus.UNPAID:
            return "WAIT_BUYER_PAY"
        if s == OrderStatus.CANCELLED:
            return "TRADE_CLOSED_BY_TAOBAO" if order.paid_at is None else "TRADE_CLOSED"
        if s in (OrderStatus.SHIPPED,):
            return "WAIT_BUYER_CONFIRM_GOODS"
        if s == OrderStatus.DONE:
            return "TRADE_FINISHED"
        if self.shipped_lines.get(order.platform_order_id):
            return "SELLER_CONSIGNED_PART"
        return "WAIT_SELLER_SEND_GOODS"

    def encode_order(self, order: PlatformOrder, variant: str) -> Any:
        tid = order.platform_order_id
        as_number = int(tid[-3:]) % 2 == 0  # real answers carry ids both ways
        a = order.address
        city = a.city
        if a.province in MUNICIPALITIES:
            city = "市辖区" if int(tid[-4:]) % 3 == 0 else a.province
        elif city and city == a.district:
            city = ""  # a county-level city: Taobao sends no city
        status = self._wire_status(order)
        lines = []
        for ln in order.lines:
            lines.append({
                "oid": int(ln.platform_line_id) if as_number else ln.platform_line_id,
                "oid_str": ln.platform_line_id, "status": status,
                "num_iid": int(ln.platform_item_id), "sku_id": ln.platform_sku_id,
                "outer_iid": ln.merchant_sku_code.rsplit("-", 1)[0],
                "outer_sku_id": ln.merchant_sku_code, "title": ln.title, "num": ln.qty,
                "price": _money(ln.price), "total_fee": _money(ln.price * ln.qty),
                "payment": _money(ln.paid_amount), "divide_order_fee": _money(ln.paid_amount),
                "refund_status": _REFUND_WIRE[ln.refund_state],
                "sku_properties_name": "颜色分类:" + ln.title.rpartition(" ")[2]})
        trade: dict[str, Any] = {
            "tid": int(tid) if as_number else tid, "tid_str": tid, "status": status,
            "type": "fixed", "buyer_nick": order.buyer_nick, "created": _cn(order.created_at),
            "modified": _cn(order.modified_at), "pay_time": _cn(order.paid_at),
            "payment": _money(order.paid_amount), "post_fee": _money(order.post_fee),
            "total_fee": _money(order.total_amount),
            "discount_fee": _money(order.discount_amount),
            "buyer_message": order.buyer_message, "seller_memo": order.seller_memo,
            "seller_flag": order.seller_flag, "has_buyer_message": bool(order.buyer_message),
            "receiver_name": a.name, "receiver_mobile": a.phone, "receiver_state": a.province,
            "receiver_city": city, "receiver_district": a.district, "receiver_town": a.town,
            "receiver_address": a.detail, "receiver_zip": a.zip_code,
            "orders": lines if variant == "s" else {"order": lines}}
        if order.paid_at is None:
            del trade["pay_time"]
        return trade

    def poison_order(self, order: PlatformOrder, variant: str) -> Any:
        return {"tid": order.platform_order_id, "status": "WAIT_SELLER_SEND_GOODS",
                "created": "yesterday", "payment": "¥¥¥", "orders": "CORRUPT"}
