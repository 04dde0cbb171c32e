"""Queries on users, roles and permissions. Hands out frozen records, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ecerp_desktop.store.schema import RolePermissionRow, RoleRow, UserRow


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    username: str
    display_name: str
    password_hash: str
    role: str
    active: bool
    locale: str | None


def _record(row: UserRow) -> UserRecord:
    return UserRecord(row.id, row.username, row.display_name, row.password_hash,
                      row.role_code, row.active, row.locale)


def ensure_role(s: Session, code: str, name: str, permissions: list[str]) -> None:
    """Create the role with its default permissions if it is missing (keeps edits)."""
    if s.get(RoleRow, code) is not None:
        return
    s.add(RoleRow(code=code, name=name))
    s.flush()
    s.add_all(RolePermissionRow(role_code=code, permission=p) for p in permissions)


def role_permissions(s: Session, code: str) -> set[str]:
    rows = s.scalars(select(RolePermissionRow.permission).where(
        RolePermissionRow.role_code == code))
    return set(rows)


def role_exists(s: Session, code: str) -> bool:
    return s.get(RoleRow, code) is not None


def count_users(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(UserRow)) or 0


def by_username(s: Session, username: str) -> UserRecord | None:
    row = s.scalar(select(UserRow).where(UserRow.username == username))
    return None if row is None else _record(row)


def all_users(s: Session) -> list[UserRecord]:
    return [_record(r) for r in s.scalars(select(UserRow).order_by(UserRow.username))]


def add(s: Session, username: str, display_name: str, password_hash: str, role: str,
        now: datetime) -> UserRecord:
    row = UserRow(username=username, display_name=display_name, password_hash=password_hash,
                  role_code=role, active=True, created_at=now)
    s.add(row)
    s.flush()
    return _record(row)


def set_password_hash(s: Session, user_id: int, password_hash: str) -> None:
    s.execute(update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash))


def set_active(s: Session, user_id: int, active: bool) -> None:
    s.execute(update(UserRow).where(UserRow.id == user_id).values(active=active))


def touch_login(s: Session, user_id: int, now: datetime) -> None:
    s.execute(update(UserRow).where(UserRow.id == user_id).values(last_login_at=now))
