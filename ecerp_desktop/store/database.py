"""One database URL: SQLite (WAL) in the user's data folder, or PostgreSQL for shared stations.

SQLite is opened so that the ledger survives power loss and two writers never fail with
"database is locked": WAL, ``synchronous=FULL``, a ``busy_timeout``, foreign keys on, and
every write transaction begins with ``BEGIN IMMEDIATE`` (pysqlite's own transaction handling
is switched off so that SQLAlchemy emits BEGIN itself, the documented workaround).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.paths import data_dir

BUSY_TIMEOUT_MS = 30_000
_WRITE = "ecerp_write"


def default_sqlite_url(name: str = "ecerp.sqlite3") -> str:
    return "sqlite:///" + str(data_dir() / name)


def resolve_url(explicit: str | None = None) -> str:
    """``--db URL`` beats ``ECERP_DATABASE_URL`` beats the default SQLite file."""
    url = explicit or os.environ.get("ECERP_DATABASE_URL") or default_sqlite_url()
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def describe_url(url: str) -> str:
    """*url* without its password (for messages about a URL no store could open)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: show it, it carries no parseable secret
        return url[:200]


def is_network_path(path: str) -> bool:
    """True for UNC paths and Windows drives mapped to a network share.

    SQLite over a network file system corrupts databases (its locks do not work there).
    """
    if path.startswith("\\\\") or path.startswith("//"):
        return True
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows CI only
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(path))[0]
        if drive:
            DRIVE_REMOTE = 4
            return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == DRIVE_REMOTE
        return False
    try:  # Linux: look the mount up
        real = os.path.realpath(path)
        best, fstype = "", ""
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                parts = line.split()
                if len(parts) >= 3 and real.startswith(parts[1]) and len(parts[1]) > len(best):
                    best, fstype = parts[1], parts[2]
        return fstype in {"nfs", "nfs4", "cifs", "smbfs", "smb3", "9p", "sshfs", "fuse.sshfs"}
    except OSError:
        return False


def sqlite_path(url: str | URL) -> str | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return None
    db = u.database or ""
    return None if db in ("", ":memory:") else db


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA cache_size=-65536")  # 64 MiB: bulk pipeline runs touch many pages
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Store:
    """The database of one installation. Thread-safe: each unit of work has its own session."""

    def __init__(self, url: str | None = None, *, echo: bool = False) -> None:
        self.url = resolve_url(url)
        path = sqlite_path(self.url)
        self.is_sqlite = make_url(self.url).get_backend_name() == "sqlite"
        if path is not None:
            if is_network_path(path):
                raise DomainError(ErrorCode.NETWORK_SHARE_REFUSED, path=path)
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False,
                                      "timeout": BUSY_TIMEOUT_MS / 1000}
        else:
            kwargs["pool_pre_ping"] = True
            # No server-side prepared statements: psycopg would prepare a statement after
            # five runs, and PostgreSQL may keep the generic plan it chose while a table was
            # still empty — a sequential scan that never goes away as the table grows.
            kwargs["connect_args"] = {"prepare_threshold": None}
        self.engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        self._reads = sessionmaker(self.engine, expire_on_commit=False)
        self._writes = sessionmaker(self.engine.execution_options(**{_WRITE: True}),
                                    expire_on_commit=False)

    @property
    def sqlite_file(self) -> str | None:
        return sqlite_path(self.url)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed at the end, rolled back on any error."""
        with self._writes() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (a deferred transaction; never takes the write lock)."""
        with self._reads() as session:
            try:
                yield session
            finally:
                session.rollback()

    def dispose(self) -> None:
        self.engine.dispose()

    def describe(self) -> str:
        """The URL without its password, for logs and the settings page."""
        return describe_url(self.url)
