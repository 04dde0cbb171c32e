"""The stock ledger: balances move only with ledger rows, reservations never overdraw."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.stock import Balance, MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import stock as st
from ecerp_desktop.store.schema import StockBalanceRow, StockMoveRow
from sqlalchemy import delete, update

from .conftest import Stocked


def _receive(x: Stocked, qty: int, sku: int | None = None) -> None:
    sku = x.sku_ids[0] if sku is None else sku
    with x.store.write() as s:
        st.post_moves(s, [st.Move(x.warehouse_id, sku, MoveKind.RECEIPT, "receipt", "R1",
                                  d_on_hand=qty)], utcnow())


def _bal(x: Stocked, sku: int | None = None) -> st.BalanceRecord:
    with x.store.read() as s:
        return st.balance(s, x.warehouse_id, x.sku_ids[0] if sku is None else sku)


def test_receive_reserve_ship_release(stocked: Stocked) -> None:
    x, sku, now = stocked, stocked.sku_ids[0], utcnow()
    _receive(x, 10)
    with x.store.write() as s:
        assert st.reserve(s, x.warehouse_id, sku, 4, doc_type="order", doc_id="1", now=now)
        assert st.reserve(s, x.warehouse_id, sku, 6, doc_type="order", doc_id="2", now=now)
        assert not st.reserve(s, x.warehouse_id, sku, 1, doc_type="order", doc_id="3", now=now)
    assert (_bal(x).on_hand, _bal(x).reserved, _bal(x).available) == (10, 10, 0)
    with x.store.write() as s:
        assert st.ship(s, x.warehouse_id, sku, 4, doc_type="order", doc_id="1", now=now)
        assert st.release(s, x.warehouse_id, sku, 6, doc_type="order", doc_id="2", now=now)
        assert not st.release(s, x.warehouse_id, sku, 1, doc_type="order", doc_id="2", now=now)
        assert not st.ship(s, x.warehouse_id, sku, 1, doc_type="order", doc_id="2", now=now)
    assert _bal(x).as_balance() == Balance(6, 0, 0)
    with x.store.read() as s:
        kinds = [m.kind for m in st.moves(s, sku_id=sku)]
        assert st.rebuild_from_ledger(s) == []
    assert kinds == [MoveKind.RELEASE, MoveKind.SHIPMENT, MoveKind.RESERVE, MoveKind.RESERVE,
                     MoveKind.RECEIPT]


def test_reserve_without_any_stock_fails(stocked: Stocked) -> None:
    with stocked.store.write() as s:
        assert not st.reserve(s, stocked.warehouse_id, stocked.sku_ids[1], 1,
                              doc_type="order", doc_id="9", now=utcnow())
    assert _bal(stocked, stocked.sku_ids[1]).as_balance() == Balance()


def test_overdraw_posts_nothing(stocked: Stocked) -> None:
    x = stocked
    _receive(x, 3)
    with pytest.raises(DomainError) as info, x.store.write() as s:
        st.post_moves(s, [
            st.Move(x.warehouse_id, x.sku_ids[1], MoveKind.RECEIPT, "r", "2", d_on_hand=5),
            st.Move(x.warehouse_id, x.sku_ids[0], MoveKind.ADJUSTMENT, "adj", "1",
                    d_on_hand=-4)], utcnow())
    assert info.value.code is ErrorCode.INSUFFICIENT_STOCK
    assert _bal(x).on_hand == 3 and _bal(x, x.sku_ids[1]).on_hand == 0
    with x.store.read() as s:
        assert len(st.moves(s)) == 1


def test_set_on_hand_is_idempotent_and_respects_reservations(stocked: Stocked) -> None:
    x, sku, now = stocked, stocked.sku_ids[0], utcnow()
    kw = {"kind": MoveKind.OPENING, "doc_type": "import", "doc_id": "f", "now": now}
    with x.store.write() as s:
        assert st.set_on_hand(s, x.warehouse_id, sku, 12, **kw) == 12
        assert st.set_on_hand(s, x.warehouse_id, sku, 12, **kw) == 0
        assert st.reserve(s, x.warehouse_id, sku, 5, doc_type="order", doc_id="1", now=now)
        assert st.set_on_hand(s, x.warehouse_id, sku, 7, **kw) == -5
    with pytest.raises(DomainError), x.store.write() as s:
        st.set_on_hand(s, x.warehouse_id, sku, 4, **kw)  # below the 5 reserved
    assert _bal(x).as_balance() == Balance(7, 5, 0)
    with x.store.read() as s:
        assert len(st.moves(s)) == 3


def test_rebuild_detects_a_tampered_balance(stocked: Stocked) -> None:
    x = stocked
    _receive(x, 10)
    _receive(x, 2, x.sku_ids[1])
    with x.store.write() as s:
        s.execute(update(StockBalanceRow).where(StockBalanceRow.sku_id == x.sku_ids[0]).values(on_hand=11))
    with x.store.read() as s:
        drifts = st.rebuild_from_ledger(s)
    assert drifts == [st.Drift(x.warehouse_id, x.sku_ids[0], Balance(11, 0, 0),
                               Balance(10, 0, 0))]


def test_rebuild_detects_a_deleted_move(stocked: Stocked) -> None:
    x = stocked
    _receive(x, 10)
    with x.store.write() as s:
        s.execute(delete(StockMoveRow))
    with x.store.read() as s:
        assert [d.ledger for d in st.rebuild_from_ledger(s)] == [Balance()]


def test_quantities_must_be_positive(stocked: Stocked) -> None:
    with pytest.raises(DomainError) as info, stocked.store.write() as s:
        st.reserve(s, stocked.warehouse_id, stocked.sku_ids[0], 0, doc_type="o", doc_id="1",
                   now=utcnow())
    assert info.value.code is ErrorCode.INVALID_QUANTITY
