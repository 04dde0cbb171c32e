"""Taobao / Tmall (TOP, 淘宝开放平台) connector: PROTOCOLS.md §1.

- Signing: md5 (secret wrapped around the sorted ``key+value`` string), hmac (HMAC-MD5)
  and hmac-sha256, upper-case hex, empty values skipped (:func:`sign_request`).
- Orders: ``taobao.trades.sold.increment.get`` in windows of at most 30 minutes, each
  paged from the last page back to page 1 (the platform's rule against missed orders),
  ``use_has_next`` for the pages after the first; ``taobao.trade.fullinfo.get`` for one
  order; ``taobao.refunds.receive.get`` for refund changes.
- Push: ``taobao.logistics.offline.send`` (split shipments via ``is_split``/``sub_tid``),
  ``taobao.skus.quantity.update`` at most 20 SKUs a call (``taobao.item.quantity.update``
  for items without SKUs).
- Simplified (``simplify=true``) and non-simplified JSON; ``tid``/``oid`` as strings or
  numbers; error code 7 / ``accesscontrol.*`` → RateLimited with the announced ban,
  ``isp.*`` → retryable, session/signature/app-key errors → AuthFailed.

Tmall speaks the same protocol: construct with ``platform="tmall"``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from ecerp_desktop.connectors.base import (
    MAX_WINDOW_MINUTES,
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
    backward_pages,
    cn_time,
    cn_time_text,
    ident,
    integer,
    jsonable,
    normalise_region,
    pull_windows,
    quantity,
    text,
    windows,
)
from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine
from ecerp_desktop.domain.timeutil import CHINA, utcnow

log = logging.getLogger(__name__)

PRODUCTION_URL = "https://eco.taobao.com/router/rest"
SANDBOX_URL = "https://gw.api.tbsandbox.com/router/rest"
SIGN_METHODS = ("md5", "hmac", "hmac-sha256")
MAX_PAGE_SIZE = 100
MAX_SKUS_PER_CALL = 20

TRADE_FIELDS = ",".join((
    "tid", "tid_str", "status", "type", "buyer_nick", "created", "modified", "pay_time",
    "payment", "post_fee", "total_fee", "discount_fee", "buyer_message", "seller_memo",
    "seller_flag", "step_trade_status", "receiver_name", "receiver_state", "receiver_city",
    "receiver_district", "receiver_town", "receiver_address", "receiver_zip",
    "receiver_mobile", "receiver_phone", "orders"))
REFUND_FIELDS = "refund_id,tid,oid,status,modified,refund_fee,order_status,good_status"
# Trades of types outside the default list are not returned unless asked for (§1.5).
TRADE_TYPES = ("fixed,auction,guarantee_trade,step,independent_simple_trade,"
               "independent_shop_trade,auto_delivery,ec,cod,shopex_trade,netcn_trade,"
               "external_trade,instant_trade,b2c_cod,tmall_i18n,nopaid,pre_auth_type")

STATUS: dict[str, OrderStatus] = {
    "TRADE_NO_CREATE_PAY": OrderStatus.UNPAID,
    "WAIT_BUYER_PAY": OrderStatus.UNPAID,
    "PAY_PENDING": OrderStatus.UNPAID,
    "WAIT_PRE_AUTH_CONFIRM": OrderStatus.UNPAID,
    "WAIT_SELLER_SEND_GOODS": OrderStatus.NEW,
    "SELLER_CONSIGNED_PART": OrderStatus.NEW,  # partly shipped: the rest still to ship
    "PAID_FORBID_CONSIGN": OrderStatus.NEW,  # paid but must not ship yet: platform_status says
    "WAIT_BUYER_CONFIRM_GOODS": OrderStatus.SHIPPED,
    "TRADE_BUYER_SIGNED": OrderStatus.SHIPPED,
    "TRADE_FINISHED": OrderStatus.DONE,
    "TRADE_CLOSED": OrderStatus.CANCELLED,
    "TRADE_CLOSED_BY_TAOBAO": OrderStatus.CANCELLED,
}
REFUND_STATUS: dict[str, RefundState] = {
    "": RefundState.NONE,
    "NO_REFUND": RefundState.NONE,
    "CLOSED": RefundState.NONE,  # the buyer withdrew it
    "WAIT_SELLER_AGREE": RefundState.REQUESTED,
    "WAIT_BUYER_RETURN_GOODS": RefundState.REQUESTED,
    "WAIT_SELLER_CONFIRM_GOODS": RefundState.REQUESTED,
    "SELLER_REFUSE_BUYER": RefundState.REJECTED,
    "SUCCESS": RefundState.REFUNDED,
}
# error codes meaning "the credentials are wrong": retrying cannot help
_AUTH_CODES = frozenset({11, 12, 13, 24, 25, 26, 27, 28, 29, 42, 44, 53})


def sign_request(params: Mapping[str, str], secret: str, sign_method: str = "md5") -> str:
    """The TOP signature of *params* (``sign`` itself and empty values excluded)."""
    joined = "".join(f"{k}{v}" for k, v in sorted(params.items())
                     if k != "sign" and k and v is not None and v != "")
    data, key = joined.encode("utf-8"), secret.encode("utf-8")
    if sign_method == "md5":
        return hashlib.md5(key + data + key).hexdigest().upper()
    if sign_method == "hmac":
        return hmac.new(key, data, hashlib.md5).hexdigest().upper()
    if sign_method == "hmac-sha256":
        return hmac.new(key, data, hashlib.sha256).hexdigest().upper()
    raise ValueError(f"unknown TOP sign_method {sign_method!r}")


def response_root(method: str) -> str:
    """``taobao.trades.sold.get`` → ``trades_sold_get_response`` (other prefixes kept)."""
    name = method[len("taobao."):] if method.startswith("taobao.") else method
    return name.replace(".", "_") + "_response"


def unwrap_list(value: Any, singular: str) -> list[Any]:
    """``{"trade": [...]}`` (non-simplified) or ``[...]`` (simplified) → the list."""
    if value is None:
        return []
    if isinstance(value, dict):
        value = value.get(singular, [])
        if isinstance(value, dict):  # XML-ish single element
            value = [value]
    if not isinstance(value, list):
        raise BadField(f"{singular} list expected, got {type(value).__name__}")
    return value


def ban_seconds(sub_msg: str) -> float | None:
    """N from "This ban will last for N more seconds"."""
    marker = "last for "
    i = sub_msg.find(marker)
    if i < 0:
        return None
    digits = ""
    for ch in sub_msg[i + len(marker):]:
        if not ch.isdigit():
            break
        digits += ch
    return float(digits) if digits else None


def error_from(err: Mapping[str, Any], platform: str, method: str) -> ConnectorError:
    """The exception for a TOP ``error_response``."""
    try:
        code = int(err.get("code", 0))
    except (TypeError, ValueError):
        code = 0
    sub_code = str(err.get("sub_code") or "")
    msg = str(err.get("msg") or "")
    sub_msg = str(err.get("sub_msg") or "")
    label = f"{platform} {method}: {code} {msg}" + (f" ({sub_code}: {sub_msg})" if sub_code else "")
    full_code = f"{code}:{sub_code}" if sub_code else str(code)
    if code == 7 or sub_code.startswith("accesscontrol."):
        seconds = ban_seconds(sub_msg)
        if seconds is None and "app-access-count" in sub_code and "app-api" not in sub_code:
            # the daily app quota resets at 00:00 China time
            now = utcnow().astimezone(CHINA)
            midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0,
                                                         microsecond=0)
            seconds = (midnight - now).total_seconds()
        return RateLimited(label, code=full_code, retry_after=seconds if seconds else 1.0)
    if code in _AUTH_CODES or "session" in sub_code or sub_code.endswith("invalid-signature"):
        return AuthFailed(label, code=full_code)
    retryable = sub_code.startswith("isp.") or (code in (10, 15) and not sub_code.startswith(
        "isv."))
    return ConnectorError(label, code=full_code, retryable=retryable)


def _money_line(o: Mapping[str, Any]) -> PlatformOrderLine:
    get = o.get
    oid = ident(get("oid_str") or get("oid"), "oid")
    refund = get("refund_status") or ""
    state = REFUND_STATUS.get(refund)
    if state is None:
        raise BadField(f"oid {oid}: unknown refund_status {refund!r:.40}")
    paid = get("divide_order_fee")
    if paid is None or paid == "":
        paid = get("payment")
    item = get("num_iid")
    return PlatformOrderLine(
        platform_line_id=oid, qty=quantity(get("num"), "num"), price=amount(get("price"), "price"),
        paid_amount=amount(paid, "payment"),
        platform_item_id=ident(item, "num_iid") if item else "",
        platform_sku_id=text(get("sku_id")),
        merchant_sku_code=text(get("outer_sku_id") or get("outer_iid")),
        title=text(get("title")), refund_state=state)


def parse_trade(t: Mapping[str, Any], *, keep_raw: bool = False) -> PlatformOrder:
    """One TOP Trade object → PlatformOrder. Raises BadField (or KeyError/TypeError) when
    the trade cannot be understood."""
    if not isinstance(t, dict):
        raise BadField(f"trade object expected, got {type(t).__name__}")
    get = t.get
    tid = ident(get("tid_str") or get("tid"), "tid")
    wire_status = get("status")
    status = STATUS.get(wire_status) if isinstance(wire_status, str) else None
    if status is None:
        raise BadField(f"unknown trade status {wire_status!r:.40}")
    lines = tuple([_money_line(o) for o in unwrap_list(get("orders"), "order")])
    if not lines:
        raise BadField("trade without orders (lines)")
    created = cn_time(get("created"), "created")
    modified = cn_time(get("modified"), "modified") or created
    if created is None or modified is None:
        raise BadField("trade without created/modified time")
    province, city, district = normalise_region(text(get("receiver_state")),
                                                text(get("receiver_city")),
                                                text(get("receiver_district")))
    address = Address(
        name=text(get("receiver_name")),
        phone=text(get("receiver_mobile") or get("receiver_phone")),
        province=province, city=city, district=district, town=text(get("receiver_town")),
        detail=text(get("receiver_address")), zip_code=text(get("receiver_zip")),
        country=text(get("receiver_country")) or "CN")
    total_fee = get("total_fee")
    total = (amount(total_fee, "total_fee") if total_fee
             else sum((ln.price * ln.qty for ln in lines), ZERO))
    flag = get("seller_flag")
    trade_type = get("type")
    return PlatformOrder(
        platform_order_id=tid, platform_status=wire_status, status=status,
        created_at=created, modified_at=modified, lines=lines, address=address,
        paid_at=cn_time(get("pay_time"), "pay_time"), buyer_nick=text(get("buyer_nick")),
        buyer_message=text(get("buyer_message")), seller_memo=text(get("seller_memo")),
        seller_flag=integer(flag, "seller_flag") if flag not in (None, "") else 0,
        total_amount=total, paid_amount=amount(get("payment"), "payment"),
        post_fee=amount(get("post_fee"), "post_fee"),
        discount_amount=amount(get("discount_fee"), "discount_fee"),
        is_cod=trade_type == "cod",
        is_presale=bool(get("step_trade_status")) or trade_type == "step",
        raw=jsonable(t) if keep_raw else None)


class TaobaoConnector:
    """One Taobao or Tmall shop. Blocking; run it on a sync lane thread."""

    def __init__(self, app_key: str, app_secret: str, session: str = "", *,
                 endpoint: str = PRODUCTION_URL, platform: str = "taobao",
                 sign_method: str = "md5", simplify: bool = False,
                 page_size: int = MAX_PAGE_SIZE, max_pages: int = 200,
                 timeout: tuple[float, float] | float = DEFAULT_TIMEOUT,
                 keep_raw: bool = False, settings: Mapping[str, Any] | None = None) -> None:
        settings = dict(settings or {})
        if sign_method not in SIGN_METHODS:
            raise ValueError(f"sign_method must be one of {SIGN_METHODS}")
        self.platform = platform
        self.app_key, self._secret, self._session = app_key, app_secret, session
        self.endpoint = endpoint or PRODUCTION_URL
        self.sign_method = settings.get("sign_method", sign_method)
        self.simplify = bool(settings.get("simplify", simplify))
        self.page_size = max(1, min(int(settings.get("page_size", page_size)), MAX_PAGE_SIZE))
        self.max_pages = max_pages
        self.keep_raw = keep_raw
        self.http = HttpClient(timeout=timeout, platform=platform)

    # -- the protocol ------------------------------------------------------------------
    def call(self, method: str, params: Mapping[str, str]) -> dict[str, Any]:
        """Sign and send one API call; return the response object (unwrapped from
        ``<name>_response`` when not simplified). Raises the mapped ConnectorError.
        A timestamp refused (code 31) because our clock is off is sent once more with the
        platform's clock, learnt from the refusal."""
        offset = self.http.clock_offset
        try:
            return self._call(method, params)
        except ConnectorError as exc:
            if exc.code.split(":")[0] == "31" and self.http.clock_offset != offset:
                return self._call(method, params)
            raise

    def _call(self, method: str, params: Mapping[str, str]) -> dict[str, Any]:
        req = {"method": method, "app_key": self.app_key, "sign_method": self.sign_method,
               "timestamp": cn_time_text(self.http.now()), "format": "json", "v": "2.0",
               "simplify": "true" if self.simplify else "false"}
        if self._session:
            req["session"] = self._session
        req.update({k: v for k, v in params.items() if v is not None})
        req["sign"] = sign_request(req, self._secret, self.sign_method)
        body = decode_json(self.http.post_form(self.endpoint, req), self.platform)
        if not isinstance(body, dict):
            raise ConnectorError(f"{self.platform} {method}: JSON object expected",
                                 code="bad_json")
        err = body.get("error_response")
        if isinstance(err, dict):
            raise error_from(err, self.platform, method)
        root = response_root(method)
        inner = body.get(root)
        if isinstance(inner, dict):
            return inner
        if self.simplify or root not in body:
            if "code" in body and "msg" in body and len(body) <= 6:
                raise error_from(body, self.platform, method)
            return body
        raise ConnectorError(f"{self.platform} {method}: unexpected response shape",
                             code="bad_json")

    # -- orders ------------------------------------------------------------------------
    def _trade_page(self, start: datetime, end: datetime, page: int,
                    want_total: bool) -> tuple[list[Any], int | None, bool]:
        resp = self.call("taobao.trades.sold.increment.get", {
            "fields": TRADE_FIELDS, "start_modified": cn_time_text(start),
            "end_modified": cn_time_text(end), "page_no": str(page),
            "page_size": str(self.page_size), "type": TRADE_TYPES,
            "use_has_next": "false" if want_total else "true"})
        return _page_parts(resp, "trades", "trade", self.platform)

    def pull_orders(self, start: datetime, end: datetime) -> Iterator[PullPage]:
        """Orders modified in [start, end) (the platform's end is inclusive, so an order
        modified exactly at *end* may come too), one PullPage per platform page. An
        order seen twice in this pull (repeated across pages) is yielded once."""
        return pull_windows(start, end, self._trade_page, page_size=self.page_size,
                            max_pages=self.max_pages, platform=self.platform,
                            parse=lambda t: parse_trade(t, keep_raw=self.keep_raw),
                            id_keys=("tid_str", "tid"))

    def fetch_order(self, platform_order_id: str) -> PlatformOrder:
        resp = self.call("taobao.trade.fullinfo.get",
                         {"fields": TRADE_FIELDS, "tid": str(platform_order_id)})
        trade = resp.get("trade")
        try:
            return parse_trade(trade, keep_raw=self.keep_raw)  # type: ignore[arg-type]
        except Exception as exc:  # whatever is wrong with it, the order cannot be read
            raise ConnectorError(f"{self.platform}: trade {platform_order_id} cannot be read: "
                                 f"{exc}", code="bad_payload", retryable=False) from exc

    def pull_refunds(self, start: datetime, end: datetime) -> Iterator[list[RefundChange]]:
        """Refund changes in [start, end) from ``taobao.refunds.receive.get``."""
        for w_start, w_end in windows(start, end, MAX_WINDOW_MINUTES):
            def fetch(page: int, want_total: bool, s: datetime = w_start,
                      e: datetime = w_end) -> tuple[list[Any], int | None, bool]:
                resp = self.call("taobao.refunds.receive.get", {
                    "fields": REFUND_FIELDS, "start_modified": cn_time_text(s),
                    "end_modified": cn_time_text(e), "page_no": str(page),
                    "page_size": str(self.page_size),
                    "use_has_next": "false" if want_total else "true"})
                return _page_parts(resp, "refunds", "refund", self.platform)

            for items in backward_pages(fetch, page_size=self.page_size,
                                        max_pages=self.max_pages, platform=self.platform):
                changes = []
                for r in items:
                    try:
                        state = REFUND_STATUS[r.get("status") or ""]
                        changes.append(RefundChange(
                            platform_order_id=ident(r.get("tid"), "tid"),
                            platform_line_ids=(ident(r.get("oid"), "oid"),),
                            refund_state=state.value,
                            modified_at=cn_time(r.get("modified"), "modified") or utcnow(),
                            raw=jsonable(r)))
                    except (BadField, KeyError, AttributeError, TypeError) as exc:
                        # the order pull carries each line's refund state too, so nothing
                        # is lost; say so in the log (ids only, no buyer data)
                        log.warning("%s: refund %s of trade %s unreadable: %s", self.platform,
                                    str(r.get("refund_id"))[:30] if isinstance(r, dict) else "?",
                                    str(r.get("tid"))[:30] if isinstance(r, dict) else "?",
                                    type(exc).__name__)
                        continue
                yield changes

    # -- pushes ------------------------------------------------------------------------
    def confirm_shipment(self, shipment: Shipment) -> None:
        """``taobao.logistics.offline.send``; a split shipment sends ``sub_tid``."""
        params = {"tid": shipment.platform_order_id, "out_sid": shipment.waybill_number,
                  "company_code": shipment.courier_code}
        if shipment.line_ids:
            params["is_split"] = "1"
            params["sub_tid"] = ",".join(shipment.line_ids)
        resp = self.call("taobao.logistics.offline.send", params)
        shipping = resp.get("shipping", resp)
        ok = shipping.get("is_success") if isinstance(shipping, dict) else None
        if ok is not True and str(ok).lower() != "true":
            raise ConnectorError(f"{self.platform}: shipment of {shipment.platform_order_id} "
                                 "not accepted", code="ship_refused", retryable=False)

    def push_stock(self, quantities: Sequence[StockQuantity]) -> None:
        """Full-overwrite quantities, grouped by item, at most 20 SKUs per call."""
        by_item: dict[str, list[StockQuantity]] = defaultdict(list)
        for q in quantities:
            if q.quantity < 0:
                raise ValueError(f"negative stock for {q.platform_sku_id or q.platform_item_id}")
            if not q.platform_sku_id:
                self.call("taobao.item.quantity.update", {
                    "num_iid": q.platform_item_id, "quantity": str(q.quantity), "type": "1"})
            else:
                by_item[q.platform_item_id].append(q)
        for item_id, qs in by_item.items():
            for i in range(0, len(qs), MAX_SKUS_PER_CALL):
                chunk = qs[i:i + MAX_SKUS_PER_CALL]
                self.call("taobao.skus.quantity.update", {
                    "num_iid": item_id, "type": "1", "skuid_quantities": ";".join(
                        f"{q.platform_sku_id}:{q.quantity}" for q in chunk)})

    def platform_now(self) -> datetime:
        """The platform's clock as last seen (our clock corrected by the ``Date`` header of
        its answers): the sync engine should end windows by this, not by the PC's clock."""
        return self.http.now()

    def close(self) -> None:
        self.http.close()


def _page_parts(resp: Mapping[str, Any], plural: str, singular: str,
                platform: str) -> tuple[list[Any], int | None, bool]:
    try:
        items = unwrap_list(resp.get(plural), singular)
    except BadField as exc:
        raise ConnectorError(f"{platform}: page cannot be read: {exc}", code="bad_json") from exc
    total = resp.get("total_results")
    has_next = resp.get("has_next")
    try:
        total_n = int(total) if total is not None else None
    except (TypeError, ValueError):
        total_n = None
    return items, total_n, has_next is True or str(has_next).lower() == "true"


def create_connector(cfg: Any) -> TaobaoConnector:
    """Registry factory: a ConnectorConfig → connector (``settings`` may set sign_method,
    simplify, page_size)."""
    return TaobaoConnector(cfg.app_key, cfg.app_secret, cfg.session, endpoint=cfg.endpoint,
                           platform=cfg.platform, settings=cfg.settings)
