"""The app installs one application-wide wedge filter at start-up, tuned by the station's
saved scanner profile, so a scan reaches the packing page whichever widget has focus."""

from __future__ import annotations

from ecerp_desktop.services import auth
from ecerp_desktop.services.devices import (
    StationDevices,
    default_station_name,
    save_station_devices,
)
from ecerp_desktop.ui import scanner_filter
from ecerp_desktop.ui.app import App, parse_args
from PySide6.QtWidgets import QApplication


def test_start_up_installs_the_filter_with_the_station_profile(qapp: QApplication,
                                                                qtbot) -> None:
    args, qt_args = parse_args(["--demo"])
    app = App(args, qt_args)
    try:
        store, actor = app.open_store()
        app.store = store
        actor = actor or auth.login(store, "admin", "demo1234")
        save_station_devices(store, actor, StationDevices(default_station_name(),
                                                          scanner_profile="wedge-slow"))
        app.install_scanner_filter()
        installed = scanner_filter.installed_filter()
        assert installed is not None
        # the profile is read off the GUI thread and applied when it arrives
        qtbot.waitUntil(lambda: installed.settings.max_gap_ms == 100, timeout=5000)
        assert installed.settings.min_length == 6 and installed.settings.uppercase
        app.install_scanner_filter()  # idempotent: still the one filter
        assert scanner_filter.installed_filter() is installed
    finally:
        app.close()
    assert scanner_filter.installed_filter() is None  # closing the app takes it away
