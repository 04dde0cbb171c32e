"""The pipeline on a real database: NEW orders to APPROVED parcels with stock reserved, or
HELD with the reason and the rule; on SQLite and PostgreSQL."""

from __future__ import annotations

from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import pipeline as svc

from .conftest import World


def test_plain_order_is_approved_with_a_parcel_and_reserved_stock(world: World) -> None:
    oid = world.order([("TEA-1", 2), ("CUP-1", 1)], province="广东省")
    res = svc.process_pending(world.store, SYSTEM)
    assert res.approved == 1 and res.held_total == 0
    assert world.status(oid) == "approved"
    [(_pid, status, wh, courier, lines)] = world.parcels(oid)
    assert status == "open" and wh == world.gz  # nearest warehouse to 广东 has it all
    assert courier == world.couriers["ZTO"]  # cheapest
    assert sorted((sku, q) for _, sku, q in lines) == sorted(
        [(world.sku["TEA-1"], 2), (world.sku["CUP-1"], 1)])
    assert world.balance(world.gz, "TEA-1") == (100, 2)
    h = world.history(oid)[-1]
    assert h.action == "approved" and any("courier ZTO" in w for w in h.detail["why"])

