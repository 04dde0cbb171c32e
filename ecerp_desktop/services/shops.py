"""Shops and their credentials.

App secrets and session tokens live in the OS credential store through ``keyring``
(service ``ecerp``, user ``<credential_ref>:app_secret`` / ``<credential_ref>:session``),
never in the database or a config file (RELIABILITY rule 10). The database keeps only the
reference. Any thread but the GUI thread (keyring backends may block).
"""

from __future__ import annotations

import uuid

import keyring
import keyring.errors

from ecerp_desktop.connectors.registry import PLATFORMS, ConnectorConfig
from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import audit as audit_store
from ecerp_desktop.store import shops as shop_store
from ecerp_desktop.store.shops import ShopRecord

KEYRING_SERVICE = "ecerp"
SECRET_SUFFIX = ":app_secret"
SESSION_SUFFIX = ":session"


def _set_secret(user: str, value: str) -> None:
    try:
        keyring.set_password(KEYRING_SERVICE, user, value)
    except keyring.errors.KeyringError as exc:
        raise DomainError(ErrorCode.CREDENTIAL_STORE, error=type(exc).__name__) from exc


def _get_secret(user: str) -> str:
    try:
        return keyring.get_password(KEYRING_SERVICE, user) or ""
    except keyring.errors.KeyringError as exc:
        raise DomainError(ErrorCode.CREDENTIAL_STORE, error=type(exc).__name__) from exc


def add_shop(store: Store, actor: Actor, *, platform: str, name: str, endpoint: str,
             app_key: str, app_secret: str, session: str = "",
             backfill_days: int = 3) -> ShopRecord:
    """Register a shop; its secrets go to the credential store before the row is written,
    so a shop never exists without them."""
    actor.require(Permission.SETTINGS)
    if platform not in PLATFORMS:
        raise DomainError(ErrorCode.NOT_FOUND, what="platform", key=platform)
    name = name.strip()
    if not name:
        raise DomainError(ErrorCode.REQUIRED, what="shop name")
    with store.read() as s:
        if shop_store.by_name(s, name) is not None:
            raise DomainError(ErrorCode.ALREADY_EXISTS, what="shop", key=name)
    ref = f"shop-{uuid.uuid4().hex[:16]}"
    _set_secret(ref + SECRET_SUFFIX, app_secret)
    if session:
        _set_secret(ref + SESSION_SUFFIX, session)
    now = utcnow()
    with store.write() as s:
        if shop_store.by_name(s, name) is not None:
            raise DomainError(ErrorCode.ALREADY_EXISTS, what="shop", key=name)
        shop = shop_store.add(s, platform=platform, name=name, endpoint=endpoint,
                              app_key=app_key, credential_ref=ref, now=now,
                              backfill_days=backfill_days)
        audit_store.append(s, at=now, user_id=actor.user_id, username=actor.username,
                           action="shop.add", entity="shop", entity_id=str(shop.id),
                           detail={"platform": platform, "name": name})
    return shop


def set_session(store: Store, actor: Actor, shop_name: str, session: str) -> None:
    """Replace a shop's session / access token (after the user re-authorised)."""
    actor.require(Permission.SETTINGS)
    shop = get_shop(store, shop_name)
    _set_secret(shop.credential_ref + SESSION_SUFFIX, session)


def get_shop(store: Store, name: str) -> ShopRecord:
    with store.read() as s:
        shop = shop_store.by_name(s, name)
    if shop is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="shop", key=name)
    return shop


def list_shops(store: Store, *, active_only: bool = False) -> list[ShopRecord]:
    with store.read() as s:
        return shop_store.all_shops(s, active_only=active_only)


def connector_config(shop: ShopRecord) -> ConnectorConfig:
    """The shop's connector settings with its secrets read from the credential store."""
    return ConnectorConfig(
        platform=shop.platform, endpoint=shop.endpoint, app_key=shop.app_key,
        app_secret=_get_secret(shop.credential_ref + SECRET_SUFFIX),
        session=_get_secret(shop.credential_ref + SESSION_SUFFIX),
        settings=dict(shop.settings))
