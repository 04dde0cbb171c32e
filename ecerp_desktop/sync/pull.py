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
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

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
    window: timedelta = timedelta(minutes=MAX_WINDOW_MINUTES)
    overlap: timedelta = timedelta(minutes=3)
    skew: timedelta = timedelta(minutes=3)  # PDD asks for end ≤ server time − 3 min
    batch_orders: int = 2000  # orders per transaction within a window
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
        limit = getattr(connector, "max_window_minutes", None) or MAX_WINDOW_MINUTES
        self.width = min(settings.window, timedelta(minutes=limit))
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

    def _retrying(self, what: str, fn: Callable[[], None], report: PullReport) -> None:
        attempt = 0
        while True:
            if self.cancel.is_set():
                raise Cancelled()
            if not self.still_leader():
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

    # --- orders ------------------------------------------------------------------------

    def pull_orders(self, since: datetime | None = None) -> PullReport:
        report = PullReport(self.shop.id, ORDERS)
        start, _ = self.start_for(ORDERS, since)
        first = start
        end_limit = self.now() - self.settings.skew
        while start < end_limit:
            end = min(start + self.width, end_limit)
            window_start = start
            self._retrying(f"orders {window_start.isoformat()}..{end.isoformat()}",
                           lambda ws=window_start, we=end: self._orders_window(ws, we, report),
                           report)
            report.windows += 1
            report.cursor = end
            if self.progress is not None:
                self.progress(Progress(self.shop.id, self.shop.name, ORDERS, first,
                                       end_limit, end, report.received, report.quarantined))
            if end >= end_limit:
                break
            start = end - self.overlap
        return report

    def _orders_window(self, start: datetime, end: datetime, report: PullReport) -> None:
        batch: list[PlatformOrder] = []
        bad: list[BadPayload] = []
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
            batch.extend(page.orders)
            bad.extend(page.bad)
            if stale >= self.settings.stale_pages or pages >= self.settings.max_pages:
                bad.append(BadPayload(
                    "", f"window {start.isoformat()}..{end.isoformat()}",
                    f"paging did not end: stopped after {pages} pages "
                    f"({len(seen)} distinct orders kept)"))
                log.warning("shop %s: paging did not end after %d pages", self.shop.id, pages)
                break
            if len(batch) >= self.settings.batch_orders:
                self._commit(batch, bad, report, None)
                batch, bad = [], []
            if self.cancel.is_set():
                raise Cancelled()
        report.pages += pages
        self._commit(batch, bad, report, end)

    def _commit(self, orders: list[PlatformOrder], bad: list[BadPayload],
                report: PullReport, cursor_to: datetime | None) -> None:
        """Store a batch, quarantine what cannot be stored, and (at the window's end) move
        the cursor: all in one transaction."""
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
        """Refund and after-sales changes: each line follows the platform's refund state."""
        report = PullReport(self.shop.id, REFUNDS)
        start, _ = self.start_for(REFUNDS, since)
        end_limit = self.now() - self.settings.skew
        while start < end_limit:
            end = min(start + self.width, end_limit)
            ws = start
            self._retrying(f"refunds {ws.isoformat()}..{end.isoformat()}",
                           lambda ws=ws, we=end: self._refunds_window(ws, we, report), report)
            report.windows += 1
            report.cursor = end
            if end >= end_limit:
                break
            start = end - self.overlap
        return report

    def _refunds_window(self, start: datetime, end: datetime, report: PullReport) -> None:
        changes: list[RefundChange] = []
        pages = 0
        for page in self.connector.pull_refunds(start, end):
            pages += 1
            changes.extend(page)
            if pages >= self.settings.max_pages:
                break
        now = self.now()
        with self.store.write() as s:
            report.updated += sync_store.apply_refunds(s, self.shop.id, changes, now)
            sync_store.advance_cursor(s, self.shop.id, REFUNDS, end, now)
        report.pages += pages
        report.received += len(changes)
