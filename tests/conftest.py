"""Shared fixtures: a fresh, migrated database per test on SQLite and on PostgreSQL.

SQLite: one migrated template file per session, copied for each test.
PostgreSQL: one migrated template database per session, cloned with CREATE DATABASE …
TEMPLATE for each test. The server is ECERP_TEST_PG_URL (default: the local server with
trust auth); when none answers, the PostgreSQL half of each test skips with the reason.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")

import pytest
from ecerp_desktop.services.setup import open_store
from ecerp_desktop.store import Store

PG_ADMIN_URL = os.environ.get("ECERP_TEST_PG_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")
_pg_skip_reason: str | None = None


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own user data folder and keyring file, never the real ones."""
    d = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("ECERP_DATA_DIR", str(d))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(d / "xdg"))
    monkeypatch.delenv("ECERP_DATABASE_URL", raising=False)


@pytest.fixture
def collect_after_qt_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a Qt test, collect its garbage here, on the GUI thread. Left for later, a
    widget kept alive only by a reference cycle could be freed by a collection a worker
    thread happens to start in the next test, deleting it off the GUI thread (a segfault
    seen now and then in the purchasing page tests). Used by the folders whose screens
    hold such cycles; not everywhere: the print queue's tests rely on objects living on."""
    yield
    if "qapp" in request.fixturenames:
        import gc

        gc.collect()


@pytest.fixture(autouse=True)
def _source_language_after() -> Iterator[None]:
    """Tests that install a translation (the UI tests start in Chinese) give the source
    language back, so no test depends on which folder ran before it."""
    yield
    import sys

    i18n = sys.modules.get("ecerp_desktop.ui.i18n")
    if i18n is not None:
        from PySide6.QtCore import QCoreApplication

        if QCoreApplication.instance() is not None:
            i18n.install("en")


def _pg_admin():  # -> psycopg.Connection | None
    global _pg_skip_reason
    import psycopg

    try:
        conn = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        _pg_skip_reason = (f"PostgreSQL not reachable at {PG_ADMIN_URL} ({exc}); set "
                           "ECERP_TEST_PG_URL to run the PostgreSQL half of the tests")
        return None
    return conn


def _pg_url(dbname: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{dbname}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tmpl") / "template.sqlite3"
    store = open_store(f"sqlite:///{path}")
    store.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    admin = _pg_admin()
    if admin is None:
        yield None
        return
    name = f"ecerp_tmpl_{os.getpid()}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    store = open_store(_pg_url(name))
    store.dispose()
    yield name
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def sqlite_store(sqlite_template: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "ecerp.sqlite3"
    shutil.copy(sqlite_template, path)
    store = Store(f"sqlite:///{path}")
    yield store
    store.dispose()


@pytest.fixture
def pg_store(pg_template: str | None) -> Iterator[Store]:
    if pg_template is None:
        pytest.skip(_pg_skip_reason or "PostgreSQL not available")
    admin = _pg_admin()
    assert admin is not None
    name = f"ecerp_t_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    store = Store(_pg_url(name))
    yield store
    store.dispose()
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> Store:
    """The same test on both databases."""
    if request.param == "postgres":
        return request.getfixturevalue("pg_store")
    return request.getfixturevalue("sqlite_store")


@pytest.fixture
def empty_pg_url() -> Iterator[str]:
    """An empty PostgreSQL database (no schema at all), dropped afterwards."""
    admin = _pg_admin()
    if admin is None:
        pytest.skip(_pg_skip_reason or "PostgreSQL not available")
    name = f"ecerp_e_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    yield _pg_url(name)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()
