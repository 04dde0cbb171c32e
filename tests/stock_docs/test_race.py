"""Two stations at once (threads, each its own transaction): a transfer is received once,
an order's goods come back at most once, the damaged-goods warehouse is made once."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ecerp_desktop.domain.errors import DomainError
from ecerp_desktop.services import returns as rt
from ecerp_desktop.services import transfers as tr

from .conftest import KEEPER, DocWorld


def race(n: int, fn: Callable[[], object]) -> tuple[int, list[BaseException]]:
    barrier = threading.Barrier(n)
    ok: list[object] = []
    errors: list[BaseException] = []

    def work() -> None:
        barrier.wait()
        try:
            ok.append(fn())
        except BaseException as exc:  # collected and asserted on
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return len(ok), errors


def test_two_stations_receiving_one_transfer_post_once(world: DocWorld) -> None:
    t = tr.create(world.store, KEEPER, "HZ", "SH", [("TEA-1", 6)])
    tr.ship(world.store, KEEPER, t.number)
    done, errors = race(4, lambda: tr.receive(world.store, KEEPER, t.number))
    assert done == 1 and len(errors) == 3
    assert all(isinstance(e, DomainError) for e in errors), errors
    assert world.bal(world.sh, "TEA-1") == (6, 0, 0)
    world.ledger_ok()


def test_two_stations_returning_one_order_never_exceed_what_shipped(world: DocWorld) -> None:
    o = world.ship_order([("TEA-1", 3)])
    done, errors = race(3, lambda: rt.receive(world.store, KEEPER, o.waybill,
                                              [rt.ReturnItem("TEA-1", 2, "damaged")]))
    assert done == 1 and len(errors) == 2
    assert all(isinstance(e, DomainError) for e in errors), errors
    assert sum(r.total_qty for r in rt.list_returns(world.store, KEEPER)) == 2
    world.ledger_ok()
