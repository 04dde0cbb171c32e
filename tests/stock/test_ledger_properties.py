"""A hypothesis state machine over receive, adjust, reserve, release, ship and recount on a
real database: the stored balances always equal a simple model, the ledger always adds up
to the balances, and reserved never exceeds on hand."""

from __future__ import annotations

import itertools

from ecerp_desktop.domain.errors import DomainError
from ecerp_desktop.domain.stock import Balance, MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import stock as st
from hypothesis import HealthCheck, settings
from hypothesis import strategies as stg
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

_run = itertools.count()
qty = stg.integers(min_value=1, max_value=8)


def _machine(store: Store) -> type[RuleBasedStateMachine]:
    class Ledger(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            n = next(_run)
            with store.write() as s:
                self.wh = cat.upsert_warehouse(s, code=f"W{n}", name=f"仓{n}").id
                ids = cat.upsert_skus(s, [cat.SkuInput(f"P{n}-{i}", "x") for i in range(2)],
                                      utcnow())
            self.skus = sorted(ids.values())
            self.model = {k: Balance() for k in self.skus}

        def _sku(self, i: int) -> int:
            return self.skus[i]

        @rule(i=stg.integers(0, 1), q=qty)
        def receive(self, i: int, q: int) -> None:
            with store.write() as s:
                st.post_moves(s, [st.Move(self.wh, self._sku(i), MoveKind.RECEIPT, "r", "1",
                                          d_on_hand=q)], utcnow())
            self.model[self._sku(i)] = self.model[self._sku(i)].apply(q, 0, 0)

        @rule(i=stg.integers(0, 1), q=qty)
        def order_from_supplier(self, i: int, q: int) -> None:
            with store.write() as s:
                st.post_moves(s, [st.Move(self.wh, self._sku(i), MoveKind.IN_TRANSIT, "po",
                                          "1", d_in_transit=q)], utcnow())
            self.model[self._sku(i)] = self.model[self._sku(i)].apply(0, 0, q)

        @rule(i=stg.integers(0, 1), q=qty)
        def receive_against_po(self, i: int, q: int) -> None:
            ok = self.model[self._sku(i)].in_transit >= q
            try:
                with store.write() as s:
                    st.post_moves(s, [st.Move(self.wh, self._sku(i), MoveKind.RECEIPT, "po",
                                              "1", d_on_hand=q, d_in_transit=-q)], utcnow())
            except DomainError:
                assert not ok
            else:
                assert ok
                self.model[self._sku(i)] = self.model[self._sku(i)].apply(q, 0, -q)

        @rule(i=stg.integers(0, 1), d=stg.integers(-8, 8))
        def adjust(self, i: int, d: int) -> None:
            after = self.model[self._sku(i)].apply(d, 0, 0)
            try:
                with store.write() as s:
                    st.post_moves(s, [st.Move(self.wh, self._sku(i), MoveKind.ADJUSTMENT,
                                              "adj", "1", d_on_hand=d)], utcnow())
            except DomainError:
                assert not after.is_valid()
            else:
                assert after.is_valid()
                self.model[self._sku(i)] = after

        @rule(i=stg.integers(0, 1), q=qty)
        def reserve(self, i: int, q: int) -> None:
            with store.write() as s:
                ok = st.reserve(s, self.wh, self._sku(i), q, doc_type="order", doc_id="1",
                                now=utcnow())
            assert ok == (self.model[self._sku(i)].available >= q)
            if ok:
                self.model[self._sku(i)] = self.model[self._sku(i)].apply(0, q, 0)

        @rule(i=stg.integers(0, 1), q=qty)
        def release(self, i: int, q: int) -> None:
            with store.write() as s:
                ok = st.release(s, self.wh, self._sku(i), q, doc_type="order", doc_id="1",
                                now=utcnow())
            assert ok == (self.model[self._sku(i)].reserved >= q)
            if ok:
                self.model[self._sku(i)] = self.model[self._sku(i)].apply(0, -q, 0)

        @rule(i=stg.integers(0, 1), q=qty)
        def ship(self, i: int, q: int) -> None:
            with store.write() as s:
                ok = st.ship(s, self.wh, self._sku(i), q, doc_type="order", doc_id="1",
                             now=utcnow())
            assert ok == (self.model[self._sku(i)].reserved >= q)
            if ok:
                self.model[self._sku(i)] = self.model[self._sku(i)].apply(-q, -q, 0)

        @rule(i=stg.integers(0, 1), n=stg.integers(0, 20))
        def recount(self, i: int, n: int) -> None:
            b = self.model[self._sku(i)]
            try:
                with store.write() as s:
                    st.set_on_hand(s, self.wh, self._sku(i), n, kind=MoveKind.COUNT,
                                   doc_type="count", doc_id="1", now=utcnow())
            except DomainError:
                assert n < b.reserved
            else:
                self.model[self._sku(i)] = Balance(n, b.reserved, b.in_transit)

        @invariant()
        def ledger_equals_balance_equals_model(self) -> None:
            with store.read() as s:
                for k in self.skus:
                    got = st.balance(s, self.wh, k).as_balance()
                    assert got == self.model[k]
                    assert got.is_valid()
                drifts = [d for d in st.rebuild_from_ledger(s) if d.warehouse_id == self.wh]
            assert drifts == []

    return Ledger


def test_ledger_state_machine(store: Store) -> None:
    machine = _machine(store)
    machine.TestCase.settings = settings(
        max_examples=15 if store.is_sqlite else 8, stateful_step_count=15, deadline=None,
        suppress_health_check=list(HealthCheck))
    run_state_machine_as_test(machine, settings=machine.TestCase.settings)


