"""E-waybill bookkeeping beside the core ``waybills`` table.

- ``waybill_ranges``: pre-assigned number blocks of self-numbering couriers. A number is
  taken by one conditional ``UPDATE … SET next_no = next_no + n WHERE next_no + n - 1 <=
  last_no``, so two stations never get the same number.
- ``waybill_requests``: the in-flight journal of requests sent to a remote waybill service
  (Cainiao). A row is committed *before* the request goes out and deleted in the
  transaction that saves the number, so after a crash the survivors name exactly the
  parcels whose number must be looked up at the service before a new one is asked for.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ecerp_desktop.store.schema import Base


class WaybillRangeRow(Base):
    __tablename__ = "waybill_ranges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    courier_id: Mapped[int] = mapped_column(ForeignKey("couriers.id", ondelete="CASCADE"),
                                            index=True)
    prefix: Mapped[str] = mapped_column(String(16), default="")
    width: Mapped[int] = mapped_column(Integer, default=0)  # zero-padded digits, 0 = as is
    first_no: Mapped[int] = mapped_column(BigInteger)
    last_no: Mapped[int] = mapped_column(BigInteger)
    next_no: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class WaybillRequestRow(Base):
    __tablename__ = "waybill_requests"
    request_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id"), index=True)
    courier_id: Mapped[int] = mapped_column(ForeignKey("couriers.id"))
    asked_at: Mapped[datetime]
