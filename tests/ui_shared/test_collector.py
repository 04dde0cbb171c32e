"""Only the GUI thread collects cycles while the app runs: a worker thread's allocations
never free a widget (which would delete it off the GUI thread and crash Qt)."""

from __future__ import annotations

import gc
import threading
import weakref

from ecerp_desktop.ui.collector import GuiThreadCollector
from PySide6.QtWidgets import QApplication, QWidget


class _Cyclic(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.confirm = self.close  # a bound method: the widget's wrapper is in a cycle


def test_cycles_are_collected_on_the_gui_thread_only(qapp: QApplication) -> None:
    gc.enable()  # as a plain Python program starts
    collector = GuiThreadCollector(interval_ms=60_000)  # driven by hand below
    try:
        assert not gc.isenabled()
        w = _Cyclic()
        alive = weakref.ref(w)
        del w

        def churn() -> None:  # a worker allocating enough to trigger every generation
            junk = []
            for i in range(300_000):
                junk.append([i])  # noqa: PERF401 - allocations are the point
                if len(junk) > 1000:
                    junk.clear()

        t = threading.Thread(target=churn)
        t.start()
        t.join()
        assert alive() is not None  # the worker collected nothing
        collector.threshold = (0, 0, 0)  # due now
        assert collector.check() > 0
        assert alive() is None  # collected here, on the GUI thread
    finally:
        collector.stop()
    assert gc.isenabled()
