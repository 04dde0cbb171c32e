"""Purchasing (采购), receiving against a purchase order (验货入库) and stock alerts (库存预警).

Rules the database keeps, so that two stations can never break them:

- a PO number and a receiving session number are unique (numbers come from
  ``purchase_counters``, one row per prefix and day, bumped by one conditional upsert);
- a PO line never records more received than ordered (CHECK): the conditional UPDATE that
  posts a receipt is refused, not clamped, when another station got there first; units
  beyond the order that a person accepted are kept apart in ``qty_over``;
- one line per (PO, SKU); one default supplier per SKU; one alert rule per (SKU, scope)
  where ``warehouse_id`` 0 means every warehouse.

Scans are rows (``receiving_scans``) written as they happen, so a crashed station loses
nothing and the session's totals are what the rows say.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ecerp_desktop.store.schema import Base

_BIG_ID = BigInteger().with_variant(Integer, "sqlite")


class SupplierRow(Base):
    """供应商: who we buy from and how long their goods take to arrive."""

    __tablename__ = "suppliers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    contact: Mapped[str] = mapped_column(String(255), default="")
    lead_time_days: Mapped[int] = mapped_column(Integer, default=7)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    __table_args__ = (CheckConstraint("lead_time_days >= 0", name="lead_nonneg"),)


class SkuSupplierRow(Base):
    """The default supplier of a SKU, the supplier's own code for it and the last cost."""

    __tablename__ = "sku_suppliers"
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id", ondelete="CASCADE"),
                                        primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    supplier_code: Mapped[str] = mapped_column(String(64), default="")
    last_cost: Mapped[Decimal | None]


class PurchaseCounterRow(Base):
    """The last number handed out per prefix and day (PO20261127 → 1, 2, …)."""

    __tablename__ = "purchase_counters"
    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_no: Mapped[int] = mapped_column(Integer)


class PurchaseOrderRow(Base):
    """采购单. Status changes only through conditional UPDATEs on ``status``."""

    __tablename__ = "purchase_orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)
    expected_date: Mapped[date | None] = mapped_column(Date)
    remark: Mapped[str] = mapped_column(String(255), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    placed_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]  # received in full, closed or cancelled


class PurchaseOrderLineRow(Base):
    __tablename__ = "purchase_order_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    qty_ordered: Mapped[int] = mapped_column(Integer)
    unit_cost: Mapped[Decimal]
    qty_received: Mapped[int] = mapped_column(Integer, default=0)
    qty_over: Mapped[int] = mapped_column(Integer, default=0)  # accepted beyond the order
    __table_args__ = (
        UniqueConstraint("po_id", "sku_id"),
        CheckConstraint("qty_ordered > 0", name="ordered_positive"),
        CheckConstraint("qty_received >= 0 AND qty_received <= qty_ordered",
                        name="received_within"),
        CheckConstraint("qty_over >= 0", name="over_nonneg"),
    )


class ReceivingSessionRow(Base):
    """验货入库: one station scanning goods against one PO until it posts (once)."""

    __tablename__ = "receiving_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    station: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16))  # open, posted, cancelled
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime]
    posted_at: Mapped[datetime | None]
    posted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    over_accepted: Mapped[bool] = mapped_column(Boolean, default=False)


class ReceivingScanRow(Base):
    """One scan (or typed quantity) and what it was judged to be."""

    __tablename__ = "receiving_scans"
    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("receiving_sessions.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    code: Mapped[str] = mapped_column(String(64))
    sku_id: Mapped[int | None] = mapped_column(ForeignKey("skus.id"))
    qty: Mapped[int] = mapped_column(Integer)  # units this scan stood for
    counted: Mapped[int] = mapped_column(Integer, default=0)  # within what remains
    qty_over: Mapped[int] = mapped_column(Integer, default=0)  # beyond it: flagged
    result: Mapped[str] = mapped_column(String(16))
    __table_args__ = (
        Index("ix_receiving_scans_session", "session_id", "id"),
        CheckConstraint("counted >= 0 AND qty_over >= 0 AND counted + qty_over <= qty",
                        name="split_within"),
    )


class StockAlertRuleRow(Base):
    """库存预警: minimum, target days of cover, lead time and pack size of a SKU, for one
    warehouse or (``warehouse_id`` 0) all of them."""

    __tablename__ = "stock_alert_rules"
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id", ondelete="CASCADE"),
                                        primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    min_qty: Mapped[int] = mapped_column(Integer, default=0)
    cover_days: Mapped[int | None] = mapped_column(Integer)
    lead_days: Mapped[int | None] = mapped_column(Integer)  # None: the supplier's
    pack_size: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint("min_qty >= 0 AND pack_size >= 1", name="sane"),
    )
