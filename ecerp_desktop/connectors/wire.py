"""Small, fast readers shared by the Chinese platform connectors (Taobao, JD, Pinduoduo).

Per-order parsing runs 100,000 times in the sync benchmark, so these avoid regexes:

- :func:`dec` money (string, int or the Decimal that ``parse_float=Decimal`` gave) → Decimal
  with two places; floats, NaN and junk raise :class:`BadField`;
- :func:`cn_time` ``yyyy-MM-dd HH:mm:ss`` (+08:00, naive on the wire) → aware UTC;
- :func:`normalise_region` the city rules (county-level city, municipalities, 市辖区);
- :func:`windows` splits [start, end) into platform windows (≤ 30 minutes);
- :func:`backward_pages` pages a window from the last page back to page 1, as Taobao and
  Pinduoduo demand, with a bound so paging that never ends stops with an error;
- :func:`parse_items` parses one page item by item; :func:`bad_payload` turns an item
  that failed to parse into a quarantine entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ecerp_desktop.connectors.base import MAX_WINDOW_MINUTES, BadPayload, ConnectorError, PullPage
from ecerp_desktop.domain.errors import DomainError
from ecerp_desktop.domain.platform_order import PlatformOrder
from ecerp_desktop.domain.timeutil import CHINA, parse_platform_time

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MUNICIPALITIES = frozenset({"北京市", "上海市", "天津市", "重庆市", "北京", "上海", "天津", "重庆"})
_CITY_PLACEHOLDERS = frozenset({"", "市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


class BadField(ValueError):
    """A field of one order could not be read; the order is quarantined."""


_DEC_CACHE: dict[str, Decimal] = {}  # amounts repeat (prices, fees): parse each text once


def dec(value: Any, name: str = "amount") -> Decimal:
    """Money as Decimal with two places. ``None``/"" is zero; floats are refused."""
    if type(value) is str:
        cached = _DEC_CACHE.get(value)
        if cached is not None:
            return cached
        if not value.strip():
            return ZERO
        try:
            d = Decimal(value)
        except InvalidOperation:
            raise BadField(f"{name}: not an amount: {value[:40]!r}") from None
        if not d.is_finite():
            raise BadField(f"{name}: not an amount: {value[:40]!r}")
        d = d.quantize(CENT, rounding=ROUND_HALF_UP)
        if len(_DEC_CACHE) > 50_000:
            _DEC_CACHE.clear()
        _DEC_CACHE[value] = d
        return d
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int) and not isinstance(value, bool):
        d = Decimal(value)
    else:
        raise BadField(f"{name}: not an amount: {value!r:.40}")
    if not d.is_finite():
        raise BadField(f"{name}: not an amount: {value!r:.40}")
    return d.quantize(CENT, rounding=ROUND_HALF_UP)  # as domain.money: fen round half up


def amount(value: Any, name: str) -> Decimal:
    """Like :func:`dec`, for amounts that cannot be negative (prices, payments, fees)."""
    d = dec(value, name)
    if d < 0:
        raise BadField(f"{name}: negative amount {value!r:.40}")
    return d


def quantity(value: Any, name: str) -> int:
    """A line quantity: a whole number of at least 1."""
    n = integer(value, name)
    if n < 1:
        raise BadField(f"{name}: quantity must be at least 1, got {n}")
    return n


def integer(value: Any, name: str) -> int:
    if type(value) is int:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    raise BadField(f"{name}: not a whole number: {value!r:.40}")


def ident(value: Any, name: str) -> str:
    """An id sent as a JSON string or number (tid, oid, sku ids) → its digits as str."""
    if type(value) is str and value and not value[0].isspace() and not value[-1].isspace():
        return value
    if isinstance(value, str):
        value = value.strip()
        if value:
            return value
    elif isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise BadField(f"{name}: missing or not an id: {value!r:.40}")


def text(value: Any) -> str:
    """Free text; None → "". Numbers are turned into their text (phones as numbers)."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise BadField(f"text expected, got {value!r}")
    if isinstance(value, int | Decimal):
        return str(value)
    raise BadField(f"text expected, got {type(value).__name__}")


def cn_time(value: Any, name: str = "time") -> datetime | None:
    """A platform time (``yyyy-MM-dd HH:mm:ss`` in China time, or any form
    ``parse_platform_time`` reads) → aware UTC; "" / None → None. JD's
    ``0001-01-01 00:00:00`` / ``1970-01-01 00:00:00`` mean "not yet" → None."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and len(value) == 19 and value[4] == "-" and value[10] == " ":
        if value.startswith(("0001-", "1970-01-01")):
            return None
        try:
            return datetime.fromisoformat(value).replace(tzinfo=CHINA).astimezone(UTC)
        except ValueError:
            raise BadField(f"{name}: not a time: {value!r:.40}") from None
    try:
        return parse_platform_time(value if not isinstance(value, Decimal) else int(value))
    except DomainError:
        raise BadField(f"{name}: not a time: {value!r:.40}") from None


def cn_time_text(value: datetime) -> str:
    """Aware datetime → ``yyyy-MM-dd HH:mm:ss`` in China time, as the platforms want."""
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


# Short province names (JD and others write 北京, 广东, 内蒙古) → the full official names.
_FULL_PROVINCE: dict[str, str] = {
    **{short: short + "市" for short in ("北京", "上海", "天津", "重庆")},
    **{short: short + "省" for short in (
        "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东",
        "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
        "台湾")},
    "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "西藏": "西藏自治区",
    "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区", "香港": "香港特别行政区",
    "澳门": "澳门特别行政区",
}


def normalise_region(province: str, city: str, district: str) -> tuple[str, str, str]:
    """(province, city, district) as we store them.

    Province names are made full (北京 → 北京市, 广西 → 广西壮族自治区). A county-level city
    directly under a province comes with an empty (or placeholder) city and its name as
    the district: it is the city. A municipality's city is the municipality itself
    (platforms send it repeated, short, empty, or as 市辖区/县).
    """
    province = _FULL_PROVINCE.get(province, province)
    if city in _CITY_PLACEHOLDERS or (province in MUNICIPALITIES
                                      and _FULL_PROVINCE.get(city, city) == province):
        if province in MUNICIPALITIES:
            return province, province, district
        return (province, district, district) if district else (province, "", "")
    return province, city, district


def windows(start: datetime, end: datetime,
            minutes: int = 30) -> Iterator[tuple[datetime, datetime]]:
    """[start, end) cut into consecutive windows of at most *minutes*."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("windows need aware datetimes")
    step = timedelta(minutes=minutes)
    t = start
    while t < end:
        nxt = min(t + step, end)
        yield t, nxt
        t = nxt


# fetch(page_no, want_total) → (items, total or None, has_next)
PageFetch = Callable[[int, bool], tuple[list[Any], int | None, bool]]


class TooManyPages(ConnectorError):
    """The window holds more pages than the bound: split it, or give up if it is tiny.
    Not retryable: asking again gets the same endless answer."""


def backward_pages(fetch: PageFetch, *, page_size: int, max_pages: int,
                   platform: str) -> Iterator[list[Any]]:
    """Page one window from its last page back to page 1.

    The list is sorted newest first; an order modified while we page leaves the window,
    which shifts later items one place forward: going backwards, that repeats an item
    (harmless, orders are deduplicated) instead of skipping one. Page 1 is read first
    to learn the total (and is the whole answer when it fits); if the last page still
    says ``has_next``, the window grew and we read forward until it stops, bounded by
    *max_pages*. Paging that never ends raises TooManyPages.
    """
    items, total, has_next = fetch(1, True)
    if total is None:
        raise ConnectorError(f"{platform}: the platform sent no total for the window",
                             code="no_total")
    if total <= page_size and not has_next:
        yield items
        return
    last = -(-total // page_size)
    if last > max_pages:
        raise TooManyPages(f"{platform}: {total} results ({last} pages) in one window, more "
                           f"than the bound of {max_pages} pages", code="too_many_pages",
                           retryable=False)
    for page in range(last, 0, -1):
        items, _, has_next = fetch(page, False)
        if page == last and has_next:
            extra = last + 1
            more_next = True
            while more_next:
                if extra > max_pages:
                    raise TooManyPages(f"{platform}: paging never ends (still has_next after "
                                       f"{max_pages} pages)", code="endless_paging",
                                       retryable=False)
                more, _, more_next = fetch(extra, False)
                if not more and more_next:
                    raise ConnectorError(f"{platform}: empty page {extra} says has_next",
                                         code="endless_paging", retryable=False)
                yield more
                extra += 1
        yield items


WindowPage = Callable[[datetime, datetime, int, bool], tuple[list[Any], int | None, bool]]


def pull_windows(start: datetime, end: datetime, fetch: WindowPage, *, page_size: int,
                 max_pages: int, platform: str, parse: Callable[[Any], PlatformOrder],
                 id_keys: tuple[str, ...],
                 max_minutes: int = MAX_WINDOW_MINUTES) -> Iterator[PullPage]:
    """Orders modified in [start, end) from an increment API: windows of at most
    *max_minutes*, each paged backwards (:func:`backward_pages`); a window with more pages
    than the bound is split in half until it fits or is a minute wide. Each order comes
    once per pull even when the platform repeats it across pages or windows."""
    seen: set[tuple[str, datetime]] = set()

    def window(w_start: datetime, w_end: datetime) -> Iterator[PullPage]:
        try:
            pages = list(backward_pages(lambda p, t: fetch(w_start, w_end, p, t),
                                        page_size=page_size, max_pages=max_pages,
                                        platform=platform))
        except TooManyPages:
            if w_end - w_start <= timedelta(minutes=1):
                raise
            middle = (w_start + (w_end - w_start) / 2).replace(microsecond=0)
            yield from window(w_start, middle)
            yield from window(middle, w_end)
            return
        for items in pages:
            yield parse_items(items, parse, id_keys, platform, seen)

    for w_start, w_end in windows(start, end, max_minutes):
        yield from window(w_start, w_end)


def parse_items(items: list[Any], parse: Callable[[Any], PlatformOrder],
                id_keys: tuple[str, ...], platform: str,
                seen: set[tuple[str, datetime]]) -> PullPage:
    """One platform page → PullPage. An item that fails to parse, for whatever reason,
    becomes a BadPayload (quarantined, never dropped) and the others still come; an order
    already in *seen* (same id and modified time) is not repeated."""
    page = PullPage()
    for item in items:
        try:
            order = parse(item)
        except Exception as exc:  # any failure of one item: quarantine it, keep the page
            page.bad.append(bad_payload(item, id_keys, f"{platform}: {type(exc).__name__}: "
                                                       f"{exc}"))
            continue
        key = (order.platform_order_id, order.modified_at)
        if key not in seen:
            seen.add(key)
            page.orders.append(order)
    return page


def bad_payload(item: Any, id_keys: tuple[str, ...], reason: str) -> BadPayload:
    """A quarantine entry for *item*: its id if one can be found, the raw JSON, the reason."""
    pid = ""
    if isinstance(item, dict):
        for key in id_keys:
            value = item.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                pid = str(value)
                break
    try:
        raw = json.dumps(item, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        raw = repr(item)
    return BadPayload(platform_order_id=pid, raw=raw[:100_000], reason=reason[:500])


def jsonable(item: Any) -> Any:
    """*item* with Decimals as strings, so it can be stored in a JSON column."""
    return json.loads(json.dumps(item, ensure_ascii=False, default=str))
