"""The main window: navigation to every area the role allows, and only to those."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.auth import Actor, Permission, Role, actor_for
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.services import auth
from ecerp_desktop.store import Store
from ecerp_desktop.ui.areas import AREAS, Area
from ecerp_desktop.ui.main_window import MainWindow, PageErrorPage
from ecerp_desktop.ui.not_available_page import NotAvailablePage
from ecerp_desktop.ui.settings_page import SettingsPage
from pytestqt.qtbot import QtBot

from .conftest import add_user

ALL = ["orders", "packing", "printing", "stock", "purchasing", "finance", "customers",
       "sync", "settings"]
CHINESE = ["订单审核", "打包台", "打印", "库存", "采购", "财务", "客户", "同步", "设置"]


def _window(qtbot: QtBot, store: Store, actor: Actor) -> MainWindow:
    window = MainWindow(store, actor)
    qtbot.addWidget(window)
    window.show()
    return window


def test_admin_sees_every_area_in_order_in_chinese(qtbot: QtBot, sqlite_store: Store,
                                                   admin: Actor) -> None:
    window = _window(qtbot, sqlite_store, admin)
    assert window.visible_keys() == ALL
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == CHINESE
    for key in ALL:
        page = window.open_area(key)
        assert window.stack.currentWidget() is page
        assert page.isVisible()
        assert window.current_key() == key
    assert window.page_errors == {}
    assert "admin" in window.user_label.text() and "管理员" in window.role_label.text()
    assert sqlite_store.describe() in window.db_label.text()


def test_packer_does_not_see_finance_or_admin_areas(qtbot: QtBot, sqlite_store: Store) -> None:
    packer = add_user(sqlite_store, "lina", Role.PACKER)
    window = _window(qtbot, sqlite_store, packer)
    assert window.visible_keys() == ["orders", "packing", "printing", "stock", "settings"]
    for hidden in ("finance", "purchasing", "customers", "sync"):
        with pytest.raises(KeyError):
            window.open_area(hidden)
        assert window.page(hidden) is None
    # Settings is there, but without the database and users sections.
    settings = window.open_area("settings")
    assert isinstance(settings, SettingsPage)
    assert settings.database_box is None and settings.users_box is None
    # Hiding is a convenience: the service refuses the packer all the same.
    with pytest.raises(DomainError) as err:
        auth.list_users(sqlite_store, packer)
    assert err.value.code == ErrorCode.PERMISSION_DENIED


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_exactly_the_areas_it_may_open(qtbot: QtBot, sqlite_store: Store,
                                                      role: Role) -> None:
    actor = actor_for(1, "someone", role)  # the window needs no row in the database
    window = _window(qtbot, sqlite_store, actor)
    expected = [a.key for a in AREAS.values()
                if a.permission is None or a.permission in actor.permissions]
    assert window.visible_keys() == expected
    assert "settings" in expected
    for key in expected:
        window.open_area(key)
    assert window.page_errors == {}


def test_unbuilt_area_shows_not_available_page(qtbot: QtBot, sqlite_store: Store,
                                               admin: Actor,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(AREAS, "finance", Area("finance", "Finance", Permission.FINANCE, None))
    window = _window(qtbot, sqlite_store, admin)
    page = window.open_area("finance")
    assert isinstance(page, NotAvailablePage)
    assert page.title_label.text() == "财务"
    assert "后续版本" in page.message_label.text()


def test_a_page_that_fails_to_build_does_not_take_the_app_down(
        qtbot: QtBot, sqlite_store: Store, admin: Actor,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_ctx: object) -> None:
        raise ValueError("boom")

    monkeypatch.setitem(AREAS, "stock", Area("stock", "Stock", Permission.STOCK_VIEW, broken))
    window = _window(qtbot, sqlite_store, admin)
    page = window.open_area("stock")
    assert isinstance(page, PageErrorPage)
    assert window.page_errors == {"stock": "ValueError: boom"}
    assert isinstance(window.open_area("settings"), SettingsPage)


def test_pages_are_built_on_first_visit_only(qtbot: QtBot, sqlite_store: Store,
                                            admin: Actor) -> None:
    window = _window(qtbot, sqlite_store, admin)
    assert window.page("settings") is None
    first = window.open_area("settings")
    window.open_area("orders")
    assert window.open_area("settings") is first


def test_keyboard_only_navigation_with_ctrl_digits(qtbot: QtBot, sqlite_store: Store) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    packer = actor_for(1, "lina", Role.PACKER)
    window = _window(qtbot, sqlite_store, packer)
    window.windowHandle().requestActivate()  # offscreen: no window manager does it
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    qtbot.keyClick(window.nav, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "packing"
    qtbot.keyClick(window.nav, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "settings"
    assert window.nav.item(1).toolTip() == "打包台（Ctrl+2）"
