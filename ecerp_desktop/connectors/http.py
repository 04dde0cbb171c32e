"""The HTTP session every connector uses, and the mapping of HTTP failures to our errors.

- timeouts on every request (connect 5 s, read 30 s by default), one keep-alive
  ``requests.Session`` per connector;
- connection failures and timeouts → :class:`ConnectorError` (retryable);
- 429 → :class:`RateLimited` with ``Retry-After``; 401/403 → :class:`AuthFailed`;
  5xx → retryable ConnectorError;
- the platform's clock is learnt from each answer's ``Date`` header (:meth:`HttpClient.now`)
  so signed timestamps stay valid on a PC whose clock is wrong;
- :func:`decode_json`: an HTML page (even with status 200) or truncated JSON for a whole
  response → retryable ConnectorError with a clear message; numbers with a fraction are
  read as Decimal, never float.

Secrets are never put in error messages: messages name the endpoint without its query.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from ecerp_desktop.connectors.base import AuthFailed, ConnectorError, RateLimited
from ecerp_desktop.domain.timeutil import utcnow

DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds
USER_AGENT = "ecerp-desktop/0.1"


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds (a number or an HTTP date), None when absent or junk."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - utcnow()).total_seconds())


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


class HttpClient:
    """A requests.Session with timeouts and error mapping. One per connector; a session is
    not shared between threads (each sync lane has its own connector)."""

    def __init__(self, *, timeout: tuple[float, float] | float = DEFAULT_TIMEOUT,
                 session: requests.Session | None = None, platform: str = "") -> None:
        self.timeout = timeout
        self.platform = platform
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        # platform clock − our clock, learnt from the ``Date`` header of every answer. Only
        # used when it is large (> 30 s): a shop PC's clock minutes off would otherwise get
        # every signed call refused as "invalid timestamp".
        self.clock_offset = 0.0

    def now(self) -> datetime:
        """The platform's idea of now (our clock, corrected by ``clock_offset``)."""
        now = utcnow()
        return now + timedelta(seconds=self.clock_offset) if self.clock_offset else now

    def _learn_clock(self, response: requests.Response) -> None:
        header = response.headers.get("Date")
        if not header:
            return
        try:
            server = parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return
        if server.tzinfo is None:
            return
        offset = (server - utcnow()).total_seconds()
        self.clock_offset = offset if abs(offset) > 30 else 0.0

    def close(self) -> None:
        self.session.close()

    def request(self, method: str, url: str, *, check_status: bool = True,
                **kwargs: Any) -> requests.Response:
        """Send; map transport failures and (with *check_status*) HTTP error statuses."""
        kwargs.setdefault("timeout", self.timeout)
        # Never follow redirects: requests turns a redirected POST into a GET that
        # "succeeds" without writing, and a redirect could carry our signed query elsewhere.
        kwargs.setdefault("allow_redirects", False)
        where = _where(url)
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.Timeout as exc:
            raise ConnectorError(f"{self.platform}: no answer from {where} in time",
                                 code="timeout") from exc
        except requests.RequestException as exc:
            raise ConnectorError(f"{self.platform}: cannot reach {where}: "
                                 f"{type(exc).__name__}", code="connection") from exc
        self._learn_clock(response)
        if response.is_redirect:
            raise ConnectorError(f"{self.platform}: {where} answered with a redirect "
                                 f"({response.status_code}); check the endpoint URL",
                                 code="redirect", retryable=False)
        if check_status:
            raise_for_status(response, self.platform)
        return response

    def post_form(self, url: str, data: Mapping[str, str], **kwargs: Any) -> requests.Response:
        return self.request("POST", url, data=dict(data), headers={
            "Content-Type": "application/x-www-form-urlencoded;charset=utf-8"}, **kwargs)

    def post_json(self, url: str, payload: Any, **kwargs: Any) -> requests.Response:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return self.request("POST", url, data=body, headers={
            "Content-Type": "application/json;charset=utf-8"}, **kwargs)


def raise_for_status(response: requests.Response, platform: str = "") -> None:
    """Map an HTTP error status to RateLimited / AuthFailed / ConnectorError."""
    status = response.status_code
    if status < 400:
        return
    where = _where(response.url or "")
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        raise RateLimited(f"{platform}: rate limited by {where} (HTTP 429)", code="http429",
                          retry_after=retry_after if retry_after is not None else 1.0)
    if status in (401, 403):
        raise AuthFailed(f"{platform}: {where} refused the credentials (HTTP {status})",
                         code=f"http{status}")
    retryable = status >= 500 or status in (408, 409, 425)
    raise ConnectorError(f"{platform}: {where} answered HTTP {status}", code=f"http{status}",
                         retryable=retryable)


def decode_json(response: requests.Response, platform: str = "") -> Any:
    """The JSON body of a whole response, fractions as Decimal.

    An HTML page or a body that is not complete JSON means the reply was lost or mangled
    (a gateway error page, a cut connection): retryable ConnectorError, never a crash.
    """
    body = response.content
    head = body[:64].lstrip().lower()
    where = _where(response.url or "")
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
        raise ConnectorError(f"{platform}: {where} returned an HTML/XML page instead of "
                             f"JSON (HTTP {response.status_code})", code="html")
    if not body.strip():
        raise ConnectorError(f"{platform}: {where} returned an empty body", code="empty")
    try:
        return json.loads(body, parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConnectorError(f"{platform}: {where} returned truncated or invalid JSON "
                             f"({len(body)} bytes: {exc.msg} at {exc.pos})"
                             if isinstance(exc, json.JSONDecodeError) else
                             f"{platform}: {where} returned a body that is not UTF-8",
                             code="bad_json") from exc
