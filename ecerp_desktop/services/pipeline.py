"""The order pipeline as use cases: process pending orders in bulk, dry-run a rule set,
intercept (截单), release a hold, undo a merge, and keep the rule documents.

:func:`process_pending` loads the configuration once, then takes the pending orders in
chunks of ten thousand; each chunk is one write transaction that reads the orders and the
stock, plans them with :func:`ecerp_desktop.domain.pipeline.plan_chunk` and writes the
result in bulk (mapped SKUs, component and gift lines, holds, parcels with their lines,
reservations through the stock ledger, history with the rule and the why of every
decision). A crash loses at most the chunk in flight, which the next run takes again.

Any thread but the GUI thread.
"""

from __future__ import annotations

import gc
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.gifts import GiftRule, gift_rules_from_dict, gift_rules_to_dict
from ecerp_desktop.domain.orders import OrderStatus, check_transition
from ecerp_desktop.domain.pipeline import (
    PARCEL_INTERCEPTED,
    Config,
    Options,
    Outcome,
    plan_chunk,
)
from ecerp_desktop.domain.rules import RuleSet, ruleset_from_dict
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import pipeline as ps
from ecerp_desktop.store import pipeline_merge as pm
from ecerp_desktop.store.pipeline_merge import open_parcels
from ecerp_desktop.store.sync import enqueue

# Orders per write transaction. 10,000 holds SQLite's write lock ~2 s at the target speed
# (busy timeout 30 s) and was ~10 % faster than 5,000 on 100k orders: half the commits
# (each one fsyncs the WAL) and half the per-chunk queries.
CHUNK = 10_000
_RETRIES = 5

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass(slots=True)
class ProcessResult:
    """What a run did, for the CLI and the review screen's status line."""

    processed: int = 0
    approved: int = 0
    held: Counter[str] = field(default_factory=Counter)
    merged: int = 0  # orders that joined another order's parcel
    split: int = 0  # orders shipping in more than one parcel
    parcels: int = 0
    rerouted: int = 0
    unchanged: int = 0  # still held for the same reason
    cancelled: bool = False
    seconds: float = 0.0
    why: dict[int, list[str]] = field(default_factory=dict)  # dry run: order id → why
    outcome: dict[int, str] = field(default_factory=dict)  # dry run: order id → decision
    statuses: dict[int, str] = field(default_factory=dict)  # process_orders: id → status

    @property
    def held_total(self) -> int:
        return sum(self.held.values())

    def summary(self) -> str:
        held = ", ".join(f"{k} {v}" for k, v in sorted(self.held.items())) or "none"
        return (f"processed {self.processed}: approved {self.approved}, held "
                f"{self.held_total} ({held}), merged {self.merged}, split {self.split}, "
                f"parcels {self.parcels}, re-routed {self.rerouted}")


def _count(result: ProcessResult, outcomes: list[Outcome], plan_parcels: list[Any]) -> None:
    per_order: Counter[int] = Counter(p.order_id for p in plan_parcels)
    approved = OrderStatus.APPROVED.value
    for out in outcomes:
        if out.status == approved:
            result.approved += 1
            if out.merged_into:
                result.merged += 1
            if per_order.get(out.order_id, 0) > 1:
                result.split += 1
        else:
            result.held[out.hold_reason] += 1
        if out.rerouted:
            result.rerouted += 1
    result.parcels += len(plan_parcels)


def _chunked(ids: list[tuple[int, str]], size: int) -> list[list[int]]:
    """Chunks of about *size* ids in id order (neighbouring rows, so the writes stay
    local in the tables), each buyer's orders (same phone hash) pulled into the chunk of
    the first one, so merging never misses a pair because a chunk boundary fell between."""
    by_phone: dict[str, list[int]] = {}
    for oid, ph in ids:
        if ph:
            by_phone.setdefault(ph, []).append(oid)
    out: list[list[int]] = []
    cur: list[int] = []
    taken: set[int] = set()
    for oid, ph in sorted(ids):
        if oid in taken:
            continue
        group = by_phone.get(ph, [oid]) if ph else [oid]
        for g in group:
            if g not in taken:
                taken.add(g)
                cur.append(g)
        if len(cur) >= size:
            out.append(sorted(cur))
            cur = []
    if cur:
        out.append(sorted(cur))
    return out


def _per_buyer_limited(cfg: Config) -> list[int]:
    return [r.id for r in cfg.gift_rules if r.enabled and r.limit_per_buyer is not None]


_PENDING = {OrderStatus.NEW.value, OrderStatus.REVIEW.value, OrderStatus.HELD.value}
_HELD = OrderStatus.HELD.value


def _still_pending(loaded: ps.Loaded) -> ps.Loaded:
    """Drop orders that changed since the run listed them (intercepted, cancelled, held by
    a clerk for a reason the pipeline must not lift)."""
    keep = []
    for f in loaded.facts:
        if f.status not in _PENDING:
            continue
        if f.status == _HELD and any(
                r not in ps.RETRYABLE_HOLDS for _, r in loaded.open_holds.get(f.id, ())):
            continue
        keep.append(f)
    loaded.facts = keep
    return loaded


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = True


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a bulk run (on again when the last
    concurrent run ends). Every chunk keeps a few hundred thousand objects alive for a
    while (facts, plans, rows), which the collector kept promoting and then scanning with
    the whole heap: a fifth of a run's CPU time. They are freed by reference counting
    anyway; the little cyclic garbage a chunk leaves (its session and transaction) waits
    for the collector to come back on (collecting it after every chunk would scan the
    chunk's live objects again: more than a millisecond per hundred orders)."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def process_pending(store: Store, actor: Actor, progress: Progress | None = None,
                    cancel: Cancel | None = None, chunk_size: int = CHUNK,
                    limit: int | None = None) -> ProcessResult:
    """Run NEW, REVIEW and retryable HELD orders through the pipeline to APPROVED or HELD."""
    actor.require(Permission.ORDERS_REVIEW)
    with store.read() as s:
        chunks = _chunked(ps.pending_orders(s, limit), chunk_size)
    return _run(store, actor, chunks, progress, cancel)


def process_orders(store: Store, actor: Actor, order_ids: Sequence[int],
                   progress: Progress | None = None, cancel: Cancel | None = None,
                   chunk_size: int = CHUNK) -> ProcessResult:
    """Run exactly *order_ids* through the pipeline, as :func:`process_pending` runs the
    pending ones (a clerk's "approve" or "re-run rules" on a selection). Orders that are
    not NEW, REVIEW or retryably HELD are left alone; ``result.statuses`` has the new
    status of every order planned."""
    actor.require(Permission.ORDERS_REVIEW)
    chunks = _chunked([(oid, "") for oid in dict.fromkeys(order_ids)], chunk_size)
    return _run(store, actor, chunks, progress, cancel, keep_status=True)


def _run(store: Store, actor: Actor, chunks: list[list[int]], progress: Progress | None,
         cancel: Cancel | None, keep_status: bool = False) -> ProcessResult:
    """The chunk loop of a real run: each chunk one write transaction, planned again
    (up to :data:`_RETRIES` times) when another station changed its orders or took its
    stock meanwhile."""
    started = time.perf_counter()
    result = ProcessResult()
    with store.read() as s:
        cfg = ps.load_config(s)
        shops = ps.shops(s)
        usage = ps.gift_usage_totals(s)
    total = sum(len(c) for c in chunks)
    limited = _per_buyer_limited(cfg)
    loaded_buyers: set[str] = set()
    who = ps.Actorish(actor.user_id, actor.username)
    done = 0
    with _collector_paused():
        for ids in chunks:
            if cancel is not None and cancel():
                result.cancelled = True
                break
            for attempt in range(_RETRIES):
                # Gift counts are kept in memory across chunks: plan on a copy so a retried
                # chunk does not count its grants twice.
                trial = type(usage)(dict(usage.total), dict(usage.per_buyer))
                trial_loaded = set(loaded_buyers)
                try:
                    with store.write() as s:
                        loaded = _still_pending(ps.load_facts(s, ids, shops,
                                                              cfg.needs_buyer_history))
                        ps.load_buyer_usage(s, trial, (f.buyer_key or f"order:{f.id}"
                                                       for f in loaded.facts), trial_loaded,
                                            limited)
                        plan = plan_chunk(loaded.facts, cfg, {}, trial,
                                          lambda skus, s=s: ps.available(s, skus),
                                          lambda hashes, s=s: open_parcels(s, hashes, shops))
                        changed = ps.write_plan(s, plan, loaded, who, utcnow())
                    usage, loaded_buyers = trial, trial_loaded
                    break
                except ps.Conflict:
                    if attempt == _RETRIES - 1:
                        raise
                except DomainError as exc:
                    if exc.code != ErrorCode.INSUFFICIENT_STOCK or attempt == _RETRIES - 1:
                        raise
            result.processed += len(loaded.facts)
            result.unchanged += len(plan.outcomes) - len(changed)
            _count(result, plan.outcomes, plan.parcels)
            if keep_status:
                result.statuses.update((out.order_id, out.status) for out in plan.outcomes)
            done += len(ids)
            if progress is not None:
                progress(done, total)
    result.seconds = time.perf_counter() - started
    return result


def dry_run(store: Store, actor: Actor, rules: RuleSet | None = None,
            gift_rules: tuple[GiftRule, ...] | None = None, days: int = 7,
            chunk_size: int = 5000, keep_why: bool = True, progress: Progress | None = None,
            cancel: Cancel | None = None) -> ProcessResult:
    """What *rules* (default: the saved set) would do to the orders of the last *days*,
    with nothing written. Every order is re-planned as if none had been reviewed yet, so
    stock is taken to be what is on hand (their reservations given back).

    *progress* gets (done, total) after every chunk; when *cancel* returns True the run
    stops before the next chunk with ``result.cancelled`` set (the counts so far kept)."""
    actor.require(Permission.ORDERS_VIEW)
    started = time.perf_counter()
    result = ProcessResult()
    with store.read() as s, _collector_paused():
        cfg = ps.load_config(s, rules, gift_rules)
        shops = ps.shops(s)
        usage = ps.gift_usage_totals(s)
        ids = ps.order_ids_since(s, utcnow() - timedelta(days=days))
        limited = _per_buyer_limited(cfg)
        stock: dict[tuple[int, int], int] = {}
        seen: set[int] = set()
        loaded_buyers: set[str] = set()
        total, done = len(ids), 0
        same: dict[str, str] = {}
        for chunk in _chunked(ids, chunk_size):
            if cancel is not None and cancel():
                result.cancelled = True
                break
            loaded = ps.load_facts(s, chunk, shops, cfg.needs_buyer_history)
            for f in loaded.facts:
                f.status = OrderStatus.REVIEW.value
            ps.load_buyer_usage(s, usage, (f.buyer_key or f"order:{f.id}"
                                           for f in loaded.facts), loaded_buyers, limited)
            def load(need: set[int], s: Any = s) -> dict[tuple[int, int], int]:
                fresh = need - seen
                seen.update(fresh)
                return ps.available(s, fresh, on_hand=True)
            plan = plan_chunk(loaded.facts, cfg, stock, usage, load)
            result.processed += len(loaded.facts)
            _count(result, plan.outcomes, plan.parcels)
            if keep_why:
                for out in plan.outcomes:
                    # Most reasons repeat word for word across orders: keep one copy of
                    # each (a month of orders' reasons otherwise takes hundreds of MB).
                    result.why[out.order_id] = [same.setdefault(w, w) for w in out.why]
                    decision = (out.status if out.status != "held"
                                else f"held: {out.hold_reason}")
                    result.outcome[out.order_id] = same.setdefault(decision, decision)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    result.seconds = time.perf_counter() - started
    return result


# --- intercept, release, unmerge -------------------------------------------------------------

@dataclass(slots=True)
class InterceptResult:
    order_id: int
    status: str
    parcels: list[int] = field(default_factory=list)  # intercepted parcel ids
    waybill_cancels: int = 0  # outbox rows enqueued
    back_to_review: list[int] = field(default_factory=list)  # merged orders re-planned


_NOT_INTERCEPTABLE = {OrderStatus.SHIPPED.value, OrderStatus.DONE.value,
                      OrderStatus.CANCELLED.value, OrderStatus.UNPAID.value}


def intercept(store: Store, order_id: int, reason: str, line_ids: list[int] | None = None,
              actor: Actor | None = None) -> InterceptResult:
    """Stop an order that is not shipped yet (a refund request or a platform close).

    With *line_ids* (a partial refund) only the parcels carrying those lines stop, and the
    order itself becomes INTERCEPTED only when none of its parcels is left. Every stopped
    parcel gives its reserved stock back and has its waybill cancel enqueued (outbox).

    A merged parcel (合单) that is still untouched (no waybill, nothing printed, no packing
    station) only loses this order's lines: they move to a parcel of their own, which is
    the one stopped, and the other orders keep their parcel and reservation (a new lead
    takes it over when the lead order leaves). Once a merged parcel is waybilled, printed
    or being packed, the whole parcel stops and the other orders go back to REVIEW to be
    planned on their own.
    """
    now = utcnow()
    who = actor.username if actor else "sync"
    uid = actor.user_id if actor else None
    with store.write() as s:
        head = ps.order_head(s, order_id, lock=True)
        if head is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="order", key=order_id)
        if head.status in _NOT_INTERCEPTABLE:
            raise DomainError(ErrorCode.ORDER_NOT_INTERCEPTABLE, order=order_id,
                              status=head.status)
        res = InterceptResult(order_id, head.status)
        lead = head.merged_into_id or order_id
        parcels = ps.live_parcels(s, [order_id])
        if line_ids is not None:
            wanted = set(line_ids)
            hit = [p for p in parcels if any(ln[0] in wanted for ln in p.lines)]
        else:
            hit = parcels
        hit, parcels, left = _carve_shared(s, hit, order_id, now, uid)
        ps.release_parcels(s, hit, PARCEL_INTERCEPTED, now, uid, f"intercept: {reason}"[:255])
        res.parcels = [p.id for p in hit]
        for wb in ps.issued_waybills(s, res.parcels):
            if enqueue(s, "waybill_cancel", f"courier:{wb.courier_id}",
                       f"waybill_cancel:{wb.courier_id}:{wb.number}",
                       {"waybill_id": wb.id, "number": wb.number, "parcel_id": wb.parcel_id,
                        "order_id": order_id, "reason": reason[:255]}, now):
                res.waybill_cancels += 1
        history: list[dict[str, Any]] = []
        others = sorted({o for p in hit for o in p.order_ids} - {order_id})
        for other in others:
            oh = ps.order_head(s, other)
            if oh is None or oh.status != OrderStatus.APPROVED.value:
                continue
            rest = [p for p in ps.live_parcels(s, [other]) if p.id not in res.parcels]
            ps.release_parcels(s, rest, "cancelled", now, uid,
                               f"merged with intercepted order {order_id}")
            ps.set_status(s, other, oh.status, OrderStatus.REVIEW.value, now,
                          merged_into_id=None, warehouse_id=None, courier_id=None)
            res.back_to_review.append(other)
            history.append(_hist(other, who, uid, now, "unmerged", oh.status, "review",
                                 f"shared a parcel with intercepted order {order_id}"))
        remaining = [p for p in parcels if p.id not in res.parcels]
        if line_ids is None or not remaining:
            check_transition(OrderStatus(head.status), OrderStatus.INTERCEPTED)
            ps.set_status(s, order_id, head.status, OrderStatus.INTERCEPTED.value, now,
                          merged_into_id=None)
            res.status = OrderStatus.INTERCEPTED.value
        history += _after_carve(s, left, order_id, res.status, now, who, uid)
        history.append(_hist(order_id, who, uid, now, "intercepted", head.status, res.status,
                             reason, {"parcels": res.parcels, "lines": line_ids,
                                      "lead": lead, "waybill_cancels": res.waybill_cancels}))
        ps.add_history(s, history)
    return res


def _carve_shared(s: Any, hit: list[ps.ParcelRecord], order_id: int, now: Any,
                  uid: int | None) -> tuple[list[ps.ParcelRecord], list[ps.ParcelRecord],
                                            list[ps.ParcelRecord]]:
    """Move *order_id*'s lines out of the untouched merged parcels among *hit* into
    parcels of its own (reservation follows). Returns the parcels to stop, the order's
    live parcels now, and the merged parcels it left."""
    left = [p for p in hit if p.order_ids - {order_id} and pm.joinable(s, p.id, lock=True)]
    if not left:
        return hit, ps.live_parcels(s, [order_id]), []
    new_ids = {ps.move_lines_to_new_parcels(s, p, order_id, now, uid) for p in left}
    keep = {p.id for p in hit} - {p.id for p in left}
    parcels = ps.live_parcels(s, [order_id])
    return [p for p in parcels if p.id in keep or p.id in new_ids], parcels, left


def _after_carve(s: Any, left: list[ps.ParcelRecord], order_id: int, status: str, now: Any,
                 who: str, uid: int | None) -> list[dict[str, Any]]:
    """History for the orders that keep a merged parcel *order_id* left, and a new lead
    for a parcel it led when it is stopped for good."""
    history = []
    for p in left:
        rest = sorted(p.order_ids - {order_id})
        if p.order_id == order_id and status == OrderStatus.INTERCEPTED.value:
            pm.relead(s, p.id, order_id, rest[0], now)
        for other in rest:
            history.append(_hist(other, who, uid, now, "unmerged", None, None,
                                 f"intercepted order {order_id} left parcel {p.id}; "
                                 "this order still ships in it",
                                 {"parcel": p.id, "intercepted": order_id}))
    return history


def _hist(order_id: int, actor: str, uid: int | None, now: Any, action: str, frm: str | None,
          to: str | None, reason: str, detail: dict[str, Any] | None = None
          ) -> dict[str, Any]:
    return {"order_id": order_id, "at": now, "user_id": uid, "actor": actor[:64],
            "action": action, "from_status": frm, "to_status": to, "rule": "",
            "reason": reason[:255], "detail": detail}


def release_hold(store: Store, order_id: int, actor: Actor, note: str = "") -> None:
    """A clerk lets a held order go on: HELD → REVIEW, its holds closed. The next run
    skips the review rules whose holds were released, so the order is not held again by
    the same rule (stock and courier are still checked)."""
    actor.require(Permission.ORDERS_REVIEW)
    now = utcnow()
    with store.write() as s:
        head = ps.order_head(s, order_id, lock=True)
        if head is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="order", key=order_id)
        check_transition(OrderStatus(head.status), OrderStatus.REVIEW)
        ps.close_holds(s, order_id, now)
        ps.set_status(s, order_id, head.status, OrderStatus.REVIEW.value, now)
        ps.add_history(s, [_hist(order_id, actor.username, actor.user_id, now, "released",
                                 head.status, "review", note or "hold released")])


def reopen(store: Store, order_id: int, actor: Actor, note: str = "") -> list[int]:
    """Send an approved order back to review (to re-run the rules after a change): its
    parcels are cancelled and their stock given back; orders merged with it go back too.
    Refused once a waybill is issued (intercept it instead). Returns the reopened ids."""
    actor.require(Permission.ORDERS_REVIEW)
    now = utcnow()
    with store.write() as s:
        head = ps.order_head(s, order_id, lock=True)
        if head is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="order", key=order_id)
        lead = head.merged_into_id or order_id
        check_transition(OrderStatus(head.status), OrderStatus.REVIEW)
        parcels = ps.live_parcels(s, [lead, *ps.merged_members(s, lead)])
        if ps.issued_waybills(s, [p.id for p in parcels]):
            raise DomainError(ErrorCode.ILLEGAL_TRANSITION, current="waybilled",
                              target="review")
        ps.release_parcels(s, parcels, "cancelled", now, actor.user_id,
                           note or "back to review")
        ids = sorted({o for p in parcels for o in p.order_ids} | {order_id})
        history = []
        for oid in ids:
            h = ps.order_head(s, oid)
            if h is None or h.status != OrderStatus.APPROVED.value:
                continue
            ps.set_status(s, oid, h.status, OrderStatus.REVIEW.value, now,
                          merged_into_id=None, warehouse_id=None, courier_id=None)
            history.append(_hist(oid, actor.username, actor.user_id, now, "reopened",
                                 h.status, "review", note or "back to review"))
        ps.add_history(s, history)
    return [h["order_id"] for h in history]


def unmerge(store: Store, order_id: int, actor: Actor) -> list[int]:
    """Undo a merge (合单): every order of the group gets its own parcel again (same
    warehouse and courier, reservation moved with the lines) and the tag ``no_merge`` so
    the next run does not merge it again. *order_id* is the lead or any member. Returns
    the orders that were split off."""
    from ecerp_desktop.domain.merge import NO_MERGE_TAG

    actor.require(Permission.ORDERS_REVIEW)
    now = utcnow()
    with store.write() as s:
        head = ps.order_head(s, order_id, lock=True)
        if head is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="order", key=order_id)
        lead = head.merged_into_id or order_id
        members = ps.merged_members(s, lead)
        if not members:
            return []
        parcels = [p for p in ps.live_parcels(s, [lead]) if p.order_id == lead]
        history = []
        for m in members:
            for p in parcels:
                ps.move_lines_to_new_parcels(s, p, m, now, actor.user_id)
            mh = ps.order_head(s, m)
            tags = list(dict.fromkeys([*(mh.tags if mh else ()), NO_MERGE_TAG]))
            ps.set_order_fields(s, m, merged_into_id=None, tags=tags, updated_at=now)
            history.append(_hist(m, actor.username, actor.user_id, now, "unmerged", None, None,
                                 f"merge with order {lead} undone"))
        lh = ps.order_head(s, lead)
        ps.set_order_fields(s, lead, tags=list(dict.fromkeys([*(lh.tags if lh else ()),
                                                              NO_MERGE_TAG])), updated_at=now)
        history.append(_hist(lead, actor.username, actor.user_id, now, "unmerged", None, None,
                             "merge undone: " + ", ".join(map(str, members))))
        ps.add_history(s, history)
    return members


def split_by_hand(store: Store, order_id: int, groups: list[list[tuple[int, int]]],
                  actor: Actor) -> list[int]:
    """A clerk's split (拆单): *groups* of (order line id, qty), one parcel each, every unit
    of every line of the order's open parcels in exactly one group, each group from one
    warehouse. The old parcels are cancelled and the reservation follows the lines.
    Returns the new parcel ids."""
    from ecerp_desktop.domain.split import Item
    from ecerp_desktop.domain.split import split_by_hand as plan_split

    actor.require(Permission.ORDERS_REVIEW)
    now = utcnow()

    def refuse(error: str) -> DomainError:
        return DomainError(ErrorCode.SPLIT_INVALID, order=order_id, error=error)

    with store.write() as s:
        head = ps.order_head(s, order_id, lock=True)
        if head is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="order", key=order_id)
        if head.status != OrderStatus.APPROVED.value:
            raise refuse(f"it is {head.status}, not approved")
        parcels = ps.live_parcels(s, [order_id])
        if any(p.order_id != order_id or p.order_ids != {order_id} for p in parcels):
            raise refuse("it shares a parcel with other orders: undo the merge first")
        if any(p.status != "open" for p in parcels) or ps.issued_waybills(
                s, [p.id for p in parcels]):
            raise refuse("a parcel already has a waybill")
        wh_of: dict[int, int | None] = {}
        courier_of: dict[int | None, int | None] = {}
        qty: dict[int, int] = {}
        sku_of: dict[int, int] = {}
        for p in parcels:
            courier_of.setdefault(p.warehouse_id, p.courier_id)
            for lid, _o, sku, q in p.lines:
                wh_of[lid] = p.warehouse_id
                qty[lid] = qty.get(lid, 0) + q
                sku_of[lid] = sku
        items = [Item(lid, order_id, sku_of[lid], q) for lid, q in qty.items()]
        planned = plan_split(items, groups)
        if isinstance(planned, str):
            raise refuse(planned)
        new = []
        for group in planned:
            whs = {wh_of[i.line_id] for i in group}
            if len(whs) != 1:
                raise refuse("a parcel cannot take lines from two warehouses")
            wh = whs.pop()
            if wh is None:
                raise refuse("a line has no warehouse")
            new.append((wh, courier_of.get(wh), [(i.line_id, i.sku_id, i.qty) for i in group]))
        ids = ps.replace_parcels(s, order_id, parcels, new, now, actor.user_id,
                                 "split by hand")
        ps.add_history(s, [_hist(order_id, actor.username, actor.user_id, now, "split",
                                 head.status, head.status, f"split by hand into {len(ids)}",
                                 {"parcels": ids, "replaced": [p.id for p in parcels]})])
    return ids


# --- rule documents --------------------------------------------------------------------------

def save_rules(store: Store, actor: Actor, rules: RuleSet, comment: str = "") -> int:
    """Validate and keep *rules* as the next version; returns the version."""
    actor.require(Permission.ORDERS_REVIEW)
    doc = rules.to_dict()
    ruleset_from_dict(doc)  # a document that cannot be read back is never saved
    with store.write() as s:
        return ps.save_rules(s, ps.REVIEW_RULES, doc, utcnow(), actor.username, comment)


def save_gift_rules(store: Store, actor: Actor, rules: tuple[GiftRule, ...],
                    comment: str = "") -> int:
    actor.require(Permission.ORDERS_REVIEW)
    doc = gift_rules_to_dict(rules)
    gift_rules_from_dict(doc)
    with store.write() as s:
        return ps.save_rules(s, ps.GIFT_RULES, doc, utcnow(), actor.username, comment)


def current_rules(store: Store) -> tuple[RuleSet, tuple[GiftRule, ...]]:
    with store.read() as s:
        return ps.current_rules(s), ps.current_gift_rules(s)


def export_document(store: Store) -> dict[str, Any]:
    """Review and gift rules together, as ``ecerp rules export`` writes them."""
    rules, gifts = current_rules(store)
    doc = rules.to_dict()
    doc["version"] = rules.version
    doc["gift_rules"] = gift_rules_to_dict(gifts)["rules"]
    return doc


def read_document(doc: dict[str, Any]) -> tuple[RuleSet, tuple[GiftRule, ...] | None]:
    """The review rules and (when present) gift rules of an exported document."""
    body = {k: v for k, v in doc.items() if k not in ("gift_rules", "version")}
    rules = ruleset_from_dict(body)
    gifts = (gift_rules_from_dict({"rules": doc["gift_rules"]}) if "gift_rules" in doc
             else None)
    return rules, gifts


def import_document(store: Store, actor: Actor, doc: dict[str, Any],
                    comment: str = "imported") -> tuple[int, int | None]:
    """Save an exported document as new versions; returns (rules version, gifts version)."""
    rules, gifts = read_document(doc)
    v = save_rules(store, actor, rules, comment)
    g = save_gift_rules(store, actor, gifts, comment) if gifts is not None else None
    return v, g


def config(store: Store) -> Config:
    with store.read() as s:
        return ps.load_config(s)


# --- routing settings: remote regions, province → warehouse priority, options ---------------

def rule_history(store: Store, gifts: bool = False) -> list[ps.RuleVersionRecord]:
    with store.read() as s:
        return ps.rule_versions(s, ps.GIFT_RULES if gifts else ps.REVIEW_RULES)


def remote_regions(store: Store) -> list[ps.RemoteRegionRecord]:
    with store.read() as s:
        return ps.remote_regions(s)


def set_remote_region(store: Store, actor: Actor, region: str, hold: bool = False,
                      courier_code: str | None = None) -> None:
    """Add or change a remote region (偏远地区): hold its orders, or route them to a
    courier (by code), or only mark them for the ``remote_region`` review condition."""
    actor.require(Permission.ORDERS_REVIEW)
    if not region.strip():
        raise DomainError(ErrorCode.RULES_INVALID, where="remote region", error="empty")
    with store.write() as s:
        if courier_code and courier_code not in {c.code for c in ps.load_couriers(s)}:
            raise DomainError(ErrorCode.NOT_FOUND, what="courier", key=courier_code)
        ps.set_remote_region(s, region, hold, courier_code or None)


def remove_remote_region(store: Store, actor: Actor, region: str) -> bool:
    actor.require(Permission.ORDERS_REVIEW)
    with store.write() as s:
        return ps.remove_remote_region(s, region)


def province_priority(store: Store) -> dict[str, list[str]]:
    """Province (or '*') → warehouse codes, nearest first."""
    with store.read() as s:
        codes = {w.id: w.code for w in ps.load_config(s).warehouses}
        return {p: [codes.get(w, str(w)) for w in ws]
                for p, ws in ps.province_priority(s).items()}


def set_province_priority(store: Store, actor: Actor, province: str,
                          warehouse_codes: list[str]) -> None:
    actor.require(Permission.ORDERS_REVIEW)
    with store.write() as s:
        ids = {w.code: w.id for w in ps.load_config(s).warehouses}
        missing = [c for c in warehouse_codes if c not in ids]
        if missing:
            raise DomainError(ErrorCode.NOT_FOUND, what="warehouse", key=missing[0])
        ps.set_province_priority(s, province, [ids[c] for c in warehouse_codes])


def options(store: Store) -> Options:
    with store.read() as s:
        return ps.options(s)


def set_options(store: Store, actor: Actor, opts: Options) -> None:
    actor.require(Permission.ORDERS_REVIEW)
    with store.write() as s:
        ps.set_options(s, opts, utcnow())
