"""The tables of the whole mission's core.

Later features add their own tables (purchasing, counts, settlements, messages) beside these
without reshaping them. Rules that the database must keep are constraints here, never checks
in Python: one order per shop and platform order id, one outbox row per idempotency key,
stock balances that can never go below zero or reserve more than is on hand.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .types import Money, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        Decimal: Money(),
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


# --- people, settings, audit -------------------------------------------------------------

class RoleRow(Base):
    __tablename__ = "roles"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))


class RolePermissionRow(Base):
    __tablename__ = "role_permissions"
    role_code: Mapped[str] = mapped_column(ForeignKey("roles.code", ondelete="CASCADE"),
                                           primary_key=True)
    permission: Mapped[str] = mapped_column(String(64), primary_key=True)


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role_code: Mapped[str] = mapped_column(ForeignKey("roles.code"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]


class SettingRow(Base):
    """Plain settings (never secrets: those live in the OS credential store)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class AuditRow(Base):
    """Who revealed, printed, exported or changed what. Rows are chained by hash so that an
    edited or deleted row is detected."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity: Mapped[str] = mapped_column(String(64), default="")
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# --- shops, catalogue, warehouses --------------------------------------------------------

class ShopRow(Base):
    __tablename__ = "shops"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128), unique=True)
    endpoint: Mapped[str] = mapped_column(String(512), default="")
    app_key: Mapped[str] = mapped_column(String(128), default="")
    # The key under which the app secret and session token sit in the OS credential store.
    credential_ref: Mapped[str] = mapped_column(String(128), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    allow_merge: Mapped[bool] = mapped_column(Boolean, default=True)
    backfill_days: Mapped[int] = mapped_column(Integer, default=3)
    # Stock share (按比例同步): this shop is shown share_pct % of (available − buffer).
    stock_share_pct: Mapped[int] = mapped_column(Integer, default=100)
    stock_safety_buffer: Mapped[int] = mapped_column(Integer, default=0)
    stock_max_shown: Mapped[int | None] = mapped_column(Integer)
    stock_zero_below: Mapped[int] = mapped_column(Integer, default=0)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint("stock_share_pct BETWEEN 0 AND 100", name="share_pct"),
    )


class SkuRow(Base):
    __tablename__ = "skus"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    weight_g: Mapped[int] = mapped_column(Integer, default=0)
    # per unit; NULL: not known (counts as 0 when parcels are split by volume)
    volume_cm3: Mapped[int | None] = mapped_column(Integer)
    cost: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    price_floor: Mapped[Decimal | None]
    is_bundle: Mapped[bool] = mapped_column(Boolean, default=False)
    is_gift: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SkuBarcodeRow(Base):
    __tablename__ = "sku_barcodes"
    barcode: Mapped[str] = mapped_column(String(64), primary_key=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id", ondelete="CASCADE"), index=True)


class BundleComponentRow(Base):
    """组合装: one bundle SKU ships as its components."""

    __tablename__ = "bundle_components"
    bundle_sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id", ondelete="CASCADE"),
                                               primary_key=True)
    component_sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), primary_key=True)
    qty: Mapped[int] = mapped_column(Integer)
    __table_args__ = (CheckConstraint("qty > 0", name="qty_positive"),)


class ListingRow(Base):
    """A platform item/SKU in one shop, mapped to our SKU (商品对应关系)."""

    __tablename__ = "listings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    platform_item_id: Mapped[str] = mapped_column(String(64))
    platform_sku_id: Mapped[str] = mapped_column(String(64), default="")
    merchant_code: Mapped[str] = mapped_column(String(64), default="", index=True)
    title: Mapped[str] = mapped_column(String(255), default="")
    sku_id: Mapped[int | None] = mapped_column(ForeignKey("skus.id"), index=True)
    stock_share_pct: Mapped[int | None] = mapped_column(Integer)  # per-listing override
    last_pushed_qty: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (UniqueConstraint("shop_id", "platform_item_id", "platform_sku_id"),)


class WarehouseRow(Base):
    __tablename__ = "warehouses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    province: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LocationRow(Base):
    __tablename__ = "locations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="normal")  # normal, damaged, receiving
    __table_args__ = (UniqueConstraint("warehouse_id", "code"),)


# --- stock ---------------------------------------------------------------------------------

class StockBalanceRow(Base):
    """The cached sum of the ledger per warehouse and SKU. available = on_hand − reserved."""

    __tablename__ = "stock_balances"
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), primary_key=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    in_transit: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_nonneg"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within"),
        CheckConstraint("in_transit >= 0", name="in_transit_nonneg"),
        Index("ix_stock_balances_sku", "sku_id"),
    )


class StockMoveRow(Base):
    """One immutable ledger entry, pointing at the document that caused it."""

    __tablename__ = "stock_moves"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    at: Mapped[datetime]
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    kind: Mapped[str] = mapped_column(String(16))
    d_on_hand: Mapped[int] = mapped_column(Integer, default=0)
    d_reserved: Mapped[int] = mapped_column(Integer, default=0)
    d_in_transit: Mapped[int] = mapped_column(Integer, default=0)
    doc_type: Mapped[str] = mapped_column(String(32))
    doc_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(255), default="")
    __table_args__ = (
        Index("ix_stock_moves_wh_sku", "warehouse_id", "sku_id"),
        Index("ix_stock_moves_doc", "doc_type", "doc_id"),
    )


# --- customers and orders ----------------------------------------------------------------

class CustomerRow(Base):
    """An online buyer, deduplicated per platform by the platform's buyer id (nick/open id)."""

    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    buyer_key: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(128), default="")
    phone_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    first_order_at: Mapped[datetime | None]
    last_order_at: Mapped[datetime | None]
    order_count: Mapped[int] = mapped_column(Integer, default=0)
    total_paid: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    blacklisted: Mapped[bool] = mapped_column(Boolean, default=False)
    blacklist_reason: Mapped[str] = mapped_column(String(255), default="")
    tags: Mapped[list[Any]] = mapped_column(default=list)
    __table_args__ = (UniqueConstraint("platform", "buyer_key"),)


class OrderRow(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"))
    platform_order_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    platform_status: Mapped[str] = mapped_column(String(64), default="")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    buyer_nick: Mapped[str] = mapped_column(String(128), default="")
    receiver_name: Mapped[str] = mapped_column(String(128), default="")
    receiver_phone: Mapped[str] = mapped_column(String(64), default="")
    phone_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    country: Mapped[str] = mapped_column(String(8), default="CN")
    province: Mapped[str] = mapped_column(String(32), default="")
    city: Mapped[str] = mapped_column(String(64), default="")
    district: Mapped[str] = mapped_column(String(64), default="")
    town: Mapped[str] = mapped_column(String(64), default="")
    address_detail: Mapped[str] = mapped_column(Text, default="")
    zip_code: Mapped[str] = mapped_column(String(16), default="")
    buyer_message: Mapped[str] = mapped_column(Text, default="")
    seller_memo: Mapped[str] = mapped_column(Text, default="")
    seller_flag: Mapped[int] = mapped_column(Integer, default=0)
    is_cod: Mapped[bool] = mapped_column(Boolean, default=False)
    is_presale: Mapped[bool] = mapped_column(Boolean, default=False)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    total_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    paid_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    post_fee: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    discount_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    created_at: Mapped[datetime]  # on the platform
    paid_at: Mapped[datetime | None]
    modified_at: Mapped[datetime]  # on the platform: the upsert guard
    pulled_at: Mapped[datetime]
    updated_at: Mapped[datetime]  # by us
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    courier_id: Mapped[int | None] = mapped_column(ForeignKey("couriers.id"))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # last platform payload
    __table_args__ = (
        UniqueConstraint("shop_id", "platform_order_id"),
        Index("ix_orders_status_paid", "status", "paid_at"),
        Index("ix_orders_modified", "modified_at"),
        Index("ix_orders_shop_status", "shop_id", "status"),
        # the orders merged into a lead (合单): the pipeline's open-parcel look-up, unmerge
        Index("ix_orders_merged_into", "merged_into_id"),
    )


class OrderLineRow(Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    platform_line_id: Mapped[str] = mapped_column(String(64))
    platform_item_id: Mapped[str] = mapped_column(String(64), default="")
    platform_sku_id: Mapped[str] = mapped_column(String(64), default="")
    merchant_sku_code: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(255), default="")
    sku_id: Mapped[int | None] = mapped_column(ForeignKey("skus.id"), index=True)
    qty: Mapped[int] = mapped_column(Integer)
    price: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    paid_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    refund_state: Mapped[str] = mapped_column(String(16), default="none")
    is_gift: Mapped[bool] = mapped_column(Boolean, default=False)
    # A bundle line expands into component lines that point back at it.
    bundle_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_lines.id", ondelete="CASCADE"))
    __table_args__ = (
        UniqueConstraint("order_id", "platform_line_id"),
        CheckConstraint("qty > 0", name="qty_positive"),
    )


class OrderHoldRow(Base):
    """Why an order is held, and which rule held it; released rows are kept."""

    __tablename__ = "order_holds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    reason: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(255), default="")
    rule_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    released_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_order_holds_reason_open", "reason", "released_at"),)


class OrderHistoryRow(Base):
    """Every change to an order: who, when, what, why (and which rule)."""

    __tablename__ = "order_history"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(64))  # username, "sync", "rules"
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(128), default="")
    reason: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


# --- couriers, parcels, waybills ---------------------------------------------------------

class CourierRow(Base):
    __tablename__ = "couriers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # e.g. ZTO, YTO, SF
    name: Mapped[str] = mapped_column(String(64))
    waybill_source: Mapped[str] = mapped_column(String(16), default="range")  # cainiao, range
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CourierRateRow(Base):
    """Price of a parcel to a province: first weight, then each further step.
    ``province`` '*' is the default; ``excluded`` marks a region the courier does not serve."""

    __tablename__ = "courier_rates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    courier_id: Mapped[int] = mapped_column(ForeignKey("couriers.id", ondelete="CASCADE"))
    province: Mapped[str] = mapped_column(String(32))
    first_weight_g: Mapped[int] = mapped_column(Integer, default=1000)
    first_price: Mapped[Decimal]
    step_weight_g: Mapped[int] = mapped_column(Integer, default=1000)
    step_price: Mapped[Decimal]
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (UniqueConstraint("courier_id", "province"),)


class ParcelRow(Base):
    """What leaves the warehouse in one box: lines of one order, or of merged orders."""

    __tablename__ = "parcels"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)  # the lead order
    seq: Mapped[int] = mapped_column(Integer, default=1)  # "2/3" on the label
    status: Mapped[str] = mapped_column(String(16))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    courier_id: Mapped[int | None] = mapped_column(ForeignKey("couriers.id"))
    expected_weight_g: Mapped[int] = mapped_column(Integer, default=0)
    weight_g: Mapped[int | None] = mapped_column(Integer)
    courier_cost: Mapped[Decimal | None]
    station: Mapped[str | None] = mapped_column(String(64))  # which packing station has it
    # When that station last said it still has it (a lease: see store/packing.claim)
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    shipped_at: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("order_id", "seq"),)


class ParcelLineRow(Base):
    __tablename__ = "parcel_lines"
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id", ondelete="CASCADE"),
                                           primary_key=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), primary_key=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    qty: Mapped[int] = mapped_column(Integer)
    __table_args__ = (CheckConstraint("qty > 0", name="qty_positive"),)


class WaybillRow(Base):
    """An e-waybill number (电子面单). ``request_key`` makes getting one idempotent per parcel."""

    __tablename__ = "waybills"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id"), index=True)
    courier_id: Mapped[int] = mapped_column(ForeignKey("couriers.id"))
    number: Mapped[str] = mapped_column(String(64))
    request_key: Mapped[str] = mapped_column(String(128), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="issued")  # issued, cancelled
    sort_code: Mapped[str] = mapped_column(String(64), default="")  # 大头笔 / 三段码
    print_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    issued_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("courier_id", "number"),)


# --- sync: cursors, outbox, quarantine -----------------------------------------------------

class SyncCursorRow(Base):
    __tablename__ = "sync_cursors"
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"),
                                         primary_key=True)
    stream: Mapped[str] = mapped_column(String(32), primary_key=True)  # orders, refunds
    cursor_at: Mapped[datetime]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]


class OutboxRow(Base):
    """A push to the outside (shipment confirmation, stock quantity, ERP document, waybill
    cancel), written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(64))  # "shop:3", "erp", "courier:2"
    idempotency_key: Mapped[str] = mapped_column(String(191), unique=True)
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, done, parked
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)


class QuarantineRow(Base):
    """A platform payload we could not take in, kept whole with the reason."""

    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    stream: Mapped[str] = mapped_column(String(32))
    platform_order_id: Mapped[str] = mapped_column(String(64), default="")
    raw: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
