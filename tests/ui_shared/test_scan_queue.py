"""ScanQueue: a station screen's ops one at a time; scans arriving meanwhile wait, in order."""

from __future__ import annotations

import threading

from ecerp_desktop.ui.ops import ScanQueue
from PySide6.QtCore import QObject


def test_scans_during_an_op_are_taken_after_it_in_order(qtbot) -> None:
    owner = QObject()
    taken: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    queue = ScanQueue(owner, lambda code, qty: taken.append((code, qty)), errors.append)
    release = threading.Event()
    results: list[str] = []

    queue.run(lambda: release.wait(5) and "opened", results.append)
    assert queue.busy
    queue.scan("TEA-1", 2)
    queue.scan("TEA-2", 1)
    assert taken == [] and queue.waiting == 2  # nothing overtakes the op in flight
    release.set()
    qtbot.waitUntil(lambda: taken == [("TEA-1", 2), ("TEA-2", 1)])
    assert results == ["opened"] and not queue.busy and errors == []
    queue.scan("TEA-3", 1)
    assert taken[-1] == ("TEA-3", 1)  # idle: taken at once


def test_a_failed_op_is_reported_and_the_queue_goes_on(qtbot) -> None:
    owner = QObject()
    taken: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    queue = ScanQueue(owner, lambda code, qty: taken.append((code, qty)), errors.append)

    def boom() -> None:
        raise RuntimeError("printer on fire")

    queue.run(boom, lambda _r: None)
    queue.scan("TEA-1", 1)
    qtbot.waitUntil(lambda: taken == [("TEA-1", 1)])
    assert [str(e) for e in errors] == ["printer on fire"]


def test_scans_wait_until_the_screen_is_ready(qtbot) -> None:
    owner = QObject()
    taken: list[tuple[str, int]] = []
    ready = False
    queue = ScanQueue(owner, lambda code, qty: taken.append((code, qty)), lambda e: None,
                      ready=lambda: ready)
    queue.scan("SF1", 1)
    assert taken == []
    ready = True
    queue.drain()
    assert taken == [("SF1", 1)]
