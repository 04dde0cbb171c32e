"""The order's life (DESIGN.md): our status, the legal transitions, the hold reasons.

    UNPAID ─▶ NEW ─▶ REVIEW ─┬─▶ HELD ─▶ REVIEW
                             └─▶ APPROVED ─▶ WAYBILLED ─▶ PACKED ─▶ SHIPPED ─▶ DONE
    any state before SHIPPED ─▶ INTERCEPTED (refund asked, 截单); CANCELLED (platform closed)
"""

from __future__ import annotations

from enum import StrEnum

from .errors import DomainError, ErrorCode


class OrderStatus(StrEnum):
    UNPAID = "unpaid"
    NEW = "new"
    REVIEW = "review"
    HELD = "held"
    APPROVED = "approved"
    WAYBILLED = "waybilled"
    PACKED = "packed"
    SHIPPED = "shipped"
    DONE = "done"
    INTERCEPTED = "intercepted"
    CANCELLED = "cancelled"


S = OrderStatus
_BEFORE_SHIPPED = {S.UNPAID, S.NEW, S.REVIEW, S.HELD, S.APPROVED, S.WAYBILLED, S.PACKED}

TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.UNPAID: frozenset({S.NEW, S.CANCELLED}),
    S.NEW: frozenset({S.REVIEW, S.HELD}),
    S.REVIEW: frozenset({S.HELD, S.APPROVED}),
    S.HELD: frozenset({S.REVIEW, S.APPROVED}),
    # APPROVED → SHIPPED: a station without a label printer ships a parcel whose courier
    # brings its own labels (or a pickup); the platform is told without a waybill number.
    S.APPROVED: frozenset({S.WAYBILLED, S.SHIPPED, S.REVIEW, S.HELD}),
    S.WAYBILLED: frozenset({S.PACKED, S.SHIPPED, S.REVIEW}),
    S.PACKED: frozenset({S.SHIPPED}),
    S.SHIPPED: frozenset({S.DONE}),
    S.DONE: frozenset(),
    S.INTERCEPTED: frozenset({S.REVIEW, S.CANCELLED}),  # refund withdrawn → review again
    S.CANCELLED: frozenset(),
}
for _s in _BEFORE_SHIPPED:
    TRANSITIONS[_s] = TRANSITIONS[_s] | {S.INTERCEPTED, S.CANCELLED}

OPEN_STATUSES = frozenset(_BEFORE_SHIPPED - {S.UNPAID})
FINAL_STATUSES = frozenset({S.DONE, S.CANCELLED})


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in TRANSITIONS[current]


def check_transition(current: OrderStatus, target: OrderStatus) -> None:
    """Raise ILLEGAL_TRANSITION unless *current* → *target* is declared above."""
    if not can_transition(current, target):
        raise DomainError(ErrorCode.ILLEGAL_TRANSITION, current=current.value,
                          target=target.value)


class HoldReason(StrEnum):
    """Why an order is held (挂起). Rules may add free-text reasons beside these."""

    UNMAPPED_SKU = "unmapped_sku"
    OUT_OF_STOCK = "out_of_stock"
    ADDRESS_INCOMPLETE = "address_incomplete"
    REMOTE_REGION = "remote_region"
    BLACKLIST = "blacklist"
    BUYER_MESSAGE = "buyer_message"
    PRICE_BELOW_FLOOR = "price_below_floor"
    REFUND_PENDING = "refund_pending"
    MANUAL = "manual"
    RULE = "rule"


class RefundState(StrEnum):
    NONE = "none"
    REQUESTED = "requested"
    REFUNDED = "refunded"
    REJECTED = "rejected"


RESERVED_STATUSES = frozenset({S.APPROVED, S.WAYBILLED, S.PACKED})


def closes_reserved(current: OrderStatus, incoming: OrderStatus) -> bool:
    """The platform closed an order whose stock we hold: it must be intercepted (stock
    released, waybill cancelled), not just relabelled."""
    return incoming == S.CANCELLED and current in RESERVED_STATUSES


def follow_platform(current: OrderStatus, incoming: OrderStatus) -> OrderStatus | None:
    """Our new status when the platform reports *incoming* for an order we hold as *current*,
    or None to keep ours. The platform is followed for payment, closing and completion; the
    steps in between (review, waybill, packing) are ours. A close of an order holding stock
    is left to the intercept (see :func:`closes_reserved`)."""
    if incoming == S.CANCELLED:
        if current in RESERVED_STATUSES:
            return None
        return S.CANCELLED if current in _BEFORE_SHIPPED or current == S.INTERCEPTED else None
    if current == S.UNPAID and incoming != S.UNPAID:
        return S.NEW
    if incoming == S.DONE and current == S.SHIPPED:
        return S.DONE
    return None


def initial_status(incoming: OrderStatus) -> OrderStatus:
    """Where a newly pulled order starts: unpaid stays unpaid, closed stays closed, anything
    paid enters our pipeline as NEW (even when the platform already calls it shipped, so a
    seller who shipped outside ecerp still sees it once)."""
    if incoming in (S.UNPAID, S.CANCELLED):
        return incoming
    if incoming in (S.SHIPPED, S.DONE):
        return incoming
    return S.NEW
