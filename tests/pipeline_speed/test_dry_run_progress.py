"""A dry run reports its progress chunk by chunk and stops when cancelled (the rules
screen shows a progress bar with a Cancel button over a month of orders)."""

from __future__ import annotations

from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import pipeline as svc

from .conftest import World


def test_dry_run_reports_done_and_total_per_chunk(world: World) -> None:
    for _ in range(5):
        world.order([("TEA-1", 1)])
    seen: list[tuple[int, int]] = []
    res = svc.dry_run(world.store, SYSTEM, days=1, chunk_size=2,
                      progress=lambda done, total: seen.append((done, total)))
    assert res.processed == 5 and not res.cancelled
    assert [t for _, t in seen] == [5] * len(seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1] == (5, 5)
    assert len(seen) == 3  # chunks of 2, 2 and 1


def test_dry_run_stops_when_cancelled(world: World) -> None:
    for _ in range(6):
        world.order([("CUP-1", 1)])
    seen: list[int] = []
    res = svc.dry_run(world.store, SYSTEM, days=1, chunk_size=2,
                      progress=lambda done, total: seen.append(done),
                      cancel=lambda: len(seen) >= 1)
    assert res.cancelled
    assert seen == [2] and res.processed == 2  # the first chunk's counts are kept
    assert len(res.outcome) == 2


def test_dry_run_cancelled_before_start_plans_nothing(world: World) -> None:
    world.order([("TEA-1", 1)])
    res = svc.dry_run(world.store, SYSTEM, days=1, cancel=lambda: True)
    assert res.cancelled and res.processed == 0 and res.outcome == {}
