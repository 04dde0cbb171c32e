"""What happens after every pull: platform changes that stop orders, then the pipeline.

A refund request or a platform close reaching an order that holds stock is intercepted at
once (截单: stock released, waybill cancelled through the outbox); new orders then go
through mapping, rules, merge, split, courier choice and reservation. Both steps read their
work from the database, so a crash between the pull and this step loses nothing.
Any thread but the GUI thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.services import pipeline
from ecerp_desktop.store import Store
from ecerp_desktop.store import orders as order_store

log = logging.getLogger(__name__)


@dataclass(slots=True)
class FlowResult:
    intercepted: int = 0
    processed: int = 0
    approved: int = 0
    held: int = 0


def intercept_due(store: Store) -> int:
    """Intercept every order a platform change says must stop; returns how many."""
    with store.read() as s:
        due = order_store.intercepts_due(s)
    done = 0
    for item in due:
        try:
            pipeline.intercept(store, item.order_id, item.reason,
                               list(item.line_ids) if item.line_ids else None)
            done += 1
        except DomainError as exc:  # shipped meanwhile, or already stopped
            if exc.code not in (ErrorCode.ORDER_NOT_INTERCEPTABLE, ErrorCode.NOT_FOUND):
                raise
            log.info("order %s: not intercepted (%s)", item.order_id, exc.code.value)
    return done


def after_pull(store: Store) -> FlowResult:
    """Intercepts first (they free stock), then the pipeline on pending orders."""
    result = FlowResult(intercepted=intercept_due(store))
    processed = pipeline.process_pending(store, SYSTEM)
    result.processed = processed.processed
    result.approved = processed.approved
    result.held = processed.held_total
    return result
