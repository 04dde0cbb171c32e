"""The pipeline's shop world (tests/pipeline/conftest.py) for merging across runs and
splitting by volume."""

from __future__ import annotations

import pytest
from ecerp_desktop.store import Store

from pipeline.conftest import World, build_world  # the pipeline tests' package

__all__ = ["World"]


@pytest.fixture
def world(store: Store) -> World:
    return build_world(store)
