"""The sync engine: one lane per shop pulls orders and drains the shop's outbox on a
schedule, in background threads (threads belong to infrastructure: one lane per endpoint).

Each lane: take the shop's leadership (PostgreSQL advisory lock; on SQLite the app leads),
pull orders then refunds window by window behind the cursor, push queued shipments and stock,
then sleep until the next round or until woken ("pull now"). Failures back off exponentially
with jitter and never move a cursor. Other outbox targets (the ERP, couriers) get a lane each
when a deliverer is registered for them.

The GUI reads :meth:`SyncEngine.health` and calls ``pause``/``resume``/``pull_now`` from any
thread; the engine never touches Qt.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any

from ecerp_desktop.connectors import registry
from ecerp_desktop.connectors.base import AuthFailed, ConnectorError, PlatformConnector
from ecerp_desktop.domain.timeutil import to_zone, utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import shops as shop_store
from ecerp_desktop.store import sync as sync_store
from ecerp_desktop.store.shops import ShopRecord
from ecerp_desktop.store.sync import LeaderLock, OutboxRecord
from ecerp_desktop.sync.backoff import Backoff
from ecerp_desktop.sync.outbox import (
    Deliverer,
    DrainReport,
    OutboxRelay,
    ShopDeliverer,
    shop_target,
)
from ecerp_desktop.sync.pull import (
    ORDERS,
    Cancelled,
    NotLeader,
    ProgressFn,
    Puller,
    PullFailed,
    PullReport,
    PullSettings,
)

log = logging.getLogger(__name__)

ConnectorFactory = Callable[[ShopRecord], PlatformConnector]


def default_connector(shop: ShopRecord) -> PlatformConnector:
    """The shop's connector from the registry, with secrets from the credential store."""
    from ecerp_desktop.services.shops import connector_config  # keyring lives there

    return registry.create(connector_config(shop))


@dataclass(frozen=True, slots=True)
class SyncSettings:
    pull: PullSettings = field(default_factory=PullSettings)
    interval: float = 60.0  # seconds between two rounds of one lane
    lane_backoff: Backoff = field(default_factory=lambda: Backoff(base=5.0, cap=600.0))
    outbox_backoff: Backoff = field(default_factory=lambda: Backoff(base=2.0, cap=3600.0))
    outbox_max_attempts: int = 8
    refunds: bool = True


@dataclass(slots=True)
class ShopRun:
    """What one round did for one shop; ``error`` is set when the shop failed."""

    shop_id: int
    shop_name: str
    orders: PullReport | None = None
    refunds: PullReport | None = None
    outbox: DrainReport | None = None
    error: str = ""
    skipped: str = ""  # "paused", "not leader"


@dataclass(frozen=True, slots=True)
class ShopHealth:
    """One row of the sync-health page."""

    shop_id: int
    name: str
    platform: str
    active: bool
    paused: bool
    state: str  # idle, pulling, pushing, backing off, paused, stopped, follower
    last_success_at: datetime | None
    cursor_at: datetime | None
    lag_seconds: float | None  # now − cursor: how far behind the platform we are
    orders_pulled_today: int
    queue_depth: int
    parked: tuple[OutboxRecord, ...]
    quarantined: int
    last_error: str
    progress: float | None  # 0..1 during a pull


@dataclass(slots=True)
class _LaneState:
    state: str = "idle"
    progress: float | None = None
    error: str = ""


class SyncEngine:
    """Runs the shops' lanes. Methods may be called from any thread."""

    def __init__(self, store: Store, *, settings: SyncSettings | None = None,
                 connector_for: ConnectorFactory = default_connector,
                 now: Callable[[], datetime] = utcnow,
                 deliverers: dict[str, Callable[[], Deliverer]] | None = None,
                 on_progress: ProgressFn | None = None,
                 after_pull: Callable[[], object] | None = None,
                 on_parked: Callable[[Any, OutboxRecord], object] | None = None) -> None:
        self.store = store
        self.on_parked = on_parked  # see OutboxRelay
        # Run after each shop's pull, on that lane's thread: the order flow (intercepts, then
        # the pipeline). Serialised, since lanes pull at the same time.
        self.after_pull = after_pull
        self._after_pull_lock = threading.Lock()
        self.settings = settings or SyncSettings()
        self.connector_for = connector_for
        self.now = now
        self.extra_deliverers = dict(deliverers or {})  # target → factory (e.g. "erp")
        self.on_progress = on_progress
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._states: dict[int, _LaneState] = {}
        self._wakes: dict[str, threading.Event] = {}
        self._threads: list[threading.Thread] = []
        self._connectors: dict[int, tuple[ShopRecord, PlatformConnector]] = {}

    # --- one round -----------------------------------------------------------------------

    def _state(self, shop_id: int) -> _LaneState:
        with self._lock:
            return self._states.setdefault(shop_id, _LaneState())

    def _connector(self, shop: ShopRecord) -> PlatformConnector:
        with self._lock:
            cached = self._connectors.get(shop.id)
        if cached is not None and cached[0] == shop:
            return cached[1]
        connector = self.connector_for(shop)
        with self._lock:
            self._connectors[shop.id] = (shop, connector)
        return connector

    def run_shop(self, shop: ShopRecord, *, cancel: threading.Event | None = None,
                 progress: ProgressFn | None = None, since: datetime | None = None,
                 lock: LeaderLock | None = None) -> ShopRun:
        """Pull one shop from its cursor (or from *since*, for a back-fill such as "the last
        7 days") up to now, then push its queued outbox rows. Blocks; any non-GUI thread."""
        run = ShopRun(shop.id, shop.name)
        state = self._state(shop.id)
        cancel = cancel or self._stop
        own_lock = lock is None
        lock = lock or LeaderLock(self.store, shop_target(shop.id))
        try:
            with self.store.read() as s:
                cur = sync_store.get_cursor(s, shop.id, ORDERS)
            if cur is not None and cur.paused and since is None:
                run.skipped = "paused"
                state.state = "paused"
                return run
            if not lock.try_acquire():
                run.skipped = "not leader"
                state.state = "follower"
                return run
            connector = self._connector(shop)

            def report(p):  # type: ignore[no-untyped-def]
                state.progress = p.fraction
                for fn in (progress, self.on_progress):
                    if fn is not None:
                        fn(p)

            puller = Puller(self.store, shop, connector, settings=self.settings.pull,
                            now=self.now, cancel=cancel, still_leader=lock.holds,
                            progress=report)
            state.state, state.progress = "pulling", 0.0
            try:
                run.orders = puller.pull_orders(since)
                if self.settings.refunds and hasattr(connector, "pull_refunds"):
                    try:
                        run.refunds = puller.pull_refunds(since)
                    except PullFailed as exc:
                        if not isinstance(exc.cause, NotImplementedError):
                            raise
            except PullFailed as exc:
                # pushes do not wait for pulls: shipments still go out while the order
                # API fails, unless the credentials are refused
                run.error = str(exc)
                if isinstance(exc.cause, AuthFailed):
                    raise
            self._run_after_pull(shop)
            state.state, state.progress = "pushing", None
            run.outbox = self._relay(cancel, {shop_target(shop.id): ShopDeliverer(connector)},
                                     lock).drain([shop_target(shop.id)])
            if not run.error:
                state.state, state.error = "idle", ""
        except Cancelled:
            run.error = "cancelled"
            state.state = "stopped"
        except NotLeader:
            run.skipped = "not leader"
            state.state = "follower"
        except (PullFailed, ConnectorError) as exc:
            run.error = str(exc)
        except Exception as exc:  # keep the lane alive; the health page shows it
            log.exception("shop %s: sync round failed", shop.id)
            run.error = f"{type(exc).__name__}: {exc}"
        finally:
            state.progress = None
            if own_lock:
                lock.close()
        if run.error and run.error != "cancelled":
            with self._lock:  # credentials may have been renewed: build it afresh next time
                self._connectors.pop(shop.id, None)
            state.state, state.error = "backing off", run.error
            start = self.now() - timedelta(days=shop.backfill_days)
            with self.store.write() as s:
                sync_store.record_error(s, shop.id, ORDERS, run.error, start, self.now())
        return run

    def _run_after_pull(self, shop: ShopRecord) -> None:
        if self.after_pull is None:
            return
        try:
            with self._after_pull_lock:
                self.after_pull()
        except Exception:  # the pull is stored; the next round runs the flow again
            log.exception("shop %s: order flow after the pull failed", shop.id)

    def _relay(self, cancel: threading.Event, deliverers: dict[str, Deliverer],
               lock: LeaderLock | None) -> OutboxRelay:
        return OutboxRelay(
            self.store, deliverers.get, now=self.now, backoff=self.settings.outbox_backoff,
            max_attempts=self.settings.outbox_max_attempts, cancel=cancel,
            still_leader=(lambda _t: lock.holds()) if lock is not None else None,
            on_parked=self.on_parked)

    def drain_other_targets(self, *, cancel: threading.Event | None = None,
                            wait_up_to: float = 0.0) -> DrainReport:
        """Deliver queued rows for non-shop targets that have a registered deliverer."""
        deliverers = {t: f() for t, f in self.extra_deliverers.items()}
        if not deliverers:
            return DrainReport()
        return self._relay(cancel or self._stop, deliverers, None).drain(
            list(deliverers), wait_up_to=wait_up_to)

    def run_once(self, *, cancel: threading.Event | None = None,
                 progress: ProgressFn | None = None, outbox_wait: float = 0.0
                 ) -> list[ShopRun]:
        """Every active shop once (pull, then push), then the other outbox targets."""
        with self.store.read() as s:
            shops = shop_store.all_shops(s, active_only=True)
        runs = [self.run_shop(shop, cancel=cancel, progress=progress) for shop in shops]
        if outbox_wait > 0:
            for shop, run in zip(shops, runs, strict=True):
                if not run.error and not run.skipped:
                    connector = self._connector(shop)
                    extra = self._relay(cancel or self._stop,
                                        {shop_target(shop.id): ShopDeliverer(connector)},
                                        None).drain([shop_target(shop.id)],
                                                    wait_up_to=outbox_wait)
                    if run.outbox is not None:
                        run.outbox.delivered += extra.delivered
                        run.outbox.failed += extra.failed
                        run.outbox.parked += extra.parked
        self.drain_other_targets(cancel=cancel, wait_up_to=outbox_wait)
        return runs

    # --- background lanes ----------------------------------------------------------------

    @property
    def running(self) -> bool:
        return bool(self._threads) and not self._stop.is_set()

    def start(self) -> None:
        """Start one lane thread per active shop and per extra outbox target."""
        if self._threads:
            return
        self._stop.clear()
        self.ensure_lanes()
        for target in self.extra_deliverers:
            self._spawn(target, lambda wake, target=target: self._target_lane(target, wake))

    def ensure_lanes(self) -> None:
        """Give every active shop that has none a lane (a shop added while running)."""
        if self._stop.is_set():
            return
        with self.store.read() as s:
            shops = shop_store.all_shops(s, active_only=True)
        for shop in shops:
            with self._lock:
                known = shop_target(shop.id) in self._wakes
            if not known:
                self._spawn(shop_target(shop.id),
                            lambda wake, shop=shop: self._shop_lane(shop, wake))

    def _spawn(self, name: str, body: Callable[[threading.Event], None]) -> None:
        wake = threading.Event()
        with self._lock:
            self._wakes[name] = wake
        t = threading.Thread(target=body, args=(wake,), name=f"sync-{name}", daemon=True)
        self._threads.append(t)
        t.start()

    def _sleep(self, wake: threading.Event, seconds: float) -> None:
        wake.wait(seconds)
        wake.clear()

    def _shop_lane(self, shop: ShopRecord, wake: threading.Event) -> None:
        lock = LeaderLock(self.store, shop_target(shop.id))
        failures = 0
        try:
            while not self._stop.is_set():
                with self.store.read() as s:
                    current = shop_store.by_id(s, shop.id)
                if current is None or not current.active:
                    return  # removed or switched off: the lane ends
                shop = current
                run = self.run_shop(shop, lock=lock)
                if run.error and run.error != "cancelled":
                    failures += 1
                    delay = self.settings.lane_backoff.delay(failures - 1)
                else:
                    failures = 0
                    delay = self.settings.interval
                if not self._stop.is_set():
                    self._sleep(wake, delay)
        finally:
            lock.close()
            self._state(shop.id).state = "stopped"
            with self._lock:
                self._wakes.pop(shop_target(shop.id), None)

    def _target_lane(self, target: str, wake: threading.Event) -> None:
        lock = LeaderLock(self.store, target)
        try:
            while not self._stop.is_set():
                if lock.try_acquire():
                    try:
                        deliverer = self.extra_deliverers[target]()
                        self._relay(self._stop, {target: deliverer}, lock).drain([target])
                    except Exception:
                        log.exception("outbox lane %s failed", target)
                self._sleep(wake, self.settings.interval)
        finally:
            lock.close()

    def pull_now(self, shop_id: int | None = None) -> None:
        """Wake a lane (or all) to run a round now instead of at its next turn."""
        if self.running:
            self.ensure_lanes()
        with self._lock:
            wakes = [w for name, w in self._wakes.items()
                     if shop_id is None or name == shop_target(shop_id)]
        for w in wakes:
            w.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask every lane to stop (an in-flight window is abandoned uncommitted) and wait."""
        self._stop.set()
        with self._lock:
            wakes = list(self._wakes.values())
        for w in wakes:
            w.set()
        for t in self._threads:
            t.join(timeout)
        self._threads.clear()
        with self._lock:
            self._wakes.clear()

    def wait(self) -> None:
        """Block until the lanes end (after :meth:`stop` from another thread or Ctrl-C)."""
        while any(t.is_alive() for t in self._threads):
            for t in list(self._threads):
                t.join(0.5)

    # --- control and health --------------------------------------------------------------

    def pause(self, shop_id: int) -> None:
        self._set_paused(shop_id, True)

    def resume(self, shop_id: int) -> None:
        self._set_paused(shop_id, False)
        self.pull_now(shop_id)

    def _set_paused(self, shop_id: int, paused: bool) -> None:
        now = self.now()
        with self.store.write() as s:
            shop = shop_store.by_id(s, shop_id)
            if shop is None:
                return
            sync_store.set_paused(s, shop_id, paused,
                                  now - timedelta(days=shop.backfill_days), now)
        state = self._state(shop_id)
        state.state = "paused" if paused else "idle"

    def health(self) -> list[ShopHealth]:
        now = self.now()
        local = to_zone(now)
        midnight = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
        with self.store.read() as s:
            shops = shop_store.all_shops(s)
            cursors = {(c.shop_id, c.stream): c for c in sync_store.cursors(s)}
            counts = sync_store.shop_counts(s, midnight)
        rows = []
        for shop in shops:
            c = cursors.get((shop.id, ORDERS))
            n = counts.get(shop.id)
            with self._lock:
                st = replace(self._states.get(shop.id, _LaneState()))
            paused = bool(c and c.paused)
            state = "paused" if paused else st.state
            rows.append(ShopHealth(
                shop_id=shop.id, name=shop.name, platform=shop.platform, active=shop.active,
                paused=paused, state=state,
                last_success_at=c.last_success_at if c else None,
                cursor_at=c.cursor_at if c else None,
                lag_seconds=(now - c.cursor_at).total_seconds() if c else None,
                orders_pulled_today=n.orders_pulled_since if n else 0,
                queue_depth=n.queue_depth if n else 0,
                parked=n.parked if n else (), quarantined=n.quarantined if n else 0,
                last_error=(c.last_error if c else "") or st.error, progress=st.progress))
        return rows
