"""Catalogue use cases: warehouses and SKU look-ups, each one transaction, permission-checked.

Imports of SKU files live in services/imports.py; the demo seeds through the store directly.
"""

from __future__ import annotations

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.text import storable
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store, audit
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store.catalog import SkuRecord, WarehouseRecord


def add_warehouse(store: Store, actor: Actor, name: str, *, province: str = "",
                  code: str | None = None, address: str = "") -> tuple[WarehouseRecord, bool]:
    """Add a warehouse, or update the one with this name or code (so running the same
    command twice changes nothing). Returns the warehouse and whether it was new."""
    actor.require(Permission.STOCK_EDIT)
    name, province = storable(name.strip()), storable(province.strip())
    if not name:
        raise DomainError(ErrorCode.REQUIRED, what="name")
    code = storable((code or "").strip()) or None
    for what, value, limit in (("name", name, 128), ("code", code or "", 32),
                               ("province", province, 32), ("address", address, 255)):
        if len(value) > limit:
            raise DomainError(ErrorCode.TEXT_TOO_LONG, what=what, limit=limit)
    with store.write() as s:
        by_code = cat.warehouse_by_key(s, code) if code else None
        by_name = cat.warehouse_by_key(s, name)
        existing = by_code or by_name
        if (by_name is not None and existing is not None and by_name.id != existing.id) or (
                existing is not None and code and existing.code != code):
            raise DomainError(ErrorCode.ALREADY_EXISTS, what="warehouse", key=name)
        wh = cat.upsert_warehouse(
            s, code=existing.code if existing else (code or cat.next_warehouse_code(s)),
            name=name, province=province or (existing.province if existing else ""),
            address=address or (existing.address if existing else ""))
        if existing != wh:
            audit.append(s, at=utcnow(), user_id=actor.user_id, username=actor.username,
                         action="warehouse.add" if existing is None else "warehouse.update",
                         entity="warehouse", entity_id=str(wh.id),
                         detail={"code": wh.code, "name": wh.name, "province": wh.province})
        return wh, existing is None


def list_warehouses(store: Store, actor: Actor) -> list[WarehouseRecord]:
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        return cat.warehouses(s)


def sku_by_code_or_barcode(store: Store, actor: Actor, key: str) -> SkuRecord:
    """The SKU whose code or one of whose barcodes is *key* (scans and typed codes)."""
    actor.require(Permission.STOCK_VIEW)
    key = storable(key.strip())
    with store.read() as s:
        found = cat.sku_by_code(s, key) or cat.sku_by_barcode(s, key)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=key)
    return found


def list_skus(store: Store, actor: Actor, *, after_code: str | None = None,
              limit: int = 200) -> list[SkuRecord]:
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        return cat.skus(s, after_code=after_code, limit=limit)
