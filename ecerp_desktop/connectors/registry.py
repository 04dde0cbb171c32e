"""Platform name → connector factory.

The sync engine builds each shop's connector from the shop's platform, endpoint, app key
and the secrets it read from the OS credential store; it never knows concrete classes.
Connector modules are imported lazily so a broken or missing one only affects its shops.
Tests and plug-ins may register their own factory (e.g. a hand-written fake).
"""

from __future__ import annotations

import importlib
import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ecerp_desktop.connectors.base import ConnectorError, PlatformConnector

PLATFORMS = ("taobao", "tmall", "jd", "pdd", "woocommerce", "shopify")


@dataclass(frozen=True, slots=True)
class ConnectorConfig:
    """Everything a connector needs to talk to one shop. Secrets are never logged."""

    platform: str
    endpoint: str
    app_key: str
    app_secret: str = field(repr=False, default="")
    session: str = field(repr=False, default="")
    settings: dict[str, Any] = field(default_factory=dict)


Factory = Callable[[ConnectorConfig], PlatformConnector]

# platform → (module, class name) of the connectors written in this package
_BUILTIN: dict[str, tuple[str, str]] = {
    "taobao": ("ecerp_desktop.connectors.taobao", "TaobaoConnector"),
    "tmall": ("ecerp_desktop.connectors.taobao", "TaobaoConnector"),
    "jd": ("ecerp_desktop.connectors.jd", "JdConnector"),
    "pdd": ("ecerp_desktop.connectors.pdd", "PddConnector"),
    "woocommerce": ("ecerp_desktop.connectors.woocommerce", "WooCommerceConnector"),
    "shopify": ("ecerp_desktop.connectors.shopify", "ShopifyConnector"),
}
_custom: dict[str, Factory] = {}
_lock = threading.Lock()


def register(platform: str, factory: Factory) -> None:
    """Use *factory* for *platform* (replaces the built-in one). Any thread."""
    with _lock:
        _custom[platform] = factory


def unregister(platform: str) -> None:
    with _lock:
        _custom.pop(platform, None)


def _builtin_factory(platform: str) -> Factory:
    module_name, class_name = _BUILTIN[platform]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConnectorError(f"no connector for {platform}: {exc}", code="no_connector",
                             retryable=False) from exc
    factory = getattr(module, "create_connector", None)
    if factory is not None:  # a module may expose its own factory taking the config
        return factory  # type: ignore[no-any-return]
    cls = getattr(module, class_name, None)
    if cls is None:
        raise ConnectorError(f"no connector for {platform}: {module_name}.{class_name}",
                             code="no_connector", retryable=False)
    return lambda cfg: _construct(cls, cfg)


def _construct(cls: Any, cfg: ConnectorConfig) -> PlatformConnector:
    """Call the connector class with the keyword arguments it accepts."""
    offered: dict[str, Any] = {
        "endpoint": cfg.endpoint, "base_url": cfg.endpoint, "url": cfg.endpoint,
        "app_key": cfg.app_key, "client_id": cfg.app_key, "consumer_key": cfg.app_key,
        "app_secret": cfg.app_secret, "secret": cfg.app_secret,
        "client_secret": cfg.app_secret, "consumer_secret": cfg.app_secret,
        "session": cfg.session, "access_token": cfg.session, "token": cfg.session,
        "platform": cfg.platform, "settings": cfg.settings,
    }
    params = inspect.signature(cls).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        kwargs = {k: offered[k] for k in ("endpoint", "app_key", "app_secret", "session")}
    else:
        kwargs = {name: offered[name] for name in params if name in offered}
    return cls(**kwargs)  # type: ignore[no-any-return]


def known_platforms() -> tuple[str, ...]:
    with _lock:
        return tuple(dict.fromkeys((*PLATFORMS, *_custom)))


def create(cfg: ConnectorConfig) -> PlatformConnector:
    """A connector for one shop. Raises ConnectorError (not retryable) if none exists."""
    with _lock:
        factory = _custom.get(cfg.platform)
    if factory is None:
        if cfg.platform not in _BUILTIN:
            raise ConnectorError(f"unknown platform {cfg.platform!r}", code="no_connector",
                                 retryable=False)
        factory = _builtin_factory(cfg.platform)
    return factory(cfg)
