"""Python's cyclic garbage collector, run on the GUI thread only.

Any allocation may start an automatic collection, in whichever thread makes it. If a
worker thread's collection frees the last reference to a widget's Python wrapper (a widget
kept alive only by a reference cycle, such as ``self.confirm = self._ask``), the widget is
deleted off the GUI thread, which Qt does not survive. So while the app runs, automatic
collection is off and a timer on the GUI thread collects each generation when its
threshold is passed, as the collector itself would have. A bulk run's pause
(services/pipeline) sees the collector off and leaves it off.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadCollector(QObject):
    """Owns the collector while it lives: ``stop()`` gives automatic collection back."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 500) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> int:
        """Collect the oldest generation whose count passed its threshold; how many
        unreachable objects were found (0 when nothing was due)."""
        c0, c1, c2 = gc.get_count()
        t0, t1, t2 = self.threshold
        if c0 <= t0:
            return 0
        generation = 2 if c1 > t1 and c2 > t2 else 1 if c1 > t1 else 0
        return gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
