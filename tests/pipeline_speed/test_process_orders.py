"""process_orders: the pipeline on a clerk's selection, through the same chunk loop as
process_pending (the review screen's approve and re-run actions use it)."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.auth import SYSTEM, Role, actor_for
from ecerp_desktop.domain.errors import DomainError
from ecerp_desktop.domain.rules import ruleset_from_dict
from ecerp_desktop.services import pipeline as svc

from .conftest import World


def test_only_the_given_orders_are_planned(world: World) -> None:
    a = world.order([("TEA-1", 2)])
    b = world.order([("CUP-1", 1)], message="投诉")
    other = world.order([("POT-1", 1)])
    svc.save_rules(world.store, SYSTEM, ruleset_from_dict({"rules": [
        {"id": 1, "name": "complaints", "when": [{"kind": "buyer_message",
                                                   "contains": ["投诉"]}],
         "then": [{"kind": "hold", "reason": "buyer_message"}]}]}))
    res = svc.process_orders(world.store, SYSTEM, [b, a, a])
    assert res.statuses == {a: "approved", b: "held"}
    assert res.processed == 2 and res.approved == 1 and res.held == {"buyer_message": 1}
    assert world.status(other) == "new" and world.parcels(other) == []
    assert world.balance(world.gz, "TEA-1") == (100, 2)  # a's stock reserved


def test_orders_not_pending_are_left_alone(world: World) -> None:
    a = world.order([("TEA-1", 1)])
    svc.process_orders(world.store, SYSTEM, [a])
    parcels = world.parcels(a)
    res = svc.process_orders(world.store, SYSTEM, [a])  # approved: not planned again
    assert res.processed == 0 and res.statuses == {}
    assert world.parcels(a) == parcels and world.balance(world.gz, "TEA-1") == (100, 1)


def test_progress_per_chunk_and_cancel(world: World) -> None:
    ids = [world.order([("CUP-1", 1)]) for _ in range(5)]
    seen: list[tuple[int, int]] = []
    res = svc.process_orders(world.store, SYSTEM, ids, chunk_size=2,
                             progress=lambda d, t: seen.append((d, t)),
                             cancel=lambda: len(seen) >= 2)
    assert res.cancelled and seen == [(2, 5), (4, 5)]
    assert sorted(res.statuses) == ids[:4]
    assert [world.status(i) for i in ids] == ["approved"] * 4 + ["new"]


def test_needs_the_review_right(world: World) -> None:
    a = world.order([("TEA-1", 1)])
    with pytest.raises(DomainError):
        svc.process_orders(world.store, actor_for(None, "packer", Role.PACKER), [a])
    assert world.status(a) == "new"
