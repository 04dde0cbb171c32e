"""Log-in and the first start: what a user sees before the main window."""

from __future__ import annotations

from ecerp_desktop.domain.auth import MIN_PASSWORD_LENGTH, Permission, Role
from ecerp_desktop.services import auth
from ecerp_desktop.store import Store
from ecerp_desktop.ui.login_dialog import FirstAdminDialog, LoginDialog
from pytestqt.qtbot import QtBot

from .conftest import PASSWORD, add_user


def _log_in(qtbot: QtBot, dialog: LoginDialog, name: str, password: str) -> None:
    dialog.username.setText(name)
    dialog.password.setText(password)
    dialog.submit()


def test_right_password_logs_in_with_the_users_role(qtbot: QtBot, store: Store) -> None:
    add_user(store, "lina", Role.PACKER)
    dialog = LoginDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        _log_in(qtbot, dialog, "lina", PASSWORD)
    assert dialog.actor is not None
    assert dialog.actor.username == "lina"
    assert dialog.actor.role == Role.PACKER
    assert dialog.actor.can(Permission.PACK) and not dialog.actor.can(Permission.FINANCE)


def test_wrong_password_says_so_in_chinese_and_stays_open(qtbot: QtBot, store: Store) -> None:
    add_user(store, "admin", Role.ADMIN)
    dialog = LoginDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    _log_in(qtbot, dialog, "admin", "not the password")
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    assert dialog.error.text() == "用户名或密码错误。"
    assert dialog.isVisible() and dialog.actor is None
    assert dialog.password.text() == ""  # typed again, not kept around
    assert dialog.buttons.isEnabled()
    # and a second try with the right password still works
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        _log_in(qtbot, dialog, "admin", PASSWORD)
    assert dialog.actor is not None and dialog.actor.role == Role.ADMIN


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(qtbot: QtBot,
                                                              sqlite_store: Store) -> None:
    add_user(sqlite_store, "admin", Role.ADMIN)
    dialog = LoginDialog(sqlite_store)
    qtbot.addWidget(dialog)
    _log_in(qtbot, dialog, "nobody", PASSWORD)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=5000)
    assert dialog.error.text() == "用户名或密码错误。"


def test_demo_login_lists_the_demo_users_and_prefills_the_admin(qtbot: QtBot,
                                                               sqlite_store: Store) -> None:
    users = [("admin", "demo1234", "admin"), ("packer1", "demo1234", "packer")]
    dialog = LoginDialog(sqlite_store, demo_users=users)
    qtbot.addWidget(dialog)
    assert dialog.username.text() == "admin"
    hint = dialog.findChild(type(dialog.error), "demoHint")
    assert hint is not None
    assert "packer1 / demo1234 / 打包员" in hint.text()


def test_first_start_creates_the_admin(qtbot: QtBot, sqlite_store: Store) -> None:
    assert not auth.has_users(sqlite_store)
    dialog = FirstAdminDialog(sqlite_store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("boss")

    dialog.password.setText("secret-one")
    dialog.repeat.setText("secret-two")
    dialog.submit()
    assert dialog.error.text() == "两次输入的密码不一致。"

    short = "x" * (MIN_PASSWORD_LENGTH - 1)
    dialog.password.setText(short)
    dialog.repeat.setText(short)
    dialog.submit()
    assert dialog.error.text() == f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。"
    assert not auth.has_users(sqlite_store)

    dialog.password.setText("a-good-password")
    dialog.repeat.setText("a-good-password")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert dialog.actor is not None and dialog.actor.role == Role.ADMIN
    assert dialog.actor.username == "boss"
    # the admin really exists with that password
    assert auth.login(sqlite_store, "boss", "a-good-password").can(Permission.USERS_MANAGE)


def test_first_admin_dialog_cannot_add_a_second_admin_later(qtbot: QtBot,
                                                           sqlite_store: Store) -> None:
    """A stale first-start dialog must not create users once an admin exists."""
    dialog = FirstAdminDialog(sqlite_store)
    qtbot.addWidget(dialog)
    add_user(sqlite_store, "admin", Role.ADMIN)
    dialog.username.setText("intruder")
    dialog.password.setText("a-good-password")
    dialog.repeat.setText("a-good-password")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=5000)
    assert "intruder" not in [u.username for u in auth.list_users(
        sqlite_store, auth.login(sqlite_store, "admin", PASSWORD))]
    assert dialog.actor is None
