"""Bulk inserts at the driver level, for the hot paths (order sync at thousands a second).

SQLAlchemy's per-row parameter processing costs more than the insert itself when rows have
thirty columns; here the values are converted once per column kind, exactly as the column
types would convert them (``Money`` → integer fen, ``UTCDateTime`` → naive UTC, SQLite's
DATETIME text format, JSON text, booleans), and handed to the driver's ``executemany``.
Only SQLite and PostgreSQL take the fast path; anything else goes through Core.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Table, insert
from sqlalchemy.orm import Session

from ecerp_desktop.domain.money import to_fen
from ecerp_desktop.store.types import Money, UTCDateTime

Convert = Callable[[Any], Any]


def _fen(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        cents = value * 100
        whole = int(cents)
        if whole == cents:  # already whole fen: no rounding to do
            return whole
    return to_fen(value)


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError("naive datetimes are not stored: pass an aware UTC time")
    return value.astimezone(UTC).replace(tzinfo=None)


def _sqlite_time(value: Any) -> str | None:
    v = _utc(value)
    # SQLAlchemy's SQLite DATETIME storage format, so both paths compare and sort alike
    return None if v is None else v.isoformat(" ", "microseconds")


def _json(value: Any) -> str:
    return json.dumps(value)


def _converter(col_type: Any, dialect: str) -> Convert | None:
    if isinstance(col_type, Money):
        return _fen
    if isinstance(col_type, UTCDateTime):
        return _sqlite_time if dialect == "sqlite" else _utc
    if isinstance(col_type, JSON):
        return _json
    if isinstance(col_type, Boolean):
        return (lambda v: None if v is None else int(bool(v))) if dialect == "sqlite" else (
            lambda v: None if v is None else bool(v))
    return None


_Plan = tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]]]
_cache: dict[tuple[str, str, tuple[str, ...], bool], _Plan] = {}


def _plan(table: Table, keys: tuple[str, ...], dialect: str, ignore: bool) -> _Plan:
    converters = [_converter(table.c[k].type, dialect) for k in keys]  # KeyError if a key
    # is not a column: only the table's own names ever reach the SQL text
    # columns left out get their Python-side defaults, as Core would apply them
    extra_cols, extra_vals = [], []
    for col in table.columns:
        if col.name in keys or col.default is None or col.primary_key:
            continue
        d: Any = col.default
        value = d.arg if d.is_scalar else d.arg(None) if d.is_callable else None
        if not (d.is_scalar or d.is_callable):
            continue
        conv = _converter(col.type, dialect)
        extra_cols.append(col.name)
        extra_vals.append(value if conv is None else conv(value))
    names = [*keys, *extra_cols]
    mark = "?" if dialect == "sqlite" else "%s"
    cols = ", ".join(f'"{k}"' for k in names)
    sql = f'INSERT INTO "{table.name}" ({cols}) VALUES ({", ".join([mark] * len(names))})'  # noqa: S608
    if ignore:
        sql += " ON CONFLICT DO NOTHING"
    # one compiled function turns a row dict into the driver's tuple (the hot loop); the
    # source holds only the table's own column names (checked above), as repr literals
    env: dict[str, Any] = {f"c{i}": c for i, c in enumerate(converters) if c is not None}
    env["extra"] = tuple(extra_vals)
    parts = [f"r[{k!r}]" if c is None else f"c{i}(r[{k!r}])"
             for i, (k, c) in enumerate(zip(keys, converters, strict=True))]
    to_tuple = eval(f"lambda r: ({', '.join(parts)},) + extra", env)
    return sql, to_tuple


def insert_rows(s: Session, table: Table, rows: Sequence[dict[str, Any]], *,
                ignore_conflicts: bool = False) -> None:
    """INSERT *rows* (dicts with the same keys) into *table* in one executemany;
    with *ignore_conflicts*, rows that hit a unique constraint are skipped."""
    if not rows:
        return
    dialect = s.get_bind().dialect.name
    keys = tuple(rows[0])
    if dialect not in ("sqlite", "postgresql"):
        s.connection().execute(insert(table), list(rows))
        return
    cache_key = (dialect, table.name, keys, ignore_conflicts)
    plan = _cache.get(cache_key)
    if plan is None:
        plan = _cache[cache_key] = _plan(table, keys, dialect, ignore_conflicts)
    sql, to_tuple = plan
    s.connection().exec_driver_sql(sql, [to_tuple(row) for row in rows])
