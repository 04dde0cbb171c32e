"""The application-wide wedge filter driven by pytest-qt: scans at 5 ms per key become one
signal and never reach the focused text box; typing at human speed passes through."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ecerp_desktop.devices.wedge import WedgeSettings
from ecerp_desktop.ui.scanner_filter import ScannerFilter, mark_scan_field
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class FakeClock:
    def __init__(self) -> None:
        self.t = 5000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, ms: float) -> None:
        self.t += ms / 1000.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def scanner(qapp: QApplication, clock: FakeClock) -> Iterator[ScannerFilter]:
    f = ScannerFilter(WedgeSettings(max_gap_ms=50, min_length=4), clock=clock).install(qapp)
    yield f
    f.uninstall()


@pytest.fixture
def form(qtbot) -> tuple[QWidget, QLineEdit, QPlainTextEdit]:
    w = QWidget()
    edit = QLineEdit()
    notes = QPlainTextEdit()
    lay = QVBoxLayout(w)
    lay.addWidget(edit)
    lay.addWidget(notes)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    edit.setFocus()
    return w, edit, notes


def type_keys(qtbot, widget: QWidget, text: str, per_key_ms: float, clock: FakeClock) -> None:
    for ch in text:
        clock.advance(per_key_ms)
        qtbot.keyClick(widget, ch)


def enter(qtbot, widget: QWidget, clock: FakeClock, after_ms: float = 5) -> None:
    clock.advance(after_ms)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_fast_scan_is_one_signal_and_not_typed(qtbot, scanner, form, clock) -> None:
    _, edit, _ = form
    returns: list[bool] = []
    edit.returnPressed.connect(lambda: returns.append(True))
    with qtbot.waitSignal(scanner.scanned, timeout=1000) as sig:
        type_keys(qtbot, edit, "SF1234567890", 5, clock)
        enter(qtbot, edit, clock)
    assert sig.args == ["SF1234567890"]
    assert edit.text() == "" and returns == []


def test_human_typing_passes_through(qtbot, scanner, form, clock) -> None:
    _, edit, _ = form
    returns: list[bool] = []
    edit.returnPressed.connect(lambda: returns.append(True))
    with qtbot.assertNotEmitted(scanner.scanned, wait=0):
        type_keys(qtbot, edit, "abc123", 150, clock)
        clock.advance(150)
        qtbot.waitUntil(lambda: edit.text() == "abc123", timeout=1000)
        enter(qtbot, edit, clock, after_ms=150)
    assert returns == [True]  # a person's Enter still reaches the field


def test_scan_reaches_the_signal_whatever_has_focus(qtbot, scanner, form, clock) -> None:
    _, edit, notes = form
    notes.setFocus()
    notes.setPlainText("备注")
    with qtbot.waitSignal(scanner.scanned, timeout=1000) as sig:
        type_keys(qtbot, notes, "6901234567892", 4, clock)
        clock.advance(4)
        qtbot.keyClick(notes, Qt.Key.Key_Tab)
    assert sig.args == ["6901234567892"]
    assert notes.toPlainText() == "备注" and edit.text() == ""


def test_enter_of_a_scan_does_not_press_the_default_button(qtbot, scanner, clock) -> None:
    dlg = QDialog()
    edit = QLineEdit(dlg)
    ok = QPushButton("OK", dlg)
    ok.setDefault(True)
    clicks: list[bool] = []
    ok.clicked.connect(lambda: clicks.append(True))
    lay = QVBoxLayout(dlg)
    lay.addWidget(edit)
    lay.addWidget(ok)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    edit.setFocus()
    with qtbot.waitSignal(scanner.scanned, timeout=1000):
        type_keys(qtbot, edit, "YT0123456789", 5, clock)
        enter(qtbot, edit, clock)
    assert clicks == []
    type_keys(qtbot, edit, "x", 200, clock)
    enter(qtbot, edit, clock, after_ms=200)
    assert clicks == [True] and edit.text() == "x"


def test_short_burst_is_typing(qtbot, scanner, form, clock) -> None:
    _, edit, _ = form
    with qtbot.assertNotEmitted(scanner.scanned, wait=0):
        type_keys(qtbot, edit, "12", 5, clock)
        enter(qtbot, edit, clock)
    assert edit.text() == "12"


def test_ctrl_keys_pass_and_release_held_keys(qtbot, scanner, form, clock) -> None:
    _, edit, _ = form
    type_keys(qtbot, edit, "ab", 5, clock)
    assert edit.text() == ""  # still held: could be a scan
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all
    assert edit.text() == "ab" and edit.selectedText() == "ab"


def test_caps_lock_scan_is_corrected(qtbot, scanner, form, clock) -> None:
    _, edit, _ = form
    shift = Qt.KeyboardModifier.ShiftModifier
    no = Qt.KeyboardModifier.NoModifier
    # Caps Lock on: the scanner holds Shift for upper case and the OS turns it into lower
    keys = [(Qt.Key.Key_S, shift, "s"), (Qt.Key.Key_F, shift, "f"), (Qt.Key.Key_1, no, "1"),
            (Qt.Key.Key_2, no, "2"), (Qt.Key.Key_B, no, "B")]
    with qtbot.waitSignal(scanner.scanned, timeout=1000) as sig:
        for key, mods, text in keys:
            clock.advance(5)
            QApplication.sendEvent(edit, QKeyEvent(QEvent.Type.KeyPress, key, mods, text))
        enter(qtbot, edit, clock)
    assert sig.args == ["SF12b"]
    assert edit.text() == ""


def test_full_width_keys_and_ime_commits_are_folded(qtbot, scanner, form, clock) -> None:
    _, edit, _ = form
    with qtbot.waitSignal(scanner.scanned, timeout=1000) as sig:
        for ch in "ＳＦ９９８８":
            clock.advance(5)
            QApplication.sendEvent(edit, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown,
                                                   Qt.KeyboardModifier.NoModifier, ch))
        enter(qtbot, edit, clock)
    assert sig.args == ["SF9988"]
    with qtbot.waitSignal(scanner.scanned, timeout=1000) as sig:
        clock.advance(5)
        ime = QInputMethodEvent()
        ime.setCommitString("ＡＢＣ１２３")  # an IME left on commits the whole code at once
        QApplication.sendEvent(edit, ime)
        enter(qtbot, edit, clock)
    assert sig.args == ["ABC123"] and edit.text() == ""


def test_a_slow_ime_commit_is_given_back(qtbot, scanner, form, clock) -> None:
    _, edit, _ = form
    ime = QInputMethodEvent()
    ime.setCommitString("你好")
    QApplication.sendEvent(edit, ime)
    clock.advance(200)
    qtbot.waitUntil(lambda: edit.text() == "你好", timeout=1000)


def test_prefix_profile(qtbot, qapp, form, clock) -> None:
    _, edit, _ = form
    f = ScannerFilter(WedgeSettings(prefix="\x07", min_length=3, terminators=("Enter",)),
                      clock=clock).install(qapp)
    try:
        with qtbot.waitSignal(f.scanned, timeout=1000) as sig:
            clock.advance(5)
            QApplication.sendEvent(edit, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_G,
                                                   Qt.KeyboardModifier.ControlModifier, "\x07"))
            type_keys(qtbot, edit, "ABC777", 200, clock)  # a slow scanner: fine after the prefix
            enter(qtbot, edit, clock, after_ms=200)
        assert sig.args == ["ABC777"] and edit.text() == ""
        type_keys(qtbot, edit, "typed", 5, clock)  # fast, but no prefix: typing, at once
        assert edit.text() == "typed"
    finally:
        f.uninstall()


def test_real_time_keyclicks(qtbot, qapp, form) -> None:
    """The same with real waits and the real monotonic clock (Odoo's 100 ms limit)."""
    _, edit, _ = form
    f = ScannerFilter(WedgeSettings(max_gap_ms=100, min_length=4)).install(qapp)
    try:
        with qtbot.waitSignal(f.scanned, timeout=2000) as sig:
            qtbot.keyClicks(edit, "SF1234567890", delay=5)
            qtbot.keyClick(edit, Qt.Key.Key_Return)
        assert sig.args == ["SF1234567890"] and edit.text() == ""
        with qtbot.assertNotEmitted(f.scanned, wait=0):
            qtbot.keyClicks(edit, "ab1", delay=150)
            qtbot.waitUntil(lambda: edit.text() == "ab1", timeout=1000)
    finally:
        f.uninstall()


def test_mark_scan_field_disables_the_input_method(qtbot) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    mark_scan_field(edit)
    assert not edit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert edit.inputMethodHints() & Qt.InputMethodHint.ImhLatinOnly
    assert edit.property("ecerpScanField") is True


def test_a_held_down_key_is_not_a_scan(qtbot, scanner, form, clock) -> None:
    _, edit, _ = form
    no = Qt.KeyboardModifier.NoModifier
    with qtbot.assertNotEmitted(scanner.scanned, wait=0):
        clock.advance(200)
        QApplication.sendEvent(edit, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_0, no, "0"))
        for _ in range(6):  # auto-repeat at 30 ms
            clock.advance(30)
            QApplication.sendEvent(edit, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_0, no, "0",
                                                   True))
        enter(qtbot, edit, clock)
    assert edit.text() == "0000000"


def test_keys_through_the_window_system_path(qtbot, scanner, form, clock) -> None:
    """Real keyboards deliver to the QWindow first, then to the focus widget: one scan."""
    w, edit, _ = form
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is edit, timeout=1000)
    window = w.windowHandle()
    with qtbot.waitSignal(scanner.scanned, timeout=1000) as sig:
        for ch in "SF7654321":
            clock.advance(5)
            qtbot.keyClick(window, ch)
        clock.advance(5)
        qtbot.keyClick(window, Qt.Key.Key_Return)
    assert sig.args == ["SF7654321"] and edit.text() == ""
    for ch in "hi":
        clock.advance(300)
        qtbot.keyClick(window, ch)
    clock.advance(300)
    qtbot.waitUntil(lambda: edit.text() == "hi", timeout=1000)
