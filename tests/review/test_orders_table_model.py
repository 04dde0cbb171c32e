"""The table model alone over an in-memory page source: rows appear page by page, evicted
pages come back from their cursor, and a page of an older filter never lands in a newer
list."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

from ecerp_desktop.services.review import Cursor, Page, ReviewRow
from ecerp_desktop.ui.orders_table_model import OrdersTableModel
from pytestqt.qtbot import QtBot

WAIT = 5000


def _row(i: int, tag: str = "") -> ReviewRow:
    at = datetime(2026, 11, 1, tzinfo=UTC)
    return ReviewRow(i, f"T{i}{tag}", "店", "taobao", "review", "", (), at, at, Decimal("1"),
                     "", "", "", "", "", "", "", "", (), False, None)


class Source:
    """N rows with ids N..1 (newest first), paged by id like the real keyset query."""

    def __init__(self, n: int, tag: str = "", gate: threading.Event | None = None) -> None:
        self.ids = list(range(n, 0, -1))
        self.tag = tag
        self.gate = gate
        self.calls: list[Cursor | None] = []

    def __call__(self, after: Cursor | None, limit: int) -> Page:
        if self.gate is not None:
            self.gate.wait(5)
        self.calls.append(after)
        rest = [i for i in self.ids if after is None or i < after.id]
        chunk = rest[:limit]
        nxt = Cursor(chunk[-1], chunk[-1]) if len(rest) > limit else None
        return Page(tuple(_row(i, self.tag) for i in chunk), nxt)


def test_pages_load_on_demand_and_evicted_rows_come_back(qtbot: QtBot) -> None:
    m = OrdersTableModel()
    m.page_size, m.max_cached_pages = 10, 3
    src = Source(95)
    with qtbot.waitSignal(m.first_page_shown, timeout=WAIT):
        m.reset(src)
    assert m.rowCount() == 10 and m.canFetchMore()
    while m.canFetchMore():
        with qtbot.waitSignal(m.page_loaded, timeout=WAIT):
            m.fetchMore()
        assert m.cached_rows() <= 30
    assert m.rowCount() == 95 and m.loaded_pages() == 10
    assert [m.id_at(r) for r in range(95)] == list(range(95, 0, -1))  # ids kept, in order
    assert m.row_at(0) is None  # evicted: it is being read again
    with qtbot.waitSignal(m.dataChanged, timeout=WAIT):
        pass
    assert m.index(0, 1).data() == "T95" and m.cached_rows() <= 30
    assert src.calls[-1] is None  # page one read again from its own start


def test_a_page_of_an_older_filter_is_dropped(qtbot: QtBot) -> None:
    m = OrdersTableModel()
    gate = threading.Event()
    slow = Source(50, "-old", gate)
    m.reset(slow)  # still waiting at the gate
    fresh = Source(5, "-new")
    gate.set()
    with qtbot.waitSignal(m.first_page_shown, timeout=WAIT):
        m.reset(fresh)
    qtbot.wait(50)
    assert m.rowCount() == 5
    assert {m.index(r, 1).data() for r in range(5)} == {f"T{i}-new" for i in range(1, 6)}
