"""The print queue: one row per print job (a waybill, a packing list, a run of SKU labels).

A job moves queued → sending → sent → confirmed, or ends failed or cancelled. ``sending``
is taken with a conditional UPDATE, so two stations never send the same job; a job left in
``sending`` by a crash is never re-sent by itself (it may have printed): it becomes failed
with ``maybe_printed`` and only a user's reprint, with a reason, prints it again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ecerp_desktop.store.schema import Base

JOB_STATES = ("queued", "sending", "sent", "confirmed", "failed", "cancelled")


class PrintJobRow(Base):
    __tablename__ = "print_jobs"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    batch: Mapped[str] = mapped_column(String(36), index=True)  # one enqueue call
    seq: Mapped[int] = mapped_column(Integer, default=0)  # print order inside the batch
    kind: Mapped[str] = mapped_column(String(16))  # waybill, packing, sku
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("parcels.id"), index=True)
    sku_code: Mapped[str] = mapped_column(String(64), default="")
    template: Mapped[str] = mapped_column(String(64))
    printer: Mapped[str] = mapped_column(String(128))  # the name the user chose
    target: Mapped[str] = mapped_column(String(255))  # tcp://…, serial:…, a file …
    profile: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    copies: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    maybe_printed: Mapped[bool] = mapped_column(Boolean, default=False)
    reprint_of: Mapped[int | None] = mapped_column(ForeignKey("print_jobs.id"))
    reason: Mapped[str] = mapped_column(String(255), default="")  # why it is a reprint
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'sending', 'sent', 'confirmed', 'failed', "
                        "'cancelled')", name="state"),
        CheckConstraint("copies BETWEEN 1 AND 999", name="copies"),
        Index("ix_print_jobs_state", "state", "id"),
    )
