"""What a scan did, shown where a person at a station sees it from a step away.

:class:`FeedbackBanner`: the big banner of the station-like screens (packing, receiving):
white text on green (done), amber (taken back, a warning), red (wrong: also the error
sound) or grey (waiting). :class:`StatusLine`: the quieter one-line status of the stock
document tabs: green text when done, bold red on an error, no sound.

Both are plain-text labels (the text may quote a scanned code or buyer text: never rich
text). ``state`` says what the label shows now (``"ok"``, ``"warn"``, ``"error"``,
``"idle"``), for tests. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QWidget

OK, WARN, ERROR, IDLE = "ok", "warn", "error", "idle"
# banner backgrounds
GREEN, RED, AMBER, GREY = "#1b7f3b", "#c62828", "#b26a00", "#455a64"
_BANNER = {OK: GREEN, WARN: AMBER, ERROR: RED, IDLE: GREY}
# status-line text
_LINE = {OK: "color: #1b5e20;", ERROR: "color: #b71c1c; font-weight: bold;"}


def error_sound() -> None:
    """The sound of a wrong scan (the desktop's alert sound)."""
    QApplication.beep()


class FeedbackBanner(QLabel):
    """The big coloured banner of a station screen; :meth:`error` also sounds."""

    def __init__(self, parent: QWidget | None = None, *, point_size: int = 24,
                 min_height: int = 80, padding: int = 8) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setMinimumHeight(min_height)
        font = QFont(self.font())
        font.setPointSize(point_size)
        font.setBold(True)
        self.setFont(font)
        self._padding = padding
        self.state = IDLE

    def show_state(self, state: str, text: str) -> None:
        """Show *text* in *state*'s colour (no sound; :meth:`error` sounds)."""
        self.state = state
        self.setText(text)
        self.setStyleSheet(f"background:{_BANNER[state]}; color:white; "
                           f"padding:{self._padding}px;")

    def ok(self, text: str) -> None:
        self.show_state(OK, text)

    def warn(self, text: str) -> None:
        self.show_state(WARN, text)

    def error(self, text: str) -> None:
        self.show_state(ERROR, text)
        error_sound()

    def idle(self, text: str) -> None:
        self.show_state(IDLE, text)


class StatusLine(QLabel):
    """A one-line outcome under a form: green when done, bold red on an error."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.state = IDLE

    def ok(self, text: str) -> None:
        self._show(OK, text)

    def error(self, text: str) -> None:
        self._show(ERROR, text)

    def _show(self, state: str, text: str) -> None:
        self.state = state
        self.setStyleSheet(_LINE[state])
        self.setText(text)
