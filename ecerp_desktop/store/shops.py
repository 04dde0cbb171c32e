"""Shops: the platform stores whose orders we pull. Hands out frozen records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecerp_desktop.store.schema import ShopRow


@dataclass(frozen=True, slots=True)
class ShopRecord:
    id: int
    platform: str
    name: str
    endpoint: str
    app_key: str
    credential_ref: str
    active: bool
    backfill_days: int
    settings: dict[str, Any]


def _record(r: ShopRow) -> ShopRecord:
    return ShopRecord(r.id, r.platform, r.name, r.endpoint, r.app_key, r.credential_ref,
                      r.active, r.backfill_days, dict(r.settings or {}))


def add(s: Session, *, platform: str, name: str, endpoint: str, app_key: str,
        credential_ref: str, now: datetime, backfill_days: int = 3,
        settings: dict[str, Any] | None = None) -> ShopRecord:
    row = ShopRow(platform=platform, name=name, endpoint=endpoint, app_key=app_key,
                  credential_ref=credential_ref, backfill_days=backfill_days,
                  settings=settings or {}, created_at=now, active=True)
    s.add(row)
    s.flush()
    return _record(row)


def by_name(s: Session, name: str) -> ShopRecord | None:
    row = s.scalar(select(ShopRow).where(ShopRow.name == name))
    return None if row is None else _record(row)


def by_id(s: Session, shop_id: int) -> ShopRecord | None:
    row = s.get(ShopRow, shop_id)
    return None if row is None else _record(row)


def all_shops(s: Session, *, active_only: bool = False) -> list[ShopRecord]:
    q = select(ShopRow).order_by(ShopRow.id)
    if active_only:
        q = q.where(ShopRow.active.is_(True))
    return [_record(r) for r in s.scalars(q)]


def set_active(s: Session, shop_id: int, active: bool) -> bool:
    row = s.get(ShopRow, shop_id)
    if row is None:
        return False
    row.active = active
    return True


def update(s: Session, shop_id: int, **values: Any) -> bool:
    """Change plain fields (endpoint, app_key, backfill_days, settings)."""
    allowed = {"endpoint", "app_key", "backfill_days", "settings", "name", "credential_ref"}
    row = s.get(ShopRow, shop_id)
    if row is None:
        return False
    for key, value in values.items():
        if key not in allowed:
            raise ValueError(f"shop field {key} cannot be changed here")
        setattr(row, key, value)
    return True
