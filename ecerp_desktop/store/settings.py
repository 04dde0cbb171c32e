"""Key/value settings (never secrets: those live in the OS credential store)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ecerp_desktop.store.schema import SettingRow


def get(s: Session, key: str, default: Any = None) -> Any:
    row = s.get(SettingRow, key)
    return default if row is None else row.value.get("v", default)


def put(s: Session, key: str, value: Any, now: datetime) -> None:
    row = s.get(SettingRow, key)
    if row is None:
        s.add(SettingRow(key=key, value={"v": value}, updated_at=now))
    else:
        row.value = {"v": value}
        row.updated_at = now
