"""Tables of the order pipeline's configuration: versioned rule documents (review rules and
gift rules), what gift rules have given (for their limits), the province → warehouse
priority, and the remote-region list.

Rule documents are kept whole per version and never updated: saving a change adds a row
with the next version, so every change is kept and any version can be shown or restored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ecerp_desktop.store.schema import Base


class RuleVersionRow(Base):
    """One saved version of a rule document (``kind``: review or gift)."""

    __tablename__ = "rule_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64), default="")
    comment: Mapped[str] = mapped_column(String(255), default="")
    __table_args__ = (UniqueConstraint("kind", "version"),)


class GiftGrantRow(Base):
    """A gift rule gave its gifts to an order (counts against its limits)."""

    __tablename__ = "gift_grants"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    rule_id: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    buyer_key: Mapped[str] = mapped_column(String(191))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    qty: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    __table_args__ = (Index("ix_gift_grants_rule_buyer", "rule_id", "buyer_key"),)


class ProvinceWarehouseRow(Base):
    """Ship to *province* (short name, or '*') from these warehouses, lowest priority first."""

    __tablename__ = "province_warehouses"
    province: Mapped[str] = mapped_column(String(32), primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id", ondelete="CASCADE"),
                                              primary_key=True)
    priority: Mapped[int] = mapped_column(Integer, default=0)


class RemoteRegionRow(Base):
    """A remote region (偏远地区): '新疆' or '四川/甘孜'. Orders to it may be held or routed
    to one courier; the ``remote_region`` review condition uses the same list."""

    __tablename__ = "remote_regions"
    region: Mapped[str] = mapped_column(String(96), primary_key=True)
    hold: Mapped[bool] = mapped_column(Boolean, default=False)
    courier_code: Mapped[str | None] = mapped_column(String(32))
