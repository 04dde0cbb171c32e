"""The order review screen's use cases (订单审核): list, count, open, save filters, and the
batch actions on a selection or on everything a filter matches.

Every call checks the actor's permission (ORDERS_VIEW to look, ORDERS_REVIEW to act). Buyer
name, nick, phone and address come back masked unless the actor has PII_VIEW (RELIABILITY
rule 9) — the masking happens here, so no view or export can forget it.

Batch actions go through the pipeline's own store functions and state machine, in chunks
of :data:`BATCH` orders per transaction, reporting ``progress(done, total)`` and checking
``cancel()`` between chunks: a cancelled batch keeps what the finished chunks did.

Any thread but the GUI thread.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ecerp_desktop.domain.auth import Actor, Permission, mask_phone, mask_text
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.orders import OrderStatus, can_transition
from ecerp_desktop.domain.pipeline import PARCEL_OPEN
from ecerp_desktop.domain.text import safe_cell
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import pipeline as pipeline_svc
from ecerp_desktop.store import Store
from ecerp_desktop.store import pipeline as ps
from ecerp_desktop.store import review as rq
from ecerp_desktop.store import settings as settings_store
from ecerp_desktop.store.orders import phone_hash
from ecerp_desktop.store.review import (
    SORT_KEYS,
    Cursor,
    OrderDetail,
    Page,
    ReviewFilter,
    ReviewRow,
    Sort,
)

__all__ = ["SORT_KEYS", "BatchAction", "BatchResult", "Cursor", "OrderDetail", "Page",
           "ReviewFilter", "ReviewRow", "Sort"]

BATCH = 200
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
S = OrderStatus


# --- reading -------------------------------------------------------------------------------

def _mask_row(r: ReviewRow) -> ReviewRow:
    return replace(r, buyer_nick=mask_text(r.buyer_nick), receiver_name=mask_text(r.receiver_name),
                   receiver_phone=mask_phone(r.receiver_phone))


def _visible(actor: Actor, r: ReviewRow) -> ReviewRow:
    return r if actor.can(Permission.PII_VIEW) else _mask_row(r)


def phone_filter(phone: str) -> str:
    """The hash a phone search matches on (the number itself never reaches a query)."""
    return phone_hash(phone)


def list_page(store: Store, actor: Actor, flt: ReviewFilter, sort: Sort,
              after: Cursor | None = None, limit: int = 200) -> Page:
    """One keyset page of the filtered, sorted list, masked for *actor*."""
    actor.require(Permission.ORDERS_VIEW)
    with store.read() as s:
        page = rq.page(s, flt, sort, after, limit)
    return Page(tuple(_visible(actor, r) for r in page.rows), page.next)


def status_counts(store: Store, actor: Actor, flt: ReviewFilter) -> dict[str, int]:
    actor.require(Permission.ORDERS_VIEW)
    with store.read() as s:
        return rq.status_counts(s, flt)


def matching_ids(store: Store, actor: Actor, flt: ReviewFilter, sort: Sort | None = None,
                 cancel: Cancel | None = None) -> list[int]:
    """Every id the filter matches (for "apply to the whole result"), read page by page."""
    actor.require(Permission.ORDERS_VIEW)
    sort = sort or Sort()
    ids: list[int] = []
    after: Cursor | None = None
    while True:
        if cancel is not None and cancel():
            break
        with store.read() as s:
            keys, after = rq.page_ids(s, flt, sort, after, 5000)
        ids += [i for i, _ in keys]
        if after is None:
            return ids
    return ids


EXPORT_COLUMNS = ("id", "platform_order_id", "shop", "platform", "status", "hold_reasons",
                  "paid_at", "paid_amount", "buyer_nick", "receiver_name", "receiver_phone",
                  "province", "city", "district", "courier", "warehouse", "tags")


def export_rows(store: Store, actor: Actor, flt: ReviewFilter, sort: Sort | None = None,
                limit: int | None = None) -> list[dict[str, str]]:
    """The filtered list as plain text cells, masked like the screen (a file leaves the
    program: it never carries more than the user may see)."""
    actor.require(Permission.ORDERS_VIEW)
    sort = sort or Sort()
    out: list[dict[str, str]] = []
    after: Cursor | None = None
    while limit is None or len(out) < limit:
        cells, after = export_rows_page(store, actor, flt, sort, after)
        out += cells
        if after is None:
            break
    return out if limit is None else out[:limit]


def export_csv(store: Store, actor: Actor, flt: ReviewFilter, path: str,
               sort: Sort | None = None, cancel: Cancel | None = None) -> int:
    """Write the filtered list to *path* (UTF-8 with BOM, for Excel), masked like the
    screen, every cell neutralized against formulas; the export is audited. Returns the
    number of rows written."""
    import csv

    from ecerp_desktop.store import audit

    actor.require(Permission.ORDERS_VIEW)
    sort = sort or Sort()
    n = 0
    after: Cursor | None = None
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(EXPORT_COLUMNS)
        while True:
            if cancel is not None and cancel():
                break
            rows = export_rows_page(store, actor, flt, sort, after)
            for cells in rows[0]:
                out.writerow([safe_cell(cells[c]) for c in EXPORT_COLUMNS])
                n += 1
            after = rows[1]
            if after is None:
                break
    with store.write() as s:
        audit.append(s, at=utcnow(), user_id=actor.user_id, username=actor.username,
                     action="orders.export", entity="orders", entity_id="",
                     detail={"rows": n, "masked": not actor.can(Permission.PII_VIEW),
                             "filter": filter_to_dict(flt)})
    return n


def export_rows_page(store: Store, actor: Actor, flt: ReviewFilter, sort: Sort,
                     after: Cursor | None, limit: int = 1000
                     ) -> tuple[list[dict[str, str]], Cursor | None]:
    page = list_page(store, actor, flt, sort, after, limit)
    return [_cells(r) for r in page.rows], page.next


def _cells(r: ReviewRow) -> dict[str, str]:
    return {
        "id": str(r.id), "platform_order_id": r.platform_order_id, "shop": r.shop,
        "platform": r.platform, "status": r.status, "hold_reasons": ",".join(r.hold_reasons),
        "paid_at": r.paid_at.isoformat() if r.paid_at else "",
        "paid_amount": f"{r.paid_amount:.2f}", "buyer_nick": r.buyer_nick,
        "receiver_name": r.receiver_name, "receiver_phone": r.receiver_phone,
        "province": r.province, "city": r.city, "district": r.district, "courier": r.courier,
        "warehouse": r.warehouse, "tags": ",".join(r.tags)}


def order_detail(store: Store, actor: Actor, order_id: int) -> OrderDetail:
    """Lines with mapped SKUs and stock, amounts, holds, history with rules, related orders
    of the same buyer; the address and names masked unless the actor has PII_VIEW."""
    actor.require(Permission.ORDERS_VIEW)
    with store.read() as s:
        d = rq.detail(s, order_id)
    if d is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="order", key=order_id)
    if actor.can(Permission.PII_VIEW):
        return d
    return replace(d, row=_mask_row(d.row), town=mask_text(d.town),
                   address_detail=mask_text(d.address_detail), zip_code="")


def choices(store: Store, actor: Actor) -> dict[str, list[rq.Choice]]:
    actor.require(Permission.ORDERS_VIEW)
    with store.read() as s:
        return rq.choices(s)


# --- saved filters ---------------------------------------------------------------------------

def _filter_key(actor: Actor) -> str:
    return f"review.filters.{actor.user_id if actor.user_id is not None else actor.username}"


def filter_to_dict(f: ReviewFilter) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in asdict(f).items():
        if isinstance(v, datetime):
            v = v.isoformat()
        elif isinstance(v, Decimal):
            v = str(v)
        elif isinstance(v, tuple):
            v = list(v)
        out[k] = v
    return out


def filter_from_dict(d: dict[str, Any]) -> ReviewFilter:
    kw: dict[str, Any] = {}
    for f in fields(ReviewFilter):
        if f.name not in d or d[f.name] is None:
            continue
        v = d[f.name]
        if f.name.endswith(("_from", "_to")):
            v = datetime.fromisoformat(v)
        elif f.name.startswith("amount_"):
            v = Decimal(v)
        elif f.name in ("statuses", "shop_ids"):
            v = tuple(v)
        kw[f.name] = v
    return ReviewFilter(**kw)


def saved_filters(store: Store, actor: Actor) -> dict[str, ReviewFilter]:
    """This user's saved filters by name."""
    actor.require(Permission.ORDERS_VIEW)
    with store.read() as s:
        raw = settings_store.get(s, _filter_key(actor), {}) or {}
    return {str(k): filter_from_dict(v) for k, v in sorted(raw.items())}


def save_filter(store: Store, actor: Actor, name: str, flt: ReviewFilter | None) -> None:
    """Save (or with *flt* None, delete) one of this user's filters."""
    actor.require(Permission.ORDERS_VIEW)
    name = name.strip()
    if not name:
        raise DomainError(ErrorCode.REQUIRED, what="name")
    if len(name) > 64:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, what="name", limit=64)
    with store.write() as s:
        raw = dict(settings_store.get(s, _filter_key(actor), {}) or {})
        if flt is None:
            raw.pop(name, None)
        else:
            raw[name] = filter_to_dict(flt)
        settings_store.put(s, _filter_key(actor), raw, utcnow())


# --- batch actions ---------------------------------------------------------------------------

class BatchAction(StrEnum):
    APPROVE = "approve"
    HOLD = "hold"
    RELEASE = "release"
    ASSIGN_COURIER = "assign_courier"
    ASSIGN_WAREHOUSE = "assign_warehouse"
    ADD_TAG = "add_tag"
    RERUN = "rerun"
    MERGE = "merge"
    UNMERGE = "unmerge"


@dataclass(slots=True)
class BatchResult:
    """What a batch did: ``done`` orders changed, ``skipped`` by reason, and where a
    re-run decided, the new status of each order."""

    action: str
    total: int = 0
    done: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    cancelled: bool = False


def _hist(order_id: int, actor: Actor, now: datetime, action: str, frm: str | None,
          to: str | None, reason: str, detail: dict[str, Any] | None = None
          ) -> dict[str, Any]:
    return {"order_id": order_id, "at": now, "user_id": actor.user_id,
            "actor": actor.username[:64], "action": action, "from_status": frm,
            "to_status": to, "rule": "", "reason": reason[:255], "detail": detail}


def run_batch(store: Store, actor: Actor, action: BatchAction | str, order_ids: Sequence[int],
              *, reason: str = "", courier_id: int | None = None,
              warehouse_id: int | None = None, tag: str = "",
              progress: Progress | None = None, cancel: Cancel | None = None) -> BatchResult:
    """Apply *action* to *order_ids* in chunks; orders it does not apply to are skipped with
    the reason (their status, a waybill already issued, not enough stock, ...)."""
    actor.require(Permission.ORDERS_REVIEW)
    action = BatchAction(action)
    if action == BatchAction.HOLD and not reason.strip():
        raise DomainError(ErrorCode.REQUIRED, what="reason")
    if action == BatchAction.ADD_TAG and not tag.strip():
        raise DomainError(ErrorCode.REQUIRED, what="tag")
    for what, key in (("courier", courier_id), ("warehouse", warehouse_id)):
        if action == f"assign_{what}":
            if key is None:
                raise DomainError(ErrorCode.REQUIRED, what=what)
            with store.read() as s:
                if not rq.exists_id(s, what, key):
                    raise DomainError(ErrorCode.NOT_FOUND, what=what, key=key)
    ids = list(dict.fromkeys(int(i) for i in order_ids))
    res = BatchResult(action.value, total=len(ids))
    step = {
        BatchAction.APPROVE: _approve, BatchAction.HOLD: _hold, BatchAction.RELEASE: _release,
        BatchAction.ASSIGN_COURIER: _assign_courier,
        BatchAction.ASSIGN_WAREHOUSE: _assign_warehouse, BatchAction.ADD_TAG: _add_tag,
        BatchAction.RERUN: _rerun, BatchAction.MERGE: _merge, BatchAction.UNMERGE: _unmerge,
    }[action]
    opts = {"reason": reason.strip()[:255], "courier_id": courier_id,
            "warehouse_id": warehouse_id, "tag": tag.strip()[:64]}
    done = 0
    if cancel is not None and cancel():  # cancelled before it began (or while listing)
        res.cancelled = True
        return res
    for i in range(0, len(ids), BATCH):
        if cancel is not None and cancel():
            res.cancelled = True
            break
        chunk = ids[i:i + BATCH]
        step(store, actor, chunk, res, opts)
        done += len(chunk)
        if progress is not None:
            progress(done, len(ids))
    return res


def _release_held(store: Store, actor: Actor, ids: list[int], note: str) -> list[int]:
    """HELD → REVIEW with the holds closed (the next run skips the rules that held them)."""
    now = utcnow()
    out = []
    with store.write() as s:
        heads = rq.heads(s, ids)
        hist = []
        for oid in ids:
            st = heads.get(oid, ("", ()))[0]
            if st != S.HELD.value:
                continue
            ps.close_holds(s, oid, now)
            if ps.set_status(s, oid, st, S.REVIEW.value, now):
                out.append(oid)
                hist.append(_hist(oid, actor, now, "released", st, S.REVIEW.value, note))
        ps.add_history(s, hist)
    return out


def process_ids(store: Store, actor: Actor, ids: list[int]) -> dict[int, str]:
    """Run the pipeline (rules, merge, split, gifts, warehouse, courier, reservation) on
    exactly these orders, as ``process_pending`` does on the pending ones; returns each
    planned order's new status. Orders not NEW, REVIEW or retryably HELD are left alone."""
    return pipeline_svc.process_orders(store, actor, ids).statuses


def _tally_run(res: BatchResult, ids: list[int], decided: dict[int, str],
               count_as_done: Callable[[str], bool]) -> None:
    for oid in ids:
        st = decided.get(oid)
        if st is None:
            res.skipped["not pending"] += 1
            continue
        res.statuses[st] += 1
        if count_as_done(st):
            res.done += 1


def _approve(store: Store, actor: Actor, ids: list[int], res: BatchResult,
             opts: dict[str, Any]) -> None:
    """A clerk's approval: the holds are lifted, then the pipeline plans the orders (stock,
    warehouse, courier still checked: an order without stock stays held)."""
    _release_held(store, actor, ids, opts["reason"] or "approved by hand")
    decided = process_ids(store, actor, ids)
    _tally_run(res, ids, decided, lambda st: st == S.APPROVED.value)


def _rerun(store: Store, actor: Actor, ids: list[int], res: BatchResult,
           opts: dict[str, Any]) -> None:
    decided = process_ids(store, actor, ids)
    _tally_run(res, ids, decided, lambda st: True)


def _back_to_review(s: Any, actor: Actor, oid: int, st: str, now: datetime,
                    target: str, note: str) -> str | None:
    """Take an approved order's parcels back (reservation released); None if it cannot be."""
    parcels = ps.live_parcels(s, [oid])
    if any(p.status != PARCEL_OPEN for p in parcels) or ps.issued_waybills(
            s, [p.id for p in parcels]):
        return "waybill issued"
    if any(p.order_ids != {oid} for p in parcels):
        return "merged"
    ps.release_parcels(s, parcels, "cancelled", now, actor.user_id, note[:255])
    ps.set_status(s, oid, st, target, now, merged_into_id=None, warehouse_id=None,
                  courier_id=None)
    return None


def _hold(store: Store, actor: Actor, ids: list[int], res: BatchResult,
          opts: dict[str, Any]) -> None:
    now = utcnow()
    reason = opts["reason"]
    with store.write() as s:
        heads = rq.heads(s, ids)
        hist, held = [], []
        for oid in ids:
            st = heads.get(oid, ("", ()))[0]
            if not st:
                res.skipped["not found"] += 1
                continue
            if st == S.HELD.value:
                held.append(oid)
                hist.append(_hist(oid, actor, now, "held", st, st, reason))
                continue
            if not can_transition(S(st), S.HELD):
                res.skipped[st] += 1
                continue
            if st == S.APPROVED.value:
                why = _back_to_review(s, actor, oid, st, now, S.HELD.value, f"hold: {reason}")
                if why:
                    res.skipped[why] += 1
                    continue
            elif not ps.set_status(s, oid, st, S.HELD.value, now):
                res.skipped["changed meanwhile"] += 1
                continue
            held.append(oid)
            hist.append(_hist(oid, actor, now, "held", st, S.HELD.value, reason))
        rq.add_holds(s, held, "manual", reason, now)
        ps.add_history(s, hist)
    res.done += len(held)


def _release(store: Store, actor: Actor, ids: list[int], res: BatchResult,
             opts: dict[str, Any]) -> None:
    released = _release_held(store, actor, ids, opts["reason"] or "hold released")
    res.done += len(released)
    res.skipped["not held"] += len(ids) - len(released)


def _assign(store: Store, actor: Actor, ids: list[int], res: BatchResult, *,
            courier_id: int | None, warehouse_id: int | None) -> None:
    """Re-route approved orders whose parcels have no waybill yet: another courier, or
    another warehouse (the reservation moves there; not enough stock → skipped)."""
    now = utcnow()
    what = "courier" if courier_id is not None else "warehouse"
    with store.write() as s:
        heads = rq.heads(s, ids)
        for oid in ids:
            st = heads.get(oid, ("", ()))[0]
            if st != S.APPROVED.value:
                res.skipped[st or "not found"] += 1
                continue
            parcels = [p for p in ps.live_parcels(s, [oid]) if p.order_id == oid]
            if not parcels or any(p.status != PARCEL_OPEN for p in parcels) or \
                    ps.issued_waybills(s, [p.id for p in parcels]):
                res.skipped["waybill issued"] += 1
                continue
            new = [(warehouse_id if warehouse_id is not None else p.warehouse_id,
                    courier_id if courier_id is not None else p.courier_id,
                    [(lid, sku, q) for lid, _o, sku, q in p.lines]) for p in parcels]
            members = sorted({o for p in parcels for o in p.order_ids})
            try:
                with s.begin_nested():
                    ps.replace_parcels(s, oid, parcels, new, now, actor.user_id,
                                       f"assign {what} by hand")
            except DomainError as exc:
                if exc.code != ErrorCode.INSUFFICIENT_STOCK:
                    raise
                res.skipped["out of stock"] += 1
                continue
            values = ({"courier_id": courier_id} if courier_id is not None
                      else {"warehouse_id": warehouse_id})
            rq.set_fields(s, members, now, **values)
            ps.add_history(s, [_hist(m, actor, now, f"assign_{what}", st, st,
                                     opts_reason(what, courier_id, warehouse_id))
                               for m in members])
            res.done += 1


def opts_reason(what: str, courier_id: int | None, warehouse_id: int | None) -> str:
    return f"{what} {courier_id if courier_id is not None else warehouse_id} assigned by hand"


def _assign_courier(store: Store, actor: Actor, ids: list[int], res: BatchResult,
                    opts: dict[str, Any]) -> None:
    _assign(store, actor, ids, res, courier_id=opts["courier_id"], warehouse_id=None)


def _assign_warehouse(store: Store, actor: Actor, ids: list[int], res: BatchResult,
                      opts: dict[str, Any]) -> None:
    _assign(store, actor, ids, res, courier_id=None, warehouse_id=opts["warehouse_id"])


def _add_tag(store: Store, actor: Actor, ids: list[int], res: BatchResult,
             opts: dict[str, Any]) -> None:
    now = utcnow()
    tag = opts["tag"]
    with store.write() as s:
        heads = rq.heads(s, ids)
        hist = []
        for oid in ids:
            if oid not in heads:
                res.skipped["not found"] += 1
                continue
            st, tags = heads[oid]
            if tag in tags:
                res.skipped["already tagged"] += 1
                continue
            rq.set_tags(s, oid, [*tags, tag], now)
            hist.append(_hist(oid, actor, now, "tagged", st, st, tag))
            res.done += 1
        ps.add_history(s, hist)


def _merge(store: Store, actor: Actor, ids: list[int], res: BatchResult,
           opts: dict[str, Any]) -> None:
    """合单 by hand: the chosen approved orders give their parcels back and are planned again
    together, so the pipeline's merge rule (same buyer, address and phone, shops that allow
    it, not COD or pre-sale) joins those that may ship as one parcel. Held orders are never
    merged silently: they are skipped."""
    now = utcnow()
    with store.write() as s:
        heads = rq.heads(s, ids)
        for oid in ids:
            st = heads.get(oid, ("", ()))[0]
            if st == S.APPROVED.value:
                why = _back_to_review(s, actor, oid, st, now, S.REVIEW.value, "merge by hand")
                if why:
                    res.skipped[why] += 1
    decided = process_ids(store, actor, ids)
    merged: set[int] = set()
    with store.read() as s:
        for oid in decided:
            h = ps.order_head(s, oid)
            if h is not None and h.merged_into_id is not None:
                merged.add(oid)
                merged.add(h.merged_into_id)  # the lead is part of the merged parcel too
    merged &= set(ids)
    res.done += len(merged)
    for st in decided.values():
        res.statuses[st] += 1
    res.skipped["not merged"] += len(ids) - len(merged)


def _unmerge(store: Store, actor: Actor, ids: list[int], res: BatchResult,
             opts: dict[str, Any]) -> None:
    from ecerp_desktop.services.pipeline import unmerge

    seen: set[int] = set()
    for oid in ids:
        if oid in seen:
            continue
        members = unmerge(store, oid, actor)
        if members:
            seen.update(members)
            res.done += 1
        else:
            res.skipped["not merged"] += 1


# --- split by hand (拆单) ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SplitLine:
    """One order line as it sits in the order's open parcels."""

    line_id: int
    title: str
    qty: int
    parcel_seq: int


def split_lines(store: Store, actor: Actor, order_id: int) -> list[SplitLine]:
    """The lines a clerk may distribute over parcels (the order's open parcels)."""
    actor.require(Permission.ORDERS_REVIEW)
    with store.read() as s:
        parcels = [p for p in ps.live_parcels(s, [order_id]) if p.order_id == order_id]
        titles = rq.line_titles(s, [lid for p in parcels for lid, _o, _s, _q in p.lines])
    return [SplitLine(lid, titles.get(lid, ""), q, p.seq)
            for p in parcels for lid, _o, _sku, q in p.lines]


def split_order(store: Store, actor: Actor, order_id: int,
                groups: list[list[tuple[int, int]]]) -> list[int]:
    """Split an approved order into the parcels *groups* (of (line id, qty)) through the
    pipeline's split rules; returns the new parcel ids."""
    from ecerp_desktop.services.pipeline import split_by_hand

    return split_by_hand(store, order_id, groups, actor)
