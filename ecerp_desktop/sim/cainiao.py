"""A Cainiao e-waybill endpoint (菜鸟电子面单, PROTOCOLS.md §5.1) on the TOP gateway simulator.

At ``<url>/router/rest`` it checks the TOP envelope exactly as :class:`TaobaoSim` does (app
key, md5/hmac/hmac-sha256 signature, timestamp, session) and serves:

- ``cainiao.waybill.ii.get``: validates the apply request (``cp_code`` subscribed, sender,
  1..10 ``trade_order_info_dtos`` each with ``object_id`` and a recipient address) and issues
  unique numbers. Idempotent per (``cp_code``, ``object_id``) like the real service: asking
  again returns the live number with the same print data. ``print_data`` is a JSON string
  ``{data{…, routingInfo{sortation{name}, routeCode}}, signature, templateURL, ver}``
  (``encryptedData`` instead of ``data`` with ``need_encrypt``).
- ``cainiao.waybill.ii.query.by.tradecode``: ``param_list`` of ``{trade_order_list}``;
  finds live numbers by trade order id, out-trade order id or object id.
- ``cainiao.waybill.ii.cancel``: ``cp_code`` + ``waybill_code`` → ``cancel_result`` (a
  cancelled number stays cancelled; cancelling twice is accepted).

For tests it remembers ``issued`` (every number ever issued, in order, with its object id),
``cancelled`` (numbers, in the order of the calls that cancelled them) and
``cancel_calls``. ``after_issue_delay`` holds the answer back after numbers were issued, and
``issued_event`` is set when they were: a test can kill its client between "issued" and
"saved". Faults come from the usual SPEC (``faults.py``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import zlib
from typing import Any

from ecerp_desktop.domain.regions import city_short, province_short
from ecerp_desktop.sim.taobao import TaobaoSim, TopError

DEFAULT_CPS = ("ZTO", "YTO", "STO", "YUNDA", "SF", "JTSD", "EMS", "CP446881")
MAX_DTOS = 10


def _bad(name: str, msg: str) -> TopError:
    return TopError(41, f"isv.invalid-parameter:{name}", msg)


def _json_param(p: dict[str, str], name: str) -> Any:
    raw = p.get(name)
    if not raw:
        raise TopError(40, f"isv.missing-parameter:{name}", f"{name} is required")
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise _bad(name, f"{name} is not JSON") from None


def _address(obj: Any, where: str) -> dict[str, str]:
    addr = obj.get("address") if isinstance(obj, dict) else None
    if not isinstance(addr, dict):
        raise _bad(where, f"{where}.address is required")
    for k, limit in (("province", 20), ("city", 20), ("district", 20), ("town", 30),
                     ("detail", 256)):
        v = addr.get(k, "")
        if not isinstance(v, str):
            raise _bad(where, f"{where}.address.{k} must be text")
        if len(v) >= limit:
            raise _bad(where, f"{where}.address.{k} must be shorter than {limit}")
    if not addr.get("province") or not addr.get("detail"):
        raise _bad(where, f"{where}.address needs province and detail")
    return {k: str(addr.get(k, "")) for k in ("province", "city", "district", "town", "detail")}


class CainiaoSim(TaobaoSim):
    """The Cainiao waybill APIs behind a TOP gateway. ``endpoint`` is the URL to use."""

    def __init__(self, *, cp_codes: tuple[str, ...] = DEFAULT_CPS, first_number: int = 0,
                 after_issue_delay: float = 0.0, **kwargs: Any) -> None:
        super().__init__(platform="cainiao", **kwargs)
        self.cp_codes = frozenset(cp_codes)
        self.after_issue_delay = after_issue_delay
        self.issued_event = threading.Event()
        self.issued: list[dict[str, Any]] = []
        self.cancelled: list[str] = []
        self.cancel_calls: list[str] = []
        self.get_calls = 0
        self.lookup_calls = 0
        self._next = first_number or 7700_0000_0001
        self._live: dict[tuple[str, str], dict[str, Any]] = {}  # (cp, object id) → record
        self._by_number: dict[str, dict[str, Any]] = {}

    def _apis(self) -> dict[str, Any]:
        return {"cainiao.waybill.ii.get": self._get,
                "cainiao.waybill.ii.query.by.tradecode": self._query,
                "cainiao.waybill.ii.cancel": self._cancel}

    # -- get -----------------------------------------------------------------------------
    def _get(self, p: dict[str, str]) -> dict[str, Any]:
        name = "param_waybill_cloud_print_apply_new_request"
        req = _json_param(p, name)
        if not isinstance(req, dict):
            raise _bad(name, "an object is required")
        cp = req.get("cp_code")
        if not cp:
            raise TopError(40, "isv.missing-parameter:cp_code", "cp_code is required")
        if cp not in self.cp_codes:
            raise TopError(15, "isv.cp-not-subscribed",
                           f"the seller has no waybill subscription for {cp}")
        sender = req.get("sender")
        if not isinstance(sender, dict) or not sender.get("name"):
            raise _bad("sender", "sender with a name is required")
        sender_addr = _address(sender, "sender")
        dtos = req.get("trade_order_info_dtos")
        if not isinstance(dtos, list) or not 1 <= len(dtos) <= MAX_DTOS:
            raise _bad("trade_order_info_dtos", f"1..{MAX_DTOS} trade_order_info_dtos")
        checked = []
        for dto in dtos:
            if not isinstance(dto, dict) or not dto.get("object_id"):
                raise _bad("object_id", "every trade_order_info_dto needs an object_id")
            recipient = dto.get("recipient")
            if not isinstance(recipient, dict) or not recipient.get("name"):
                raise _bad("recipient", "recipient with a name is required")
            checked.append((dto, _address(recipient, "recipient")))
        modules = []
        fresh = False
        with self.state_lock:
            self.get_calls += 1
            for dto, addr in checked:
                key = (cp, str(dto["object_id"]))
                rec = self._live.get(key)
                if rec is None:
                    rec = self._issue(cp, dto, addr, sender, sender_addr,
                                      bool(req.get("need_encrypt")))
                    fresh = True
                modules.append(rec["module"])
        if fresh:
            self.issued_event.set()
            if self.after_issue_delay > 0:
                time.sleep(self.after_issue_delay)
        return {"modules": {"waybill_cloud_print_response": modules},
                "request_id": f"sim{self.get_calls}"}

    def _issue(self, cp: str, dto: dict[str, Any], addr: dict[str, str],
               sender: dict[str, Any], sender_addr: dict[str, str],
               encrypt: bool) -> dict[str, Any]:
        number = str(self._next)
        self._next += 1
        object_id = str(dto["object_id"])
        recipient = dto["recipient"]
        sortation = " ".join(x for x in (province_short(addr["province"]),
                                         city_short(addr["city"]), addr["district"]) if x)
        crc = zlib.crc32(f"{addr['province']}|{addr['city']}|{addr['district']}".encode())
        route = f"{crc % 900 + 100}-{(crc >> 10) % 90 + 10}-{(crc >> 20) % 90 + 10}"
        data = {
            "_dataFrom": "waybill", "cpCode": cp, "realCpCode": cp, "waybillCode": number,
            "orderChannelsType": (dto.get("order_info") or {}).get("order_channels_type", ""),
            "packageInfo": dto.get("package_info") or {},
            "recipient": {"address": {**addr, "detail": addr["detail"]},
                          "name": str(recipient.get("name", ""))[:1] + "*",
                          "mobile": str(recipient.get("mobile", ""))},
            "routingInfo": {"sortation": {"name": sortation}, "routeCode": route,
                            "consolidation": {}, "origin": {"code": "660605",
                                                            "name": "模拟网点"}},
            "sender": {"address": sender_addr, "name": sender.get("name", ""),
                       "mobile": sender.get("mobile", ""), "phone": sender.get("phone", "")},
            "shippingOption": {"code": "STANDARD_EXPRESS", "title": "标准快递"},
        }
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        signature = "MD:" + base64.b64encode(hashlib.md5(text.encode()).digest()).decode()
        payload: dict[str, Any] = {"signature": signature,
                                   "templateURL": dto.get("template_url", ""),
                                   "ver": "waybill_print_secret_version_1"}
        if encrypt:
            payload["encryptedData"] = "AES:" + base64.b64encode(text.encode()).decode()
        else:
            payload["data"] = data
        module = {"cp_code": cp, "real_cp_code": cp, "object_id": object_id,
                  "waybill_code": number,
                  "print_data": json.dumps(payload, ensure_ascii=False, separators=(",", ":"))}
        info = dto.get("order_info") or {}
        trades = {str(t) for t in (info.get("trade_order_list") or [])}
        trades |= {str(t) for t in (info.get("out_trade_order_list") or [])}
        rec = {"number": number, "cp_code": cp, "object_id": object_id, "trades": trades,
               "module": module, "status": "issued", "at": time.time()}
        self._live[(cp, object_id)] = rec
        self._by_number[number] = rec
        self.issued.append({"number": number, "cp_code": cp, "object_id": object_id})
        return rec

    # -- lookup and cancel -----------------------------------------------------------------
    def _query(self, p: dict[str, str]) -> dict[str, Any]:
        items = _json_param(p, "param_list")
        if not isinstance(items, list) or not items:
            raise _bad("param_list", "a list of trade orders is required")
        wanted: set[str] = set()
        for it in items:
            if not isinstance(it, dict):
                raise _bad("param_list", "list of objects expected")
            wanted |= {str(t) for t in (it.get("trade_order_list") or [])}
        with self.state_lock:
            self.lookup_calls += 1
            hits = [r["module"] for r in self._live.values()
                    if r["status"] == "issued" and (r["object_id"] in wanted
                                                    or r["trades"] & wanted)]
        return {"modules": {"waybill_cloud_print_response": hits}}

    def _cancel(self, p: dict[str, str]) -> dict[str, Any]:
        cp, number = p.get("cp_code"), p.get("waybill_code")
        if not cp or not number:
            raise TopError(40, "isv.missing-parameter:waybill_code",
                           "cp_code and waybill_code are required")
        with self.state_lock:
            self.cancel_calls.append(number)
            rec = self._by_number.get(number)
            if rec is None or rec["cp_code"] != cp:
                raise TopError(15, "isv.waybill-not-exist", f"no waybill {number} of {cp}")
            if rec["status"] != "cancelled":
                rec["status"] = "cancelled"
                self.cancelled.append(number)
                self._live.pop((cp, rec["object_id"]), None)
        return {"cancel_result": True}

    # -- for tests -------------------------------------------------------------------------
    def numbers_for(self, object_id: str) -> list[str]:
        """Every number ever issued for *object_id* (a correct client gets one)."""
        with self.state_lock:
            return [r["number"] for r in self.issued if r["object_id"] == object_id]
