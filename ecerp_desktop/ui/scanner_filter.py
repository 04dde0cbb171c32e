"""Keyboard-wedge scans, application-wide: one event filter on QApplication.

Install one :class:`ScannerFilter` at start-up. Every key press of the application passes
through it; the pure ``devices.wedge.WedgeDetector`` decides (timing from a monotonic clock,
never ``QKeyEvent.timestamp()``, which is 0 for synthetic events):

- printable keys are held back for at most the gap limit (50 ms by default);
- a fast burst ended by Enter/Tab becomes one ``scanned(code)`` signal, whichever widget has
  focus, and none of its keys reach that widget (no half code in a text box, no Enter on a
  default button);
- anything slower is typing: the held keys are re-sent to the widget they were aimed at,
  in order, so typing works as before (each key merely arrives up to 50 ms later).

IMEs: mark scan fields with :func:`mark_scan_field` so an input method never composes a
scan; a commit string that still arrives (an IME left on elsewhere) is fed to the detector
like keys, and full-width characters are folded (``ＳＦ１２３`` → ``SF123``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from ecerp_desktop.devices.wedge import Decision, WedgeDetector, WedgeSettings

_TERMINATORS = {Qt.Key.Key_Return: "Enter", Qt.Key.Key_Enter: "Enter", Qt.Key.Key_Tab: "Tab"}
_COMMAND_MODS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                 | Qt.KeyboardModifier.MetaModifier)


@dataclass(frozen=True)
class _HeldKey:
    """A copy of a held-back key press (Qt reuses event objects, so never keep those)."""

    target: QObject
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    autorepeat: bool


@dataclass(frozen=True)
class _HeldCommit:
    target: QObject
    text: str


def mark_scan_field(widget: QWidget) -> None:
    """Make *widget* a scan field: no input method, Latin input, no prediction.

    Chinese IMEs otherwise swallow or transform the keys of a scan (no key events are sent
    while composing). Hints are hints; disabling the input method is what counts on desktops.
    """
    widget.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    widget.setInputMethodHints(Qt.InputMethodHint.ImhLatinOnly
                               | Qt.InputMethodHint.ImhPreferLatin
                               | Qt.InputMethodHint.ImhNoPredictiveText)
    widget.setProperty("ecerpScanField", True)
    if isinstance(widget, QLineEdit):
        widget.setMaxLength(max(widget.maxLength(), 256))


_app_filter: ScannerFilter | None = None  # the one installed on QApplication, if any


def installed_filter() -> ScannerFilter | None:
    """The application-wide filter installed at start-up (None before, or in tests)."""
    if _app_filter is not None and not shiboken6.isValid(_app_filter):
        return None
    return _app_filter


class ScannerFilter(QObject):
    """The one application-wide wedge-scanner filter. GUI thread only.

    ``scanned(str)``: a complete scan, already normalised.
    """

    scanned = Signal(str)

    def __init__(self, settings: WedgeSettings | None = None, *,
                 clock: Callable[[], float] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self.detector = WedgeDetector(settings or WedgeSettings(), clock)  # type: ignore[arg-type]
        self._replaying = False
        self._installed_on: QObject | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer)

    # -- setup

    @property
    def settings(self) -> WedgeSettings:
        return self.detector.settings

    def set_settings(self, settings: WedgeSettings) -> None:
        """Apply a station's scanner profile (held keys are released first)."""
        self._apply(self.detector.other_key())
        self.detector.settings = settings

    def install(self, app: QApplication | None = None) -> ScannerFilter:
        app = app or QApplication.instance()  # type: ignore[assignment]
        assert app is not None, "create the QApplication first"
        app.installEventFilter(self)
        self._installed_on = app
        global _app_filter
        _app_filter = self
        return self

    def uninstall(self) -> None:
        self._apply(self.detector.other_key())
        if self._installed_on is not None and shiboken6.isValid(self._installed_on):
            self._installed_on.removeEventFilter(self)
        self._installed_on = None
        global _app_filter
        if _app_filter is self:
            _app_filter = None

    # -- the filter

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if self._replaying:
            return False
        kind = ev.type()
        if kind == QEvent.Type.KeyPress:
            # Real key events visit the QWindow first, then the focus widget: act once.
            if not isinstance(obj, QWidget):
                return False
            return self._key_press(obj, ev)  # type: ignore[arg-type]
        if kind == QEvent.Type.ShortcutOverride and self.detector.holding:
            # During a burst, claim printable keys so no single-key shortcut fires mid-scan.
            if isinstance(ev, QKeyEvent) and (ev.key() in _TERMINATORS or self._printable(ev)):
                ev.accept()
                return True
            return False
        if kind == QEvent.Type.InputMethod and isinstance(obj, QWidget):
            commit = ev.commitString() if isinstance(ev, QInputMethodEvent) else ""
            if commit and not ev.preeditString():  # type: ignore[union-attr]
                decision = Decision()
                for ch in commit:
                    decision = self.detector.press(ch, _HeldCommit(obj, ch))
                    self._apply(decision)
                self._arm_timer()
                return True
            return False
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.FocusOut) and self.detector.holding:
            self._apply(self.detector.other_key())  # the user moved on: that was typing
        return False

    def _printable(self, ev: QKeyEvent) -> bool:
        text = ev.text()
        if not text:
            return False
        if self.settings.prefix and text in self.settings.prefix:
            return True  # e.g. Ctrl-G (BEL) as a prefix
        return text.isprintable() and not (ev.modifiers() & _COMMAND_MODS)

    def _key_press(self, obj: QWidget, ev: QKeyEvent) -> bool:
        key = ev.key()
        terminator = _TERMINATORS.get(Qt.Key(key))
        if terminator is not None and not (ev.modifiers() & _COMMAND_MODS):
            if terminator not in self.settings.terminators:
                self._apply(self.detector.other_key())
                return False
            decision = self.detector.terminator()
            self._apply(decision)
            if decision.scan is not None:
                self._timer.stop()
                self.scanned.emit(decision.scan)
            return decision.swallow
        if not self._printable(ev) or ev.isAutoRepeat():
            # a key held down repeats as fast as a scanner types: that is never a scan
            self._apply(self.detector.other_key())
            return False
        held = _HeldKey(obj, key, ev.modifiers(), ev.text(), ev.isAutoRepeat())
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        decision = self.detector.press(ev.text(), held, shift=shift)
        self._apply(decision)
        self._arm_timer()
        return decision.swallow

    # -- releasing held keys as typing

    def _arm_timer(self) -> None:
        if self.detector.holding:
            ms = max(1, math.ceil(self.detector.time_left() * 1000) + 1)
            self._timer.start(ms)
        else:
            self._timer.stop()

    def _on_timer(self) -> None:
        self._apply(self.detector.tick())
        self._arm_timer()

    def _apply(self, decision: Decision) -> None:
        if not decision.replay:
            return
        self._replaying = True
        try:
            for held in decision.replay:
                target = held.target if shiboken6.isValid(held.target) else None
                target = target or QApplication.focusWidget()
                if target is None:
                    continue
                if isinstance(held, _HeldCommit):
                    ime = QInputMethodEvent()
                    ime.setCommitString(held.text)
                    QApplication.sendEvent(target, ime)
                    continue
                press = QKeyEvent(QEvent.Type.KeyPress, held.key, held.modifiers, held.text,
                                  held.autorepeat)
                QApplication.sendEvent(target, press)
        finally:
            self._replaying = False


class ScanSource(QObject):
    """Where one screen's scans come from: the application-wide filter (or the one given);
    without either (a test, a screen opened on its own) a :class:`ScannerFilter` of the
    screen's own, installed on QApplication only while the screen is shown.

    ``ScanSource(self, self.on_scan, scanner_filter)`` in the screen's ``__init__`` is all
    the wiring: ``filter`` is the filter scans arrive on (share it with the screen's
    dialogs or devices), ``own`` the screen's own one if it brought one. :meth:`stop`
    uninstalls that one for good (a screen shutting down). GUI thread only.
    """

    def __init__(self, widget: QWidget, slot: Callable[[str], Any],
                 scanner_filter: ScannerFilter | None = None) -> None:
        super().__init__(widget)
        self.own: ScannerFilter | None = None
        found = scanner_filter or installed_filter()
        if found is None:  # no app-wide filter: bring one, installed while shown
            found = self.own = ScannerFilter(parent=widget)
            widget.installEventFilter(self)
        self.filter: ScannerFilter = found
        self.filter.scanned.connect(slot)

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if self.own is not None:
            if ev.type() == QEvent.Type.Show:
                self.own.install()
            elif ev.type() == QEvent.Type.Hide:
                self.own.uninstall()
        return False

    def stop(self) -> None:
        """Uninstall the screen's own filter (nothing happens to an app-wide one)."""
        if self.own is not None:
            self.own.uninstall()


def take_typed(field: QLineEdit) -> str:
    """What was typed into a scan field (trimmed), the field emptied for the next code."""
    text = field.text().strip()
    field.clear()
    return text


def take_count(field: QLineEdit) -> int:
    """The count typed before a scan (``12`` then a scan counts 12), the field emptied for
    the next one; 1 when nothing, or no positive whole number, was typed."""
    text = take_typed(field)
    return int(text) if text.isdigit() and int(text) > 0 else 1
