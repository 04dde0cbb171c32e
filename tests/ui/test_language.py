"""Language: Chinese by default, English at once from the settings page, remembered."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.store import Store
from ecerp_desktop.ui import appconfig, i18n
from ecerp_desktop.ui.areas import AREAS, Area
from ecerp_desktop.ui.main_window import MainWindow
from ecerp_desktop.ui.not_available_page import NotAvailablePage
from ecerp_desktop.ui.settings_page import SettingsPage
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot


def test_switching_to_english_retranslates_the_window_at_once(
        qtbot: QtBot, sqlite_store: Store, admin: Actor,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # an area that has no page yet, whatever the other areas have by now
    monkeypatch.setitem(AREAS, "finance", Area("finance", "Finance", Permission.FINANCE, None))
    window = MainWindow(sqlite_store, admin)
    qtbot.addWidget(window)
    window.show()
    before = window.open_area("finance")
    settings = window.open_area("settings")
    assert isinstance(settings, SettingsPage)
    assert window.nav.item(0).text() == "订单审核"

    settings.language.setCurrentIndex(settings.language.findData("en"))
    settings.apply_language()

    assert i18n.current_language() == "en"
    assert [window.nav.item(i).text() for i in range(3)] == [
        "Order review", "Packing station", "Printing"]
    assert window.role_label.text() == "Role: Administrator"
    # the open page is rebuilt in English, the others on their next visit
    qtbot.waitUntil(lambda: window.page("settings") is not None, timeout=3000)
    rebuilt = window.page("settings")
    assert rebuilt is not settings and window.stack.currentWidget() is rebuilt
    button = rebuilt.findChild(QPushButton, "changePassword")
    assert button is not None and button.text() == "Change password"
    after = window.open_area("finance")
    assert isinstance(after, NotAvailablePage) and after is not before
    assert after.title_label.text() == "Finance"
    assert after.message_label.text().startswith("This area is not available yet")
    # remembered for the next start
    assert appconfig.load().language == "en"


def test_no_translation_no_chinese(qtbot: QtBot) -> None:
    """English is the source text: with English installed nothing is translated."""
    i18n.install("en")
    assert QCoreApplication.translate("Areas", "Order review") == "Order review"
    i18n.install("zh_CN")
    assert QCoreApplication.translate("Areas", "Order review") == "订单审核"
