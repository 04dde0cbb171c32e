"""After log-in the app starts sync (fed by the simulators in the demo) and the print queue
off the GUI thread; the sync page shows that engine; closing stops it all."""

from __future__ import annotations

import keyring
from ecerp_desktop.services import demo_live
from ecerp_desktop.ui.app import App, parse_args
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def test_demo_starts_sync_and_the_sync_page_shows_it(qapp: QApplication) -> None:
    real_keyring = keyring.get_keyring()
    args, qt_args = parse_args(["--demo"])
    app = App(args, qt_args)
    seen: dict[str, object] = {}

    def drive() -> None:
        if app.engine is None:
            return
        page = app.window.open_area("sync")
        seen["same_engine"] = page.engine is app.engine
        seen["running"] = app.engine.running
        seen["shops"] = len(app.engine.health())
        qapp.exit(0)

    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(drive)
    timer.start()
    QTimer.singleShot(60_000, lambda: qapp.exit(1))  # never hang the suite
    try:
        store, actor = app.open_store()
        app.store = store
        from ecerp_desktop.services import auth

        app.show_main_window(actor or auth.login(store, "admin", "demo1234"))
        app.start_background()
        code = qapp.exec()
    finally:
        timer.stop()
        engine = app.engine
        app.close()
        keyring.set_keyring(real_keyring)
    assert code == 0
    assert seen == {"same_engine": True, "running": True, "shops": 5}
    assert engine is not None and not engine.running
    assert not isinstance(keyring.get_keyring(), demo_live.ProcessKeyring)
