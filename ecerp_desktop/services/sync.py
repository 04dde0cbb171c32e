"""Sync use cases for the command line and the sync-health page: run a round, look at the
health of each shop, retry parked pushes, look at and resolve quarantined payloads, pause
and resume shops. Any thread but the GUI thread (rounds block on HTTP)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta

from ecerp_desktop.domain.auth import SYSTEM, Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import order_flow, stock_sync, waybills
from ecerp_desktop.services.shops import get_shop
from ecerp_desktop.store import Store
from ecerp_desktop.store import sync as sync_store
from ecerp_desktop.store.sync import OutboxRecord, QuarantineRecord
from ecerp_desktop.sync.engine import (
    ConnectorFactory,
    ShopHealth,
    ShopRun,
    SyncEngine,
    SyncSettings,
    default_connector,
)
from ecerp_desktop.sync.pull import ProgressFn


def make_engine(store: Store, *, settings: SyncSettings | None = None,
                connector_for: ConnectorFactory = default_connector,
                max_attempts: int | None = None,
                on_progress: ProgressFn | None = None,
                process_orders: bool = True) -> SyncEngine:
    """The engine with the order flow after every pull (intercepts, the pipeline, then the
    stock quantities pushed to the shops), unless *process_orders* is False (pull-only,
    e.g. the sync benchmark)."""
    settings = settings or SyncSettings()
    if max_attempts is not None:
        settings = replace(settings, outbox_max_attempts=max_attempts)
    def after() -> None:  # intercepts and the pipeline, then the shops' stock quantities
        order_flow.after_pull(store)
        stock_sync.plan_and_enqueue(store)

    # Waybill cancels (intercepts) go to each courier's service through its own lane.
    return SyncEngine(store, settings=settings, connector_for=connector_for,
                      on_progress=on_progress, after_pull=after if process_orders else None,
                      deliverers=waybills.courier_deliverers(store),
                      on_parked=stock_sync.forget_parked_push)


def run_once(store: Store, *, engine: SyncEngine | None = None, outbox_wait: float = 0.0,
             cancel: threading.Event | None = None,
             progress: ProgressFn | None = None) -> list[ShopRun]:
    """Pull every active shop from its cursor up to now and push what is queued."""
    engine = engine or make_engine(store)
    return engine.run_once(cancel=cancel, progress=progress, outbox_wait=outbox_wait)


def backfill(store: Store, actor: Actor, shop_name: str, days: float, *,
             engine: SyncEngine | None = None, cancel: threading.Event | None = None,
             progress: ProgressFn | None = None) -> ShopRun:
    """Pull the last *days* of one shop again (e.g. after the platform had an outage).
    The cursor only ever moves forward."""
    actor.require(Permission.SYNC_MANAGE)
    shop = get_shop(store, shop_name)
    engine = engine or make_engine(store)
    return engine.run_shop(shop, since=engine.now() - timedelta(days=days), cancel=cancel,
                           progress=progress)


def health(store: Store, engine: SyncEngine | None = None) -> list[ShopHealth]:
    return (engine or make_engine(store)).health()


def pause(store: Store, actor: Actor, shop_name: str, engine: SyncEngine | None = None
          ) -> None:
    actor.require(Permission.SYNC_MANAGE)
    (engine or make_engine(store)).pause(get_shop(store, shop_name).id)


def resume(store: Store, actor: Actor, shop_name: str, engine: SyncEngine | None = None
           ) -> None:
    actor.require(Permission.SYNC_MANAGE)
    (engine or make_engine(store)).resume(get_shop(store, shop_name).id)


def outbox(store: Store, *, status: str | None = None, target: str | None = None,
           limit: int = 200) -> list[OutboxRecord]:
    with store.read() as s:
        return sync_store.outbox_entries(s, status=status, target=target, limit=limit)


def retry_parked(store: Store, actor: Actor = SYSTEM, *, entry_id: int | None = None,
                 target: str | None = None, now: datetime | None = None) -> int:
    """Queue parked pushes again (one, one target's, or all); returns how many."""
    actor.require(Permission.SYNC_MANAGE)
    with store.write() as s:
        if entry_id is not None:
            entry = sync_store.outbox_entry(s, entry_id)
            if entry is None:
                raise DomainError(ErrorCode.NOT_FOUND, what="outbox entry", key=entry_id)
        return sync_store.retry_parked(s, now or utcnow(), entry_id=entry_id, target=target)


def quarantine(store: Store, *, shop_name: str | None = None, open_only: bool = True,
               limit: int = 200) -> list[QuarantineRecord]:
    shop_id = get_shop(store, shop_name).id if shop_name else None
    with store.read() as s:
        return sync_store.quarantined(s, shop_id=shop_id, open_only=open_only, limit=limit)


def resolve_quarantine(store: Store, actor: Actor, entry_id: int) -> bool:
    actor.require(Permission.SYNC_MANAGE)
    with store.write() as s:
        return sync_store.resolve_quarantine(s, entry_id, utcnow())


def summary(run: ShopRun) -> str:
    """One line per shop for the command line."""
    if run.skipped:
        return f"{run.shop_name}: skipped ({run.skipped})"
    parts = []
    if run.orders is not None:
        o = run.orders
        parts.append(f"{o.received} orders received ({o.inserted} new, {o.updated} updated, "
                     f"{o.unchanged} unchanged), {o.quarantined} quarantined")
    if run.outbox is not None:
        parts.append(f"{run.outbox.delivered} pushed, {run.outbox.parked} parked")
    text = "; ".join(parts) or "nothing done"
    return f"{run.shop_name}: {text}" + (f"; FAILED: {run.error}" if run.error else "")


def describe_time(at: datetime | None) -> str:
    from ecerp_desktop.domain.timeutil import format_local

    return format_local(at) if at else "never"
