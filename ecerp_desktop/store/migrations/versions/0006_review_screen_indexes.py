"""review screen sort indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 23:50:00
"""

from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_INDEXES = (
    ("ix_review_orders_paid_at", ["paid_at", "id"]),
    ("ix_review_orders_modified_at", ["modified_at", "id"]),
    ("ix_review_orders_paid_amount", ["paid_amount", "id"]),
)


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for name, cols in _INDEXES:
            batch_op.create_index(name, cols, unique=False)


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for name, _cols in _INDEXES:
            batch_op.drop_index(name)
