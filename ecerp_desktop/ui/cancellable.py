"""The controls around one cancellable background job (an export, a batch of labels):
its start buttons are off while it runs, its cancel button on, and its progress bar is
busy until the first report, then shows done of total.

The job (an op on a worker) reports progress through :attr:`CancellableJob.relay` and polls
the :class:`threading.Event` that :meth:`CancellableJob.begin` returns; the cancel button
sets it. GUI thread only.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QProgressBar, QPushButton

from ecerp_desktop.ui.ops import ProgressRelay


class CancellableJob(QObject):
    """At most one job at a time through these controls."""

    def __init__(self, progress: QProgressBar, cancel_button: QPushButton,
                 start_buttons: Sequence[QPushButton], parent: QObject) -> None:
        super().__init__(parent)
        self.progress = progress
        self.cancel_button = cancel_button
        self.start_buttons = tuple(start_buttons)
        self.relay = ProgressRelay()
        self.relay.changed.connect(self.progressed)
        self._cancel: threading.Event | None = None

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def begin(self) -> threading.Event:
        """A job starts: the event it polls to stop early."""
        cancel = self._cancel = threading.Event()
        for b in self.start_buttons:
            b.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)  # busy until the first progress report
        return cancel

    def cancel(self) -> bool:
        """Ask the running job to stop (False when none runs)."""
        if self._cancel is None:
            return False
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        return True

    def progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def stopped(self) -> None:
        """The job ended (done, failed or cancelled): the start buttons work again."""
        self._cancel = None
        for b in self.start_buttons:
            b.setEnabled(True)
        self.cancel_button.setEnabled(False)
