"""The devices page: choose, save, and test live (a pty scale, wedge scans), broken profiles."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal

import pytest
from ecerp_desktop.devices.profiles import ProfileError, load_profiles
from ecerp_desktop.devices.scale_protocols import ScaleReading
from ecerp_desktop.devices.wedge import WedgeSettings
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import devices as station_devices
from ecerp_desktop.ui import i18n
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.devices_page import DevicesPage
from ecerp_desktop.ui.ops import wait_all
from ecerp_desktop.ui.scanner_filter import ScannerFilter
from PySide6.QtCore import Qt


@pytest.fixture(autouse=True)
def english(qapp) -> Iterator[None]:
    """These tests read the page's English texts (other suites leave Chinese installed)."""
    before = i18n.current_language()
    i18n.install("en")
    yield
    wait_all()
    i18n.install(before)


def test_the_page_speaks_chinese(qtbot, sqlite_store) -> None:
    i18n.install("zh_CN")
    page = open_page(qtbot, sqlite_store)
    assert page.test_button.text() == "开始测试"
    page._on_weight("scale", ScaleReading(Decimal("1234.4"), True))
    assert (page.weight.text(), page.stable.text()) == ("1234 克", "稳定")


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def open_page(qtbot, store, **kwargs) -> DevicesPage:
    page = DevicesPage(PageContext(store, SYSTEM), station="pack-01",
                       ports=lambda: [("/dev/ttyUSB0", "USB-Serial")], **kwargs)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.scanner.currentData() == "wedge-default", timeout=3000)
    return page


def test_live_test_shows_weight_stability_scans_and_unplug(qtbot, qapp, sqlite_store,
                                                           fake_port) -> None:
    clock = FakeClock()
    shared = ScannerFilter(WedgeSettings(), clock=clock).install(qapp)
    page = open_page(qtbot, sqlite_store, scanner_filter=shared)
    try:
        page.scale.setCurrentIndex(page.scale.findData("generic-st-gs"))
        page.scale_port.setEditText(str(fake_port.link))
        page.test_button.click()
        assert page.testing
        qtbot.waitUntil(lambda: "connected (" in page.connection.text(), timeout=3000)

        fake_port.play(b"US,GS,+  1.240kg\r\n")
        qtbot.waitUntil(lambda: page.weight.text() == "1240 g", timeout=3000)
        assert page.stable.text() == "Moving"
        fake_port.play(b"ST,GS,+  1.234kg\r\n")
        qtbot.waitUntil(lambda: page.stable.text() == "Stable", timeout=3000)
        assert page.weight.text() == "1234 g"

        for ch in "SF1234567890":  # a wedge scan at 5 ms per key
            clock.t += 0.005
            qtbot.keyClick(page.scan_field, ch)
        clock.t += 0.005
        qtbot.keyClick(page.scan_field, Qt.Key.Key_Return)
        assert page.last_scan.text() == "SF1234567890" and page.scan_field.text() == ""

        fake_port.unplug()
        qtbot.waitUntil(lambda: "not connected" in page.connection.text(), timeout=3000)
    finally:
        page.stop_test()
        shared.uninstall()
    assert not page.testing and page.test_button.text() == "Start test"


def test_save_and_reload_choices(qtbot, sqlite_store) -> None:
    page = open_page(qtbot, sqlite_store)
    page.scale.setCurrentIndex(page.scale.findData("toledo-8217"))
    page.scale_port.setEditText("/dev/ttyUSB0")
    page.scanner.setCurrentIndex(page.scanner.findData("serial-9600-cr"))
    assert page.scanner_port.isEnabled()
    page.scanner_port.setEditText("COM7")
    page.save_button.click()
    qtbot.waitUntil(lambda: page.save_result.text() == "Saved.", timeout=3000)
    saved = station_devices.load_station_devices(sqlite_store, "pack-01")
    assert (saved.scale_profile, saved.scale_port, saved.scanner_profile,
            saved.scanner_port) == ("toledo-8217", "/dev/ttyUSB0", "serial-9600-cr", "COM7")
    again = DevicesPage(PageContext(sqlite_store, SYSTEM), station="pack-01", ports=lambda: [])
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.scale.currentData() == "toledo-8217", timeout=3000)
    assert again.scanner_port.currentText() == "COM7"
    wait_all()


def test_broken_profiles_are_listed_not_fatal(qtbot, sqlite_store) -> None:
    profiles = load_profiles()
    profiles.errors.append(ProfileError("drivers/scales/bad.toml", "serial.baudrate must be one of …"))
    page = open_page(qtbot, sqlite_store, profiles=profiles)
    assert page.problems.count() == 1
    assert "bad.toml: serial.baudrate" in page.problems.item(0).text()
    assert page.problems.isVisibleTo(page)
    assert page.scale.findData("generic-st-gs") >= 0  # the good profiles are all there
    wait_all()


def test_saved_profile_that_vanished_shows_as_missing(qtbot, sqlite_store) -> None:
    profiles = load_profiles()
    extra = dataclasses.replace(profiles.scales["generic-st-gs"], slug="retired")
    profiles.scales["retired"] = extra
    station_devices.save_station_devices(sqlite_store, SYSTEM, station_devices.StationDevices(
        "pack-01", scale_profile="retired"), profiles)
    page = open_page(qtbot, sqlite_store)
    qtbot.waitUntil(lambda: page.scale.currentData() == "retired", timeout=3000)
    assert "missing profile" in page.scale.currentText()
    wait_all()


def test_live_test_with_a_serial_scanner(qtbot, sqlite_store, fake_port) -> None:
    page = open_page(qtbot, sqlite_store)
    page.scanner.setCurrentIndex(page.scanner.findData("serial-9600-cr"))
    page.scanner_port.setEditText(str(fake_port.link))
    page.start_test()
    try:
        qtbot.waitUntil(lambda: "connected (" in page.connection.text(), timeout=3000)
        qtbot.wait(150)  # a person scans after the port opened
        fake_port.play(b"JD0123456789\r")
        qtbot.waitUntil(lambda: page.last_scan.text() == "JD0123456789", timeout=3000)
        page.hide()  # leaving the page closes the port
        assert not page.testing
    finally:
        page.stop_test()
    wait_all()


def test_page_uses_the_app_wide_filter_when_one_is_installed(qtbot, qapp, sqlite_store) -> None:
    clock = FakeClock()
    app_filter = ScannerFilter(WedgeSettings(), clock=clock).install(qapp)
    try:
        page = open_page(qtbot, sqlite_store)
        page.start_test()
        assert page._own_filter is None and page.testing
        for ch in "JT3000111222":
            clock.t += 0.005
            qtbot.keyClick(page.scan_field, ch)
        clock.t += 0.005
        qtbot.keyClick(page.scan_field, Qt.Key.Key_Return)
        assert page.last_scan.text() == "JT3000111222"
        page.stop_test()
        assert not page.testing
    finally:
        app_filter.uninstall()
