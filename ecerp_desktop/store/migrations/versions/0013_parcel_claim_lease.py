"""parcel claim lease: when the packing station holding a parcel last renewed its claim

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 01:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("parcels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("parcels", schema=None) as batch_op:
        batch_op.drop_column("claimed_at")
