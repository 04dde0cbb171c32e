"""A hypothesis state machine over the whole stock ledger on a real database: receive,
return, reserve, release, ship, adjust, transfers to and from a second warehouse (ship,
receive, cancel), and counts (create, scan on two stations, reset, post with either policy
for the uncounted) interleaved with everything else.

A pure model keeps the balances; after every step the stored balances equal the model and
the ledger rebuilt from its moves (no drift), reserved ≤ on hand and nothing is negative.
Refused operations (not enough stock, a count that would go below reserved, posting twice)
must change nothing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.stock import Balance, MoveKind
from ecerp_desktop.domain.stocktake import Status, Uncounted
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import stock as stock_svc
from ecerp_desktop.services import stocktake as count_svc
from ecerp_desktop.services import transfers
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import stock as st
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as stg
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from .conftest import KEEPER

_run = itertools.count()
qty = stg.integers(min_value=1, max_value=6)
which = stg.integers(0, 1)


@dataclass
class ModelCount:
    """What the model knows of the open count: the book at first count and the total."""

    number: str
    skus: list[int]
    book: dict[int, int] = field(default_factory=dict)
    counted: dict[int, int] = field(default_factory=dict)
    scans: int = 0
    frozen: bool = False


def _machine(store: Store) -> type[RuleBasedStateMachine]:
    class Ledger(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            n = next(_run)
            self.wh_code = f"W{n}"
            self.codes = [f"M{n}-{i}" for i in range(2)]
            self.other_code = f"X{n}"
            with store.write() as s:
                self.wh = cat.upsert_warehouse(s, code=self.wh_code, name=f"仓{n}").id
                self.other = cat.upsert_warehouse(s, code=self.other_code,
                                                  name=f"分仓{n}").id
                ids = cat.upsert_skus(s, [cat.SkuInput(c, "x") for c in self.codes],
                                      utcnow())
            self.skus = [ids[c] for c in self.codes]
            self.model = {k: Balance() for k in self.skus}  # the counted warehouse
            self.model2 = {k: Balance() for k in self.skus}  # the other one
            self.transit: list[tuple[str, int, int, bool]] = []  # number, SKU, qty, outward
            self.count: ModelCount | None = None
            self.posted: list[str] = []

        # --- moves -----------------------------------------------------------------------

        def _post(self, i: int, kind: MoveKind, d: int) -> None:
            with store.write() as s:
                st.post_moves(s, [st.Move(self.wh, self.skus[i], kind, "machine", "1",
                                          d_on_hand=d)], utcnow())
            self.model[self.skus[i]] = self.model[self.skus[i]].apply(d, 0, 0)

        @rule(i=which, q=qty)
        def receive(self, i: int, q: int) -> None:
            self._post(i, MoveKind.RECEIPT, q)

        @rule(i=which, q=qty)
        def buyer_returns(self, i: int, q: int) -> None:
            self._post(i, MoveKind.RETURN, q)

        @rule(i=which, q=qty)
        def reserve(self, i: int, q: int) -> None:
            k = self.skus[i]
            with store.write() as s:
                ok = st.reserve(s, self.wh, k, q, doc_type="order", doc_id="1", now=utcnow())
            assert ok == (self.model[k].available >= q)
            if ok:
                self.model[k] = self.model[k].apply(0, q, 0)

        @rule(i=which, q=qty)
        def release(self, i: int, q: int) -> None:
            k = self.skus[i]
            with store.write() as s:
                ok = st.release(s, self.wh, k, q, doc_type="order", doc_id="1", now=utcnow())
            assert ok == (self.model[k].reserved >= q)
            if ok:
                self.model[k] = self.model[k].apply(0, -q, 0)

        @rule(i=which, q=qty)
        def ship(self, i: int, q: int) -> None:
            k = self.skus[i]
            with store.write() as s:
                ok = st.ship(s, self.wh, k, q, doc_type="order", doc_id="1", now=utcnow())
            assert ok == (self.model[k].reserved >= q)
            if ok:
                self.model[k] = self.model[k].apply(-q, -q, 0)

        @rule(i=which, d=stg.integers(-6, 6).filter(bool))
        def adjust(self, i: int, d: int) -> None:
            k = self.skus[i]
            after = self.model[k].apply(d, 0, 0)
            try:
                stock_svc.adjust(store, KEEPER, self.wh_code, self.codes[i], d, "machine")
            except DomainError as exc:
                assert exc.code is ErrorCode.INSUFFICIENT_STOCK
                assert not after.is_valid()
            else:
                assert after.is_valid()
                self.model[k] = after

        # --- transfers between the two warehouses --------------------------------------

        @rule(i=which, q=qty)
        def receive_at_other(self, i: int, q: int) -> None:
            k = self.skus[i]
            with store.write() as s:
                st.post_moves(s, [st.Move(self.other, k, MoveKind.RECEIPT, "machine", "1",
                                          d_on_hand=q)], utcnow())
            self.model2[k] = self.model2[k].apply(q, 0, 0)

        @rule(i=which, q=qty, outward=stg.booleans())
        def ship_transfer(self, i: int, q: int, outward: bool) -> None:
            k = self.skus[i]
            src, dst = (self.model, self.model2) if outward else (self.model2, self.model)
            codes = (self.wh_code, self.other_code) if outward else (self.other_code,
                                                                      self.wh_code)
            rec = transfers.create(store, KEEPER, *codes, [(self.codes[i], q)])
            try:
                transfers.ship(store, KEEPER, rec.number)
            except DomainError as exc:
                assert exc.code is ErrorCode.INSUFFICIENT_STOCK
                assert src[k].available < q
                return
            assert src[k].available >= q
            src[k] = src[k].apply(-q, 0, 0)
            dst[k] = dst[k].apply(0, 0, q)
            self.transit.append((rec.number, k, q, outward))

        @precondition(lambda self: bool(self.transit))
        @rule(cancel=stg.booleans())
        def transfer_arrives_or_is_cancelled(self, cancel: bool) -> None:
            number, k, q, outward = self.transit.pop(0)
            src, dst = (self.model, self.model2) if outward else (self.model2, self.model)
            if cancel:
                transfers.cancel(store, KEEPER, number, "machine")
                src[k] = src[k].apply(q, 0, 0)
            else:
                transfers.receive(store, KEEPER, number)
                dst[k] = dst[k].apply(q, 0, 0)
            dst[k] = dst[k].apply(0, 0, -q)

        # --- counts ----------------------------------------------------------------------

        @precondition(lambda self: self.count is None)
        @rule(both=stg.booleans(), i=which, freeze=stg.booleans())
        def open_count(self, both: bool, i: int, freeze: bool) -> None:
            codes = self.codes if both else [self.codes[i]]
            got = count_svc.create(store, KEEPER, self.wh_code, skus=codes, freeze=freeze)
            skus = [self.skus[self.codes.index(c)] for c in codes]
            self.count = ModelCount(got.number, skus, frozen=freeze)
            if freeze:  # every book taken now
                self.count.book = {k: self.model[k].on_hand for k in skus}

        @precondition(lambda self: self.count is not None)
        @rule(i=which, q=qty, station=stg.sampled_from(["A", "B"]))
        def scan(self, i: int, q: int, station: str) -> None:
            self._scan(i, q, station)

        @precondition(lambda self: self.count is not None)
        @rule(i=which)
        def scan_one_unit(self, i: int) -> None:
            self._scan(i, 1, "C")

        def _scan(self, i: int, q: int, station: str) -> None:
            assert self.count is not None
            self.count.scans += 1
            k = self.skus[i]
            got = count_svc.scan(store, KEEPER, self.count.number, self.codes[i], qty=q,
                                 station=station)
            if k not in self.count.skus:
                assert not got.ok
                return
            assert got.ok
            self.count.book.setdefault(k, self.model[k].on_hand)
            self.count.counted[k] = self.count.counted.get(k, 0) + q
            assert got.counted == self.count.counted[k]

        @precondition(lambda self: self.count is not None)
        @rule(i=which)
        def recount(self, i: int) -> None:
            assert self.count is not None
            k = self.skus[i]
            voided = count_svc.reset(store, KEEPER, self.count.number, self.codes[i])
            assert voided == self.count.counted.pop(k, 0)
            if not self.count.frozen:
                self.count.book.pop(k, None)

        @precondition(lambda self: self.count is not None and self.count.scans > 0)
        @rule(zero=stg.booleans())
        def post_count(self, zero: bool) -> None:
            c = self.count
            assert c is not None
            policy = Uncounted.ZERO if zero else Uncounted.EXCLUDE
            after = {}
            for k in c.skus:
                b = self.model[k]
                if k in c.counted:
                    after[k] = b.on_hand + c.counted[k] - c.book[k]
                elif policy is Uncounted.EXCLUDE:
                    after[k] = b.on_hand
                else:  # counted as zero: against the frozen book, else all of it goes
                    after[k] = b.on_hand - c.book[k] if k in c.book else 0
            # the other warehouse is never touched by this count
            refused = any(after[k] < self.model[k].reserved for k in c.skus)
            try:
                count_svc.post(store, KEEPER, c.number, uncounted=policy)
            except DomainError as exc:
                assert refused and exc.code is ErrorCode.COUNT_BELOW_RESERVED
                event("count refused: below reserved")
                assert count_svc.get(store, KEEPER, c.number).status is Status.OPEN
                return
            assert not refused
            event(f"count posted ({policy.value}, {len(c.counted)} counted)")
            for k in c.skus:
                self.model[k] = Balance(after[k], self.model[k].reserved,
                                        self.model[k].in_transit)
            self.posted.append(c.number)
            self.count = None

        @precondition(lambda self: bool(self.posted))
        @rule()
        def post_again(self) -> None:
            try:
                count_svc.post(store, KEEPER, self.posted[-1])
            except DomainError as exc:
                assert exc.code is ErrorCode.COUNT_NOT_OPEN
            else:
                raise AssertionError("a count was posted twice")

        # --- invariants ------------------------------------------------------------------

        @invariant()
        def store_equals_model_and_ledger(self) -> None:
            with store.read() as s:
                for wh, model in ((self.wh, self.model), (self.other, self.model2)):
                    for k in self.skus:
                        got = st.balance(s, wh, k).as_balance()
                        assert got == model[k]
                        assert got.is_valid() and got.on_hand >= 0 and got.reserved >= 0
                drifts = [d for d in st.rebuild_from_ledger(s)
                          if d.warehouse_id in (self.wh, self.other)]
            assert drifts == []

    return Ledger


def test_ledger_machine_with_counts(store: Store) -> None:
    machine = _machine(store)
    machine.TestCase.settings = settings(
        max_examples=40 if store.is_sqlite else 20, stateful_step_count=30, deadline=None,
        suppress_health_check=list(HealthCheck))
    run_state_machine_as_test(machine, settings=machine.TestCase.settings)
