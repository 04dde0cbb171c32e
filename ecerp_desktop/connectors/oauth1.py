"""OAuth 1.0a request signing (RFC 5849), as WooCommerce demands over plain HTTP.

WooCommerce uses "one-legged" OAuth: no token, the key is ``consumer_secret + "&"``, and the
``oauth_*`` parameters travel in the query string (not an Authorization header), signed
together with the request's own query parameters. JSON bodies are not signed. The general
functions take an optional token secret so they can be checked against the published
RFC 5849 / OAuth Core 1.0 / Twitter vectors. Standard library only; any thread.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable, Mapping
from urllib.parse import quote, urlsplit, urlunsplit

SIGNATURE_METHODS = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}

Params = Mapping[str, str] | Iterable[tuple[str, str]]


def percent_encode(value: str) -> str:
    """RFC 3986 percent-encoding of UTF-8 (only ALPHA, DIGIT and ``-._~`` stay as they are)."""
    return quote(value.encode("utf-8"), safe="-._~")


def base_string_uri(url: str) -> str:
    """The base string URI (RFC 5849 3.4.1.2): lower-case scheme and host, default port
    dropped, no query or fragment."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is not None and not ((scheme == "http" and port == 80)
                                 or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", "", ""))


def _pairs(params: Params) -> list[tuple[str, str]]:
    items = params.items() if isinstance(params, Mapping) else params
    return [(str(k), str(v)) for k, v in items]


def normalized_parameters(params: Params) -> str:
    """Encode every name and value, sort by name then value, join ``name=value`` with ``&``
    (RFC 5849 3.4.1.3.2). ``oauth_signature`` itself is left out."""
    encoded = sorted((percent_encode(k), percent_encode(v)) for k, v in _pairs(params)
                     if k != "oauth_signature")
    return "&".join(f"{k}={v}" for k, v in encoded)


def signature_base_string(method: str, url: str, params: Params) -> str:
    """``METHOD&enc(base URI)&enc(normalised parameters)``. *params* must hold the query
    parameters (those of *url* are not read), the ``oauth_*`` ones and any form body."""
    return "&".join((method.upper(), percent_encode(base_string_uri(url)),
                     percent_encode(normalized_parameters(params))))


def sign(method: str, url: str, params: Params, consumer_secret: str, token_secret: str = "",
         signature_method: str = "HMAC-SHA1") -> str:
    """The base64 ``oauth_signature`` for a request."""
    digest = SIGNATURE_METHODS.get(signature_method.upper())
    if digest is None:
        raise ValueError(f"unsupported oauth_signature_method {signature_method!r}")
    key = f"{percent_encode(consumer_secret)}&{percent_encode(token_secret)}"
    base = signature_base_string(method, url, params)
    mac = hmac.new(key.encode("utf-8"), base.encode("utf-8"), digest).digest()
    return base64.b64encode(mac).decode("ascii")


def sign_request(params: dict[str, str], secret: str, *, method: str, url: str,
                 token_secret: str = "", signature_method: str = "HMAC-SHA1") -> str:
    """The project-wide signing shape (``sign_request(params, secret, ...)``) for OAuth 1.0a."""
    return sign(method, url, params, secret, token_secret, signature_method)


def signed_query(method: str, url: str, query: Params, consumer_key: str,
                 consumer_secret: str, *, signature_method: str = "HMAC-SHA1",
                 timestamp: int | None = None, nonce: str | None = None) -> list[tuple[str, str]]:
    """The query parameters to send for a one-legged (WooCommerce) request: *query* plus
    ``oauth_consumer_key/timestamp/nonce/signature_method`` and ``oauth_signature``.

    A fresh nonce and the current time are used unless given (tests pin them)."""
    pairs = _pairs(query)
    pairs += [
        ("oauth_consumer_key", consumer_key),
        ("oauth_timestamp", str(int(time.time()) if timestamp is None else timestamp)),
        ("oauth_nonce", nonce if nonce is not None else secrets.token_hex(16)),
        ("oauth_signature_method", signature_method),
    ]
    pairs.append(("oauth_signature",
                  sign(method, url, pairs, consumer_secret, "", signature_method)))
    return pairs
