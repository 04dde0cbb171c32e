"""`ecerp db upgrade` from empty on SQLite and PostgreSQL; twice changes nothing; the
migrated schema equals the models; a local SQLite file is backed up before an upgrade."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from ecerp_desktop.cli.main import main as cli
from ecerp_desktop.store import Store, migrate
from ecerp_desktop.store.models import metadata
from sqlalchemy import inspect, text


def _schema_diff(store: Store) -> list:
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, metadata)


def _upgrade_twice(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["--db", url, "db", "upgrade"]) == 0
    assert "upgraded to" in capsys.readouterr().out
    store = Store(url)
    tables = set(inspect(store.engine).get_table_names())
    assert {"orders", "order_lines", "stock_balances", "stock_moves", "outbox", "users",
            "audit_log", "waybills", "couriers", "customers", "listings"} <= tables
    assert _schema_diff(store) == []
    assert migrate.current_revision(store) == migrate.head_revision()
    store.dispose()
    assert cli(["--db", url, "db", "upgrade"]) == 0
    assert "already at" in capsys.readouterr().out


def test_sqlite_from_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _upgrade_twice(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", capsys)


@pytest.mark.postgres
def test_postgres_from_empty(empty_pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _upgrade_twice(empty_pg_url, capsys)


def test_sqlite_is_backed_up_before_an_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    store = Store(f"sqlite:///{path}")
    cfg = migrate._config()
    from alembic import command

    with store.engine.begin() as conn:  # an older database: schema at the first revision
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO settings (key, value, updated_at) "
                          "VALUES ('marker', '{\"v\": 1}', '2026-01-01 00:00:00')"))
    before = set(tmp_path.iterdir())
    changed = migrate.upgrade(store)
    backups = [p for p in set(tmp_path.iterdir()) - before if ".bak-" in p.name]
    assert changed  # 0001 → head
    assert len(backups) == 1
    copy = Store(f"sqlite:///{backups[0]}")
    with copy.engine.connect() as conn:
        assert conn.execute(text("SELECT key FROM settings")).scalar() == "marker"


def test_sqlite_pragmas_keep_the_ledger_safe(sqlite_store: Store) -> None:
    with sqlite_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_fast_head_lookup_agrees_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate._config())
    assert script.get_heads() == [migrate.head_revision()]
    assert {r.revision for r in script.walk_revisions()} == set(migrate.revisions())


def test_a_database_from_a_newer_ecerp_is_refused(sqlite_store: Store) -> None:
    from ecerp_desktop.domain.errors import DomainError, ErrorCode

    with sqlite_store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DomainError) as info:
        migrate.needs_upgrade(sqlite_store)
    assert info.value.code is ErrorCode.SCHEMA_TOO_NEW
