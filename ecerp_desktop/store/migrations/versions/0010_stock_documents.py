"""stock documents: transfers (调拨), buyer returns (退货入库), damaged-goods warehouses

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('damaged_warehouses',
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('damaged_warehouse_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['damaged_warehouse_id'], ['warehouses.id'], name=op.f('fk_damaged_warehouses_damaged_warehouse_id_warehouses')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouses.id'], name=op.f('fk_damaged_warehouses_warehouse_id_warehouses')),
    sa.PrimaryKeyConstraint('warehouse_id', name=op.f('pk_damaged_warehouses')),
    sa.UniqueConstraint('damaged_warehouse_id', name=op.f('uq_damaged_warehouses_damaged_warehouse_id'))
    )
    op.create_table('stock_transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('from_warehouse_id', sa.Integer(), nullable=False),
    sa.Column('to_warehouse_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('shipped_at', sa.DateTime(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('from_warehouse_id <> to_warehouse_id', name=op.f('ck_stock_transfers_distinct_warehouses')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_stock_transfers_created_by_users')),
    sa.ForeignKeyConstraint(['from_warehouse_id'], ['warehouses.id'], name=op.f('fk_stock_transfers_from_warehouse_id_warehouses')),
    sa.ForeignKeyConstraint(['to_warehouse_id'], ['warehouses.id'], name=op.f('fk_stock_transfers_to_warehouse_id_warehouses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_transfers')),
    sa.UniqueConstraint('number', name=op.f('uq_stock_transfers_number'))
    )
    with op.batch_alter_table('stock_transfers', schema=None) as batch_op:
        batch_op.create_index('ix_stock_transfers_status', ['status', 'id'], unique=False)

    op.create_table('buyer_returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('lookup', sa.String(length=64), nullable=False),
    sa.Column('tracking_number', sa.String(length=64), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=True),
    sa.Column('refund_state', sa.String(length=16), nullable=False),
    sa.Column('refund_history_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('matched_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_buyer_returns_order_id_orders')),
    sa.ForeignKeyConstraint(['refund_history_id'], ['order_history.id'], name=op.f('fk_buyer_returns_refund_history_id_order_history')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_buyer_returns_user_id_users')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouses.id'], name=op.f('fk_buyer_returns_warehouse_id_warehouses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_buyer_returns')),
    sa.UniqueConstraint('number', name=op.f('uq_buyer_returns_number'))
    )
    with op.batch_alter_table('buyer_returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_buyer_returns_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_buyer_returns_status', ['status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_buyer_returns_tracking_number'), ['tracking_number'], unique=False)

    op.create_table('stock_transfer_lines',
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('received_qty', sa.Integer(), nullable=False),
    sa.Column('lost_qty', sa.Integer(), nullable=False),
    sa.Column('loss_reason', sa.String(length=255), nullable=False),
    sa.CheckConstraint('qty > 0', name=op.f('ck_stock_transfer_lines_qty_positive')),
    sa.CheckConstraint('received_qty >= 0 AND lost_qty >= 0 AND received_qty + lost_qty <= qty', name=op.f('ck_stock_transfer_lines_accounted_within')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_stock_transfer_lines_sku_id_skus')),
    sa.ForeignKeyConstraint(['transfer_id'], ['stock_transfers.id'], name=op.f('fk_stock_transfer_lines_transfer_id_stock_transfers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('transfer_id', 'sku_id', name=op.f('pk_stock_transfer_lines'))
    )
    op.create_table('buyer_return_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('condition', sa.String(length=16), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=True),
    sa.Column('refund_state', sa.String(length=16), nullable=False),
    sa.CheckConstraint('qty > 0', name=op.f('ck_buyer_return_lines_qty_positive')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_buyer_return_lines_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['return_id'], ['buyer_returns.id'], name=op.f('fk_buyer_return_lines_return_id_buyer_returns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_buyer_return_lines_sku_id_skus')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouses.id'], name=op.f('fk_buyer_return_lines_warehouse_id_warehouses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_buyer_return_lines'))
    )
    with op.batch_alter_table('buyer_return_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_buyer_return_lines_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_buyer_return_lines_return_id'), ['return_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('buyer_return_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_buyer_return_lines_return_id'))
        batch_op.drop_index(batch_op.f('ix_buyer_return_lines_order_line_id'))

    op.drop_table('buyer_return_lines')
    op.drop_table('stock_transfer_lines')
    with op.batch_alter_table('buyer_returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_buyer_returns_tracking_number'))
        batch_op.drop_index('ix_buyer_returns_status')
        batch_op.drop_index(batch_op.f('ix_buyer_returns_order_id'))

    op.drop_table('buyer_returns')
    with op.batch_alter_table('stock_transfers', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_transfers_status')

    op.drop_table('stock_transfers')
    op.drop_table('damaged_warehouses')
