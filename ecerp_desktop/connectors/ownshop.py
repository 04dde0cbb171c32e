"""What the own-shop connectors (WooCommerce, Shopify) share: JSON with exact money, the
``Link`` header, Western-style address fields split the Chinese way, strict field readers.

Own shops were built for Western addresses: a state, a city and two free lines. Chinese
buyers type the district (and often the province and city again) into the first line, so
:func:`split_cn_address` peels repeated province/city prefixes off and takes a leading
district (区/县/旗/county-level 市) as the district; the rest is the detail.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlsplit

from ecerp_desktop.connectors.base import AuthFailed, ConnectorError, RateLimited
from ecerp_desktop.connectors.http import HttpClient, decode_json, raise_for_status
from ecerp_desktop.domain.errors import DomainError
from ecerp_desktop.domain.money import CENT, money
from ecerp_desktop.domain.timeutil import parse_platform_time

# WooCommerce's own state codes for CN (woocommerce i18n/states.php), to full names.
WOO_CN_STATES: dict[str, str] = {
    "CN1": "云南省", "CN2": "北京市", "CN3": "天津市", "CN4": "河北省", "CN5": "山西省",
    "CN6": "内蒙古自治区", "CN7": "辽宁省", "CN8": "吉林省", "CN9": "黑龙江省",
    "CN10": "上海市", "CN11": "江苏省", "CN12": "浙江省", "CN13": "安徽省", "CN14": "福建省",
    "CN15": "江西省", "CN16": "山东省", "CN17": "河南省", "CN18": "湖北省", "CN19": "湖南省",
    "CN20": "广东省", "CN21": "广西壮族自治区", "CN22": "海南省", "CN23": "重庆市",
    "CN24": "四川省", "CN25": "贵州省", "CN26": "陕西省", "CN27": "甘肃省", "CN28": "青海省",
    "CN29": "宁夏回族自治区", "CN30": "澳门特别行政区", "CN31": "西藏自治区",
    "CN32": "新疆维吾尔自治区",
}

# Shopify's CN province_code values (ISO 3166-2:CN letters), to full names.
SHOPIFY_CN_PROVINCES: dict[str, str] = {
    "AH": "安徽省", "BJ": "北京市", "CQ": "重庆市", "FJ": "福建省", "GS": "甘肃省",
    "GD": "广东省", "GX": "广西壮族自治区", "GZ": "贵州省", "HI": "海南省", "HE": "河北省",
    "HL": "黑龙江省", "HA": "河南省", "HB": "湖北省", "HN": "湖南省", "NM": "内蒙古自治区",
    "JS": "江苏省", "JX": "江西省", "JL": "吉林省", "LN": "辽宁省", "NX": "宁夏回族自治区",
    "QH": "青海省", "SN": "陕西省", "SD": "山东省", "SH": "上海市", "SX": "山西省",
    "SC": "四川省", "TJ": "天津市", "XJ": "新疆维吾尔自治区", "XZ": "西藏自治区",
    "YN": "云南省", "ZJ": "浙江省",
}

_PROVINCE_SUFFIX = re.compile(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$")
# A district at the start of a line, tried in this order: the shortest run ending in 区/县
# (沙市区, 红旗区, 西乡塘区, 浦东新区), then a banner (…自治旗), then a county-level city
# (昆山市); short, never across 街道, never a 市 that is part of 沙市区, never the whole line.
def _body(n: int) -> str:
    return rf"(?:(?!街道)[^\d\s,，]){{1,{n}}}?"


_DISTRICTS = (re.compile(rf"^\s*({_body(6)}(?:区|县))(?=\S)"),
              re.compile(rf"^\s*({_body(12)}旗)(?![区县])(?=\S)"),
              re.compile(rf"^\s*({_body(6)}市)(?![区县])(?=\S)"))
_TOWN = re.compile(r"^\s*([^\d\s,，]{1,8}?(?:街道|镇|乡))(?=\S)")


_PLAIN_AMOUNT = re.compile(r"-?\d{1,15}(?:\.\d{1,6})?")


class BadOrder(ValueError):
    """One order could not be understood; the connector turns it into a BadPayload."""


def loads(text: str) -> Any:
    """JSON with every non-integer number as Decimal (money is never a float)."""
    return json.loads(text, parse_float=Decimal)


def dumps(value: Any) -> str:
    """JSON for request bodies; Decimals written as their exact string."""
    return json.dumps(value, ensure_ascii=False, default=_default, separators=(",", ":"))


def plain(value: Any) -> Any:
    """*value* with every Decimal as its text, so it fits a JSON column (the raw payload).
    A JSON round trip: both halves run in C, ten times faster than walking the tree."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=_default))


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def parse_link_header(header: str | None) -> dict[str, str]:
    """``<url>; rel="next", <url>; rel="previous"`` → ``{"next": url, "previous": url}``.

    Tolerant of spacing, quoting and extra attributes; an absent header gives ``{}``."""
    result: dict[str, str] = {}
    if not header:
        return result
    for match in re.finditer(r"<([^>]*)>((?:\s*;\s*[^,;]+)*)", header):
        url, attrs = match.group(1), match.group(2)
        rel = re.search(r"""rel\s*=\s*"?([^";,]+)"?""", attrs)
        if rel:
            for name in rel.group(1).split():
                result.setdefault(name.lower(), url)
    return result


def need(data: dict[str, Any], key: str) -> Any:
    """``data[key]``, or BadOrder naming the missing field."""
    if not isinstance(data, dict) or key not in data or data[key] is None:
        raise BadOrder(f"missing field {key!r}")
    return data[key]


def text(value: Any) -> str:
    """A text field: None → "", numbers as their digits; lists and objects are refused."""
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, dict | list):
        raise BadOrder(f"expected text, got {type(value).__name__}")
    return str(value)


def ident(value: Any, field: str) -> str:
    """A platform id (int or digit string) as text; anything else is a bad order."""
    if isinstance(value, bool) or value is None or value == "":
        raise BadOrder(f"bad {field}: {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise BadOrder(f"bad {field}: {value!r}")


def opt_ident(value: Any) -> str:
    """An optional id: 0, None and "" mean none."""
    if value in (None, "", 0, "0"):
        return ""
    return ident(value, "id")


def amount(value: Any, field: str) -> Decimal:
    """Money from a JSON string or (Decimal-parsed) number; a float means the payload was
    decoded lossily somewhere and is refused, like anything not a number."""
    if value is None or value == "":
        return Decimal("0.00")
    if isinstance(value, float | bool):
        raise BadOrder(f"bad {field}: {value!r}")
    if isinstance(value, str) and _PLAIN_AMOUNT.fullmatch(value):  # the common case, fast
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    if isinstance(value, Decimal) and value.is_finite():
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    try:
        return money(value)
    except DomainError as exc:
        raise BadOrder(f"bad {field}: {value!r}") from exc


def quantity(value: Any, field: str = "quantity") -> int:
    if isinstance(value, bool):
        raise BadOrder(f"bad {field}: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    raise BadOrder(f"bad {field}: {value!r}")


def utc_time(value: Any, field: str, *, naive_is_utc: bool = True) -> datetime | None:
    """A timestamp → aware UTC. WooCommerce's ``*_gmt`` fields carry no offset but are UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadOrder(f"bad {field}: {value!r}")
    try:
        if naive_is_utc:
            return parse_platform_time(value, naive_zone=UTC)
        return parse_platform_time(value)
    except DomainError as exc:
        raise BadOrder(f"bad {field}: {value!r}") from exc


def person_name(first: str, last: str) -> str:
    """Chinese names are written surname first with no space; Western ones first name first."""
    if not first.strip() or not last.strip():  # buyer text is kept as typed otherwise
        return first if first.strip() else last
    if _is_cjk(first) or _is_cjk(last):
        return f"{last}{first}"
    return f"{first} {last}"


def _is_cjk(value: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in value)


def _short(name: str) -> str:
    return _PROVINCE_SUFFIX.sub("", name) if len(name) > 2 else name


def _strip_prefix(line: str, name: str, short: bool) -> str:
    """Remove *name* (or its short form) from the start of *line*, if the buyer repeated it.
    Short city names are left alone: 岳阳 is also the start of 岳阳楼区."""
    for candidate in (name, _short(name)) if short else (name,):
        if candidate and line.startswith(candidate):
            return line[len(candidate):].lstrip(" ,，")
    return line


def split_cn_address(province: str, city: str, line1: str,
                     line2: str) -> tuple[str, str, str]:
    """(district, town, detail) from two free address lines, for a Chinese address.

    The buyer's text is kept verbatim apart from the repeated province/city prefix; when
    no district can be recognised the district stays empty and everything is detail."""
    line1, line2 = line1.strip(), line2.strip()
    rest = line1
    if province:
        rest = _strip_prefix(rest, province, True)
    if city:
        rest = _strip_prefix(rest, city, False)
    district = ""
    match = next((m for m in (p.match(rest) for p in _DISTRICTS) if m), None)
    if match and match.group(1) not in (province, city):
        district = match.group(1)
        rest = rest[match.end():].lstrip(" ,，")
    town = ""
    match = _TOWN.match(rest)
    if match:
        town = match.group(1)
        rest = rest[match.end():].lstrip(" ,，")
    detail = " ".join(part for part in (rest, line2) if part)
    return district, town, detail


def cn_province(value: str, codes: dict[str, str]) -> str:
    """A state/province field that may be a platform code ("CN2", "BJ") or a name."""
    value = value.strip()
    return codes.get(value.upper(), value)


# -- HTTP -------------------------------------------------------------------------------------

ErrorText = Callable[[Any], "tuple[str, str] | None"]


class JsonClient:
    """connectors.http.HttpClient with the own-shop rules on top: JSON in and out (money as
    Decimal), the platform's own error code and message in every failure, bounded retries.

    GETs are retried on network errors, 5xx, 429, HTML-with-200 and truncated JSON; writes
    only on 429 (the platform refused before applying anything), so a write whose reply was
    lost is never sent twice here: the caller's own idempotency check runs on the next
    outbox attempt. A ``Retry-After`` longer than *max_wait* is handed to the caller as
    RateLimited instead of slept through. *on_response* sees every response's headers (the
    Shopify call-limit pacing hooks in there). One client per sync lane thread.
    """

    def __init__(self, *, platform: str, timeout: float = 30.0, attempts: int = 4,
                 backoff: float = 0.25, max_backoff: float = 8.0, max_wait: float = 30.0,
                 error_text: ErrorText | None = None,
                 on_response: Callable[[dict[str, str]], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.platform = platform
        self.http = HttpClient(timeout=(min(5.0, timeout), timeout), platform=platform)
        self.http.session.headers["Accept"] = "application/json"
        self.attempts, self.backoff, self.max_backoff = max(1, attempts), backoff, max_backoff
        self.max_wait = max_wait
        self.error_text = error_text or (lambda payload: None)
        self.on_response = on_response
        self.sleep = sleep
        self.requests_sent = 0

    def request(self, method: str, url: str, *, params: Any = None, body: Any = None,
                auth: tuple[str, str] | None = None,
                headers: dict[str, str] | None = None) -> tuple[Any, dict[str, str]]:
        """Send; return (decoded JSON, lower-case headers) or raise ConnectorError.

        *params* may be a function giving the query for each attempt (a signed query needs
        a fresh nonce and timestamp every time)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                query = params() if callable(params) else params
                return self._once(method, url, query, body, auth, headers)
            except RateLimited as exc:
                wait = exc.retry_after if exc.retry_after is not None else self._delay(attempt)
                if attempt >= self.attempts or wait > self.max_wait:
                    raise
                self.sleep(wait)
            except ConnectorError as exc:
                if not exc.retryable or method != "GET" or attempt >= self.attempts:
                    raise
                self.sleep(self._delay(attempt))

    def _delay(self, attempt: int) -> float:
        cap = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return random.uniform(cap / 2, cap)  # jitter, not cryptography

    def _once(self, method: str, url: str, params: Any, body: Any,
              auth: tuple[str, str] | None,
              headers: dict[str, str] | None) -> tuple[Any, dict[str, str]]:
        send_headers = dict(headers or {})
        data = None
        if body is not None:
            data = dumps(body).encode("utf-8")
            send_headers["Content-Type"] = "application/json; charset=utf-8"
        self.requests_sent += 1
        # never follow redirects: requests would carry a token header to another host, and
        # turn a POST that meets a 301 into a GET that "succeeds" without writing anything
        resp = self.http.request(method, url, params=params, data=data, auth=auth,
                                 headers=send_headers, check_status=False,
                                 allow_redirects=False)
        got = {k.lower(): v for k, v in resp.headers.items()}
        if self.on_response is not None:
            self.on_response(got)
        status = resp.status_code
        if 300 <= status < 400:
            where = urlsplit(got.get("location", ""))
            raise ConnectorError(
                f"{self.platform}: the shop answered HTTP {status}, moved to "
                f"{where.scheme}://{where.netloc}{where.path}; set the shop's endpoint to its "
                "current address", code="redirect", retryable=False)
        if status >= 400 and status != 429:
            try:
                found = self.error_text(decode_json(resp, self.platform))
            except ConnectorError:
                found = None
            if found:
                code, message = found
                text = f"{self.platform}: HTTP {status} {code}: {message}"
                if status in (401, 403):
                    raise AuthFailed(text, code=code)
                raise ConnectorError(text, code=code, retryable=status >= 500 or status == 408)
        raise_for_status(resp, self.platform)
        return decode_json(resp, self.platform), got

    def close(self) -> None:
        self.http.close()
