"""The audit log, chained by SHA-256 so that an edited or deleted row is detected."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecerp_desktop.store.schema import AuditRow

GENESIS = "0" * 64


def _digest(prev: str, at: datetime, username: str, action: str, entity: str,
            entity_id: str, detail: dict[str, Any]) -> str:
    body = json.dumps([prev, at.isoformat(timespec="microseconds"), username, action, entity,
                       entity_id, detail], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(s: Session, *, at: datetime, user_id: int | None, username: str, action: str,
           entity: str = "", entity_id: str = "", detail: dict[str, Any] | None = None) -> None:
    """Add one row after the newest. Callers hold the write lock (BEGIN IMMEDIATE on
    SQLite); on PostgreSQL the newest row is locked so two writers cannot fork the chain."""
    q = select(AuditRow.hash).order_by(AuditRow.id.desc()).limit(1)
    if s.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    prev = s.scalar(q) or GENESIS
    detail = detail or {}
    digest = _digest(prev, at, username, action, entity, entity_id, detail)
    s.add(AuditRow(at=at, user_id=user_id, username=username, action=action, entity=entity,
                   entity_id=entity_id, detail=detail, prev_hash=prev, hash=digest))
    s.flush()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    username: str
    action: str
    entity: str
    entity_id: str
    detail: dict[str, Any]


def recent(s: Session, limit: int = 200) -> list[AuditEntry]:
    rows = s.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
    return [AuditEntry(r.id, r.at, r.username, r.action, r.entity, r.entity_id, r.detail)
            for r in rows]


def verify_chain(s: Session) -> int | None:
    """The id of the first row whose hash does not follow from its predecessor, or None."""
    prev = GENESIS
    for r in s.scalars(select(AuditRow).order_by(AuditRow.id)):
        expected = _digest(prev, r.at, r.username, r.action, r.entity, r.entity_id, r.detail)
        if r.prev_hash != prev or r.hash != expected:
            return r.id
        prev = r.hash
    return None
