"""Printing from the order review screen: the selected orders open the print dialog,
preset to their waybills; a role without the print right cannot start it."""

from __future__ import annotations

from ecerp_desktop.domain.auth import Role, actor_for
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.orders_page import OrdersPage
from ecerp_desktop.ui.print_orders_dialog import PrintOrdersDialog


def test_print_action_needs_the_print_right(qtbot, sqlite_store) -> None:  # type: ignore[no-untyped-def]
    finance = OrdersPage(PageContext(store=sqlite_store,
                                     actor=actor_for(None, "fin", Role.FINANCE)))
    qtbot.addWidget(finance)
    assert not finance.actions["print"].isEnabled()
    clerk = OrdersPage(PageContext(store=sqlite_store, actor=actor_for(None, "c", Role.CLERK)))
    qtbot.addWidget(clerk)
    assert clerk.actions["print"].isEnabled()
    assert clerk.ask_print() is None  # nothing selected: says so, opens nothing
    assert clerk.status_line.text()


def test_selected_orders_open_the_print_dialog(qtbot, sqlite_store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    page = OrdersPage(PageContext(store=sqlite_store, actor=actor_for(None, "c", Role.CLERK)))
    qtbot.addWidget(page)
    monkeypatch.setattr(page, "selected_ids", lambda: [7, 9])
    seen: list[tuple[list[str], str]] = []
    monkeypatch.setattr(PrintOrdersDialog, "open", lambda self: None)
    original = PrintOrdersDialog.__init__

    def spy(self, ctx, refs, kind="waybill", parent=None):  # type: ignore[no-untyped-def]
        seen.append((list(refs), kind))
        original(self, ctx, refs, kind, parent)

    monkeypatch.setattr(PrintOrdersDialog, "__init__", spy)
    dialog = page.ask_print()
    assert isinstance(dialog, PrintOrdersDialog)
    assert seen == [(["7", "9"], "waybill")]
    dialog.close()
