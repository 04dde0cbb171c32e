"""The settings page: users, own password, this PC's database."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest
from ecerp_desktop.domain.auth import Actor, Role
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.paths import data_dir
from ecerp_desktop.services import auth
from ecerp_desktop.store import Store
from ecerp_desktop.ui import appconfig
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.settings_page import SettingsPage
from pytestqt.qtbot import QtBot

from .conftest import PASSWORD, add_user


def _page(qtbot: QtBot, store: Store, actor: Actor) -> SettingsPage:
    page = SettingsPage(PageContext(store=store, actor=actor))
    qtbot.addWidget(page)
    page.show()
    return page


def _table(page: SettingsPage) -> list[list[str]]:
    t = page.users_table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_admin_adds_a_packer_who_can_then_log_in(qtbot: QtBot, sqlite_store: Store,
                                                 admin: Actor) -> None:
    page = _page(qtbot, sqlite_store, admin)
    qtbot.waitUntil(lambda: page.users_table.rowCount() == 1, timeout=5000)
    assert _table(page) == [["admin", "admin", "管理员", "是"]]

    page.new_username.setText("<b>王小明</b>")  # typed names are text, never markup
    page.new_display_name.setText("王小明")
    page.new_role.setCurrentIndex(page.new_role.findData(Role.PACKER.value))
    page.new_user_password.setText("packer-pass-1")
    page.new_user_repeat.setText("packer-pass-1")
    page.add_user()
    qtbot.waitUntil(lambda: page.users_table.rowCount() == 2, timeout=5000)
    assert ["<b>王小明</b>", "王小明", "打包员", "是"] in _table(page)
    assert page.users_result.text() == "已添加用户 <b>王小明</b>。"
    assert page.new_user_password.text() == ""
    assert auth.login(sqlite_store, "<b>王小明</b>", "packer-pass-1").role == Role.PACKER

    # the same name again: the service refuses and the page says why
    page.new_username.setText("admin")
    page.new_user_password.setText("another-pass")
    page.new_user_repeat.setText("another-pass")
    page.add_user()
    qtbot.waitUntil(lambda: "已存在" in page.users_result.text(), timeout=5000)
    assert page.users_result.text() == "用户 admin 已存在。"


def test_a_clerk_sees_neither_users_nor_database(qtbot: QtBot, sqlite_store: Store) -> None:
    clerk = add_user(sqlite_store, "clerk", Role.CLERK)
    page = _page(qtbot, sqlite_store, clerk)
    assert page.users_box is None and page.database_box is None
    with pytest.raises(DomainError) as err:  # and the service would refuse anyway
        auth.create_user(sqlite_store, clerk, "x", "long-enough", Role.ADMIN)
    assert err.value.code == ErrorCode.PERMISSION_DENIED


def test_change_own_password_needs_the_current_one(qtbot: QtBot, sqlite_store: Store) -> None:
    packer = add_user(sqlite_store, "lina", Role.PACKER)
    page = _page(qtbot, sqlite_store, packer)
    page.old_password.setText("wrong password")
    page.new_password.setText("new-secret-9")
    page.new_password_repeat.setText("new-secret-9")
    page.change_password()
    qtbot.waitUntil(lambda: page.password_result.text() != "", timeout=5000)
    assert page.password_result.text() == "用户名或密码错误。"
    assert auth.login(sqlite_store, "lina", PASSWORD)  # unchanged

    page.old_password.setText(PASSWORD)
    page.change_password()
    qtbot.waitUntil(lambda: page.password_result.text() == "密码已修改。", timeout=5000)
    assert auth.login(sqlite_store, "lina", "new-secret-9").username == "lina"


def test_database_url_is_tested_and_saved_without_its_password(
        qtbot: QtBot, sqlite_store: Store, admin: Actor, tmp_path: Path) -> None:
    page = _page(qtbot, sqlite_store, admin)
    other = tmp_path / "other.sqlite3"
    page.database_url.setText(f"sqlite:///{other}")
    page.test_database()
    qtbot.waitUntil(lambda: "已连接" in page.database_result.text(), timeout=5000)
    assert "为空" in page.database_result.text()  # a fresh file: tables come on next start

    page.database_url.setText("postgresql://ecerp:s3cret@127.0.0.1:1/ecerp")
    page.test_database()
    qtbot.waitUntil(lambda: "无法连接" in page.database_result.text(), timeout=10000)
    assert "s3cret" not in page.database_result.text()

    page.save_database()
    assert "重新启动" in page.database_result.text()
    saved = json.loads((data_dir() / "config.json").read_text(encoding="utf-8"))
    assert saved["database_url"] == "postgresql://ecerp@127.0.0.1:1/ecerp"
    assert "s3cret" not in (data_dir() / "config.json").read_text(encoding="utf-8")
    assert keyring.get_password(appconfig.KEYRING_SERVICE, "ecerp@127.0.0.1:1/ecerp") == "s3cret"
    assert appconfig.saved_database_url() == "postgresql://ecerp:s3cret@127.0.0.1:1/ecerp"


def test_database_check_on_postgres(pg_store: Store) -> None:
    from ecerp_desktop.services.setup import check_database

    check = check_database(pg_store.url)
    assert check.revision is not None and not check.needs_upgrade


def test_devices_tab_is_built_on_first_visit_for_a_packer(qtbot: QtBot,
                                                         sqlite_store: Store) -> None:
    packer = add_user(sqlite_store, "lina", Role.PACKER)
    page = _page(qtbot, sqlite_store, packer)
    assert [page.tabText(i) for i in range(page.count())] == ["常规", "设备"]
    assert page.devices_page is None  # no hardware touched until asked
    page.setCurrentIndex(1)
    assert page.devices_page is not None and page.currentWidget() is page.devices_page
    assert page.count() == 2


def test_no_devices_tab_for_finance(qtbot: QtBot, sqlite_store: Store) -> None:
    finance = add_user(sqlite_store, "kuaiji", Role.FINANCE)
    page = _page(qtbot, sqlite_store, finance)
    assert page.count() == 1


def test_a_broken_devices_page_leaves_settings_usable(qtbot: QtBot, sqlite_store: Store,
                                                     admin: Actor,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import ecerp_desktop.ui.devices_page as devices_page

    def broken(_ctx: PageContext) -> None:
        raise OSError("no drivers folder")

    monkeypatch.setattr(devices_page, "DevicesPage", broken)
    page = _page(qtbot, sqlite_store, admin)
    page.setCurrentIndex(1)
    assert page.tab_errors == {"devices": "OSError: no drivers folder"}
    assert "无法打开设备页面" in page.currentWidget().text()
    page.setCurrentIndex(0)
    assert page.language.isEnabled()
