"""Schema upgrades: Alembic from empty to the newest revision, on SQLite and PostgreSQL.

A local SQLite file is copied (with SQLite's online backup, so the WAL is included) before
any upgrade that has work to do, so a failed upgrade never costs the seller their data.
Whether there is work to do is decided without importing Alembic (a third of a second at
every start): the revision graph is read from the version files' ``revision`` lines.
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store.database import Store

if TYPE_CHECKING:
    from alembic.config import Config

_HERE = Path(__file__).resolve().parent / "migrations"
_REV = re.compile(r"""^(down_revision|revision)\s*=\s*['"]?(\w+)['"]?""", re.MULTILINE)


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE))
    return cfg


@cache
def revisions() -> dict[str, str | None]:
    """revision → down_revision of every version file."""
    graph: dict[str, str | None] = {}
    for path in (_HERE / "versions").glob("*.py"):
        found = {m.group(1): m.group(2) for m in _REV.finditer(path.read_text("utf-8"))}
        if "revision" in found:
            down = found.get("down_revision")
            graph[found["revision"]] = None if down in (None, "None") else down
    return graph


def head_revision() -> str:
    graph = revisions()
    heads = set(graph) - {d for d in graph.values() if d}
    if len(heads) != 1:
        raise RuntimeError(f"migrations must form one line; heads: {sorted(heads)}")
    return heads.pop()


def current_revision(store: Store) -> str | None:
    with store.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def needs_upgrade(store: Store) -> bool:
    current = current_revision(store)
    if current is None:
        return True
    if current not in revisions():
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
    from alembic import command

    cfg = _config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True
