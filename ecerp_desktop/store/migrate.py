"""Schema upgrades: Alembic from empty to the newest revision, on SQLite and PostgreSQL.

A local SQLite file is copied (with SQLite's online backup, so the WAL is included) before
any upgrade that has work to do, so a failed upgrade never costs the seller their data.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.timeutil import utcnow

from .database import Store

_HERE = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(store: Store) -> str | None:
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def needs_upgrade(store: Store) -> bool:
    current = current_revision(store)
    if current is None:
        return True
    script = ScriptDirectory.from_config(_config())
    if script.get_revision(current) is None:
        raise DomainError(ErrorCode.SCHEMA_TOO_NEW, revision=current)
    return current != head_revision()


def backup_sqlite(store: Store) -> Path | None:
    """Copy the SQLite file next to itself as ``NAME.bak-YYYYmmddHHMMSS``."""
    path = store.sqlite_file
    if path is None or not Path(path).exists() or Path(path).stat().st_size == 0:
        return None
    target = Path(f"{path}.bak-{utcnow():%Y%m%d%H%M%S}")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()
    return target


def upgrade(store: Store, *, backup: bool = True) -> bool:
    """Bring the database to the newest schema. Returns True when anything was done."""
    if not needs_upgrade(store):
        return False
    if backup and current_revision(store) is not None:
        backup_sqlite(store)
    cfg = _config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True
