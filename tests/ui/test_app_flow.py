"""The app as a user meets it: first start creates the admin, the next start asks to log in."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from ecerp_desktop.services import auth
from ecerp_desktop.store import Store
from ecerp_desktop.ui.app import App, parse_args
from ecerp_desktop.ui.login_dialog import FirstAdminDialog, LoginDialog
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def _run_app(qapp: QApplication, argv: list[str],
             drive: Callable[[App], bool]) -> tuple[App, int]:
    """Run the app; *drive* is polled every 20 ms and returns True once it is done."""
    args, qt_args = parse_args(argv)
    app = App(args, qt_args)
    timer = QTimer()
    timer.setInterval(20)

    def tick() -> None:
        if drive(app):
            timer.stop()
            qapp.exit(0)  # quit() would close the windows and post a late Quit event

    timer.timeout.connect(tick)
    timer.start()
    try:
        code = app.run()
    finally:
        timer.stop()
        app.close()
    return app, code


def test_first_start_creates_the_admin_then_the_next_start_logs_in(
        qapp: QApplication, tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    shutil.copy(sqlite_template, path)  # an empty, migrated database: a fresh install
    url = f"sqlite:///{path}"
    seen: list[str] = []

    def first_start(app: App) -> bool:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, FirstAdminDialog) and "first" not in seen:
            seen.append("first")
            dialog.username.setText("laoban")
            dialog.password.setText("first-admin-pw")
            dialog.repeat.setText("first-admin-pw")
            dialog.submit()
        if app.window is not None and app.window.isVisible():
            seen.append(app.window.user_label.text())
            return True
        return False

    _, code = _run_app(qapp, ["--db", url], first_start)
    assert code == 0
    assert seen == ["first", "用户：laoban"]

    def next_start(app: App) -> bool:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, LoginDialog) and dialog.buttons.isEnabled():
            if "wrong" not in seen:
                seen.append("wrong")
                dialog.username.setText("laoban")
                dialog.password.setText("guess")
                dialog.submit()
            elif dialog.error.text() and "right" not in seen:
                seen.append("right")
                dialog.password.setText("first-admin-pw")
                dialog.submit()
        if app.window is not None and app.window.isVisible():
            seen.append(",".join(app.window.visible_keys()))
            return True
        return False

    seen.clear()
    _, code = _run_app(qapp, ["--db", url], next_start)
    assert code == 0
    assert seen == ["wrong", "right", "orders,packing,printing,stock,purchasing,finance,"
                                      "customers,sync,settings"]
    store = Store(url)
    try:
        assert auth.login(store, "laoban", "first-admin-pw").role.value == "admin"
    finally:
        store.dispose()
