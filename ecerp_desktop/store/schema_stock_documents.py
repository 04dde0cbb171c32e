"""Stock documents: transfers between warehouses (调拨) and buyer returns (退货入库).

A document is the *why* of its ledger moves (``stock_moves.doc_type``/``doc_id`` carry its
number); the moves themselves stay the only truth about quantities. Status changes are
conditional UPDATEs on ``version`` so a double click, a second station or a repeated CLI
call can never ship or receive the same transfer twice.

Damaged goods (次品) go to a separate warehouse per source warehouse, created on demand
as "<name>-次品" and inactive (routing never sends orders there); ``damaged_warehouses``
remembers which is which.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ecerp_desktop.store.schema import Base


class TransferRow(Base):
    """A transfer document: draft → shipped → partial/received, or cancelled."""

    __tablename__ = "stock_transfers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    from_warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    to_warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    shipped_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    __table_args__ = (
        CheckConstraint("from_warehouse_id <> to_warehouse_id", name="distinct_warehouses"),
        Index("ix_stock_transfers_status", "status", "id"),
    )


class TransferLineRow(Base):
    """One SKU of a transfer: shipped qty, received so far, written off as lost in transit."""

    __tablename__ = "stock_transfer_lines"
    transfer_id: Mapped[int] = mapped_column(
        ForeignKey("stock_transfers.id", ondelete="CASCADE"), primary_key=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), primary_key=True)
    qty: Mapped[int] = mapped_column(Integer)
    received_qty: Mapped[int] = mapped_column(Integer, default=0)
    lost_qty: Mapped[int] = mapped_column(Integer, default=0)
    loss_reason: Mapped[str] = mapped_column(String(255), default="")
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("received_qty >= 0 AND lost_qty >= 0 AND received_qty + lost_qty <= qty",
                        name="accounted_within"),
    )


class BuyerReturnRow(Base):
    """A parcel that came back from a buyer (退货入库), or an unknown one (无头件)."""

    __tablename__ = "buyer_returns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16))  # received, unmatched, matched
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    lookup: Mapped[str] = mapped_column(String(64), default="")  # what was scanned or typed
    tracking_number: Mapped[str] = mapped_column(String(64), default="", index=True)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    refund_state: Mapped[str] = mapped_column(String(16), default="none")
    # The order's latest refund event (order_history action "refund") when it had one.
    refund_history_id: Mapped[int | None] = mapped_column(ForeignKey("order_history.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    matched_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_buyer_returns_status", "status", "id"),)


class BuyerReturnLineRow(Base):
    """One SKU quantity of a return and where it went (good → stock, damaged → 次品仓,
    written off → nowhere)."""

    __tablename__ = "buyer_return_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("buyer_returns.id", ondelete="CASCADE"),
                                           index=True)
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    qty: Mapped[int] = mapped_column(Integer)
    condition: Mapped[str] = mapped_column(String(16))  # good, damaged, written_off
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    refund_state: Mapped[str] = mapped_column(String(16), default="none")
    __table_args__ = (CheckConstraint("qty > 0", name="qty_positive"),)


class DamagedWarehouseRow(Base):
    """Which warehouse holds the damaged goods (次品仓) of which warehouse."""

    __tablename__ = "damaged_warehouses"
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), primary_key=True)
    damaged_warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"),
                                                      unique=True)
