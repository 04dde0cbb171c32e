"""Opening a database: upgrade the schema (after a backup) and make sure roles exist; and
the settings page's "test connection" (reach a database and read its schema, changing
nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.services import auth
from ecerp_desktop.store import Store, migrate
from ecerp_desktop.store.database import describe_url


def open_store(url: str | None = None, *, upgrade: bool = True) -> Store:
    """The store for *url* (see ``store.resolve_url``), upgraded to the newest schema."""
    store = Store(url)
    if upgrade:
        upgrade_database(store)
    return store


def upgrade_database(store: Store) -> bool:
    """Bring the schema to the newest revision; returns True when anything changed."""
    changed = migrate.upgrade(store)
    auth.ensure_roles(store)
    return changed


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass(frozen=True)
class DatabaseCheck:
    description: str  # the URL without its password
    revision: str | None  # None: an empty database (the first start will create the schema)
    needs_upgrade: bool


def check_database(url: str) -> DatabaseCheck:
    """Connect to *url* and read its schema revision; DomainError when that fails. Never
    changes the database it looks at."""
    try:
        store = Store(url)  # raises NETWORK_SHARE_REFUSED for SQLite on a share
    except DomainError:
        raise
    except Exception as exc:  # not a URL SQLAlchemy understands
        raise DomainError(ErrorCode.DATABASE_UNREACHABLE, url=describe_url(url),
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
