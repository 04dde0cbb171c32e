"""packing station look-up indexes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 23:45:00
"""

from __future__ import annotations

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_INDEXES = (
    ("orders", "ix_packing_orders_platform_order_id", ["platform_order_id"]),
    ("waybills", "ix_packing_waybills_number", ["number"]),
    ("parcel_lines", "ix_packing_parcel_lines_order_line", ["order_line_id"]),
)


def upgrade() -> None:
    for table, name, cols in _INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, cols, unique=False)


def downgrade() -> None:
    for table, name, _cols in _INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
