"""Background ops: the one way a page runs work off the GUI thread.

Like Anki's ``QueryOp``/``CollectionOp``: a page hands a plain callable (a service call) to
:class:`Op`; it runs on a worker of a QThreadPool, and its result — or the DomainError it
raised — comes back on the GUI thread through one signal. The callable never touches a
widget; the callbacks run on the GUI thread and may.

Database work runs on one serial lane (``DB_LANE``, one thread) so that two ops of the same
window never race each other for the SQLite write lock; CPU work may pass its own pool.
"""

from __future__ import annotations

import logging
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, Signal

from ecerp_desktop.domain.errors import DomainError

T = TypeVar("T")
log = logging.getLogger(__name__)

_lanes: dict[str, QThreadPool] = {}


def lane(name: str = "db", threads: int = 1) -> QThreadPool:
    """A named thread pool, created on first use (``db``: one thread, serial)."""
    pool = _lanes.get(name)
    if pool is None:
        pool = QThreadPool()
        pool.setMaxThreadCount(threads)
        pool.setObjectName(f"ecerp-{name}")
        _lanes[name] = pool
    return pool


def wait_all(timeout_ms: int = 10_000) -> None:
    """Let running ops finish (at exit, so no worker outlives the store)."""
    for pool in _lanes.values():
        pool.waitForDone(timeout_ms)


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits through it (queued across threads).

    Only ``object`` arguments: PySide6 has miscounted references to queued ``bool``s.
    """

    result = Signal(object)
    error = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:  # worker thread
        try:
            result = self._fn()
        except DomainError as exc:
            self._relay.error.emit(exc)
        except Exception as exc:  # unexpected: keep the traceback for the log
            log.error("op failed:\n%s", traceback.format_exc())
            self._relay.error.emit(exc)
        else:
            self._relay.result.emit(result)


class ProgressRelay(QObject):
    """Hands a service's ``progress(done, total)`` calls from the worker to the GUI thread.

    Create it on the GUI thread, connect ``changed`` to a progress bar, and pass
    ``relay.report`` to the service as its progress callback.
    """

    changed = Signal(int, int)

    def report(self, done: int, total: int) -> None:  # any thread
        self.changed.emit(done, total)


class ChangeBus(QObject):
    """Announces what a write op changed, so views refresh only when they must.

    ``changed`` carries a frozenset of entity names ("orders", "stock", "users", ...);
    a page connects once and reloads when a name it shows is in the set.
    """

    changed = Signal(object)


_bus: ChangeBus | None = None


def change_bus() -> ChangeBus:
    global _bus
    if _bus is None:
        _bus = ChangeBus()
    return _bus


_running: set[Op[Any]] = set()  # keeps ops alive until their result was delivered


class Op(QObject, Generic[T]):
    """Run ``fn`` in the background; deliver ``succeeded(result)`` or ``failed(error)``.

    ``failed`` carries the exception: a :class:`DomainError` for a user-facing failure
    (translate it with ``ui.errors.describe``), anything else for a bug. When ``owner`` is
    given and has been deleted by the time the result arrives, no callback runs. A write
    op names what it ``changes``; after it succeeded, :func:`change_bus` announces that.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, fn: Callable[[], T], *, owner: QObject | None = None,
                 on_success: Callable[[T], None] | None = None,
                 on_failure: Callable[[BaseException], None] | None = None,
                 pool: QThreadPool | None = None,
                 changes: frozenset[str] | set[str] | None = None) -> None:
        super().__init__()
        self._fn = fn
        self._changes = frozenset(changes or ())
        self._owner = owner
        self._pool = pool
        self._relay = _Relay()
        self._relay.result.connect(lambda value: self._deliver(True, value))
        self._relay.error.connect(lambda exc: self._deliver(False, exc))
        if on_success is not None:
            self.succeeded.connect(on_success)
        if on_failure is not None:
            self.failed.connect(on_failure)
        self.ok: bool | None = None
        self.result: Any = None
        self.error: BaseException | None = None

    def start(self) -> Op[T]:
        _running.add(self)
        (self._pool or lane()).start(_Runnable(self._fn, self._relay))
        return self

    def _deliver(self, ok: bool, value: object) -> None:  # GUI thread
        _running.discard(self)
        self.ok = ok
        if ok:
            self.result = value
            if self._changes:  # the data changed even if the asking widget is gone
                change_bus().changed.emit(self._changes)
        else:
            self.error = value  # type: ignore[assignment]
        if self._owner is not None and not shiboken6.isValid(self._owner):
            return
        if ok:
            self.succeeded.emit(value)
        else:
            self.failed.emit(value)
        self.finished.emit()


def run_op(fn: Callable[[], T], *, owner: QObject | None = None,
           on_success: Callable[[T], None] | None = None,
           on_failure: Callable[[BaseException], None] | None = None,
           pool: QThreadPool | None = None,
           changes: frozenset[str] | set[str] | None = None) -> Op[T]:
    """Start an op and return it (connect further slots to its signals if needed)."""
    return Op(fn, owner=owner, on_success=on_success, on_failure=on_failure,
              pool=pool, changes=changes).start()


def run_and_wait(fn: Callable[[], T], *, pool: QThreadPool | None = None,
                 meanwhile: Callable[[], object] | None = None) -> T:
    """Run ``fn`` in the background while the GUI keeps painting; return or raise.

    For start-up steps that must finish before anything else can happen (opening the
    database, seeding the demo): a local event loop keeps progress dialogs alive.
    ``meanwhile`` runs on the GUI thread while ``fn`` works (e.g. importing the next
    window's modules while Argon2 checks a password).
    """
    op: Op[T] = Op(fn, pool=pool)
    loop = QEventLoop()
    op._relay.result.connect(lambda _: loop.quit())
    op._relay.error.connect(lambda _: loop.quit())
    op.start()
    if meanwhile is not None:
        meanwhile()
    if op.ok is None:
        loop.exec()
    if op.ok:
        return op.result  # type: ignore[no-any-return]
    assert op.error is not None
    raise op.error


class ScanQueue(QObject):
    """A station screen's ops one at a time, and the scans that arrive meanwhile kept in
    order and taken once the op before them is done (a fast scanner never races itself).

    ``take(code, qty)`` handles one scan (usually by :meth:`run`-ning an op); ``failed(exc)``
    shows an op's error; ``ready()`` says whether scans may be taken yet (e.g. the station
    is set up). GUI thread only; the ops are the owner's (no callback after it is deleted).
    """

    def __init__(self, owner: QObject, take: Callable[[str, int], None],
                 failed: Callable[[BaseException], None],
                 ready: Callable[[], bool] = lambda: True) -> None:
        super().__init__(owner)
        self._owner = owner
        self._take = take
        self._failed = failed
        self._ready = ready
        self._pending: deque[tuple[str, int]] = deque()
        self.busy = False

    def run(self, fn: Callable[[], T], done: Callable[[T], None], *,
            changes: frozenset[str] | set[str] | None = None) -> None:
        """Run *fn* as the one op in flight; *done(result)* or ``failed``, then the scans
        that waited."""
        self.busy = True

        def ok(result: T) -> None:
            self.busy = False
            done(result)
            self.drain()

        def failed(exc: BaseException) -> None:
            self.busy = False
            self._failed(exc)
            self.drain()

        run_op(fn, owner=self._owner, on_success=ok, on_failure=failed, changes=changes)

    @property
    def waiting(self) -> int:
        """How many scans wait for the op in flight (0: the last one is being shown)."""
        return len(self._pending)

    def scan(self, code: str, qty: int) -> None:
        """Take a scan now, or after the op in flight (and the scans before it)."""
        if self.busy or not self._ready():
            self._pending.append((code, qty))
            return
        self._take(code, qty)

    def drain(self) -> None:
        """Take the scans that waited, in order, while no op is in flight."""
        while self._pending and not self.busy and self._ready():
            code, qty = self._pending.popleft()
            self._take(code, qty)
