"""The shared station-screen pieces: where a screen's scans come from (ScanSource) and the
green/amber/red/grey feedback it shows (FeedbackBanner, StatusLine)."""

from __future__ import annotations

from ecerp_desktop.ui import scanner_filter
from ecerp_desktop.ui.feedback import FeedbackBanner, StatusLine
from ecerp_desktop.ui.scanner_filter import ScannerFilter, ScanSource, take_count, take_typed
from PySide6.QtWidgets import QLineEdit, QWidget


def test_a_screen_without_an_app_wide_filter_listens_only_while_shown(qtbot) -> None:
    assert scanner_filter.installed_filter() is None
    screen = QWidget()
    qtbot.addWidget(screen)
    got: list[str] = []
    source = ScanSource(screen, got.append)
    assert source.own is not None and source.filter is source.own
    assert scanner_filter.installed_filter() is None  # not before it is on screen

    screen.show()
    qtbot.waitExposed(screen)
    assert scanner_filter.installed_filter() is source.own
    source.filter.scanned.emit("SF123")
    assert got == ["SF123"]

    screen.hide()
    assert scanner_filter.installed_filter() is None
    screen.show()
    assert scanner_filter.installed_filter() is source.own
    source.stop()
    assert scanner_filter.installed_filter() is None


def test_a_given_filter_is_shared_and_never_uninstalled_by_the_screen(qtbot, qapp) -> None:
    shared = ScannerFilter().install(qapp)
    try:
        screen = QWidget()
        qtbot.addWidget(screen)
        got: list[str] = []
        source = ScanSource(screen, got.append, shared)
        assert source.own is None and source.filter is shared
        screen.show()
        screen.hide()
        source.stop()
        assert scanner_filter.installed_filter() is shared
        shared.scanned.emit("6901234567892")
        assert got == ["6901234567892"]
    finally:
        shared.uninstall()


def test_the_banner_shows_each_state_in_its_colour(qtbot) -> None:
    banner = FeedbackBanner()
    qtbot.addWidget(banner)
    banner.ok("+1 TEA-1")
    assert banner.state == "ok" and "#1b7f3b" in banner.styleSheet()
    assert banner.text() == "+1 TEA-1"
    banner.error("<b>NOPE</b>")  # plain text: a scanned code is never markup
    assert banner.state == "error" and "#c62828" in banner.styleSheet()
    assert banner.textFormat().name == "PlainText"
    banner.warn("took back")
    assert banner.state == "warn" and "#b26a00" in banner.styleSheet()
    banner.idle("scan")
    assert banner.state == "idle" and "#455a64" in banner.styleSheet()


def test_the_status_line_is_bold_red_on_an_error(qtbot) -> None:
    line = StatusLine()
    qtbot.addWidget(line)
    line.error("Scan a SKU first")
    assert line.state == "error" and "bold" in line.styleSheet()
    line.ok("Adjusted")
    assert line.state == "ok" and "bold" not in line.styleSheet()


def test_a_count_typed_before_a_scan_is_taken_once(qtbot) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    field.setText(" 12 ")
    assert take_count(field) == 12 and field.text() == ""
    assert take_count(field) == 1  # nothing typed: one unit
    for bad in ("0", "-3", "2.5", "abc"):
        field.setText(bad)
        assert take_count(field) == 1 and field.text() == ""


def test_a_typed_code_is_trimmed_and_the_field_emptied(qtbot) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    field.setText("  SF1234567890 ")
    assert take_typed(field) == "SF1234567890" and field.text() == ""
    assert take_typed(field) == ""
