"""Opening a database: upgrade the schema (after a backup) and make sure roles exist."""

from __future__ import annotations

from ecerp_desktop.services import auth
from ecerp_desktop.store import Store, migrate


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
