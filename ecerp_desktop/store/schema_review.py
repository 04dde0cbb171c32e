"""Indexes of the order review screen: one per sort key, each ending in the id, so a keyset
page under any allowed sort is an index range walk (no sort of a million rows)."""

from __future__ import annotations

from sqlalchemy import Index

from ecerp_desktop.store.schema import OrderRow

REVIEW_INDEXES = (
    Index("ix_review_orders_paid_at", OrderRow.paid_at, OrderRow.id),
    Index("ix_review_orders_modified_at", OrderRow.modified_at, OrderRow.id),
    Index("ix_review_orders_paid_amount", OrderRow.paid_amount, OrderRow.id),
)
