"""The packing station's log: one row per parcel shipped at a station.

It feeds the per-station counters (parcels this hour, average seconds per parcel, errors)
and keeps who packed what, how long it took, the weight, and who accepted a weight outside
the tolerance. Written in the ship transaction, so a row exists iff the parcel shipped.

Also the indexes the station's look-ups need on core tables: a scanned pick slip is a
platform order id without its shop, a waybill number without its courier, and the parcel
of an order line (merged orders) — each one index seek instead of a table scan.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ecerp_desktop.store.schema import Base, OrderRow, ParcelLineRow, WaybillRow


class PackingLogRow(Base):
    __tablename__ = "packing_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id"), unique=True)
    station: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime]
    shipped_at: Mapped[datetime]
    duration_ms: Mapped[int] = mapped_column(Integer)
    scans: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    weight_g: Mapped[int | None] = mapped_column(Integer)
    expected_weight_g: Mapped[int] = mapped_column(Integer, default=0)
    weight_override_by: Mapped[str] = mapped_column(String(64), default="")
    __table_args__ = (Index("ix_packing_log_station_shipped", "station", "shipped_at"),)


PACKING_INDEXES = (
    Index("ix_packing_orders_platform_order_id", OrderRow.platform_order_id),
    Index("ix_packing_waybills_number", WaybillRow.number),
    Index("ix_packing_parcel_lines_order_line", ParcelLineRow.order_line_id),
)
