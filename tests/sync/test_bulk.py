"""store.bulk writes exactly what the column types would (fen, UTC, JSON, defaults), on
SQLite and PostgreSQL alike, and refuses what they refuse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import shops as shop_store
from ecerp_desktop.store.bulk import insert_rows
from ecerp_desktop.store.schema import OrderRow
from sqlalchemy import select

CST = timezone(timedelta(hours=8))


def _row(pid: str, **over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "shop_id": 1, "platform_order_id": pid, "status": "new",
        "paid_amount": Decimal("12.30"), "total_amount": Decimal("1.005"),
        "created_at": datetime(2026, 11, 11, 0, 0, 1, tzinfo=CST),
        "modified_at": datetime(2026, 11, 11, 8, 0, 0, 123456, tzinfo=UTC),
        "pulled_at": utcnow(), "updated_at": utcnow(), "paid_at": None,
        "raw": {"tid": "1", "名": "张三", "n": [1, 2]}, "is_cod": True,
    }
    base.update(over)
    return base


def test_values_read_back_as_the_orm_writes_them(store: Store) -> None:
    with store.write() as s:
        shop_store.add(s, platform="taobao", name="t", endpoint="", app_key="",
                       credential_ref="", now=utcnow())
        insert_rows(s, OrderRow.__table__, [_row("a"), _row("b", raw=None)],
                    ignore_conflicts=True)
        insert_rows(s, OrderRow.__table__, [_row("a")], ignore_conflicts=True)  # skipped
        s.add(OrderRow(**_row("orm")))
    cols = ("paid_amount", "total_amount", "created_at", "modified_at", "raw", "is_cod",
            "priority", "tags", "country", "seller_flag", "paid_at")
    with store.read() as s:
        rows = {r.platform_order_id: {c: getattr(r, c) for c in cols}
                for r in s.scalars(select(OrderRow))}
    assert set(rows) == {"a", "b", "orm"}
    a, orm = rows["a"], rows["orm"]
    assert a == orm
    assert a["total_amount"] == Decimal("1.01")  # rounded half-up to the fen, like Money
    assert a["created_at"] == datetime(2026, 11, 10, 16, 0, 1, tzinfo=UTC)
    assert a["tags"] == [] and a["priority"] == 0 and rows["b"]["raw"] is None
    with store.read() as s:  # the stored times sort and compare with the ORM's
        newer = s.scalars(select(OrderRow.platform_order_id).where(
            OrderRow.modified_at > datetime(2026, 11, 11, 8, 0, 0, tzinfo=UTC))).all()
    assert sorted(newer) == ["a", "b", "orm"]


def test_naive_times_are_refused(store: Store) -> None:
    with pytest.raises(ValueError), store.write() as s:
        insert_rows(s, OrderRow.__table__, [_row("n", created_at=datetime(2026, 1, 1))])
