"""pipeline: SKU volume (skus.volume_cm3, NULL when not known) for splitting by volume

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("skus", schema=None) as batch_op:
        batch_op.add_column(sa.Column("volume_cm3", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("skus", schema=None) as batch_op:
        batch_op.drop_column("volume_cm3")
