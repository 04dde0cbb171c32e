"""Cainiao cloud-print e-waybills (菜鸟电子面单) through TOP: PROTOCOLS.md §5.1.

- ``cainiao.waybill.ii.get``: one JSON param ``param_waybill_cloud_print_apply_new_request``
  with the sender, ``cp_code`` and at most 10 ``trade_order_info_dtos``; our request key is
  the ``object_id`` (echoed back) and also the only ``out_trade_order_list`` entry, so the
  number can be found again by it. The answer's ``print_data`` is a JSON *string*, kept
  parsed; the sort code (大头笔 / 三段码) is read from ``data.routingInfo``.
- ``cainiao.waybill.ii.query.by.tradecode`` (``param_list``): the lookup by request key
  after a lost answer. [INFERRED] that the out-trade order id is searchable this way; the
  simulator implements it so.
- ``cainiao.waybill.ii.cancel`` (``cp_code``, ``waybill_code``) → ``cancel_result``.

Signing, the envelope and TOP's error codes are the Taobao connector's
(:class:`ecerp_desktop.connectors.taobao.TaobaoConnector.call`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ecerp_desktop.connectors.base import ConnectorError
from ecerp_desktop.connectors.http import DEFAULT_TIMEOUT
from ecerp_desktop.connectors.taobao import PRODUCTION_URL, TaobaoConnector, unwrap_list
from ecerp_desktop.connectors.waybill import IssuedWaybill, Party, WaybillRequest

GET = "cainiao.waybill.ii.get"
CANCEL = "cainiao.waybill.ii.cancel"
QUERY = "cainiao.waybill.ii.query.by.tradecode"
MAX_BATCH = 10  # trade_order_info_dtos per call
TEMPLATE_URL = "http://cloudprint.cainiao.com/template/standard/101"
# address field limits of the request (longer text is cut, never sent over the limit)
_LIMITS = {"province": 19, "city": 19, "district": 19, "town": 29, "detail": 255}


def _address(p: Party) -> dict[str, str]:
    return {k: str(getattr(p, k))[:n] for k, n in _LIMITS.items()}


def _party(p: Party) -> dict[str, Any]:
    return {"name": p.name[:64], "mobile": p.mobile[:32], "phone": p.phone[:32],
            "address": _address(p)}


def apply_request(cp_code: str, requests: Sequence[WaybillRequest], *,
                  template_url: str = TEMPLATE_URL, user_id: int | None = None,
                  product_code: str = "") -> dict[str, Any]:
    """The ``WaybillCloudPrintApplyNewRequest`` object for one batch (one sender)."""
    if not requests:
        raise ValueError("no waybill requests")
    if len(requests) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} waybills per call")
    dtos = []
    for r in requests:
        dto: dict[str, Any] = {
            "object_id": r.request_key,
            "template_url": template_url,
            "order_info": {"order_channels_type": r.order_channel,
                           "trade_order_list": list(r.trade_orders)[:100] or [r.request_key],
                           "out_trade_order_list": [r.request_key]},
            "package_info": {"id": str(r.package_seq),
                             "items": [{"name": n[:64], "count": c} for n, c in r.items[:100]]
                             or [{"name": "商品", "count": 1}],
                             "weight": r.weight_g, "total_packages_count": r.package_count},
            "recipient": _party(r.recipient),
        }
        if user_id is not None:
            dto["user_id"] = user_id
        dtos.append(dto)
    body: dict[str, Any] = {"cp_code": cp_code, "sender": _party(requests[0].sender),
                            "trade_order_info_dtos": dtos}
    code = product_code or requests[0].product_code
    if code:
        body["product_code"] = code
    return body


def sort_code_of(print_data: Mapping[str, Any] | None) -> str:
    """大头笔 / 三段码 from ``data.routingInfo``: the sortation name, else the route code."""
    data = print_data.get("data") if isinstance(print_data, Mapping) else None
    routing = data.get("routingInfo") if isinstance(data, Mapping) else None
    if not isinstance(routing, Mapping):
        return ""
    sortation = routing.get("sortation")
    name = sortation.get("name") if isinstance(sortation, Mapping) else ""
    return str(name or routing.get("routeCode") or "")[:64]


def parse_module(m: Any) -> IssuedWaybill:
    """One ``waybill_cloud_print_response`` element → IssuedWaybill."""
    if not isinstance(m, Mapping):
        raise ConnectorError("cainiao: waybill element is not an object", code="bad_json")
    key, number = m.get("object_id"), m.get("waybill_code")
    if not key or not number:
        raise ConnectorError("cainiao: waybill element without object_id or waybill_code",
                             code="bad_json")
    raw = m.get("print_data")
    print_data: dict[str, Any] | None = None
    if isinstance(raw, str) and raw:
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConnectorError(f"cainiao: print_data of {number} is not JSON",
                                 code="bad_json") from exc
        print_data = parsed if isinstance(parsed, dict) else None
    elif isinstance(raw, dict):
        print_data = raw
    return IssuedWaybill(str(key), str(number), sort_code_of(print_data), print_data)


class CainiaoWaybillService:
    """One Cainiao waybill account (a courier ``cp_code`` under one seller session)."""

    max_batch = MAX_BATCH

    def __init__(self, cp_code: str, app_key: str, app_secret: str, session: str, *,
                 endpoint: str = PRODUCTION_URL, sign_method: str = "md5",
                 template_url: str = TEMPLATE_URL, user_id: int | None = None,
                 product_code: str = "",
                 timeout: tuple[float, float] | float = DEFAULT_TIMEOUT) -> None:
        self.cp_code = cp_code
        self.template_url = template_url
        self.user_id = user_id
        self.product_code = product_code
        self._top = TaobaoConnector(app_key, app_secret, session, endpoint=endpoint,
                                    platform="cainiao", sign_method=sign_method,
                                    timeout=timeout)

    def _modules(self, resp: Mapping[str, Any]) -> list[Any]:
        modules = resp.get("modules")
        if modules is None:
            return []
        try:
            return unwrap_list(modules, "waybill_cloud_print_response")
        except Exception as exc:
            raise ConnectorError(f"cainiao: modules cannot be read: {exc}",
                                 code="bad_json") from exc

    def get_numbers(self, requests: Sequence[WaybillRequest]) -> list[IssuedWaybill]:
        body = apply_request(self.cp_code, requests, template_url=self.template_url,
                             user_id=self.user_id, product_code=self.product_code)
        resp = self._top.call(GET, {"param_waybill_cloud_print_apply_new_request": json.dumps(
            body, ensure_ascii=False, separators=(",", ":"))})
        got = {w.request_key: w for w in map(parse_module, self._modules(resp))}
        missing = [r.request_key for r in requests if r.request_key not in got]
        if missing:  # the service numbered only part of the batch: ask again later
            raise ConnectorError(f"cainiao: no waybill for {len(missing)} of {len(requests)} "
                                 "parcels in the answer", code="partial")
        return [got[r.request_key] for r in requests]

    def lookup(self, request_key: str) -> IssuedWaybill | None:
        resp = self._top.call(QUERY, {"param_list": json.dumps(
            [{"order_channels_type": "OTHERS", "trade_order_list": [request_key]}],
            separators=(",", ":"))})
        for m in self._modules(resp):
            w = parse_module(m)
            if w.request_key == request_key:
                return w
        return None

    def cancel(self, number: str) -> bool:
        resp = self._top.call(CANCEL, {"cp_code": self.cp_code, "waybill_code": number})
        result = resp.get("cancel_result")
        return result is True or str(result).lower() == "true"

    def close(self) -> None:
        self._top.close()
