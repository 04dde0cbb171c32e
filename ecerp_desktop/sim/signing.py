"""The simulators' own copy of the platforms' signature rules (PROTOCOLS.md §7).

Written apart from the connectors on purpose: a simulator that reused the connector's
signing code could not catch a mistake in it. Both are checked against the official
vectors in the tests.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def _joined(params: Mapping[str, str], skip_empty: bool) -> bytes:
    parts = []
    for key in sorted(params):
        value = params[key]
        if key == "sign" or (skip_empty and (value is None or value == "")):
            continue
        parts.append(f"{key}{value}")
    return "".join(parts).encode("utf-8")


def top_sign(params: Mapping[str, str], secret: str, sign_method: str) -> str:
    """Taobao TOP: md5 wraps the secret around the string; hmac / hmac-sha256 key it."""
    data, key = _joined(params, True), secret.encode("utf-8")
    if sign_method == "md5":
        digest = hashlib.md5(key + data + key).hexdigest()
    elif sign_method == "hmac":
        digest = hmac.new(key, data, hashlib.md5).hexdigest()
    elif sign_method == "hmac-sha256":
        digest = hmac.new(key, data, hashlib.sha256).hexdigest()
    else:
        raise ValueError(sign_method)
    return digest.upper()


def md5_wrapped(params: Mapping[str, str], secret: str) -> str:
    """JD and Pinduoduo: UPPER(MD5(secret + Σ sorted(key+value) + secret))."""
    key = secret.encode("utf-8")
    return hashlib.md5(key + _joined(params, False) + key).hexdigest().upper()
