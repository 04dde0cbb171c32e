"""The ledger tab (moves newest first, filtered, each naming its document and user; a
double-click copies the document id) and turnover over a seeded ledger."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.services import auth, stock_view
from ecerp_desktop.store.stock import Move, post_moves
from PySide6.QtGui import QGuiApplication

from .conftest import Seeded, code


def test_ledger_filters_and_copies_the_document(qtbot, stock_page, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    from ecerp_desktop.domain.auth import SYSTEM, Role

    user = auth.create_user(seeded.store, SYSTEM, "cangguan", "correct horse 1", Role.WAREHOUSE)
    with seeded.store.write() as s:
        post_moves(s, [Move(seeded.hz, seeded.ids[code(4)], MoveKind.SHIPMENT, "order",
                            "3719055060544802021", d_on_hand=-3, user_id=user.id)],
                   seeded.now)
    stock_page.show()
    tab = stock_page.open_tab("ecerp_desktop.ui.stock_ledger_tab:LedgerTab")
    qtbot.waitUntil(lambda: not tab.model.loading and tab.model.rowCount() > 0)
    ids = [tab.model.row_at(i).id for i in range(tab.model.rowCount())]
    assert ids == sorted(ids, reverse=True)  # newest first

    tab.sku_edit.setText(code(4))
    tab.kind_box.setCurrentIndex(tab.kind_box.findData("shipment"))
    tab.apply_filter()
    qtbot.waitUntil(lambda: not tab.model.loading)
    assert tab.model.rowCount() == 1
    row = tab.model.row_at(0)
    assert (row.doc_type, row.doc_id, row.user, row.d_on_hand) == (
        "order", "3719055060544802021", "cangguan", -3)
    assert tab.model.data(tab.model.index(0, 5)) == "出库"  # the kind, in words
    tab.table.doubleClicked.emit(tab.model.index(0, 3))
    assert QGuiApplication.clipboard().text() == "3719055060544802021"

    tab.sku_edit.clear()
    tab.kind_box.setCurrentIndex(0)
    tab.doc_type_edit.setText("order")
    tab.doc_id_edit.setText("O5")
    tab.apply_filter()
    qtbot.waitUntil(lambda: not tab.model.loading)
    assert {tab.model.row_at(i).code for i in range(tab.model.rowCount())} == {code(5)}

    tab.doc_id_edit.clear()
    tab.doc_type_edit.clear()
    tab.sku_edit.setText("NO-SUCH-SKU")
    tab.apply_filter()
    qtbot.waitUntil(lambda: not tab.model.loading)
    assert tab.model.rowCount() == 0


def test_turnover_of_a_seeded_ledger(seeded: Seeded, owner) -> None:  # type: ignore[no-untyped-def]
    now = seeded.now
    sku = seeded.ids[code(0)]  # 0 on hand in the seed
    with seeded.store.write() as s:
        post_moves(s, [
            Move(seeded.gz, sku, MoveKind.RECEIPT, "po", "P1", d_on_hand=100,
                 at=now - timedelta(days=40)),
            Move(seeded.gz, sku, MoveKind.SHIPMENT, "order", "A", d_on_hand=-30,
                 at=now - timedelta(days=20)),
            Move(seeded.gz, sku, MoveKind.RETURN, "return", "R", d_on_hand=5,
                 at=now - timedelta(days=10)),
            Move(seeded.gz, sku, MoveKind.RECEIPT, "po", "P2", d_on_hand=50,
                 at=now - timedelta(days=5)),
        ], now)
    rows = stock_view.turnover_rows(seeded.store, owner, now - timedelta(days=30), now,
                                    warehouse_id=seeded.gz, text=code(0))
    assert len(rows) == 1
    r = rows[0]
    assert (r.opening, r.closing, r.sold, r.days) == (100, 125, 25, 30)
    assert r.turnover == Decimal("0.22")  # 25 / ((100 + 125) / 2)
    assert r.turnover_days == Decimal("136.36")  # 30 / 0.22
    assert r.cover_days == Decimal("150.00")  # 125 units at 25 per 30 days


def test_turnover_tab_lists_slow_movers_first(qtbot, stock_page, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    sku = seeded.ids[code(9)]
    with seeded.store.write() as s:
        post_moves(s, [Move(seeded.hz, sku, MoveKind.SHIPMENT, "order", "B", d_on_hand=-80,
                            at=seeded.now - timedelta(days=2))], seeded.now)
    stock_page.show()
    tab = stock_page.open_tab("ecerp_desktop.ui.stock_turnover_tab:TurnoverTab")
    tab.preset(7)
    qtbot.waitUntil(lambda: not tab.computing, timeout=10_000)
    rows = tab.model.rows()
    assert len(rows) == len(seeded.balances)
    rates = [r.turnover for r in rows if r.turnover is not None]
    assert rates == sorted(rates)  # slowest first
    assert rows[len(rates) - 1].code == code(9)  # the one that sold is last of the movers
    assert all(r.turnover is None for r in rows[len(rates):])  # no stock at all: at the end
    assert all(r.days == 7 for r in rows)
    path = tab.export_bar
    assert path.xlsx_button.isEnabled()
