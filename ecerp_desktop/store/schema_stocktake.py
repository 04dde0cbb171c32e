"""Stocktake (盘点): counts, the SKUs each one covers, and the scans stations add to it.

- ``stocktakes``: one count of one warehouse; its number is the ``doc_id`` of the COUNT moves
  it posts. Status open → posted (or cancelled), changed only by a conditional UPDATE on
  the status, so a count is posted at most once.
- ``stocktake_skus``: the SKUs in scope, each with the book on hand taken the moment it was
  first counted (``book_qty``, NULL until then), or for every SKU when the count was created
  if the count is ``frozen``. Posting applies counted − book_qty to the
  CURRENT on hand, so stock that moved between counting and posting is kept. At posting the
  counted quantity and the delta posted are written back for the record.
- ``stocktake_entries``: append-only scans. Stations only INSERT here (never read-modify-
  write a total), so parallel stations never lose each other's counts; the counted quantity
  of a SKU is the sum of its entries that were not reset (an entry of 0 says "looked, found
  none": the SKU is counted, at zero). Unknown barcodes and SKUs outside the scope are kept
  as flagged entries (``flag``), never dropped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ecerp_desktop.store.schema import Base


class StocktakeRow(Base):
    __tablename__ = "stocktakes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    scope: Mapped[str] = mapped_column(String(16))  # all, skus, location
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    blind: Mapped[bool] = mapped_column(Boolean, default=False)
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)  # book taken at creation
    status: Mapped[str] = mapped_column(String(16), default="open")
    note: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_name: Mapped[str] = mapped_column(String(64), default="")
    posted_at: Mapped[datetime | None]
    posted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uncounted: Mapped[str] = mapped_column(String(16), default="")  # policy used at posting
    __table_args__ = (
        CheckConstraint("status IN ('open', 'posted', 'cancelled')", name="status_known"),
        CheckConstraint("scope IN ('all', 'skus', 'location')", name="scope_known"),
        Index("ix_stocktakes_status", "status"),
    )


class StocktakeSkuRow(Base):
    __tablename__ = "stocktake_skus"
    stocktake_id: Mapped[int] = mapped_column(
        ForeignKey("stocktakes.id", ondelete="CASCADE"), primary_key=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), primary_key=True)
    book_qty: Mapped[int | None] = mapped_column(Integer)
    book_at: Mapped[datetime | None]
    counted: Mapped[int | None] = mapped_column(Integer)
    posted_delta: Mapped[int | None] = mapped_column(Integer)


class StocktakeEntryRow(Base):
    __tablename__ = "stocktake_entries"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    stocktake_id: Mapped[int] = mapped_column(ForeignKey("stocktakes.id", ondelete="CASCADE"))
    sku_id: Mapped[int | None] = mapped_column(ForeignKey("skus.id"))
    barcode: Mapped[str] = mapped_column(String(64))
    qty: Mapped[int] = mapped_column(Integer)
    flag: Mapped[str] = mapped_column(String(16), default="")  # "", unknown, out_of_scope
    station: Mapped[str] = mapped_column(String(64), default="")
    zone: Mapped[str] = mapped_column(String(32), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime]
    reset_at: Mapped[datetime | None]
    __table_args__ = (
        CheckConstraint("qty >= 0", name="qty_not_negative"),
        Index("ix_stocktake_entries_count_sku", "stocktake_id", "sku_id"),
    )
