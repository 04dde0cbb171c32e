"""Stock use cases: look, adjust, recount, check the ledger. Each one transaction, each
permission-checked, adjustments audited.

Reservations and shipments are posted by the order pipeline and the packing station inside
their own transactions through store/stock.py (so reserve + order change + outbox commit
together); this module is for people working on stock directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.text import storable
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store, audit
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import stock as st
from ecerp_desktop.store.catalog import SkuRecord, WarehouseRecord
from ecerp_desktop.store.stock import BalanceRecord, Drift, MoveRecord


@dataclass(frozen=True, slots=True)
class SkuStock:
    """One SKU's stock in every warehouse that ever held it."""

    sku: SkuRecord
    rows: tuple[tuple[WarehouseRecord, BalanceRecord], ...]


def _resolve(s: Any, warehouse: str, sku: str) -> tuple[WarehouseRecord, SkuRecord]:
    warehouse, sku = storable(warehouse.strip()), storable(sku.strip())
    wh = cat.warehouse_by_key(s, warehouse)
    if wh is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="warehouse", key=warehouse)
    found = cat.sku_by_code(s, sku) or cat.sku_by_barcode(s, sku)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=sku)
    return wh, found


def show(store: Store, actor: Actor, sku: str) -> SkuStock:
    """On hand, reserved, available and in transit of one SKU (code or barcode)."""
    actor.require(Permission.STOCK_VIEW)
    sku = storable(sku.strip())
    with store.read() as s:
        found = cat.sku_by_code(s, sku) or cat.sku_by_barcode(s, sku)
        if found is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=sku)
        whs = {w.id: w for w in cat.warehouses(s)}
        rows = tuple((whs[b.warehouse_id], b) for b in st.balances(s, sku_ids=[found.id]))
    return SkuStock(found, rows)


def balances(store: Store, actor: Actor, *, warehouse_id: int | None = None,
             after: tuple[int, int] | None = None, limit: int = 500) -> list[BalanceRecord]:
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        return st.balances(s, warehouse_id=warehouse_id, after=after, limit=limit)


def moves(store: Store, actor: Actor, *, warehouse_id: int | None = None,
          sku_id: int | None = None, limit: int = 500) -> list[MoveRecord]:
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        return st.moves(s, warehouse_id=warehouse_id, sku_id=sku_id, limit=limit)


def adjust(store: Store, actor: Actor, warehouse: str, sku: str, delta: int,
           reason: str) -> BalanceRecord:
    """Change on hand by *delta* (±) with a reason; refused if it would go below what is
    reserved. Returns the new balance."""
    actor.require(Permission.STOCK_EDIT)
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=delta)
    reason = storable(reason.strip())
    if not reason:
        raise DomainError(ErrorCode.REQUIRED, what="reason")
    now = utcnow()
    with store.write() as s:
        wh, found = _resolve(s, warehouse, sku)
        doc_id = f"{now:%Y%m%d%H%M%S%f}"
        try:
            st.post_moves(s, [st.Move(wh.id, found.id, MoveKind.ADJUSTMENT, "adjustment",
                                      doc_id, d_on_hand=delta, note=reason,
                                      user_id=actor.user_id)], now)
        except DomainError:
            raise DomainError(ErrorCode.INSUFFICIENT_STOCK, sku=found.code,
                              warehouse=wh.name) from None
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="stock.adjust", entity="sku", entity_id=str(found.id),
                     detail={"warehouse": wh.code, "delta": delta, "reason": reason})
        return st.balance(s, wh.id, found.id)


def set_quantity(store: Store, actor: Actor, warehouse: str, sku: str, quantity: int,
                 reason: str) -> int:
    """Set on hand to *quantity* (a recount) with a reason; returns the change posted (0 if
    none). The reason is the ledger move's note and is in the audit row."""
    actor.require(Permission.STOCK_EDIT)
    reason = storable(reason.strip())
    if not reason:
        raise DomainError(ErrorCode.REQUIRED, what="reason")
    now = utcnow()
    with store.write() as s:
        wh, found = _resolve(s, warehouse, sku)
        try:
            delta = st.set_on_hand(s, wh.id, found.id, quantity, kind=MoveKind.ADJUSTMENT,
                                   doc_type="recount", doc_id=f"{now:%Y%m%d%H%M%S%f}",
                                   now=now, user_id=actor.user_id, note=reason)
        except DomainError as exc:
            if exc.code is ErrorCode.INSUFFICIENT_STOCK:
                raise DomainError(ErrorCode.INSUFFICIENT_STOCK, sku=found.code,
                                  warehouse=wh.name) from None
            raise
        if delta:
            audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                         action="stock.set", entity="sku", entity_id=str(found.id),
                         detail={"warehouse": wh.code, "quantity": quantity, "delta": delta,
                                 "reason": reason})
        return delta


def check(store: Store, actor: Actor) -> list[Drift]:
    """Rebuild every balance from the ledger and report the ones that drifted."""
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        return st.rebuild_from_ledger(s)
