"""The settings page's "test connection": can this PC reach that database, and its schema?

Runs on a worker thread (through ui.ops); never changes the database it looks at.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.store import Store, migrate
from ecerp_desktop.ui.appconfig import split_password


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass(frozen=True)
class DatabaseCheck:
    description: str  # the URL without its password
    revision: str | None  # None: an empty database (the first start will create the schema)
    needs_upgrade: bool


def check_database(url: str) -> DatabaseCheck:
    """Connect to *url* and read its schema revision; DomainError when that fails."""
    try:
        store = Store(url)  # raises NETWORK_SHARE_REFUSED for SQLite on a share
    except DomainError:
        raise
    except Exception as exc:  # not a URL SQLAlchemy understands
        raise DomainError(ErrorCode.DATABASE_UNREACHABLE, url=split_password(url)[0],
                          error=_first_line(exc)) from exc
    try:
        description = store.describe()
        try:
            revision = migrate.current_revision(store)
            upgrade = migrate.needs_upgrade(store)
        except DomainError:
            raise
        except Exception as exc:  # the driver's own error: its first line says enough
            raise DomainError(ErrorCode.DATABASE_UNREACHABLE, url=description,
                              error=_first_line(exc)) from exc
        return DatabaseCheck(description, revision, upgrade)
    finally:
        store.dispose()
