"""The pipeline's shop world (tests/pipeline/conftest.py) for the rules screen, in the
default language (Chinese) with no op left running after a test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ecerp_desktop.store import Store
from ecerp_desktop.ui import i18n
from ecerp_desktop.ui.ops import wait_all
from PySide6.QtWidgets import QApplication

from pipeline.conftest import World, build_world  # the pipeline tests' package

__all__ = ["World"]


@pytest.fixture(autouse=True)
def chinese(qapp: QApplication) -> Iterator[None]:
    before = i18n.current_language()
    assert i18n.install("zh_CN"), "the zh_CN translation must compile and load"
    yield
    wait_all()
    i18n.install(before)  # other folders' tests expect the language they started with


@pytest.fixture
def rworld(sqlite_store: Store) -> World:
    return build_world(sqlite_store)
