"""Persistence of stock documents: transfers (调拨) and buyer returns (退货入库).

Every function takes the caller's session (one transaction per use case) and hands back
frozen records. A document changes status only through :func:`set_transfer_status`, one
conditional UPDATE on (status, version): of two stations shipping or receiving the same
transfer at once, the second matches nothing and is refused, whatever it read before.
Stock itself is moved by store/stock.post_moves in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ecerp_desktop.domain.returns import (
    ShippedLine,
    damaged_code,
    damaged_name,
)
from ecerp_desktop.domain.returns import number_for as return_number
from ecerp_desktop.domain.transfers import number_for as transfer_number
from ecerp_desktop.store.schema import (
    OrderHistoryRow,
    OrderLineRow,
    OrderRow,
    ParcelLineRow,
    ParcelRow,
    SkuBarcodeRow,
    SkuRow,
    WarehouseRow,
    WaybillRow,
)
from ecerp_desktop.store.schema_stock_documents import (
    BuyerReturnLineRow,
    BuyerReturnRow,
    DamagedWarehouseRow,
    TransferLineRow,
    TransferRow,
)

SHIPPED_PARCEL = "shipped"


def _is_pg(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def _pending_number() -> str:
    return f"~{uuid.uuid4().hex[:30]}"  # replaced by the id-based number in the same txn


def _warehouse_names(s: Session, ids: Sequence[int]) -> dict[int, str]:
    return {i: n for i, n in s.execute(select(WarehouseRow.id, WarehouseRow.name)
                                       .where(WarehouseRow.id.in_(sorted(set(ids)))))}


# --- transfers -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TransferLineRecord:
    sku_id: int
    code: str
    name: str
    qty: int
    received: int
    lost: int
    loss_reason: str

    @property
    def outstanding(self) -> int:
        return self.qty - self.received - self.lost


@dataclass(frozen=True, slots=True)
class TransferRecord:
    id: int
    number: str
    from_warehouse_id: int
    from_name: str
    to_warehouse_id: int
    to_name: str
    status: str
    note: str
    version: int
    created_at: datetime
    shipped_at: datetime | None
    received_at: datetime | None
    cancelled_at: datetime | None
    line_count: int
    total_qty: int
    lines: tuple[TransferLineRecord, ...] = ()


def create_transfer(s: Session, *, from_id: int, to_id: int, lines: Mapping[int, int],
                    note: str, user_id: int | None, now: datetime) -> int:
    """A draft transfer with one line per SKU id (qty > 0); returns its id."""
    res = s.execute(insert(TransferRow.__table__).values(
        number=_pending_number(), from_warehouse_id=from_id, to_warehouse_id=to_id,
        status="draft", note=note, version=0, created_by=user_id, created_at=now)
        .returning(TransferRow.__table__.c.id))
    tid = int(res.scalar_one())
    s.execute(update(TransferRow.__table__).where(TransferRow.__table__.c.id == tid)
              .values(number=transfer_number(tid)))
    s.execute(insert(TransferLineRow.__table__),
              [{"transfer_id": tid, "sku_id": k, "qty": q, "received_qty": 0, "lost_qty": 0,
                "loss_reason": ""} for k, q in lines.items()])
    return tid


def _transfer_id(s: Session, key: str | int) -> int | None:
    if isinstance(key, int):
        return key
    key = key.strip()
    if not key or len(key) > 32:
        return None
    found = s.scalar(select(TransferRow.id).where(TransferRow.number == key.upper()))
    if found is None and key.isdigit() and len(key) < 10:
        found = s.scalar(select(TransferRow.id).where(TransferRow.id == int(key)))
    return found


def _summary_query() -> Any:
    t, ln = TransferRow, TransferLineRow
    counts = (select(ln.transfer_id, func.count().label("n"), func.sum(ln.qty).label("q"))
              .group_by(ln.transfer_id).subquery())
    return (select(t, func.coalesce(counts.c.n, 0), func.coalesce(counts.c.q, 0))
            .outerjoin(counts, counts.c.transfer_id == t.id))


def _transfer_record(s: Session, rows: Sequence[Any],
                     lines: dict[int, tuple[TransferLineRecord, ...]] | None = None
                     ) -> list[TransferRecord]:
    names = _warehouse_names(s, [w for r, _n, _q in rows
                                 for w in (r.from_warehouse_id, r.to_warehouse_id)])
    return [TransferRecord(r.id, r.number, r.from_warehouse_id, names.get(r.from_warehouse_id, ""),
                           r.to_warehouse_id, names.get(r.to_warehouse_id, ""), r.status,
                           r.note, r.version, r.created_at, r.shipped_at, r.received_at,
                           r.cancelled_at, int(n), int(q), (lines or {}).get(r.id, ()))
            for r, n, q in rows]


def get_transfer(s: Session, key: str | int, *, lock: bool = False) -> TransferRecord | None:
    """A transfer with its lines, by number (TR…) or id. *lock* takes the row lock on
    PostgreSQL (the conditional status UPDATE decides anyway; the lock only makes a
    second station wait instead of failing half-way)."""
    tid = _transfer_id(s, key)
    if tid is None:
        return None
    if lock and _is_pg(s):
        s.execute(select(TransferRow.id).where(TransferRow.id == tid).with_for_update())
    row = s.execute(_summary_query().where(TransferRow.id == tid)).first()
    if row is None:
        return None
    ln = TransferLineRow
    lines = tuple(TransferLineRecord(r.sku_id, r.code, r.name, r.qty, r.received_qty,
                                     r.lost_qty, r.loss_reason)
                  for r in s.execute(select(ln.sku_id, SkuRow.code, SkuRow.name, ln.qty,
                                            ln.received_qty, ln.lost_qty, ln.loss_reason)
                                     .join(SkuRow, SkuRow.id == ln.sku_id)
                                     .where(ln.transfer_id == tid).order_by(SkuRow.code)))
    return _transfer_record(s, [row], {tid: lines})[0]


def list_transfers(s: Session, *, status: str | None = None, warehouse_id: int | None = None,
                   before_id: int | None = None, limit: int = 200) -> list[TransferRecord]:
    """Transfers newest first (without their lines), keyset-paged by *before_id*."""
    t = TransferRow
    q = _summary_query().order_by(t.id.desc()).limit(limit)
    if status is not None:
        q = q.where(t.status == status)
    if warehouse_id is not None:
        q = q.where(or_(t.from_warehouse_id == warehouse_id, t.to_warehouse_id == warehouse_id))
    if before_id is not None:
        q = q.where(t.id < before_id)
    return _transfer_record(s, s.execute(q).all())


def set_transfer_status(s: Session, transfer_id: int, *, expected_status: str,
                        expected_version: int, status: str, now: datetime) -> bool:
    """Move a transfer to *status* if nobody changed it since it was read (one conditional
    UPDATE: status and version must still be the ones read). False when it changed."""
    c = TransferRow.__table__.c
    values: dict[str, Any] = {"status": status, "version": expected_version + 1}
    stamp = {"shipped": "shipped_at", "received": "received_at",
             "cancelled": "cancelled_at"}.get(status)
    if stamp:
        values[stamp] = now
    res = s.execute(update(TransferRow.__table__).where(
        c.id == transfer_id, c.status == expected_status, c.version == expected_version)
        .values(**values))
    return int(res.rowcount) == 1  # type: ignore[attr-defined]


_LINE_RECEIPT = (
    update(TransferLineRow.__table__)
    .where(TransferLineRow.__table__.c.transfer_id == bindparam("t"),
           TransferLineRow.__table__.c.sku_id == bindparam("k"))
    .values(received_qty=TransferLineRow.__table__.c.received_qty + bindparam("r"),
            lost_qty=TransferLineRow.__table__.c.lost_qty + bindparam("l"),
            loss_reason=bindparam("why"))
)


def add_line_receipts(s: Session, transfer_id: int,
                      receipts: Sequence[tuple[int, int, int, str]]) -> None:
    """(SKU id, received, lost, loss reason) added to the lines (the CHECK keeps received
    + lost ≤ qty)."""
    rows = [{"t": transfer_id, "k": k, "r": r, "l": lost, "why": why[:255]}
            for k, r, lost, why in receipts if r or lost]
    if rows:
        s.execute(_LINE_RECEIPT, rows)


# --- SKU look-up ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SkuRef:
    id: int
    code: str
    name: str


def skus_by_code_or_barcode(s: Session, keys: Sequence[str]) -> dict[str, SkuRef]:
    """Each key (a SKU code, else a barcode) → its SKU; keys that name none are left out."""
    wanted = sorted({k for k in keys if k and len(k) <= 64})
    out: dict[str, SkuRef] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for i, code, name in s.execute(select(SkuRow.id, SkuRow.code, SkuRow.name)
                                       .where(SkuRow.code.in_(chunk))):
            out[code] = SkuRef(i, code, name)
        rest = [k for k in chunk if k not in out]
        if rest:
            for bc, i, code, name in s.execute(
                    select(SkuBarcodeRow.barcode, SkuRow.id, SkuRow.code, SkuRow.name)
                    .join(SkuRow, SkuRow.id == SkuBarcodeRow.sku_id)
                    .where(SkuBarcodeRow.barcode.in_(rest))):
                out[bc] = SkuRef(i, code, name)
    return out


# --- returns: finding the order ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class OrderHead:
    id: int
    shop_id: int
    platform_order_id: str
    status: str
    warehouse_id: int | None
    buyer_nick: str
    receiver_name: str


def find_orders(s: Session, code: str) -> list[int]:
    """Order ids named by a scanned or typed *code*: a waybill number (every order whose
    lines rode in that parcel), a platform order id, or our order id."""
    code = code.strip()
    if not code or len(code) > 64:
        return []
    pids = list(s.scalars(select(WaybillRow.parcel_id).where(WaybillRow.number == code)))
    if pids:
        found = set(s.scalars(select(ParcelRow.order_id).where(ParcelRow.id.in_(pids))))
        found |= set(s.scalars(select(OrderLineRow.order_id)
                               .join(ParcelLineRow, ParcelLineRow.order_line_id == OrderLineRow.id)
                               .where(ParcelLineRow.parcel_id.in_(pids))))
        return sorted(found)
    oids = list(s.scalars(select(OrderRow.id).where(OrderRow.platform_order_id == code)))
    if not oids and code.isdigit() and len(code) < 19:
        oids = list(s.scalars(select(OrderRow.id).where(OrderRow.id == int(code))))
    return sorted(oids)


def order_heads(s: Session, ids: Sequence[int], *, lock: bool = False) -> list[OrderHead]:
    """The orders, by id; *lock* takes their row locks on PostgreSQL (two stations taking
    returns of one order serialize, so together they never bring back more than left)."""
    o = OrderRow
    q = (select(o.id, o.shop_id, o.platform_order_id, o.status, o.warehouse_id, o.buyer_nick,
                o.receiver_name).where(o.id.in_(sorted(set(ids)))).order_by(o.id))
    if lock and _is_pg(s):
        q = q.with_for_update()
    return [OrderHead(*r) for r in s.execute(q)]


def shipped_lines(s: Session, order_ids: Sequence[int]) -> list[ShippedLine]:
    """Every line of these orders that left in a shipped parcel, with what came back."""
    ln, pl, p = OrderLineRow, ParcelLineRow, ParcelRow
    rows = s.execute(
        select(ln.id, ln.order_id, ln.sku_id, SkuRow.code, SkuRow.name, ln.is_gift,
               ln.refund_state, func.sum(pl.qty), func.min(p.warehouse_id))
        .join(pl, pl.order_line_id == ln.id).join(p, p.id == pl.parcel_id)
        .join(SkuRow, SkuRow.id == ln.sku_id)
        .where(ln.order_id.in_(sorted(set(order_ids))), p.status == SHIPPED_PARCEL)
        .group_by(ln.id, ln.order_id, ln.sku_id, SkuRow.code, SkuRow.name, ln.is_gift,
                  ln.refund_state)
        .order_by(ln.order_id, ln.id)).all()
    returned = returned_by_line(s, [r[0] for r in rows])
    return [ShippedLine(i, oid, sku, code, name, int(q), returned.get(i, 0), bool(gift),
                        wh, refund or "none")
            for i, oid, sku, code, name, gift, refund, q, wh in rows]


def returned_by_line(s: Session, line_ids: Sequence[int]) -> dict[int, int]:
    if not line_ids:
        return {}
    r = BuyerReturnLineRow
    return {i: int(q) for i, q in s.execute(
        select(r.order_line_id, func.sum(r.qty)).where(r.order_line_id.in_(list(line_ids)))
        .group_by(r.order_line_id))}


def latest_refund_event(s: Session, order_ids: Sequence[int]) -> int | None:
    """The newest order_history row of a refund on these orders (the refund link)."""
    h = OrderHistoryRow
    return s.scalar(select(h.id).where(h.order_id.in_(sorted(set(order_ids))),
                                       h.action == "refund").order_by(h.id.desc()).limit(1))


# --- returns: damaged-goods warehouse ------------------------------------------------------

def damaged_warehouse(s: Session, warehouse_id: int) -> int:
    """The damaged-goods warehouse (次品仓) of *warehouse_id*, created on first use as
    "<name>-次品", inactive so the pipeline never routes orders to it. A warehouse that is
    itself a damaged-goods warehouse is its own."""
    d = DamagedWarehouseRow
    found = s.scalar(select(d.damaged_warehouse_id).where(d.warehouse_id == warehouse_id))
    if found is not None:
        return int(found)
    if s.scalar(select(d.warehouse_id).where(d.damaged_warehouse_id == warehouse_id)):
        return warehouse_id
    src = s.execute(select(WarehouseRow.code, WarehouseRow.name, WarehouseRow.province,
                           WarehouseRow.address).where(WarehouseRow.id == warehouse_id)).one()
    for attempt in range(20):
        try:
            with s.begin_nested():
                wid = int(s.execute(insert(WarehouseRow.__table__).values(
                    code=damaged_code(src.code, attempt),
                    name=damaged_name(src.name) if attempt == 0
                    else f"{damaged_name(src.name)[:120]}{attempt}",
                    province=src.province, address=src.address, active=False)
                    .returning(WarehouseRow.__table__.c.id)).scalar_one())
                s.execute(insert(d.__table__).values(warehouse_id=warehouse_id,
                                                     damaged_warehouse_id=wid))
                return wid
        except IntegrityError:
            # another station made it meanwhile, or the name/code is taken: look again
            found = s.scalar(select(d.damaged_warehouse_id).where(d.warehouse_id == warehouse_id))
            if found is not None:
                return int(found)
    raise RuntimeError(f"no free code for the damaged-goods warehouse of {src.code}")


def damaged_warehouse_ids(s: Session) -> set[int]:
    return set(s.scalars(select(DamagedWarehouseRow.damaged_warehouse_id)))


# --- returns: writing and reading ----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ReturnLineInput:
    order_line_id: int | None
    sku_id: int
    qty: int
    condition: str
    warehouse_id: int | None
    refund_state: str = "none"


@dataclass(frozen=True, slots=True)
class ReturnLineRecord:
    id: int
    order_line_id: int | None
    sku_id: int
    code: str
    name: str
    qty: int
    condition: str
    warehouse_id: int | None
    warehouse_name: str
    refund_state: str


@dataclass(frozen=True, slots=True)
class ReturnRecord:
    id: int
    number: str
    status: str
    order_id: int | None
    platform_order_id: str
    lookup: str
    tracking_number: str
    warehouse_id: int | None
    refund_state: str
    refund_history_id: int | None
    note: str
    created_at: datetime
    matched_at: datetime | None
    total_qty: int
    lines: tuple[ReturnLineRecord, ...] = ()


def insert_return(s: Session, *, status: str, order_id: int | None, lookup: str,
                  tracking_number: str, warehouse_id: int | None, refund_state: str,
                  refund_history_id: int | None, note: str, user_id: int | None,
                  now: datetime, lines: Sequence[ReturnLineInput]) -> tuple[int, str]:
    """Store a return and its lines; returns (id, number RT…)."""
    t = BuyerReturnRow.__table__
    rid = int(s.execute(insert(t).values(
        number=_pending_number(), status=status, order_id=order_id, lookup=lookup[:64],
        tracking_number=tracking_number[:64], warehouse_id=warehouse_id,
        refund_state=refund_state, refund_history_id=refund_history_id, note=note,
        user_id=user_id, created_at=now).returning(t.c.id)).scalar_one())
    number = return_number(rid)
    s.execute(update(t).where(t.c.id == rid).values(number=number))
    add_return_lines(s, rid, lines)
    return rid, number


def add_return_lines(s: Session, rid: int, lines: Sequence[ReturnLineInput]) -> None:
    if not lines:
        return
    s.execute(insert(BuyerReturnLineRow.__table__),
              [{"return_id": rid, "order_line_id": ln.order_line_id, "sku_id": ln.sku_id,
                "qty": ln.qty, "condition": ln.condition, "warehouse_id": ln.warehouse_id,
                "refund_state": ln.refund_state} for ln in lines])


def match_return(s: Session, return_id: int, *, order_id: int, refund_state: str,
                 refund_history_id: int | None, warehouse_id: int | None, now: datetime,
                 lines: Sequence[ReturnLineInput]) -> bool:
    """An unknown parcel (unmatched) becomes the return of *order_id*: one conditional
    UPDATE (False when it was matched meanwhile), then its lines are replaced by the
    matched ones."""
    t = BuyerReturnRow.__table__
    res = s.execute(update(t).where(t.c.id == return_id, t.c.status == "unmatched").values(
        status="matched", order_id=order_id, refund_state=refund_state,
        refund_history_id=refund_history_id, warehouse_id=warehouse_id, matched_at=now))
    if int(res.rowcount) != 1:  # type: ignore[attr-defined]
        return False
    s.execute(BuyerReturnLineRow.__table__.delete().where(
        BuyerReturnLineRow.__table__.c.return_id == return_id))
    add_return_lines(s, return_id, lines)
    return True


def _return_id(s: Session, key: str | int) -> int | None:
    if isinstance(key, int):
        return key
    key = key.strip()
    if not key or len(key) > 32:
        return None
    found = s.scalar(select(BuyerReturnRow.id).where(BuyerReturnRow.number == key.upper()))
    if found is None and key.isdigit() and len(key) < 10:
        found = s.scalar(select(BuyerReturnRow.id).where(BuyerReturnRow.id == int(key)))
    return found


def _return_query() -> Any:
    r, ln = BuyerReturnRow, BuyerReturnLineRow
    sums = (select(ln.return_id, func.sum(ln.qty).label("q")).group_by(ln.return_id)
            .subquery())
    return (select(r, OrderRow.platform_order_id, func.coalesce(sums.c.q, 0))
            .outerjoin(OrderRow, OrderRow.id == r.order_id)
            .outerjoin(sums, sums.c.return_id == r.id))


def _return_record(r: Any, poid: str | None, q: int,
                   lines: tuple[ReturnLineRecord, ...] = ()) -> ReturnRecord:
    return ReturnRecord(r.id, r.number, r.status, r.order_id, poid or "", r.lookup,
                        r.tracking_number, r.warehouse_id, r.refund_state,
                        r.refund_history_id, r.note, r.created_at, r.matched_at, int(q), lines)


def get_return(s: Session, key: str | int) -> ReturnRecord | None:
    rid = _return_id(s, key)
    if rid is None:
        return None
    row = s.execute(_return_query().where(BuyerReturnRow.id == rid)).first()
    if row is None:
        return None
    ln = BuyerReturnLineRow
    raw = s.execute(select(ln.id, ln.order_line_id, ln.sku_id, SkuRow.code, SkuRow.name,
                           ln.qty, ln.condition, ln.warehouse_id, ln.refund_state)
                    .join(SkuRow, SkuRow.id == ln.sku_id)
                    .where(ln.return_id == rid).order_by(ln.id)).all()
    names = _warehouse_names(s, [x.warehouse_id for x in raw if x.warehouse_id])
    lines = tuple(ReturnLineRecord(x.id, x.order_line_id, x.sku_id, x.code, x.name, x.qty,
                                   x.condition, x.warehouse_id,
                                   names.get(x.warehouse_id or 0, ""), x.refund_state)
                  for x in raw)
    return _return_record(row[0], row[1], row[2], lines)


def list_returns(s: Session, *, status: str | None = None, tracking_number: str | None = None,
                 before_id: int | None = None, limit: int = 200) -> list[ReturnRecord]:
    """Returns newest first (without their lines), keyset-paged by *before_id*."""
    r = BuyerReturnRow
    q = _return_query().order_by(r.id.desc()).limit(limit)
    if status is not None:
        q = q.where(r.status == status)
    if tracking_number:
        q = q.where(r.tracking_number == tracking_number)
    if before_id is not None:
        q = q.where(r.id < before_id)
    return [_return_record(row[0], row[1], row[2]) for row in s.execute(q)]


def add_order_history(s: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Append order_history rows (dicts of its columns)."""
    if rows:
        s.execute(insert(OrderHistoryRow.__table__), list(rows))
