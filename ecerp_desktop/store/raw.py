"""Driver-level bulk statements for the hot paths (the pipeline's writes, the ledger).

At tens of thousands of rows SQLAlchemy's per-row parameter processing costs more than the
database's own work, so :class:`Raw` converts values here exactly as the column types would
and hands the driver one executemany (SQLite) or one statement over arrays (PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ecerp_desktop.domain.money import to_fen

IN = 900  # ids per IN (…) list: well below every database's parameter limit


def chunks(items: Sequence[Any], n: int = IN) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


_DEC: dict[Any, Decimal] = {}


class Raw:
    """Driver-level executemany for the hot bulk statements of a run.

    At these volumes SQLAlchemy's per-row parameter processing costs more than the
    database's own work, so values are converted here exactly as the column types would:
    Money → integer fen, aware datetime → naive UTC (SQLAlchemy's text format on SQLite),
    JSON → text. Statements are written with ``?`` and get ``%s`` on PostgreSQL; every
    value is a bound parameter.
    """

    def __init__(self, s: Session) -> None:
        self.conn = s.connection()
        self.pg = self.conn.dialect.name == "postgresql"

    def many(self, sql: str, rows: Sequence[tuple[Any, ...]], pg: str | None = None) -> int:
        """*sql* once per row (an executemany); on PostgreSQL *pg* instead, when given:
        one statement over the columns as arrays (``unnest``), since there every row of
        an executemany is a round trip to the server. Returns the rows changed."""
        if not rows:
            return 0
        if self.pg:
            if pg is not None:
                cols = tuple(list(c) for c in zip(*rows, strict=True))
                return int(self.conn.exec_driver_sql(pg, cols).rowcount)
            sql = sql.replace("?", "%s")
        return int(self.conn.exec_driver_sql(sql, list(rows)).rowcount)

    def dt(self, v: datetime | None) -> Any:
        if v is None:
            return None
        naive = v.astimezone(UTC).replace(tzinfo=None)
        return naive if self.pg else naive.strftime("%Y-%m-%d %H:%M:%S.%f")

    def rows(self, sql: str, ids: Sequence[Any], tail: str = "", bound: int = 0
             ) -> list[tuple[Any, ...]]:
        """``sql`` ending in ``IN `` completed with one placeholder per id (the first
        *bound* values are for placeholders already in *sql*); on PostgreSQL ``= ANY``
        of one array instead (one plan for any length, see :meth:`parts`)."""
        if self.pg:
            full = sql.removesuffix("IN ") + "= ANY(%s)" + tail
            params = (*ids[:bound], list(ids[bound:]))
            return list(self.conn.exec_driver_sql(full, params).fetchall())
        full = sql + "(" + ", ".join(["?"] * (len(ids) - bound)) + ")" + tail
        return list(self.conn.exec_driver_sql(full, tuple(ids)).fetchall())

    def parts(self, items: Sequence[Any], n: int = IN) -> Iterable[Sequence[Any]]:
        """*items* in pieces for :meth:`rows`: all at once on PostgreSQL (an array is one
        parameter), a few hundred at a time on SQLite (one parameter each)."""
        if self.pg:
            return [items] if items else []
        return chunks(items, n)

    def from_dt(self, v: Any) -> datetime | None:
        if v is None:
            return None
        if isinstance(v, str):
            v = datetime.fromisoformat(v)
        return v.replace(tzinfo=UTC)

    @staticmethod
    def dec(v: Any) -> Decimal:
        """Integer fen → Decimal yuan (amounts repeat: each is built once per run)."""
        got = _DEC.get(v)
        if got is None:
            got = Decimal(int(v or 0)).scaleb(-2)
            if len(_DEC) > 50_000:
                _DEC.clear()
            _DEC[v] = got
        return got

    @staticmethod
    def js(v: Any) -> str:
        return json.dumps(v)

    @staticmethod
    def fen(v: Decimal | None) -> int | None:
        return None if v is None else to_fen(v)
