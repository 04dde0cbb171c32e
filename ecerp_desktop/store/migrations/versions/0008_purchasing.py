"""purchasing: suppliers, purchase orders, receiving sessions and scans, stock alert rules

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('purchase_counters',
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('last_no', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', name=op.f('pk_purchase_counters'))
    )
    op.create_table('suppliers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('contact', sa.String(length=255), nullable=False),
    sa.Column('lead_time_days', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('lead_time_days >= 0', name=op.f('ck_suppliers_lead_nonneg')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suppliers')),
    sa.UniqueConstraint('code', name=op.f('uq_suppliers_code'))
    )
    op.create_table('sku_suppliers',
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('supplier_code', sa.String(length=64), nullable=False),
    sa.Column('last_cost', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_sku_suppliers_sku_id_skus'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_sku_suppliers_supplier_id_suppliers')),
    sa.PrimaryKeyConstraint('sku_id', name=op.f('pk_sku_suppliers'))
    )
    op.create_index(op.f('ix_sku_suppliers_supplier_id'), 'sku_suppliers', ['supplier_id'], unique=False)
    op.create_table('stock_alert_rules',
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('min_qty', sa.Integer(), nullable=False),
    sa.Column('cover_days', sa.Integer(), nullable=True),
    sa.Column('lead_days', sa.Integer(), nullable=True),
    sa.Column('pack_size', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('min_qty >= 0 AND pack_size >= 1', name=op.f('ck_stock_alert_rules_sane')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_stock_alert_rules_sku_id_skus'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sku_id', 'warehouse_id', name=op.f('pk_stock_alert_rules'))
    )
    op.create_table('purchase_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('expected_date', sa.Date(), nullable=True),
    sa.Column('remark', sa.String(length=255), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('placed_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_purchase_orders_created_by_users')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_purchase_orders_supplier_id_suppliers')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouses.id'], name=op.f('fk_purchase_orders_warehouse_id_warehouses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_orders')),
    sa.UniqueConstraint('number', name=op.f('uq_purchase_orders_number'))
    )
    op.create_index(op.f('ix_purchase_orders_status'), 'purchase_orders', ['status'], unique=False)
    op.create_index(op.f('ix_purchase_orders_supplier_id'), 'purchase_orders', ['supplier_id'], unique=False)
    op.create_table('purchase_order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('po_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('qty_ordered', sa.Integer(), nullable=False),
    sa.Column('unit_cost', sa.BigInteger(), nullable=False),
    sa.Column('qty_received', sa.Integer(), nullable=False),
    sa.Column('qty_over', sa.Integer(), nullable=False),
    sa.CheckConstraint('qty_ordered > 0', name=op.f('ck_purchase_order_lines_ordered_positive')),
    sa.CheckConstraint('qty_over >= 0', name=op.f('ck_purchase_order_lines_over_nonneg')),
    sa.CheckConstraint('qty_received >= 0 AND qty_received <= qty_ordered', name=op.f('ck_purchase_order_lines_received_within')),
    sa.ForeignKeyConstraint(['po_id'], ['purchase_orders.id'], name=op.f('fk_purchase_order_lines_po_id_purchase_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_purchase_order_lines_sku_id_skus')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order_lines')),
    sa.UniqueConstraint('po_id', 'sku_id', name=op.f('uq_purchase_order_lines_po_id_sku_id'))
    )
    op.create_index(op.f('ix_purchase_order_lines_sku_id'), 'purchase_order_lines', ['sku_id'], unique=False)
    op.create_table('receiving_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('po_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('station', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_by', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('posted_at', sa.DateTime(), nullable=True),
    sa.Column('posted_by', sa.Integer(), nullable=True),
    sa.Column('over_accepted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['opened_by'], ['users.id'], name=op.f('fk_receiving_sessions_opened_by_users')),
    sa.ForeignKeyConstraint(['po_id'], ['purchase_orders.id'], name=op.f('fk_receiving_sessions_po_id_purchase_orders')),
    sa.ForeignKeyConstraint(['posted_by'], ['users.id'], name=op.f('fk_receiving_sessions_posted_by_users')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouses.id'], name=op.f('fk_receiving_sessions_warehouse_id_warehouses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receiving_sessions')),
    sa.UniqueConstraint('number', name=op.f('uq_receiving_sessions_number'))
    )
    op.create_index(op.f('ix_receiving_sessions_po_id'), 'receiving_sessions', ['po_id'], unique=False)
    op.create_table('receiving_scans',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=True),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.Column('qty_over', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.CheckConstraint('counted >= 0 AND qty_over >= 0 AND counted + qty_over <= qty', name=op.f('ck_receiving_scans_split_within')),
    sa.ForeignKeyConstraint(['session_id'], ['receiving_sessions.id'], name=op.f('fk_receiving_scans_session_id_receiving_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_receiving_scans_sku_id_skus')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receiving_scans'))
    )
    op.create_index('ix_receiving_scans_session', 'receiving_scans', ['session_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_receiving_scans_session', table_name='receiving_scans')
    op.drop_table('receiving_scans')
    op.drop_index(op.f('ix_receiving_sessions_po_id'), table_name='receiving_sessions')
    op.drop_table('receiving_sessions')
    op.drop_index(op.f('ix_purchase_order_lines_sku_id'), table_name='purchase_order_lines')
    op.drop_table('purchase_order_lines')
    op.drop_index(op.f('ix_purchase_orders_supplier_id'), table_name='purchase_orders')
    op.drop_index(op.f('ix_purchase_orders_status'), table_name='purchase_orders')
    op.drop_table('purchase_orders')
    op.drop_table('stock_alert_rules')
    op.drop_index(op.f('ix_sku_suppliers_supplier_id'), table_name='sku_suppliers')
    op.drop_table('sku_suppliers')
    op.drop_table('suppliers')
    op.drop_table('purchase_counters')
