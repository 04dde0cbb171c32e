"""Persistence: SQLAlchemy 2 tables, Alembic migrations, one database URL.

Only this package imports SQLAlchemy. Services get a unit of work from :class:`Store` and
call the query modules here, which hand back frozen dataclasses, never live ORM rows.
"""

from .database import Store, default_sqlite_url, resolve_url

__all__ = ["Store", "default_sqlite_url", "resolve_url"]
