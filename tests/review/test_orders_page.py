"""The review screen under pytest-qt on a seeded database: open, filter, select, batch
approve and hold with the progress dialog, the detail panel with history and rule names,
masking for the clerk, and a model that never holds more than a few pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from ecerp_desktop.domain.auth import Actor
from ecerp_desktop.services import review as rv
from ecerp_desktop.services.review import ReviewFilter
from ecerp_desktop.store import Store
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.orders_page import OrdersPage
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from .conftest import ADMIN, CLERK, World

WAIT = 10_000


def _open(qtbot: QtBot, store: Store, actor: Actor) -> OrdersPage:
    page = OrdersPage(PageContext(store=store, actor=actor))
    qtbot.addWidget(page)
    page.resize(1400, 800)
    with qtbot.waitSignal(page.counts_loaded, timeout=WAIT):
        page.show()
    qtbot.waitUntil(lambda: not page.model.loading, timeout=WAIT)
    return page


def _reload(qtbot: QtBot, page: OrdersPage) -> None:
    with qtbot.waitSignal(page.counts_loaded, timeout=WAIT):
        page.apply_filter()
    qtbot.waitUntil(lambda: not page.model.loading, timeout=WAIT)


def _column(page: OrdersPage, key: str) -> list[str]:
    from ecerp_desktop.ui.orders_table_model import COLUMNS

    c = next(i for i, col in enumerate(COLUMNS) if col.key == key)
    return [page.model.index(r, c).data() for r in range(page.model.rowCount())]


def _select(page: OrdersPage, ids: list[int]) -> None:
    sel = page.table.selectionModel()
    sel.clearSelection()
    for oid in ids:
        row = page.model.row_of(oid)
        assert row is not None
        sel.select(page.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                   | QItemSelectionModel.SelectionFlag.Rows)


@pytest.fixture
def seeded(sworld: World) -> tuple[World, dict[str, int]]:
    w = sworld
    t0 = datetime(2026, 11, 20, tzinfo=UTC)
    ids = {
        "ok": w.order([("TEA-1", 1)], name="欧阳娜娜", phone="13912345678",
                      detail="文三路 478 号", paid_at=t0),
        "big": w.order([("TEA-1", 1)], paid="6000.00", paid_at=t0 + timedelta(hours=1)),
        "angry": w.order([("CUP-1", 1)], message="我要投诉", paid_at=t0 + timedelta(hours=2)),
        "jd": w.order([("CUP-1", 1)], shop=w.shop2, buyer="' OR 1=1 --",
                      paid_at=t0 + timedelta(hours=3)),
    }
    w.process()
    return w, ids


def test_open_filter_and_the_counts(qtbot: QtBot, seeded: tuple[World, dict[str, int]]
                                    ) -> None:
    w, ids = seeded
    page = _open(qtbot, w.store, CLERK)
    assert page.model.rowCount() == 4
    assert page.status_count("held") == 2 and page.status_count("approved") == 2
    assert page.status_count("__all__") == 4
    assert page.count_label.text() == "4 shown of 4"
    # a status in the navigation
    with qtbot.waitSignal(page.counts_loaded, timeout=WAIT):
        page.select_status("held")
    qtbot.waitUntil(lambda: not page.model.loading, timeout=WAIT)
    assert sorted(page.model.id_at(r) for r in range(page.model.rowCount())) == sorted(
        [ids["big"], ids["angry"]])
    # hostile search text typed into the buyer box matches literally
    page.select_status(None)
    page.search.setText("' OR 1=1 --")
    _reload(qtbot, page)
    assert [page.model.id_at(r) for r in range(page.model.rowCount())] == [ids["jd"]]
    page.search.setText("%")
    _reload(qtbot, page)
    assert page.model.rowCount() == 0
    # the shop combo
    page.search.clear()
    page.shop.setCurrentIndex(page.shop.findData(w.shop2))
    _reload(qtbot, page)
    assert [page.model.id_at(r) for r in range(page.model.rowCount())] == [ids["jd"]]


def test_the_clerk_sees_masked_buyer_data_in_table_and_detail(
        qtbot: QtBot, seeded: tuple[World, dict[str, int]]) -> None:
    w, ids = seeded
    page = _open(qtbot, w.store, CLERK)
    phones = _column(page, "receiver_phone")
    assert "139****5678" in phones and "13912345678" not in phones
    assert "欧阳娜娜" not in _column(page, "receiver_name")
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(page.model.row_of(ids["ok"]), 0))
    with qtbot.waitSignal(page.detail_loaded, timeout=WAIT):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    text = page.detail.address.text()
    assert "139****5678" in text and "13912345678" not in text and "478" not in text
    # the phone search matches by hash while the list keeps it masked
    page.phone.setText("139 1234 5678")
    _reload(qtbot, page)
    assert [page.model.id_at(r) for r in range(page.model.rowCount())] == [ids["ok"]]


def test_detail_panel_shows_history_with_the_rule_and_stock(
        qtbot: QtBot, seeded: tuple[World, dict[str, int]]) -> None:
    w, ids = seeded
    page = _open(qtbot, w.store, ADMIN)
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(page.model.row_of(ids["big"]), 0))
    with qtbot.waitSignal(page.detail_loaded, timeout=WAIT):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    hist = page.detail.history
    rules = [hist.item(r, 5).text() for r in range(hist.rowCount())]
    assert "big order check" in rules
    lines = page.detail.lines
    assert lines.item(0, 3).text().startswith("TEA-1")
    assert "杭州仓 100/0" in lines.item(0, 8).text()


def test_keyboard_space_selects_and_batch_approve_and_hold_with_progress(
        qtbot: QtBot, seeded: tuple[World, dict[str, int]]) -> None:
    w, ids = seeded
    page = _open(qtbot, w.store, CLERK)
    page.progress_threshold = 1  # every batch shows its progress dialog here
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(page.model.row_of(ids["big"]), 0))
    page.table.selectionModel().clearSelection()
    qtbot.keyClick(page.table, Qt.Key.Key_Space)
    assert page.selected_ids() == [ids["big"]]
    seen: list[QProgressDialog] = []
    page.model.first_page_shown.connect(lambda: None)

    def spy() -> None:
        dlg = page.findChild(QProgressDialog, "batchProgress")
        if dlg is not None:
            seen.append(dlg)
    timer = QTimer(page)
    timer.timeout.connect(spy)
    timer.start(1)
    with qtbot.waitSignal(page.batch_finished, timeout=WAIT) as blocker:
        qtbot.keyClick(page.table, Qt.Key.Key_F2)  # approve
    timer.stop()
    res = blocker.args[0]
    assert isinstance(res, rv.BatchResult) and res.done == 1
    assert w.status(ids["big"]) == "approved"
    assert seen, "the progress dialog was shown"
    # the list refreshes by itself after the write
    qtbot.waitUntil(lambda: page.status_count("approved") == 3, timeout=WAIT)

    # hold the approved ok order with a reason typed into the dialog
    qtbot.waitUntil(lambda: page.model.row_of(ids["ok"]) is not None, timeout=WAIT)
    _select(page, [ids["ok"]])

    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        if isinstance(dlg, QInputDialog):
            dlg.setTextValue("客户要求改地址")
            dlg.accept()
        else:
            QTimer.singleShot(10, answer)
    QTimer.singleShot(10, answer)
    with qtbot.waitSignal(page.batch_finished, timeout=WAIT) as blocker:
        page.actions["hold"].trigger()
    assert blocker.args[0].done == 1
    assert w.status(ids["ok"]) == "held"
    d = rv.order_detail(w.store, ADMIN, ids["ok"])
    assert [h.detail for h in d.holds if h.released_at is None] == ["客户要求改地址"]
    assert d.history[-1].action == "held" and d.history[-1].actor == "clerk1"


def test_whole_filter_result_batch_with_progress_and_cancel(
        qtbot: QtBot, sworld: World) -> None:
    import threading

    from ecerp_desktop.ui.ops import run_op

    w = sworld
    for _ in range(12):
        w.order([("TEA-1", 1)], message="我要投诉")
    w.order([("TEA-1", 1)])
    w.process()
    page = _open(qtbot, w.store, CLERK)
    page.set_filter(ReviewFilter(statuses=("held",)))
    qtbot.waitUntil(lambda: page.model.rowCount() == 12 and not page.model.loading,
                    timeout=WAIT)
    page.whole_result.setChecked(True)
    # hold the database lane so the batch is still queued when the clerk cancels
    gate = threading.Event()
    run_op(gate.wait)
    with qtbot.waitSignal(page.batch_finished, timeout=WAIT) as blocker:
        page.batch(rv.BatchAction.RELEASE)
        assert page.progress is not None and page.progress.isVisible()
        cancel = page.progress.findChild(QPushButton)
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        gate.set()
    assert blocker.args[0].cancelled and blocker.args[0].done == 0
    assert rv.status_counts(w.store, CLERK, ReviewFilter())["held"] == 12
    # and without cancelling, the whole result is released
    qtbot.waitUntil(lambda: not page.model.loading, timeout=WAIT)
    with qtbot.waitSignal(page.batch_finished, timeout=WAIT) as blocker:
        page.batch(rv.BatchAction.RELEASE)
    assert blocker.args[0].done == 12 and not blocker.args[0].cancelled
    counts = rv.status_counts(w.store, CLERK, ReviewFilter())
    assert counts.get("held", 0) == 0 and counts["review"] == 12


def test_the_model_never_holds_more_than_a_few_pages(qtbot: QtBot, sworld: World) -> None:
    w = sworld
    from ecerp_desktop.store import bulk
    from ecerp_desktop.store.schema import OrderRow

    now = datetime(2026, 11, 1, tzinfo=UTC)
    with w.store.write() as s:
        bulk.insert_rows(s, OrderRow.__table__, [
            {"shop_id": w.shop, "platform_order_id": f"B{i:06d}", "status": "review",
             "created_at": now, "paid_at": now + timedelta(seconds=i), "modified_at": now,
             "pulled_at": now, "updated_at": now} for i in range(2500)])
    page = _open(qtbot, w.store, CLERK)
    page.model.page_size = 100
    _reload(qtbot, page)
    seen_ids: set[int] = set()
    peak = 0
    for _ in range(40):
        if not page.model.canFetchMore():
            break
        page.table.scrollToBottom()
        page.model.fetchMore()
        qtbot.waitUntil(lambda: not page.model.loading, timeout=WAIT)
        peak = max(peak, page.model.cached_rows())
    assert page.model.rowCount() == 2500
    assert not page.model.canFetchMore()
    assert peak <= page.model.max_cached_pages * page.model.page_size
    # rows of an evicted page come back when shown again
    page.table.scrollToTop()
    qtbot.waitUntil(lambda: page.model.index(0, 1).data() != "…", timeout=WAIT)
    for r in range(0, 2500, 97):
        seen_ids.add(page.model.id_at(r))
    assert len(seen_ids) == len(range(0, 2500, 97))
    assert page.model.index(0, 1).data() == "B002499"


def test_export_from_the_page_is_masked_for_the_clerk(
        qtbot: QtBot, seeded: tuple[World, dict[str, int]], tmp_path) -> None:
    w, _ids = seeded
    page = _open(qtbot, w.store, CLERK)
    assert page.actions["export"].isEnabled()
    path = tmp_path / "review.csv"
    with qtbot.waitSignal(page.batch_finished, timeout=WAIT) as blocker:
        page.export_to(str(path))
    assert blocker.args[0] == 4
    text = path.read_text(encoding="utf-8-sig")
    assert "139****5678" in text and "13912345678" not in text and "欧阳娜娜" not in text


def test_split_by_hand_from_the_page(qtbot: QtBot, sworld: World) -> None:
    from ecerp_desktop.ui.orders_page import SplitDialog

    w = sworld
    oid = w.order([("TEA-1", 1), ("CUP-1", 2)])
    w.process()
    assert w.status(oid) == "approved"
    page = _open(qtbot, w.store, CLERK)
    _select(page, [oid])

    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        if isinstance(dlg, SplitDialog):
            assert len(dlg.spins) == 2
            dlg.spins[1].setValue(2)
            dlg.accept()
        else:
            QTimer.singleShot(10, answer)
    QTimer.singleShot(10, answer)
    with qtbot.waitSignal(page.batch_finished, timeout=WAIT) as blocker:
        qtbot.keyClick(page.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
    assert isinstance(blocker.args[0], list) and len(blocker.args[0]) == 2
    d = rv.order_detail(w.store, ADMIN, oid)
    assert d.history[-1].action == "split"


def test_sorting_only_by_the_allowed_columns(qtbot: QtBot,
                                             seeded: tuple[World, dict[str, int]]) -> None:
    from ecerp_desktop.ui.orders_table_model import COLUMNS

    w, ids = seeded
    page = _open(qtbot, w.store, CLERK)
    header = page.table.horizontalHeader()
    amount = next(i for i, c in enumerate(COLUMNS) if c.key == "paid_amount")
    with qtbot.waitSignal(page.counts_loaded, timeout=WAIT):
        header.setSortIndicator(amount, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: not page.model.loading, timeout=WAIT)
    assert page.sort == rv.Sort("paid_amount", True)
    assert page.model.id_at(0) == ids["big"]
    # a column without an index behind it: the sort stays what it was
    shop = next(i for i, c in enumerate(COLUMNS) if c.key == "shop")
    header.setSortIndicator(shop, Qt.SortOrder.AscendingOrder)
    assert page.sort == rv.Sort("paid_amount", True)
    assert header.sortIndicatorSection() == amount


def test_a_saved_filter_comes_back_for_the_same_user(
        qtbot: QtBot, seeded: tuple[World, dict[str, int]]) -> None:
    w, ids = seeded
    page = _open(qtbot, w.store, CLERK)
    page.set_filter(ReviewFilter(statuses=("held",), has_message=True))
    qtbot.waitUntil(lambda: not page.model.loading, timeout=WAIT)
    assert [page.model.id_at(r) for r in range(page.model.rowCount())] == [ids["angry"]]
    page.save_filter_as("投诉待处理")
    qtbot.waitUntil(lambda: page.saved.findData("投诉待处理") > 0, timeout=WAIT)
    page.close()
    again = _open(qtbot, w.store, CLERK)
    assert again.model.rowCount() == 4
    qtbot.waitUntil(lambda: again.saved.findData("投诉待处理") > 0, timeout=WAIT)
    again.saved.setCurrentIndex(again.saved.findData("投诉待处理"))
    again.saved.activated.emit(again.saved.currentIndex())
    qtbot.waitUntil(lambda: not again.model.loading and again.model.rowCount() == 1,
                    timeout=WAIT)
    assert again.model.id_at(0) == ids["angry"]
    assert again.current_filter() == ReviewFilter(statuses=("held",), has_message=True)
