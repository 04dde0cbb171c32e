"""Persistence of the order pipeline: its configuration (rule versions, remote regions,
province → warehouse priority), the orders it works on as :class:`OrderFacts`, and writing
a :class:`ChunkPlan` back in bulk.

Everything is set-based: a chunk of a few thousand orders costs a handful of queries to
read and a handful of executemany statements to write, never a query per order. Stock is
reserved through :func:`ecerp_desktop.store.stock.post_moves` (one conditional UPDATE per
warehouse and SKU, one ledger row per parcel and SKU), in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ecerp_desktop.domain.facts import LineFacts, OrderFacts
from ecerp_desktop.domain.gifts import GiftRule, GiftUsage, gift_rules_from_dict
from ecerp_desktop.domain.mapping import Catalog, LineRef, SkuInfo
from ecerp_desktop.domain.orders import OPEN_STATUSES, HoldReason, OrderStatus, RefundState
from ecerp_desktop.domain.pipeline import (
    NO_COURIER,
    PARCEL_OPEN,
    ChunkPlan,
    Config,
    Options,
    Outcome,
    RemoteRoute,
)
from ecerp_desktop.domain.regions import RegionPattern, province_short
from ecerp_desktop.domain.routing import CourierInfo, Rate, WarehouseInfo
from ecerp_desktop.domain.rules import RuleSet, ruleset_from_dict
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.store import settings as settings_store
from ecerp_desktop.store.raw import IN as _IN
from ecerp_desktop.store.raw import Raw as _Raw
from ecerp_desktop.store.raw import chunks as _chunks
from ecerp_desktop.store.schema import (
    BundleComponentRow,
    CourierRateRow,
    CourierRow,
    ListingRow,
    OrderHistoryRow,
    OrderHoldRow,
    OrderLineRow,
    OrderRow,
    ParcelLineRow,
    ParcelRow,
    ShopRow,
    SkuBarcodeRow,
    SkuRow,
    StockBalanceRow,
    WarehouseRow,
)
from ecerp_desktop.store.schema_rules import (
    GiftGrantRow,
    ProvinceWarehouseRow,
    RemoteRegionRow,
    RuleVersionRow,
)
from ecerp_desktop.store.stock import Move, post_moves

REVIEW_RULES, GIFT_RULES = "review", "gift"
OPTIONS_KEY = "pipeline.options"
# Holds the pipeline lifts by itself on its next run (the cause may be gone by then);
# every other hold waits for a clerk.
RETRYABLE_HOLDS = (HoldReason.UNMAPPED_SKU.value, HoldReason.OUT_OF_STOCK.value, NO_COURIER)


# --- rule documents ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RuleVersionRecord:
    kind: str
    version: int
    document: dict[str, Any]
    created_at: datetime
    created_by: str
    comment: str


def save_rules(s: Session, kind: str, document: dict[str, Any], now: datetime, by: str,
               comment: str = "") -> int:
    """Keep *document* as the next version of *kind*; returns that version. Two clerks
    saving at once cannot both get one version: (kind, version) is UNIQUE."""
    last = s.scalar(select(func.max(RuleVersionRow.version)).where(RuleVersionRow.kind == kind))
    version = int(last or 0) + 1
    s.execute(insert(RuleVersionRow).values(kind=kind, version=version, document=document,
                                            created_at=now, created_by=by[:64],
                                            comment=comment[:255]))
    return version


def rule_versions(s: Session, kind: str) -> list[RuleVersionRecord]:
    """Every saved version of *kind*, newest first."""
    return [RuleVersionRecord(r.kind, r.version, r.document, r.created_at, r.created_by,
                              r.comment)
            for r in s.scalars(select(RuleVersionRow).where(RuleVersionRow.kind == kind)
                               .order_by(RuleVersionRow.version.desc()))]


def rule_version(s: Session, kind: str, version: int | None = None) -> RuleVersionRecord | None:
    """One version of *kind* (the latest when *version* is None)."""
    q = select(RuleVersionRow).where(RuleVersionRow.kind == kind)
    q = q.where(RuleVersionRow.version == version) if version is not None else q.order_by(
        RuleVersionRow.version.desc()).limit(1)
    r = s.scalar(q)
    return None if r is None else RuleVersionRecord(r.kind, r.version, r.document,
                                                    r.created_at, r.created_by, r.comment)


def current_rules(s: Session) -> RuleSet:
    rec = rule_version(s, REVIEW_RULES)
    return RuleSet() if rec is None else ruleset_from_dict(rec.document, rec.version)


def current_gift_rules(s: Session) -> tuple[GiftRule, ...]:
    rec = rule_version(s, GIFT_RULES)
    return () if rec is None else gift_rules_from_dict(rec.document)


# --- remote regions, province priority, options -----------------------------------------------

@dataclass(frozen=True, slots=True)
class RemoteRegionRecord:
    region: str
    hold: bool
    courier_code: str | None


def remote_regions(s: Session) -> list[RemoteRegionRecord]:
    return [RemoteRegionRecord(r.region, r.hold, r.courier_code)
            for r in s.scalars(select(RemoteRegionRow).order_by(RemoteRegionRow.region))]


def set_remote_region(s: Session, region: str, hold: bool = False,
                      courier_code: str | None = None) -> None:
    text = str(RegionPattern.parse(region))
    s.execute(delete(RemoteRegionRow).where(RemoteRegionRow.region == text))
    s.execute(insert(RemoteRegionRow).values(region=text, hold=hold, courier_code=courier_code))


def remove_remote_region(s: Session, region: str) -> bool:
    text = str(RegionPattern.parse(region))
    return bool(s.execute(delete(RemoteRegionRow).where(RemoteRegionRow.region == text))
                .rowcount)  # type: ignore[attr-defined]


def province_priority(s: Session) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for p, w in s.execute(select(ProvinceWarehouseRow.province, ProvinceWarehouseRow.warehouse_id)
                          .order_by(ProvinceWarehouseRow.province,
                                    ProvinceWarehouseRow.priority)):
        out.setdefault(p, []).append(w)
    return out


def set_province_priority(s: Session, province: str, warehouse_ids: Sequence[int]) -> None:
    """Ship to *province* ('*' for everywhere else) from these warehouses, in this order."""
    p = "*" if province.strip() == "*" else province_short(province)
    s.execute(delete(ProvinceWarehouseRow).where(ProvinceWarehouseRow.province == p))
    if warehouse_ids:
        s.execute(insert(ProvinceWarehouseRow), [
            {"province": p, "warehouse_id": w, "priority": n}
            for n, w in enumerate(warehouse_ids)])


def options(s: Session) -> Options:
    return Options.from_dict(settings_store.get(s, OPTIONS_KEY, None))


def set_options(s: Session, opts: Options, now: datetime) -> None:
    settings_store.put(s, OPTIONS_KEY, opts.to_dict(), now)


# --- configuration --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ShopInfo:
    id: int
    name: str
    platform: str
    allow_merge: bool


def shops(s: Session) -> dict[int, ShopInfo]:
    return {r.id: ShopInfo(r.id, r.name, r.platform, r.allow_merge) for r in s.execute(
        select(ShopRow.id, ShopRow.name, ShopRow.platform, ShopRow.allow_merge))}


def load_catalog(s: Session) -> Catalog:
    skus = [SkuInfo(r.id, r.code, r.name, r.weight_g, r.price_floor, r.is_bundle, r.is_gift,
                    r.active, r.cost, r.volume_cm3)
            for r in s.execute(select(SkuRow.id, SkuRow.code, SkuRow.name, SkuRow.weight_g,
                                      SkuRow.price_floor, SkuRow.is_bundle, SkuRow.is_gift,
                                      SkuRow.active, SkuRow.cost, SkuRow.volume_cm3))]
    listings = [(a, b, c, d) for a, b, c, d in s.execute(
        select(ListingRow.shop_id, ListingRow.platform_item_id, ListingRow.platform_sku_id,
               ListingRow.sku_id).where(ListingRow.sku_id.is_not(None)))]
    barcodes = [(a, b) for a, b in s.execute(select(SkuBarcodeRow.barcode,
                                                    SkuBarcodeRow.sku_id))]
    bundles = [(a, b, c) for a, b, c in s.execute(
        select(BundleComponentRow.bundle_sku_id, BundleComponentRow.component_sku_id,
               BundleComponentRow.qty))]
    return Catalog.build(skus, listings, barcodes, bundles)


def load_couriers(s: Session) -> list[CourierInfo]:
    rates: dict[int, list[Rate]] = {}
    for r in s.execute(select(CourierRateRow.courier_id, CourierRateRow.province,
                              CourierRateRow.first_weight_g, CourierRateRow.first_price,
                              CourierRateRow.step_weight_g, CourierRateRow.step_price,
                              CourierRateRow.excluded)):
        rates.setdefault(r.courier_id, []).append(
            Rate(r.province, r.first_weight_g, r.first_price, r.step_weight_g, r.step_price,
                 r.excluded))
    return [CourierInfo.build(r.id, r.code, r.name, rates.get(r.id, ()), r.settings, r.active)
            for r in s.execute(select(CourierRow.id, CourierRow.code, CourierRow.name,
                                      CourierRow.settings, CourierRow.active)
                               .order_by(CourierRow.code))]


def load_config(s: Session, rules: RuleSet | None = None,
                gift_rules: Sequence[GiftRule] | None = None) -> Config:
    """The whole configuration of one run (a draft rule set may replace the saved one)."""
    whs = [WarehouseInfo(r.id, r.code, r.province, r.active) for r in s.execute(
        select(WarehouseRow.id, WarehouseRow.code, WarehouseRow.province,
               WarehouseRow.active).order_by(WarehouseRow.id))]
    remote = [RemoteRoute(RegionPattern.parse(r.region), r.hold, r.courier_code)
              for r in remote_regions(s)]
    return Config(load_catalog(s), rules if rules is not None else current_rules(s),
                  tuple(gift_rules) if gift_rules is not None else current_gift_rules(s),
                  whs, province_priority(s), load_couriers(s), remote, options(s))


def gift_usage_totals(s: Session) -> GiftUsage:
    u = GiftUsage()
    for rule_id, n in s.execute(select(GiftGrantRow.rule_id,
                                       func.count(func.distinct(GiftGrantRow.order_id)))
                                .group_by(GiftGrantRow.rule_id)):
        u.total[rule_id] = int(n)
    return u


_GRANTS_SQL = ("SELECT rule_id, buyer_key, count(DISTINCT order_id) FROM gift_grants "
               "WHERE rule_id IN ")


def load_buyer_usage(s: Session, usage: GiftUsage, buyers: Iterable[str],
                     loaded: set[str], rule_ids: Iterable[int]) -> None:
    """Add the per-buyer gift counts of *buyers* not loaded yet, for the gift rules
    *rule_ids* that limit per buyer (this run's own grants are counted in memory as they
    are made). One query per few hundred buyers for all the rules together: the
    (rule, buyer) index serves each rule and buyer pair."""
    todo = sorted(set(buyers) - loaded)
    rules = sorted(set(rule_ids))
    if rules and todo:
        raw = _Raw(s)
        mark = "%s" if raw.pg else "?"
        head = _GRANTS_SQL + "(" + ", ".join([mark] * len(rules)) + ") AND buyer_key IN "
        for part in raw.parts(todo, max(_IN - len(rules), 100)):  # the rules take ids too
            for rule_id, buyer, n in raw.rows(head, [*rules, *part],
                                              " GROUP BY rule_id, buyer_key", len(rules)):
                usage.per_buyer[(rule_id, buyer)] = int(n)
    loaded.update(todo)


# --- the orders to work on ------------------------------------------------------------------

def pending_orders(s: Session, limit: int | None = None) -> list[tuple[int, str]]:
    """(id, phone hash) of the orders a run should take: NEW and REVIEW, and HELD ones
    whose only open holds are retryable. Sorted by phone hash so that a buyer's orders sit
    together (chunks never cut a merge group)."""
    o = OrderRow
    other_hold = exists().where(OrderHoldRow.order_id == o.id,
                                OrderHoldRow.released_at.is_(None),
                                OrderHoldRow.reason.not_in(RETRYABLE_HOLDS))
    q = select(o.id, o.phone_hash).where(or_(
        o.status.in_([OrderStatus.NEW.value, OrderStatus.REVIEW.value]),
        and_(o.status == OrderStatus.HELD.value, ~other_hold))).order_by(o.phone_hash, o.id)
    if limit:
        q = q.limit(limit)
    return [(int(a), b) for a, b in s.execute(q)]


def order_ids_since(s: Session, since: datetime) -> list[tuple[int, str]]:
    """Orders created since *since* that are not unpaid or cancelled (for a dry run)."""
    q = select(OrderRow.id, OrderRow.phone_hash).where(
        OrderRow.created_at >= since,
        OrderRow.status.not_in([OrderStatus.UNPAID.value, OrderStatus.CANCELLED.value]),
        OrderRow.merged_into_id.is_(None)).order_by(OrderRow.phone_hash, OrderRow.id)
    return [(int(a), b) for a, b in s.execute(q)]


_REFUNDED = (RefundState.REQUESTED.value, RefundState.REFUNDED.value)


@dataclass(slots=True)
class Loaded:
    """A chunk of orders as facts, plus what writing back needs to know."""

    facts: list[OrderFacts]
    open_holds: dict[int, list[tuple[int, str]]]  # order id → [(hold id, reason)]
    merged_into: dict[int, int] = field(default_factory=dict)  # order id → lead, if set


_ORDER_SQL = (
    "SELECT o.id, o.shop_id, o.status, o.buyer_nick, o.customer_id, o.receiver_name, "
    "o.phone_hash, o.province, o.city, o.district, o.address_detail, o.buyer_message, "
    "o.seller_memo, o.seller_flag, o.is_cod, o.is_presale, o.paid_amount, o.created_at, "
    "o.paid_at, o.tags, o.warehouse_id, o.courier_id, o.merged_into_id, c.blacklisted "
    "FROM orders o LEFT OUTER JOIN customers c ON c.id = o.customer_id WHERE o.id IN ")
_LINE_SQL = (
    "SELECT id, order_id, platform_line_id, platform_item_id, platform_sku_id, "
    "merchant_sku_code, title, sku_id, qty, price, paid_amount, refund_state, is_gift, "
    "bundle_line_id FROM order_lines WHERE order_id IN ")
_HOLD_SQL = "SELECT id, order_id, reason, rule_id, released_at FROM order_holds WHERE order_id IN "


def load_facts(s: Session, ids: Sequence[int], shop_info: dict[int, ShopInfo],
               buyer_history: bool = True) -> Loaded:
    """The orders *ids* as facts. *buyer_history* (earlier and other open orders of the
    same buyer) costs a query more; the service skips it when no rule looks at it.

    Read through the driver (values converted as the column types would), because this
    is the hot read of every run."""
    raw = _Raw(s)
    facts: dict[int, OrderFacts] = {}
    merged: dict[int, int] = {}
    created_raw: dict[int, Any] = {}
    dec, dt = raw.dec, raw.from_dt
    refunded = frozenset(_REFUNDED)
    no_shop = ShopInfo(0, "", "", True)
    empty: frozenset[int] = frozenset()
    for part in raw.parts(list(ids)):
        for (oid, shop_id, status, nick, customer_id, rname, phash, prov, city, dist, detail,
             msg, memo, flag, cod, presale, paid, created, paid_at, tags, wh, courier,
             into, black) in raw.rows(_ORDER_SQL, part):
            shop = shop_info.get(shop_id, no_shop)
            if isinstance(tags, str):
                tags = json.loads(tags) if tags != "[]" else None
            if into is not None:
                merged[oid] = into
            created_raw[oid] = created
            facts[oid] = OrderFacts(
                oid, shop_id, shop.name, shop.platform, shop.allow_merge, status,
                f"{shop.platform}:{nick}" if nick else "", customer_id, rname, phash, prov,
                city, dist, detail, msg, memo, flag, bool(cod), bool(presale), dec(paid),
                dt(created), dt(paid_at), [], bool(black), 0, 0, list(tags or ()),
                empty, wh, courier)
        for (lid, oid, pline, item, psku, code, title, sku, qty, price, lpaid, refund, gift,
             parent) in raw.rows(_LINE_SQL, part, " ORDER BY id"):
            f = facts.get(oid)
            if f is None:
                continue
            f.lines.append(LineFacts(
                lid, sku, "", qty, dec(price), dec(lpaid), 0, None, bool(gift), f.is_presale,
                refund in refunded, False, False, title, pline, parent,
                LineRef(item, psku, code, title)))
    open_holds: dict[int, list[tuple[int, str]]] = {}
    released: dict[int, set[int]] = {}
    for part in raw.parts(list(ids)):
        for hid, oid, reason, rule_id, released_at in raw.rows(_HOLD_SQL, part):
            if released_at is None:
                open_holds.setdefault(oid, []).append((hid, reason))
            elif rule_id is not None:
                released.setdefault(oid, set()).add(rule_id)
    for oid, rules in released.items():
        facts[oid].released_rule_ids = frozenset(rules)
    if buyer_history:
        _buyer_history(raw, facts, created_raw)
    return Loaded([facts[i] for i in ids if i in facts], open_holds, merged)


def _buyer_history(raw: _Raw, facts: dict[int, OrderFacts], created: dict[int, Any]) -> None:
    """Earlier orders and other open orders of each buyer, a buyer being one receiver phone
    (its hash is indexed and the same across shops and platforms). Creation times are
    compared as stored (naive UTC; SQLite's fixed-width text sorts as the time does)."""
    hashes = sorted({f.phone_hash for f in facts.values() if f.phone_hash})
    by_hash: dict[str, list[tuple[int, Any, str]]] = {}
    for part in raw.parts(hashes):
        for oid, ph, at, status in raw.rows(
                "SELECT id, phone_hash, created_at, status FROM orders WHERE phone_hash IN ",
                part):
            by_hash.setdefault(ph, []).append((oid, at, status))
    open_values = {st.value for st in OPEN_STATUSES}
    cancelled = OrderStatus.CANCELLED.value
    for f in facts.values():
        mine = by_hash.get(f.phone_hash, ()) if f.phone_hash else ()
        if len(mine) <= 1:
            continue
        me = (created[f.id], f.id)
        f.buyer_order_count = sum(1 for oid, at, st in mine
                                  if oid != f.id and me[0] is not None
                                  and (at, oid) < me and st != cancelled)
        f.other_open_orders = sum(1 for oid, _at, st in mine
                                  if oid != f.id and st in open_values)


def available(s: Session, sku_ids: Iterable[int], on_hand: bool = False
              ) -> dict[tuple[int, int], int]:
    """(warehouse, SKU) → available (or on hand, for a dry run that re-plans everything)."""
    b = StockBalanceRow.__table__.c
    out: dict[tuple[int, int], int] = {}
    col = b.on_hand if on_hand else b.on_hand - b.reserved
    for part in _chunks(sorted(set(sku_ids))):
        for w, k, n in s.execute(select(b.warehouse_id, b.sku_id, col)
                                 .where(b.sku_id.in_(part))):
            out[(w, k)] = int(n)
    return out


# --- writing a plan ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Actorish:
    user_id: int | None
    username: str


def write_plan(s: Session, plan: ChunkPlan, loaded: Loaded, actor: Actorish,
               now: datetime) -> list[Outcome]:
    """Write one chunk's plan in the caller's transaction; returns the outcomes that
    changed something (an order still held for the same reason is left untouched).

    The orders are claimed first (their status moves only if it is still the one the
    plan was made from), so two stations planning the same orders never both write
    lines, parcels or reservations for them. Raises :class:`Conflict` when an order
    changed meanwhile, and ``DomainError(INSUFFICIENT_STOCK)`` when another station took
    stock since the chunk was read (PostgreSQL): the caller rolls back and plans again.
    """
    try:
        return _write_plan(s, plan, loaded, actor, now)
    except IntegrityError as exc:  # another station added the same lines first
        raise _Conflict() from exc


def _write_plan(s: Session, plan: ChunkPlan, loaded: Loaded, actor: Actorish,
                now: datetime) -> list[Outcome]:
    facts = {f.id: f for f in loaded.facts}
    raw = _Raw(s)
    at = raw.dt(now)
    changed: list[Outcome] = []
    held = OrderStatus.HELD.value
    close_holds: list[int] = []
    new_holds: list[tuple[Any, ...]] = []
    for out in plan.outcomes:
        f = facts[out.order_id]
        old = loaded.open_holds.get(out.order_id, [])
        if (out.status == held and f.status == held
                and [r for _, r in old] == [out.hold_reason]):
            continue  # same hold as before: nothing new to say
        changed.append(out)
        close_holds += [h for h, _ in old]
        if out.status == held:
            new_holds.append((out.order_id, out.hold_reason[:64], out.hold_detail[:255],
                              out.rule_id, at))
    if changed:
        rows = []
        into = []
        merged = loaded.merged_into
        # Rows in key order: neighbouring pages, far fewer page reads on a big table.
        for out in sorted(changed, key=lambda x: x.order_id):
            f = facts[out.order_id]
            tags = raw.js(list(dict.fromkeys([*f.tags, *out.tags]))) if out.tags or f.tags \
                else "[]"
            rows.append((out.status, out.warehouse_id, out.courier_id,
                         out.priority if out.priority is not None else 0, tags, at,
                         out.order_id, f.status))
            if out.merged_into != merged.get(out.order_id):
                into.append((out.merged_into, out.order_id))
        n = raw.many("UPDATE orders SET status = ?, warehouse_id = ?, courier_id = ?, "
                     "priority = ?, tags = ?, updated_at = ? WHERE id = ? AND status = ?",
                     rows, "UPDATE orders AS o SET status = v.st, warehouse_id = v.wh, "
                     "courier_id = v.co, priority = v.pr, tags = v.tg, updated_at = v.at "
                     "FROM unnest(%s::text[], %s::int[], %s::int[], %s::int[], %s::json[], "
                     "%s::timestamp[], %s::bigint[], %s::text[]) "
                     "AS v(st, wh, co, pr, tg, at, id, old) "
                     "WHERE o.id = v.id AND o.status = v.old")
        if n not in (-1, len(rows)):
            raise _Conflict()
        # Apart, and only where it changes: writing the self-referencing key costs SQLite
        # a foreign-key check per row even when the value stays NULL (4× the UPDATE).
        raw.many("UPDATE orders SET merged_into_id = ? WHERE id = ?", into,
                 "UPDATE orders AS o SET merged_into_id = v.m "
                 "FROM unnest(%s::bigint[], %s::bigint[]) AS v(m, id) WHERE o.id = v.id")
    raw.many("UPDATE order_lines SET sku_id = ? WHERE id = ?",
             [(sku, lid) for lid, sku in sorted(plan.mapped)],
             "UPDATE order_lines AS l SET sku_id = v.sku "
             "FROM unnest(%s::int[], %s::bigint[]) AS v(sku, id) WHERE l.id = v.id")
    real = _insert_new_lines(s, raw, plan)
    if close_holds:
        for part in _chunks(close_holds):
            s.execute(update(OrderHoldRow).where(OrderHoldRow.id.in_(part))
                      .values(released_at=now))
    raw.many("INSERT INTO order_holds (order_id, reason, detail, rule_id, created_at) "
             "VALUES (?, ?, ?, ?, ?)", new_holds,
             "INSERT INTO order_holds (order_id, reason, detail, rule_id, created_at) "
             "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::int[], "
             "%s::timestamp[])")
    _write_parcels(s, raw, plan, real, now)
    if plan.joins:  # into parcels of earlier runs (合单 across runs)
        from ecerp_desktop.store.pipeline_merge import write_joins
        write_joins(s, plan, real, actor, now)
    raw.many("INSERT INTO gift_grants (rule_id, order_id, buyer_key, sku_id, qty, created_at) "
             "VALUES (?, ?, ?, ?, ?, ?)",
             [(g.rule_id, g.order_id, g.buyer_key[:191], g.sku_id, g.qty, at)
              for g in plan.gifts],
             "INSERT INTO gift_grants (rule_id, order_id, buyer_key, sku_id, qty, created_at) "
             "SELECT * FROM unnest(%s::int[], %s::bigint[], %s::text[], %s::int[], %s::int[], "
             "%s::timestamp[])")
    raw.many("INSERT INTO order_history (order_id, at, user_id, actor, action, from_status, "
             "to_status, rule, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             [_history(raw, out, facts[out.order_id], actor, at) for out in changed],
             "INSERT INTO order_history (order_id, at, user_id, actor, action, from_status, "
             "to_status, rule, reason, detail) SELECT * FROM unnest(%s::bigint[], "
             "%s::timestamp[], %s::int[], %s::text[], %s::text[], %s::text[], %s::text[], "
             "%s::text[], %s::text[], %s::json[])")
    return changed


class _Conflict(Exception):
    """An order changed under the chunk (another station or a sync): plan it again."""


Conflict = _Conflict


def _history(raw: _Raw, out: Outcome, f: OrderFacts, actor: Actorish, at: Any
             ) -> tuple[Any, ...]:
    action = "merged" if out.merged_into else out.status
    detail: dict[str, Any] = {"why": out.why}
    if out.hold_detail:
        detail["hold"] = out.hold_detail
    if out.merged_into:
        detail["merged_into"] = out.merged_into
    reason = out.hold_reason or ("approved" if out.status == "approved" else "")
    return (out.order_id, at, actor.user_id, actor.username[:64], action, f.status,
            out.status, out.rule_name[:128], reason[:255], raw.js(detail))


def _insert_new_lines(s: Session, raw: _Raw, plan: ChunkPlan) -> dict[int, int]:
    """Insert component and gift lines; returns temp id → real id."""
    if not plan.new_lines:
        return {}
    none = RefundState.NONE.value
    raw.many("INSERT INTO order_lines (order_id, platform_line_id, platform_item_id, "
             "platform_sku_id, merchant_sku_code, title, sku_id, qty, price, paid_amount, "
             "refund_state, is_gift, bundle_line_id) "
             "VALUES (?, ?, '', '', '', ?, ?, ?, 0, ?, ?, ?, ?)",
             [(n.order_id, n.platform_line_id[:64], n.title, n.sku_id, n.qty,
               raw.fen(n.paid_amount), none, n.is_gift, n.parent_id) for n in plan.new_lines],
             "INSERT INTO order_lines (order_id, platform_line_id, platform_item_id, "
             "platform_sku_id, merchant_sku_code, title, sku_id, qty, price, paid_amount, "
             "refund_state, is_gift, bundle_line_id) SELECT v.o, v.pl, '', '', '', v.t, v.s, "
             "v.q, 0, v.pa, v.r, v.g, v.b FROM unnest(%s::bigint[], %s::text[], %s::text[], "
             "%s::int[], %s::int[], %s::bigint[], %s::text[], %s::boolean[], %s::bigint[]) "
             "AS v(o, pl, t, s, q, pa, r, g, b)")
    want = {(n.order_id, n.platform_line_id[:64]): n.temp_id for n in plan.new_lines}
    real: dict[int, int] = {}
    for part in raw.parts(sorted({n.order_id for n in plan.new_lines})):
        for lid, oid, pl in raw.rows(
                "SELECT id, order_id, platform_line_id FROM order_lines WHERE order_id IN ",
                part):
            t = want.get((oid, pl))
            if t is not None:
                real[t] = lid
    return real


def _write_parcels(s: Session, raw: _Raw, plan: ChunkPlan, real: dict[int, int],
                   now: datetime) -> None:
    if not plan.parcels:
        return
    leads = sorted({p.order_id for p in plan.parcels})
    offset: dict[int, int] = {}
    for part in raw.parts(leads):
        offset.update({a: int(b) for a, b in raw.rows(
            "SELECT order_id, max(seq) FROM parcels WHERE order_id IN ", part,
            " GROUP BY order_id")})
    at = raw.dt(now)
    seqs = [p.seq + offset.get(p.order_id, 0) for p in plan.parcels]
    raw.many("INSERT INTO parcels (order_id, seq, status, warehouse_id, courier_id, "
             "expected_weight_g, courier_cost, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
             [(p.order_id, seq, PARCEL_OPEN, p.warehouse_id, p.courier_id, p.weight_g,
               raw.fen(p.cost), at) for p, seq in zip(plan.parcels, seqs, strict=True)],
             "INSERT INTO parcels (order_id, seq, status, warehouse_id, courier_id, "
             "expected_weight_g, courier_cost, created_at) SELECT * FROM unnest(%s::bigint[], "
             "%s::int[], %s::text[], %s::int[], %s::int[], %s::int[], %s::bigint[], "
             "%s::timestamp[])")
    ids: dict[tuple[int, int], int] = {}
    for part in raw.parts(leads):
        for pid, oid, seq in raw.rows("SELECT id, order_id, seq FROM parcels WHERE order_id IN ",
                                      part):
            ids[(oid, seq)] = pid
    lines: list[tuple[int, int, int, int]] = []
    moves: list[Move] = []
    for p, seq in zip(plan.parcels, seqs, strict=True):
        pid = ids[(p.order_id, seq)]
        per_sku: dict[int, int] = {}
        for i in p.items:
            lid = real[i.line_id] if i.line_id < 0 else i.line_id
            lines.append((pid, lid, i.sku_id, i.qty))
            per_sku[i.sku_id] = per_sku.get(i.sku_id, 0) + i.qty
        moves += [Move(p.warehouse_id, k, MoveKind.RESERVE, "parcel", str(pid), d_reserved=q)
                  for k, q in per_sku.items()]
    raw.many("INSERT INTO parcel_lines (parcel_id, order_line_id, sku_id, qty) "
             "VALUES (?, ?, ?, ?)", lines,
             "INSERT INTO parcel_lines (parcel_id, order_line_id, sku_id, qty) "
             "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::int[], %s::int[])")
    post_moves(s, moves, now)


# --- intercept, release, unmerge -------------------------------------------------------------

STOPPED_PARCELS = ("intercepted", "cancelled", "shipped")


@dataclass(frozen=True, slots=True)
class ParcelRecord:
    id: int
    order_id: int  # the lead order
    seq: int
    status: str
    warehouse_id: int | None
    courier_id: int | None
    lines: tuple[tuple[int, int, int, int], ...]  # (order line id, its order id, sku id, qty)

    @property
    def order_ids(self) -> set[int]:
        return {o for _, o, _, _ in self.lines}


@dataclass(frozen=True, slots=True)
class OrderHead:
    id: int
    shop_id: int
    status: str
    merged_into_id: int | None
    tags: tuple[str, ...]


def order_head(s: Session, order_id: int, lock: bool = False) -> OrderHead | None:
    q = select(OrderRow.id, OrderRow.shop_id, OrderRow.status, OrderRow.merged_into_id,
               OrderRow.tags).where(OrderRow.id == order_id)
    if lock and s.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    r = s.execute(q).first()
    return None if r is None else OrderHead(r.id, r.shop_id, r.status, r.merged_into_id,
                                            tuple(r.tags or ()))


def live_parcels(s: Session, order_ids: Sequence[int]) -> list[ParcelRecord]:
    """Parcels not stopped or shipped that carry a line of any of *order_ids*."""
    pl, ln, p = ParcelLineRow, OrderLineRow, ParcelRow
    pids = sorted({pid for (pid,) in s.execute(
        select(pl.parcel_id).join(ln, ln.id == pl.order_line_id).join(p, p.id == pl.parcel_id)
        .where(ln.order_id.in_(list(order_ids)), p.status.not_in(STOPPED_PARCELS)))})
    if not pids:
        return []
    lines: dict[int, list[tuple[int, int, int, int]]] = {}
    for pid, lid, oid, sku, qty in s.execute(
            select(pl.parcel_id, pl.order_line_id, ln.order_id, pl.sku_id, pl.qty)
            .join(ln, ln.id == pl.order_line_id).where(pl.parcel_id.in_(pids))
            .order_by(pl.parcel_id, pl.order_line_id)):
        lines.setdefault(pid, []).append((lid, oid, sku, qty))
    return [ParcelRecord(r.id, r.order_id, r.seq, r.status, r.warehouse_id, r.courier_id,
                         tuple(lines.get(r.id, ())))
            for r in s.execute(select(p.id, p.order_id, p.seq, p.status, p.warehouse_id,
                                      p.courier_id).where(p.id.in_(pids)).order_by(p.id))]


def release_parcels(s: Session, parcels: Sequence[ParcelRecord], status: str, now: datetime,
                    user_id: int | None, note: str) -> None:
    """Give back the parcels' reserved stock and mark them *status*."""
    moves = []
    for p in parcels:
        per: dict[int, int] = {}
        for _lid, _oid, sku, qty in p.lines:
            per[sku] = per.get(sku, 0) + qty
        if p.warehouse_id is not None:
            moves += [Move(p.warehouse_id, k, MoveKind.RELEASE, "parcel", str(p.id),
                           d_reserved=-q, note=note[:255], user_id=user_id)
                      for k, q in per.items()]
    post_moves(s, moves, now)
    if parcels:
        s.execute(update(ParcelRow).where(ParcelRow.id.in_([p.id for p in parcels]))
                  .values(status=status))


@dataclass(frozen=True, slots=True)
class WaybillRef:
    id: int
    parcel_id: int
    courier_id: int
    number: str


def issued_waybills(s: Session, parcel_ids: Sequence[int]) -> list[WaybillRef]:
    from ecerp_desktop.store.schema import WaybillRow

    if not parcel_ids:
        return []
    return [WaybillRef(r.id, r.parcel_id, r.courier_id, r.number) for r in s.execute(
        select(WaybillRow.id, WaybillRow.parcel_id, WaybillRow.courier_id, WaybillRow.number)
        .where(WaybillRow.parcel_id.in_(list(parcel_ids)), WaybillRow.status == "issued"))]


def set_status(s: Session, order_id: int, from_status: str, to_status: str, now: datetime,
               **values: Any) -> bool:
    """Move one order from *from_status* to *to_status* (False: it was no longer there)."""
    res = s.execute(update(OrderRow).where(OrderRow.id == order_id,
                                           OrderRow.status == from_status)
                    .values(status=to_status, updated_at=now, **values))
    return bool(res.rowcount)  # type: ignore[attr-defined]


def add_history(s: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        s.execute(insert(OrderHistoryRow.__table__), list(rows))


def close_holds(s: Session, order_id: int, now: datetime) -> int:
    res = s.execute(update(OrderHoldRow).where(OrderHoldRow.order_id == order_id,
                                               OrderHoldRow.released_at.is_(None))
                    .values(released_at=now))
    return int(res.rowcount)  # type: ignore[attr-defined]


def merged_members(s: Session, lead_id: int) -> list[int]:
    return [int(i) for (i,) in s.execute(select(OrderRow.id).where(
        OrderRow.merged_into_id == lead_id).order_by(OrderRow.id))]


def move_lines_to_new_parcels(s: Session, source: ParcelRecord, order_id: int, now: datetime,
                              user_id: int | None) -> int:
    """Move *order_id*'s lines out of *source* into a new parcel of that order (same
    warehouse and courier); the reservation follows the lines. Returns the new parcel id."""
    mine = [ln for ln in source.lines if ln[1] == order_id]
    if not mine:
        return 0
    seq = int(s.scalar(select(func.coalesce(func.max(ParcelRow.seq), 0))
                       .where(ParcelRow.order_id == order_id)) or 0) + 1
    s.execute(insert(ParcelRow).values(order_id=order_id, seq=seq, status=PARCEL_OPEN,
                                       warehouse_id=source.warehouse_id,
                                       courier_id=source.courier_id, expected_weight_g=0,
                                       created_at=now))
    pid = int(s.scalar(select(ParcelRow.id).where(ParcelRow.order_id == order_id,
                                                  ParcelRow.seq == seq)) or 0)
    s.execute(delete(ParcelLineRow).where(ParcelLineRow.parcel_id == source.id,
                                          ParcelLineRow.order_line_id.in_(
                                              [ln[0] for ln in mine])))
    s.execute(insert(ParcelLineRow.__table__), [{"parcel_id": pid, "order_line_id": lid, "sku_id": sku,
                                       "qty": qty} for lid, _o, sku, qty in mine])
    if source.warehouse_id is not None:
        per: dict[int, int] = {}
        for _l, _o, sku, qty in mine:
            per[sku] = per.get(sku, 0) + qty
        moves = []
        for k, q in per.items():
            moves.append(Move(source.warehouse_id, k, MoveKind.RELEASE, "parcel", str(source.id),
                              d_reserved=-q, note=f"moved to parcel {pid}", user_id=user_id))
            moves.append(Move(source.warehouse_id, k, MoveKind.RESERVE, "parcel", str(pid),
                              d_reserved=q, note=f"moved from parcel {source.id}",
                              user_id=user_id))
        post_moves(s, moves, now)
    weights = dict(s.execute(select(SkuRow.id, SkuRow.weight_g).where(
        SkuRow.id.in_({ln[2] for ln in source.lines}))).all())
    for p_id, lns in ((pid, mine), (source.id, [ln for ln in source.lines
                                                if ln[1] != order_id])):
        s.execute(update(ParcelRow).where(ParcelRow.id == p_id).values(
            expected_weight_g=sum(weights.get(ln[2], 0) * ln[3] for ln in lns)))
    from ecerp_desktop.store.pipeline_merge import reprice
    reprice(s, [pid, source.id])  # the cost follows the weight
    return pid


def set_order_fields(s: Session, order_id: int, **values: Any) -> None:
    s.execute(update(OrderRow).where(OrderRow.id == order_id).values(**values))


def replace_parcels(s: Session, order_id: int, old: Sequence[ParcelRecord],
                    new: Sequence[tuple[int, int | None, Sequence[tuple[int, int, int]]]],
                    now: datetime, user_id: int | None, note: str) -> list[int]:
    """Cancel *old* parcels and create *new* ones for *order_id*: (warehouse, courier,
    [(line id, sku id, qty)]). The reservation moves from the old parcels to the new ones
    in the ledger; balances are unchanged when the warehouses are. Returns the new ids."""
    moves: list[Move] = []
    for p in old:
        per: dict[int, int] = {}
        for _l, _o, sku, qty in p.lines:
            per[sku] = per.get(sku, 0) + qty
        if p.warehouse_id is not None:
            moves += [Move(p.warehouse_id, k, MoveKind.RELEASE, "parcel", str(p.id),
                           d_reserved=-q, note=note[:255], user_id=user_id)
                      for k, q in per.items()]
    if old:
        s.execute(update(ParcelRow).where(ParcelRow.id.in_([p.id for p in old]))
                  .values(status="cancelled"))
    seq = int(s.scalar(select(func.coalesce(func.max(ParcelRow.seq), 0))
                       .where(ParcelRow.order_id == order_id)) or 0)
    weights = dict(s.execute(select(SkuRow.id, SkuRow.weight_g).where(
        SkuRow.id.in_({sku for _w, _c, lines in new for _l, sku, _q in lines}))).all())
    ids: list[int] = []
    for wh, courier, lines in new:
        seq += 1
        s.execute(insert(ParcelRow).values(
            order_id=order_id, seq=seq, status=PARCEL_OPEN, warehouse_id=wh,
            courier_id=courier, created_at=now,
            expected_weight_g=sum(weights.get(sku, 0) * q for _l, sku, q in lines)))
        pid = int(s.scalar(select(ParcelRow.id).where(ParcelRow.order_id == order_id,
                                                      ParcelRow.seq == seq)) or 0)
        ids.append(pid)
        s.execute(insert(ParcelLineRow.__table__), [
            {"parcel_id": pid, "order_line_id": lid, "sku_id": sku, "qty": q}
            for lid, sku, q in lines])
        per = {}
        for _l, sku, q in lines:
            per[sku] = per.get(sku, 0) + q
        moves += [Move(wh, k, MoveKind.RESERVE, "parcel", str(pid), d_reserved=q,
                       note=note[:255], user_id=user_id) for k, q in per.items()]
    post_moves(s, moves, now)
    return ids
