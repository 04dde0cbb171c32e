"""The pipeline's shop world (tests/pipeline/conftest.py), shared rather than copied."""

from __future__ import annotations

import pytest
from ecerp_desktop.store import Store

from pipeline.conftest import World, build_world

__all__ = ["World"]


@pytest.fixture
def world(store: Store) -> World:
    return build_world(store)
