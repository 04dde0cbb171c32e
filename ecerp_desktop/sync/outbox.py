"""The outbox relay: delivers queued pushes at least once, in order per target.

Features queue a push with :func:`ecerp_desktop.store.sync.enqueue` inside the transaction
of the change that caused it (a shipment, a stock change, an ERP document); the relay picks
due rows oldest first, hands each to the target's deliverer, and marks it done in its own
transaction. A crash between "delivered" and "marked done" delivers again with the same
idempotency key, which the receiver (or our connector) uses to apply it once.

Failures: capped exponential backoff with jitter, never earlier than the platform's
Retry-After; a row that fails for a reason retrying cannot fix (bad credentials, a refused
payload) or that failed ``max_attempts`` times is parked with its reason, shown on the
sync-health page and retryable from there or the command line. A target stops at its first
row that is failing or not yet due, so a later push never overtakes an earlier one.

Runs on a sync lane thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from ecerp_desktop.connectors.base import (
    ConnectorError,
    PlatformConnector,
    Shipment,
    StockQuantity,
)
from ecerp_desktop.store import Store
from ecerp_desktop.store import sync as sync_store
from ecerp_desktop.store.sync import OutboxRecord
from ecerp_desktop.sync.backoff import Backoff

log = logging.getLogger(__name__)

SHIPMENT = "shipment"
STOCK = "stock"


def shop_target(shop_id: int) -> str:
    return f"shop:{shop_id}"


def shipment_key(shop_id: int, platform_order_id: str, waybill_number: str) -> str:
    """One confirmation per order and waybill, however often the user presses "ship"."""
    return f"ship:{shop_id}:{platform_order_id}:{waybill_number}"


def shipment_payload(shipment: Shipment) -> dict[str, Any]:
    return {"platform_order_id": shipment.platform_order_id,
            "courier_code": shipment.courier_code,
            "waybill_number": shipment.waybill_number, "line_ids": list(shipment.line_ids)}


def stock_payload(quantities: list[StockQuantity]) -> dict[str, Any]:
    return {"quantities": [{"platform_item_id": q.platform_item_id,
                            "platform_sku_id": q.platform_sku_id, "quantity": q.quantity}
                           for q in quantities]}


class Deliverer(Protocol):
    """Delivers one outbox row to its target; raises ConnectorError on failure."""

    def deliver(self, entry: OutboxRecord) -> None: ...


class ShopDeliverer:
    """Shipment confirmations and stock quantities to a shop, through its connector."""

    def __init__(self, connector: PlatformConnector) -> None:
        self.connector = connector

    def deliver(self, entry: OutboxRecord) -> None:
        p = entry.payload
        if entry.kind == SHIPMENT:
            try:
                shipment = Shipment(str(p["platform_order_id"]), str(p["courier_code"]),
                                    str(p["waybill_number"]),
                                    tuple(str(x) for x in p.get("line_ids", ())))
            except (KeyError, TypeError) as exc:
                raise ConnectorError(f"bad shipment payload: {exc}", retryable=False) from exc
            self.connector.confirm_shipment(shipment)
        elif entry.kind == STOCK:
            try:
                quantities = [StockQuantity(str(q["platform_item_id"]),
                                            str(q.get("platform_sku_id", "")),
                                            int(q["quantity"])) for q in p["quantities"]]
            except (KeyError, TypeError, ValueError) as exc:
                raise ConnectorError(f"bad stock payload: {exc}", retryable=False) from exc
            self.connector.push_stock(quantities)
        else:
            raise ConnectorError(f"a shop cannot take {entry.kind!r} pushes", retryable=False)


@dataclass(slots=True)
class DrainReport:
    delivered: int = 0
    failed: int = 0
    parked: int = 0
    blocked_targets: int = 0


class OutboxRelay:
    """Drains the outbox for the targets it can reach. One per lane; not thread-safe."""

    def __init__(self, store: Store, resolve: Callable[[str], Deliverer | None], *,
                 now: Callable[[], datetime], backoff: Backoff | None = None,
                 max_attempts: int = 8,
                 still_leader: Callable[[str], bool] | None = None,
                 cancel: threading.Event | None = None,
                 on_parked: Callable[[Any, OutboxRecord], object] | None = None) -> None:
        self.store = store
        # Runs in the transaction that parks a row: whoever recorded the row's effect as
        # done (e.g. the quantities a stock push claimed) takes that back, atomically.
        self.on_parked = on_parked
        self.resolve = resolve
        self.now = now
        self.backoff = backoff or Backoff(base=2.0, cap=3600.0)
        self.max_attempts = max_attempts
        self.still_leader = still_leader or (lambda _t: True)
        self.cancel = cancel or threading.Event()

    def drain(self, targets: list[str] | None = None, *, wait_up_to: float = 0.0
              ) -> DrainReport:
        """Deliver every due row of *targets* (all when None). With *wait_up_to* > 0, keep
        going while a retry falls due within that many seconds."""
        report = DrainReport()
        deadline = self.now() + timedelta(seconds=wait_up_to)
        while True:
            next_due = self._pass(targets, report)
            if next_due is None or next_due > deadline or self.cancel.is_set():
                return report
            delay = (next_due - self.now()).total_seconds()
            if delay > 0 and self.cancel.wait(delay):
                return report

    def _pass(self, targets: list[str] | None, report: DrainReport) -> datetime | None:
        """One sweep over the queue; returns when the earliest blocked row falls due."""
        next_due: datetime | None = None
        while True:
            with self.store.read() as s:
                rows = sync_store.pending(s, targets=targets, limit=500)
            blocked: set[str] = set()
            progressed = False
            for row in rows:
                if self.cancel.is_set():
                    return None
                if row.target in blocked:
                    continue
                now = self.now()
                if row.next_attempt_at > now:
                    blocked.add(row.target)
                    next_due = row.next_attempt_at if next_due is None else min(
                        next_due, row.next_attempt_at)
                    continue
                deliverer = self.resolve(row.target)
                if deliverer is None or not self.still_leader(row.target):
                    blocked.add(row.target)
                    continue
                if self._deliver(deliverer, row, report):
                    progressed = True
                else:
                    blocked.add(row.target)
                    with self.store.read() as s:
                        again = sync_store.outbox_entry(s, row.id)
                    if again is not None and again.status == sync_store.PENDING:
                        next_due = again.next_attempt_at if next_due is None else min(
                            next_due, again.next_attempt_at)
            report.blocked_targets = len(blocked)
            if not progressed or len(rows) < 500:
                return next_due

    def _deliver(self, deliverer: Deliverer, row: OutboxRecord, report: DrainReport) -> bool:
        try:
            deliverer.deliver(row)
        except Exception as exc:
            retryable = exc.retryable if isinstance(exc, ConnectorError) else True
            after = exc.retry_after if isinstance(exc, ConnectorError) else None
            attempts = row.attempts + 1
            park = not retryable or attempts >= self.max_attempts
            wait = self.backoff.delay(row.attempts, after)
            reason = f"{type(exc).__name__}: {exc}"
            with self.store.write() as s:
                sync_store.mark_failed(s, row.id, reason,
                                       self.now() + timedelta(seconds=wait), park=park)
                if park and self.on_parked is not None:
                    self.on_parked(s, row)
            report.failed += 1
            if park:
                report.parked += 1
                log.warning("outbox %s (%s → %s) parked after %d attempts: %s", row.id,
                            row.kind, row.target, attempts, type(exc).__name__)
            return False
        with self.store.write() as s:
            sync_store.mark_done(s, row.id, self.now())
        report.delivered += 1
        return True
