"""Background ops: work runs off the GUI thread, results come back on it."""

from __future__ import annotations

import threading

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.ui.ops import Op, run_and_wait, run_op
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot


def test_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    gui = threading.get_ident()
    seen: dict[str, int] = {}

    def work() -> int:
        seen["worker"] = threading.get_ident()
        return 42

    results: list[int] = []

    def done(value: int) -> None:
        seen["callback"] = threading.get_ident()
        results.append(value)

    op = run_op(work, on_success=done)
    with qtbot.waitSignal(op.finished, timeout=3000):
        pass
    assert results == [42]
    assert seen["worker"] != gui and seen["callback"] == gui


def test_domain_error_is_delivered_not_raised(qtbot: QtBot) -> None:
    def work() -> None:
        raise DomainError(ErrorCode.WRONG_PASSWORD)

    op: Op[None] = run_op(work)
    with qtbot.waitSignal(op.failed, timeout=3000) as blocker:
        pass
    assert isinstance(blocker.args[0], DomainError)
    assert blocker.args[0].code == ErrorCode.WRONG_PASSWORD


def test_no_callback_for_a_widget_that_is_gone(qtbot: QtBot) -> None:
    owner = QWidget()
    gate = threading.Event()
    called: list[object] = []
    op = run_op(lambda: gate.wait(3), owner=owner, on_success=called.append)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner), timeout=3000)
    gate.set()
    qtbot.waitUntil(lambda: op.ok is not None, timeout=3000)
    assert called == []


def _alive(obj: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


def test_run_and_wait_returns_or_raises(qtbot: QtBot) -> None:
    assert run_and_wait(lambda: "ok") == "ok"
    try:
        run_and_wait(lambda: (_ for _ in ()).throw(DomainError(ErrorCode.NOT_FOUND,
                                                               what="x", key="y")))
    except DomainError as exc:
        assert exc.code == ErrorCode.NOT_FOUND
    else:
        raise AssertionError("the error must reach the caller")


def test_a_write_op_announces_what_it_changed(qtbot: QtBot) -> None:
    from ecerp_desktop.ui.ops import change_bus

    with qtbot.waitSignal(change_bus().changed, timeout=3000) as blocker:
        run_op(lambda: None, changes={"orders", "stock"})
    assert blocker.args[0] == frozenset({"orders", "stock"})


def test_progress_reaches_the_gui_thread(qtbot: QtBot) -> None:
    from ecerp_desktop.ui.ops import ProgressRelay

    relay = ProgressRelay()
    seen: list[tuple[int, int, int]] = []
    relay.changed.connect(lambda d, t: seen.append((d, t, threading.get_ident())))

    def work() -> None:
        for i in range(1, 4):
            relay.report(i, 3)

    op = run_op(work)
    qtbot.waitUntil(lambda: op.ok is not None and len(seen) == 3, timeout=3000)
    assert [(d, t) for d, t, _ in seen] == [(1, 3), (2, 3), (3, 3)]
    assert {thread for _, _, thread in seen} == {threading.get_ident()}
