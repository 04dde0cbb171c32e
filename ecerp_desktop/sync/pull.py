"""Pulling one shop's orders (and refunds) window by window, behind its cursor.

Crash points, and why nothing is lost or doubled:

- Orders are upserted by (shop, platform order id) with the modified-time guard, so pulling
  any window again is harmless.
- A window's orders are committed in batches; the last batch and the cursor move share one
  transaction. A crash before that commit leaves the cursor where it was, the window is
  pulled again on restart, and the earlier batches meet themselves as "unchanged". A crash
  after it finds the window done. The cursor therefore never passes data not stored.
- Windows are at most the platform's limit (30 min on Taobao/PDD) and each starts a few
  minutes before the previous one ended, and the newest window ends a skew margin before
  "now", so orders indexed late by the platform or stamped by a skewed clock are seen.

Runs on a sync lane thread (it blocks on HTTP), never on the GUI thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ecerp_desktop.connectors.base import (
    MAX_WINDOW_MINUTES,
    BadPayload,
    ConnectorError,
    PlatformConnector,
    RefundChange,
)
from ecerp_desktop.domain.platform_order import PlatformOrder
from ecerp_desktop.store import Store
from ecerp_desktop.store import sync as sync_store
from ecerp_desktop.store.shops import ShopRecord
from ecerp_desktop.sync.backoff import Backoff

log = logging.getLogger(__name__)

ORDERS, REFUNDS = "orders", "refunds"


class Cancelled(Exception):
    """The user (or shutdown) asked the pull to stop; everything committed stays."""


class NotLeader(Exception):
    """Another station leads this shop now; this one must stop writing and pushing."""


class PullFailed(Exception):
    """A window kept failing; the cursor stays before it."""

    def __init__(self, message: str, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.cause = cause


@dataclass(frozen=True, slots=True)
class PullSettings:
    window: timedelta | None = None  # None: as wide as the connector allows
    overlap: timedelta = timedelta(minutes=3)
    skew: timedelta = timedelta(minutes=3)  # PDD asks for end ≤ server time − 3 min
    batch_orders: int = 2000  # orders per transaction at most
    commit_seconds: float = 2.0  # commit (and save the cursor) at least this often
    prefetch_pages: int = 8  # pages fetched ahead of the storing thread
    max_pages: int = 5000  # per window: paging that never ends is cut here
    stale_pages: int = 3  # consecutive pages bringing no new order: paging is looping
    attempts: int = 6  # tries per window before the shop is reported failed
    max_wait: float = 600.0  # a ban longer than this fails the run instead of sleeping
    backoff: Backoff = field(default_factory=Backoff)


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a pull is: for progress bars on long back-fills. ``fraction`` in 0..1."""

    shop_id: int
    shop_name: str
    stream: str
    start: datetime  # of the whole pull
    end: datetime
    done_until: datetime
    orders: int
    quarantined: int

    @property
    def fraction(self) -> float:
        total = (self.end - self.start).total_seconds()
        if total <= 0:
            return 1.0
        return max(0.0, min(1.0, (self.done_until - self.start).total_seconds() / total))


ProgressFn = Callable[[Progress], None]


@dataclass(slots=True)
class PullReport:
    shop_id: int
    stream: str = ORDERS
    windows: int = 0
    pages: int = 0
    received: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    retries: int = 0
    cursor: datetime | None = None


class Puller:
    """Pulls one shop's streams. One instance per lane; not shared between threads."""

    def __init__(self, store: Store, shop: ShopRecord, connector: PlatformConnector, *,
                 settings: PullSettings, now: Callable[[], datetime],
                 cancel: threading.Event | None = None,
                 still_leader: Callable[[], bool] | None = None,
                 progress: ProgressFn | None = None) -> None:
        self.store, self.shop, self.connector = store, shop, connector
        self.settings = settings
        self.now = now
        self.cancel = cancel or threading.Event()
        self.still_leader = still_leader or (lambda: True)
        self.progress = progress
        limit = timedelta(minutes=getattr(connector, "max_window_minutes", None)
                          or MAX_WINDOW_MINUTES)
        self.width = limit if settings.window is None else min(settings.window, limit)
        self.overlap = min(settings.overlap, self.width / 2)

    # --- planning ----------------------------------------------------------------------

    def start_for(self, stream: str, since: datetime | None) -> tuple[datetime, bool]:
        """Where to begin, and whether a cursor exists (a new shop back-fills)."""
        if since is not None:
            return since, False
        with self.store.read() as s:
            cur = sync_store.get_cursor(s, self.shop.id, stream)
        if cur is None:
            return self.now() - timedelta(days=self.shop.backfill_days), False
        return cur.cursor_at - self.overlap, True

    def _wait(self, seconds: float) -> None:
        if self.cancel.wait(max(0.0, seconds)):
            raise Cancelled()

    def _retrying(self, what: str, fn: Callable[[], None], report: PullReport, *,
                  check_leader: bool = True) -> None:
        attempt = 0
        while True:
            if self.cancel.is_set():
                raise Cancelled()
            if check_leader and not self.still_leader():
                raise NotLeader(self.shop.name)
            try:
                fn()
                return
            except (Cancelled, NotLeader):
                raise
            except NotImplementedError as exc:  # the platform has no such stream
                raise PullFailed(f"{what}: not supported", exc) from exc
            except ConnectorError as exc:
                if not exc.retryable:
                    raise PullFailed(f"{what}: {exc}", exc) from exc
                error: Exception = exc
                after = exc.retry_after
            except Exception as exc:  # a connector bug or an unexpected wire shape
                log.warning("shop %s: %s failed: %s", self.shop.id, what, type(exc).__name__)
                error, after = exc, None
            wait = self.settings.backoff.delay(attempt, after)
            attempt += 1
            report.retries += 1
            if attempt >= self.settings.attempts or wait > self.settings.max_wait:
                raise PullFailed(f"{what}: {error}", error) from error
            log.info("shop %s: %s failed (%s), retry in %.1fs", self.shop.id, what,
                     type(error).__name__, wait)
            self._wait(wait)

    def _windows(self, start: datetime, end_limit: datetime) -> list[tuple[datetime, datetime]]:
        out = []
        while start < end_limit:
            end = min(start + self.width, end_limit)
            out.append((start, end))
            if end >= end_limit:
                break
            start = end - self.overlap
        return out

    # --- orders ------------------------------------------------------------------------

    def pull_orders(self, since: datetime | None = None) -> PullReport:
        """Pull from the cursor (or *since*) up to now − skew.

        A fetcher thread walks the windows and pages (HTTP and parsing) while this thread
        stores them, so the platform's latency overlaps our writes. The fetcher hands over
        pages and "window complete" marks through a small bounded queue; this thread commits
        a batch every ``batch_orders`` orders or ``commit_seconds``, moving the cursor to
        the end of the last *complete* window in the batch, in the same transaction.
        """
        report = PullReport(self.shop.id, ORDERS)
        first, _ = self.start_for(ORDERS, since)
        end_limit = self.now() - self.settings.skew
        windows = self._windows(first, end_limit)
        if not windows:
            return report
        q: queue.Queue[tuple[Any, ...]] = queue.Queue(maxsize=self.settings.prefetch_pages)
        stop = threading.Event()
        fetcher = threading.Thread(target=self._fetch_all, args=(windows, q, stop, report),
                                   name=f"sync-fetch-shop:{self.shop.id}", daemon=True)
        fetcher.start()
        batch: list[PlatformOrder] = []
        bad: list[BadPayload] = []
        done_until: datetime | None = None
        committed_until: datetime | None = None
        last = time.monotonic()
        try:
            while True:
                try:
                    item = q.get(timeout=0.2)
                except queue.Empty:
                    if self.cancel.is_set():
                        raise Cancelled() from None
                    continue
                kind = item[0]
                if kind == "page":
                    batch.extend(item[1].orders)
                    bad.extend(item[1].bad)
                    if len(batch) >= self.settings.batch_orders:
                        self._commit(batch, bad, report, done_until)
                        committed_until, batch, bad = done_until, [], []
                        last = time.monotonic()
                elif kind == "window":
                    done_until = item[1]
                    report.windows += 1
                    report.cursor = done_until
                    if self.progress is not None:
                        self.progress(Progress(self.shop.id, self.shop.name, ORDERS, first,
                                               end_limit, done_until, report.received
                                               + len(batch), report.quarantined))
                    if time.monotonic() - last >= self.settings.commit_seconds:
                        self._commit(batch, bad, report, done_until)
                        committed_until, batch, bad = done_until, [], []
                        last = time.monotonic()
                elif kind == "end":
                    if batch or bad or done_until != committed_until:
                        self._commit(batch, bad, report, done_until)
                    return report
                else:  # "error": keep what is complete, then report the failure
                    if batch or bad or done_until != committed_until:
                        self._commit(batch, bad, report, done_until)
                    raise item[1]
        finally:
            stop.set()
            while fetcher.is_alive():
                try:
                    q.get_nowait()
                except queue.Empty:
                    fetcher.join(0.05)

    def _fetch_all(self, windows: list[tuple[datetime, datetime]], q: queue.Queue[Any],
                   stop: threading.Event, report: PullReport) -> None:
        """The fetcher thread: every window's pages, retried as the platform requires."""

        def put(item: tuple[Any, ...]) -> None:
            while not stop.is_set():
                try:
                    q.put(item, timeout=0.2)
                    return
                except queue.Full:
                    continue
            raise Cancelled()

        try:
            for ws, we in windows:
                self._retrying(f"orders {ws.isoformat()}..{we.isoformat()}",
                               lambda ws=ws, we=we: self._fetch_window(ws, we, put, report),
                               report, check_leader=False)
                put(("window", we))
            put(("end",))
        except Cancelled:
            return
        except BaseException as exc:  # handed to the storing thread, which raises it
            try:
                put(("error", exc))
            except Cancelled:
                return

    def _fetch_window(self, start: datetime, end: datetime,
                      put: Callable[[tuple[Any, ...]], None], report: PullReport) -> None:
        seen: set[str] = set()
        pages = stale = 0
        for page in self.connector.pull_orders(start, end):
            pages += 1
            new = 0
            for o in page.orders:
                if o.platform_order_id not in seen:
                    seen.add(o.platform_order_id)
                    new += 1
            stale = 0 if (new or page.bad) else stale + 1
            if stale >= self.settings.stale_pages or pages >= self.settings.max_pages:
                page.bad.append(BadPayload(
                    "", f"window {start.isoformat()}..{end.isoformat()}",
                    f"paging did not end: stopped after {pages} pages "
                    f"({len(seen)} distinct orders kept)"))
                log.warning("shop %s: paging did not end after %d pages", self.shop.id, pages)
                put(("page", page))
                break
            put(("page", page))
            if self.cancel.is_set():
                raise Cancelled()
        report.pages += pages

    def _commit(self, orders: list[PlatformOrder], bad: list[BadPayload],
                report: PullReport, cursor_to: datetime | None) -> None:
        """Store a batch, quarantine what cannot be stored, and move the cursor to the end
        of the last complete window: all in one transaction."""
        if not self.still_leader():
            raise NotLeader(self.shop.name)
        now = self.now()
        with self.store.write() as s:
            result, rejected = sync_store.store_orders(s, self.shop.id, orders, now)
            items = [(b.platform_order_id, b.raw, b.reason) for b in bad]
            items += [(o.platform_order_id, sync_store.raw_text(o), reason)
                      for o, reason in rejected]
            if items:
                sync_store.quarantine(s, self.shop.id, ORDERS, items, now)
            if cursor_to is not None:
                sync_store.advance_cursor(s, self.shop.id, ORDERS, cursor_to, now)
        report.received += len(orders)
        report.inserted += result.inserted
        report.updated += result.updated
        report.unchanged += result.unchanged
        report.quarantined += len(items)

    # --- refunds -----------------------------------------------------------------------

    def pull_refunds(self, since: datetime | None = None) -> PullReport:
        """Refund and after-sales changes: each line follows the platform's refund state.
        Changes and the cursor are committed together every few windows."""
        report = PullReport(self.shop.id, REFUNDS)
        start, _ = self.start_for(REFUNDS, since)
        changes: list[RefundChange] = []
        done_until: datetime | None = None
        last = time.monotonic()
        for ws, we in self._windows(start, self.now() - self.settings.skew):
            got: list[RefundChange] = []

            def fetch(ws: datetime = ws, we: datetime = we, got: list[RefundChange] = got
                      ) -> None:
                got.clear()
                pages = 0
                for page in self.connector.pull_refunds(ws, we):
                    pages += 1
                    got.extend(page)
                    if pages >= self.settings.max_pages:
                        break
                report.pages += pages

            try:
                self._retrying(f"refunds {ws.isoformat()}..{we.isoformat()}", fetch, report)
            except BaseException:
                if done_until is not None:
                    self._commit_refunds(changes, done_until, report)
                raise
            changes.extend(got)
            done_until = we
            report.windows += 1
            report.cursor = we
            if (len(changes) >= self.settings.batch_orders
                    or time.monotonic() - last >= self.settings.commit_seconds):
                self._commit_refunds(changes, we, report)
                changes = []
                last = time.monotonic()
        if done_until is not None:
            self._commit_refunds(changes, done_until, report)
        return report

    def _commit_refunds(self, changes: list[RefundChange], cursor_to: datetime,
                        report: PullReport) -> None:
        now = self.now()
        with self.store.write() as s:
            report.updated += sync_store.apply_refunds(s, self.shop.id, changes, now)
            sync_store.advance_cursor(s, self.shop.id, REFUNDS, cursor_to, now)
        report.received += len(changes)
