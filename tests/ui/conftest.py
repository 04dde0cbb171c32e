"""UI test fixtures: the bundled font, a language per test, users to log in with."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ecerp_desktop.domain.auth import SYSTEM, Actor, Role, actor_for
from ecerp_desktop.services import auth
from ecerp_desktop.store import Store
from ecerp_desktop.ui import i18n
from ecerp_desktop.ui.fonts import register_bundled_font
from ecerp_desktop.ui.ops import wait_all
from PySide6.QtWidgets import QApplication

PASSWORD = "correct horse 1"


@pytest.fixture(scope="session", autouse=True)
def _bundled_font(qapp: QApplication) -> None:
    register_bundled_font(qapp)


@pytest.fixture(autouse=True)
def chinese(qapp: QApplication) -> Iterator[None]:
    """Every UI test starts in the default language, Chinese, and leaves no op running
    (the root conftest gives the source language back afterwards)."""
    assert i18n.install("zh_CN"), "the zh_CN translation must compile and load"
    yield
    wait_all()


def add_user(store: Store, username: str, role: Role, password: str = PASSWORD) -> Actor:
    """Create a user and return them as an actor (one Argon2 hash, no log-in)."""
    user = auth.create_user(store, SYSTEM, username, password, role)
    return actor_for(user.id, user.username, role)


@pytest.fixture
def admin(sqlite_store: Store) -> Actor:
    return add_user(sqlite_store, "admin", Role.ADMIN)
