"""Sync health: per shop the last successful pull, lag, orders pulled today, queue depth,
parked pushes with their reasons and quarantined payloads; buttons to pull now, pause,
resume, retry a parked push, and back-fill the last 7 days with a progress bar.

Every read and write runs as an op off the GUI thread; the engine's lanes are
infrastructure threads that never touch a widget. Back-fill progress crosses threads
through a queued Qt signal.
"""

from __future__ import annotations

import threading
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.timeutil import format_local
from ecerp_desktop.services import sync as sync_service
from ecerp_desktop.sync.engine import ShopHealth, SyncEngine
from ecerp_desktop.sync.pull import Progress
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import lane, run_op

REFRESH_MS = 5000
BACKFILL_DAYS = 7


class _ProgressSignal(QObject):
    """Back-fill progress from the worker thread to the GUI thread (queued)."""

    progressed = Signal(float, int)

    def report(self, p: Progress) -> None:  # worker thread
        self.progressed.emit(p.fraction, p.orders)


def _lag(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


class SyncPage(QWidget):
    """The sync-health page. ``engine`` defaults to one built from the shop registry."""

    COLUMNS = ("Shop", "Platform", "State", "Last success", "Lag", "Pulled today",
               "Queue", "Parked", "Quarantined", "Last error")

    def __init__(self, ctx: PageContext, engine: SyncEngine | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.engine = engine or ctx.sync_engine() or sync_service.make_engine(ctx.store)
        self.rows: list[ShopHealth] = []
        self._cancel: threading.Event | None = None
        self._progress = _ProgressSignal()
        self._progress.progressed.connect(self._show_progress)

        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_parked)
        layout.addWidget(self.table)

        buttons = QHBoxLayout()
        self.pull_button = QPushButton(self.tr("Pull now"))
        self.pause_button = QPushButton(self.tr("Pause"))
        self.resume_button = QPushButton(self.tr("Resume"))
        self.backfill_button = QPushButton(self.tr("Pull the last 7 days"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        for b in (self.pull_button, self.pause_button, self.resume_button,
                  self.backfill_button, self.cancel_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)

        layout.addWidget(QLabel(self.tr("Parked pushes of the selected shop")))
        self.parked = QListWidget()
        layout.addWidget(self.parked)
        retry_row = QHBoxLayout()
        self.retry_button = QPushButton(self.tr("Retry selected push"))
        retry_row.addWidget(self.retry_button)
        retry_row.addStretch(1)
        layout.addLayout(retry_row)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # errors may quote platform text
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.pull_button.clicked.connect(self.pull_now)
        self.pause_button.clicked.connect(lambda: self._set_paused(True))
        self.resume_button.clicked.connect(lambda: self._set_paused(False))
        self.backfill_button.clicked.connect(self.backfill)
        self.cancel_button.clicked.connect(self._cancel_backfill)
        self.retry_button.clicked.connect(self.retry_selected)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    # --- reading -----------------------------------------------------------------------

    def refresh(self) -> None:
        run_op(self.engine.health, owner=self, on_success=self._show,
               on_failure=self._failed)

    def _show(self, rows: list[ShopHealth]) -> None:
        selected = self.selected()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, h in enumerate(rows):
            values = (h.name, h.platform, self.tr(h.state), _time(h.last_success_at),
                      _lag(h.lag_seconds), str(h.orders_pulled_today), str(h.queue_depth),
                      str(len(h.parked)), str(h.quarantined), h.last_error)
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if c == 9 and v:
                    item.setToolTip(v)
                self.table.setItem(r, c, item)
            if selected is not None and h.shop_id == selected.shop_id:
                self.table.selectRow(r)
        self._show_parked()

    def selected(self) -> ShopHealth | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.rows):
            return None
        return self.rows[rows[0].row()]

    def _show_parked(self) -> None:
        self.parked.clear()
        h = self.selected()
        if h is None:
            return
        for p in h.parked:
            item = QListWidgetItem(f"#{p.id} {p.kind} ({p.attempts}×): {p.last_error}")
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            self.parked.addItem(item)

    # --- actions -----------------------------------------------------------------------

    def _need_shop(self) -> ShopHealth | None:
        h = self.selected()
        if h is None:
            self.status.setText(self.tr("Select a shop first."))
        return h

    def pull_now(self) -> None:
        h = self._need_shop()
        if h is None:
            return
        self.status.setText(self.tr("Pulling {shop}…").format(shop=h.name))
        store, engine = self.ctx.store, self.engine

        def work() -> str:
            from ecerp_desktop.services.shops import get_shop

            return sync_service.summary(engine.run_shop(get_shop(store, h.name)))

        # pulls block on HTTP: their own lane, so the page's reads never wait behind them
        run_op(work, owner=self, on_success=self._done, on_failure=self._failed,
               changes={"orders", "sync"}, pool=lane("sync"))

    def _set_paused(self, paused: bool) -> None:
        h = self._need_shop()
        if h is None:
            return
        fn = sync_service.pause if paused else sync_service.resume
        store, actor, engine = self.ctx.store, self.ctx.actor, self.engine
        run_op(lambda: fn(store, actor, h.name, engine), owner=self,
               on_success=lambda _r: self.refresh(), on_failure=self._failed,
               changes={"sync"})

    def backfill(self) -> None:
        h = self._need_shop()
        if h is None:
            return
        self._cancel = threading.Event()
        cancel, store, actor, engine = self._cancel, self.ctx.store, self.ctx.actor, self.engine
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.backfill_button.setEnabled(False)
        self.cancel_button.setEnabled(True)

        def work() -> str:
            run = sync_service.backfill(store, actor, h.name, BACKFILL_DAYS, engine=engine,
                                        cancel=cancel, progress=self._progress.report)
            return sync_service.summary(run)

        def finished(_: object = None) -> None:
            self.progress.setVisible(False)
            self.backfill_button.setEnabled(True)
            self.cancel_button.setEnabled(False)

        op = run_op(work, owner=self, on_success=self._done, on_failure=self._failed,
                    changes={"orders", "sync"}, pool=lane("sync"))
        op.finished.connect(finished)

    def _cancel_backfill(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def _show_progress(self, fraction: float, orders: int) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress.setFormat(self.tr("%p% — {n} orders").format(n=orders))

    def retry_selected(self) -> None:
        item = self.parked.currentItem()
        if item is None:
            self.status.setText(self.tr("Select a parked push first."))
            return
        entry_id = int(item.data(Qt.ItemDataRole.UserRole))
        store, actor = self.ctx.store, self.ctx.actor
        run_op(lambda: sync_service.retry_parked(store, actor, entry_id=entry_id),
               owner=self, on_success=lambda _n: self._retried(), on_failure=self._failed,
               changes={"sync"})

    def _retried(self) -> None:
        self.status.setText(self.tr("The push was queued again."))
        self.engine.pull_now()
        self.refresh()

    def _done(self, summary: str) -> None:
        self.status.setText(summary)
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        self.status.setText(describe(error))


def _time(at: datetime | None) -> str:
    return format_local(at) if at else "-"
