"""Runs pause Python's cyclic garbage collector (a fifth of a big run's time went to it)
and always switch it back on: a desktop app left without it would only grow."""

from __future__ import annotations

import gc

import pytest
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import pipeline as svc

from .conftest import World


def test_collector_off_during_runs_and_on_after(world: World) -> None:
    world.order([("TEA-1", 1)])
    assert gc.isenabled()
    during: list[bool] = []
    svc.dry_run(world.store, SYSTEM, days=1, progress=lambda d, t: during.append(gc.isenabled()))
    svc.process_pending(world.store, SYSTEM,
                        progress=lambda d, t: during.append(gc.isenabled()))
    assert during == [False, False] and gc.isenabled()


def test_collector_back_on_when_a_run_fails(world: World) -> None:
    world.order([("TEA-1", 1)])

    def boom(done: int, total: int) -> None:
        raise RuntimeError("progress display broke")

    with pytest.raises(RuntimeError):
        svc.process_pending(world.store, SYSTEM, progress=boom)
    assert gc.isenabled()


def test_collector_left_off_when_the_app_had_it_off(world: World) -> None:
    world.order([("TEA-1", 1)])
    gc.disable()
    try:
        svc.process_pending(world.store, SYSTEM)
        assert not gc.isenabled()
    finally:
        gc.enable()
