"""The demo seed itself (see services/demo.py): catalogue, places, orders, stock.

Imported only when a database still needs seeding.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.barcodes import make_ean13
from ecerp_desktop.domain.orders import HoldReason, OrderStatus
from ecerp_desktop.domain.platform_order import PlatformOrder, PlatformOrderLine
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import auth
from ecerp_desktop.services.demo import (
    BUNDLE_COUNT,
    DAYS,
    DEMO_PASSWORD,
    DEMO_USERS,
    ORDER_COUNT,
    SEED,
    SEEDED_KEY,
    SKU_COUNT,
    Progress,
)
from ecerp_desktop.services.ingest import ingest_orders
from ecerp_desktop.sim import fakedata
from ecerp_desktop.store import Store, audit
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import demo as seeded
from ecerp_desktop.store import settings as settings_store
from ecerp_desktop.store import stock as st
from ecerp_desktop.store import users as user_store
from ecerp_desktop.store import waybills as waybill_store

WAREHOUSES = (("HZ", "杭州仓", "浙江省", "杭州市余杭区仓前街道良睦路1399号"),
              ("GZ", "广州仓", "广东省", "广州市白云区太和镇大源北路88号"),
              ("CD", "成都仓", "四川省", "成都市双流区西航港街道空港一路2号"))
# Which warehouse ships to which province (the nearest one).
_SOUTH = {"广东省", "广西壮族自治区", "海南省", "湖南省", "江西省", "福建省"}
_WEST = {"四川省", "重庆市", "云南省", "贵州省", "西藏自治区", "青海省", "新疆维吾尔自治区",
         "甘肃省", "陕西省", "宁夏回族自治区"}

SHOPS = (("taobao", "小米粒家居淘宝店"), ("tmall", "小米粒天猫旗舰店"), ("jd", "小米粒京东自营店"),
         ("pdd", "小米粒拼多多店"), ("woocommerce", "小米粒官网商城"))

# code, name, first kg price, next kg price, provinces not served
COURIERS = (("ZTO", "中通快递", "5.00", "2.00", ()), ("YTO", "圆通速递", "5.00", "2.00", ()),
            ("YUNDA", "韵达快递", "4.50", "2.00", ("西藏自治区", "新疆维吾尔自治区")),
            ("SF", "顺丰速运", "12.00", "5.00", ()), ("EMS", "中国邮政EMS", "8.00", "4.00", ()))

_PRODUCTS = (
    ("BWB", "保温杯", ("350ml", "500ml", "750ml"), (280, 350, 450), (18, 25, 32)),
    ("MJ", "纯棉毛巾", ("白色", "灰色", "粉色", "蓝色"), (120,), (6, 8)),
    ("YG", "浴巾", ("白色", "灰色", "米色"), (450,), (22, 28)),
    ("TX", "纯棉T恤", ("S", "M", "L", "XL", "XXL"), (180, 200, 220), (19, 25)),
    ("WZ", "运动袜(5双装)", ("黑色", "白色", "混色"), (150,), (9, 12)),
    ("SJK", "手机壳", ("iPhone 15", "iPhone 15 Pro", "华为 Mate60", "小米14"), (40,), (3, 5)),
    ("SJX", "数据线", ("1m", "2m", "Type-C 1m"), (50, 60), (4, 6)),
    ("CDQ", "快充充电器", ("20W", "33W", "65W"), (90, 120), (15, 22, 35)),
    ("ZT", "抽纸(3包)", ("原木", "竹浆"), (900,), (8, 10)),
    ("XYY", "洗衣液", ("1kg", "2kg", "3kg"), (1050, 2080, 3100), (9, 15, 20)),
    ("CJ", "陶瓷餐具", ("碗", "盘", "杯", "勺"), (300, 400), (5, 8)),
    ("ZD", "砧板", ("小号", "中号", "大号"), (500, 800, 1200), (12, 18, 25)),
    ("BD", "笔记本", ("A5", "B5", "A4"), (200, 260), (3, 5)),
    ("ZX", "中性笔(12支)", ("黑色", "蓝色", "红色"), (120,), (6,)),
    ("SNH", "收纳盒", ("小", "中", "大"), (300, 500, 800), (8, 12, 16)),
    ("YS", "雨伞", ("黑色", "藏青", "格子"), (380, 420), (15, 20)),
    ("ZBD", "枕头", ("单只", "一对"), (900, 1800), (25, 45)),
    ("BZ", "被子", ("1.5m", "1.8m", "2.0m"), (1800, 2200, 2600), (60, 80, 95)),
    ("CW", "宠物零食", ("鸡肉干", "牛肉粒", "鱼干"), (200,), (10, 14)),
    ("LS", "坚果礼盒", ("750g", "1.2kg"), (900, 1400), (35, 55)),
    ("CY", "茶叶", ("龙井 100g", "普洱 357g", "铁观音 250g"), (150, 400, 300), (45, 60, 70)),
    ("XS", "洗发水", ("400ml", "750ml"), (450, 800), (18, 28)),
    ("MB", "面膜(10片)", ("补水", "美白", "舒缓"), (300,), (15, 20)),
    ("KZ", "口罩(50只)", ("白色", "黑色"), (200,), (6, 9)),
    ("DD", "LED台灯", ("白色", "黑色"), (800,), (30, 45)),
)


def _log(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def seed(store: Store, progress: Progress | None = None) -> None:
    """Seed everything; the last step commits together with the mark that it is done."""
    steps = 5
    _log(progress, 0, steps)
    _ensure_users(store)
    _log(progress, 1, steps)
    rng = random.Random(SEED)
    now = utcnow()
    with store.write() as s:
        skus = _seed_catalog(s, rng, now)
    _log(progress, 2, steps)
    with store.write() as s:
        ref = _seed_places(s, rng, now, skus)
    _log(progress, 3, steps)
    orders = _make_orders(rng, now, ref)
    order_ids: dict[int, dict[str, int]] = {}
    for shop_id, batch in orders.items():
        order_ids[shop_id] = ingest_orders(store, shop_id, batch, actor="demo").order_ids
    _log(progress, 4, steps)
    with store.write() as s:
        if settings_store.get(s, SEEDED_KEY):  # another process finished meanwhile
            return
        _place_orders(s, rng, now, ref, orders, order_ids)
        _seed_suppliers(s, now, ref)
        settings_store.put(s, SEEDED_KEY, {"version": 1, "at": now.isoformat(),
                                           "orders": ORDER_COUNT}, now)
    _seed_purchase_orders(store, rng, ref)
    _log(progress, steps, steps)


# --- purchasing ------------------------------------------------------------------------------

# code, name, contact, lead time in days, the product prefixes they make
SUPPLIERS = (
    ("YW01", "义乌家居日用供应链", "王经理 0579-8555 0101", 5,
     ("BWB", "MJ", "YG", "ZT", "XYY", "CJ", "ZD", "SNH", "YS", "ZBD", "BZ", "XS", "BD", "ZX")),
    ("SZ01", "深圳数码配件厂", "李工 0755-2666 0202", 7, ("SJK", "SJX", "CDQ", "DD")),
    ("HZ01", "杭州纺织服饰", "陈小姐 0571-8777 0303", 10, ("TX", "WZ", "KZ", "MB")),
    ("FJ01", "福建茶叶食品", "林先生 0591-8888 0404", 12, ("CW", "LS", "CY")),
)


def _seed_suppliers(s: Any, now: datetime, ref: _Ref) -> None:
    """Suppliers, each SKU's default supplier at its cost, and stock alert rules (a minimum
    of 10 everywhere, 15 days of cover), so reorder suggestions have work on day one."""
    from ecerp_desktop.store import purchasing as pq

    by_prefix: dict[str, int] = {}
    for code, name, contact, lead, prefixes in SUPPLIERS:
        sup = pq.upsert_supplier(s, code=code, name=name, contact=contact,
                                 lead_time_days=lead, now=now)
        by_prefix.update(dict.fromkeys(prefixes, sup.id))
    for code, sku_id in sorted(ref.sku_ids.items()):
        supplier = by_prefix.get(code.split("-", 1)[0])
        if supplier is None or sku_id in ref.bundles:
            continue
        pq.set_sku_supplier(s, sku_id, supplier, f"{code}-S", ref.sku_cost[code])
        pq.upsert_rule(s, pq.AlertRule(sku_id, 0, 10, 15, None, 1), now)


def _seed_purchase_orders(store: Store, rng: random.Random, ref: _Ref) -> None:
    """One placed PO on its way to 杭州仓 (in transit, ready to receive by scanning) and the
    drafts the reorder suggestions make, through the real services."""
    from ecerp_desktop.domain.purchasing import LineInput
    from ecerp_desktop.services import purchasing, reorder

    codes = sorted(c for c, i in ref.sku_ids.items() if c.startswith(("BWB", "MJ", "YG"))
                   and i not in ref.bundles)
    lines = [LineInput(c, rng.choice((24, 48, 60)), ref.sku_cost[c]) for c in codes[:6]]
    po = purchasing.create_po(store, SYSTEM, supplier="YW01", warehouse="HZ", lines=lines,
                              expected_date=(utcnow() + timedelta(days=3)).date(),
                              remark="演示：已下单，等待到货")
    purchasing.place(store, SYSTEM, po.number)
    reorder.draft_from_suggestions(store, SYSTEM)


# --- users ----------------------------------------------------------------------------------

def _ensure_users(store: Store) -> None:
    """The demo users, one per role. They share one password, so one Argon2id hash (each
    with its cost) serves them all: seeding stays fast."""
    auth.ensure_roles(store)
    with store.read() as s:
        missing = [u for u in DEMO_USERS if user_store.by_username(s, u[0]) is None]
    if not missing:
        return
    pw_hash = auth.hash_password(DEMO_PASSWORD)
    now = utcnow()
    with store.write() as s:
        for username, _password, role in missing:
            if user_store.by_username(s, username) is not None:
                continue
            user = user_store.add(s, username, username, pw_hash, role, now)
            audit.append(s, at=now, user_id=None, username=SYSTEM.username,
                         action="user.create", entity="user", entity_id=str(user.id),
                         detail={"role": role, "demo": True})


# --- catalogue ------------------------------------------------------------------------------

class _Ref:
    """What the later steps need to know about the seeded catalogue."""

    def __init__(self) -> None:
        self.sku_ids: dict[str, int] = {}
        self.sku_cost: dict[str, Decimal] = {}
        self.sku_name: dict[str, str] = {}
        self.bundles: dict[int, tuple[tuple[int, int], ...]] = {}
        self.warehouse_ids: dict[str, int] = {}
        self.courier_ids: dict[str, int] = {}
        # shop id → (platform, [(item id, sku id, merchant code, title, price)])
        self.shops: dict[int, tuple[str, list[tuple[str, str, str, str, Decimal]]]] = {}


def _catalog_items(rng: random.Random) -> list[cat.SkuInput]:
    items: list[cat.SkuInput] = []
    n = 0
    while len(items) < SKU_COUNT - BUNDLE_COUNT:
        for prefix, name, variants, weights, costs in _PRODUCTS:
            for i, variant in enumerate(variants):
                if len(items) >= SKU_COUNT - BUNDLE_COUNT:
                    break
                n += 1
                series = n // len(_PRODUCTS)
                code = f"{prefix}-{series:02d}{i + 1:02d}"
                label = name if series == 0 else f"{name} 款{series + 1}"
                barcodes = [make_ean13("6923456", n)]
                if rng.random() < 0.15:  # a second barcode, e.g. from a new supplier
                    barcodes.append(make_ean13("6970123", n))
                cost = Decimal(costs[i % len(costs)]) + Decimal(rng.randrange(0, 300)) / 100
                items.append(cat.SkuInput(code, f"{label} {variant}", weights[i % len(weights)],
                                          cost, tuple(barcodes)))
    return items


def _seed_catalog(s: Any, rng: random.Random, now: datetime) -> _Ref:
    items = _catalog_items(rng)
    ref = _Ref()
    ids = cat.upsert_skus(s, items, now)
    cat.add_barcodes(s, [(b, ids[i.code]) for i in items for b in i.barcodes])
    bundles: list[tuple[cat.SkuInput, list[tuple[int, int]]]] = []
    for b in range(BUNDLE_COUNT):
        parts = rng.sample(items, rng.choice((2, 2, 3)))
        qtys = [rng.choice((1, 1, 2)) for _ in parts]
        name = "组合装：" + "+".join(p.name for p in parts)
        bundle = cat.SkuInput(f"ZH-{b + 1:03d}", name[:120],
                              sum(p.weight_g * q for p, q in zip(parts, qtys, strict=True)),
                              sum((p.cost * q for p, q in zip(parts, qtys, strict=True)),
                                  Decimal(0)),
                              (make_ean13("6923457", b + 1),), is_bundle=True)
        bundles.append((bundle, [(ids[p.code], q) for p, q in zip(parts, qtys, strict=True)]))
    bids = cat.upsert_skus(s, [b for b, _ in bundles], now)
    cat.add_barcodes(s, [(bc, bids[b.code]) for b, _ in bundles for bc in b.barcodes])
    for bundle, comps in bundles:
        cat.set_bundle(s, bids[bundle.code], comps)
        ref.bundles[bids[bundle.code]] = tuple(comps)
    ref.sku_ids = {**ids, **bids}
    ref.sku_cost = {i.code: i.cost for i in items} | {b.code: b.cost for b, _ in bundles}
    ref.sku_name = {i.code: i.name for i in items} | {b.code: b.name for b, _ in bundles}
    return ref


def _seed_places(s: Any, rng: random.Random, now: datetime, ref: _Ref) -> _Ref:
    for code, name, province, address in WAREHOUSES:
        ref.warehouse_ids[code] = cat.upsert_warehouse(s, code=code, name=name,
                                                       province=province, address=address).id
    for code, name, first, step, excluded in COURIERS:
        cid = cat.upsert_courier(s, code=code, name=name)
        ref.courier_ids[code] = cid
        cat.upsert_rates(s, cid, _rates(Decimal(first), Decimal(step), excluded))
        if not waybill_store.ranges(s, cid):  # a block of numbers, so labels have one
            waybill_store.add_range(s, cid, f"{code}9000000001", f"{code}9099999999", now)
    codes = sorted(ref.sku_ids)
    for n, (platform, name) in enumerate(SHOPS):
        shop_id = cat.upsert_shop(s, platform=platform, name=name, now=now,
                                  endpoint="", settings={"demo": True})
        listed = [c for c in codes if rng.random() < 0.85]
        listings = []
        for j, code in enumerate(listed):
            item_id = str(_item_base(platform) + n * 10_000 + j)
            markup = Decimal(rng.choice(("1.8", "2.2", "2.5", "3.0")))
            price = (ref.sku_cost[code] * markup).quantize(Decimal("1")) - Decimal("0.10")
            listings.append((item_id, f"{item_id}1", code, _title(code, ref), price))
        # a few listings whose merchant code matches nothing: the mapping screen's work
        for k in range(3):
            item_id = str(_item_base(platform) + n * 10_000 + 9_000 + k)
            listings.append((item_id, f"{item_id}1", f"OLD-{n}{k:02d}", f"旧款清仓商品 {k + 1}",
                             Decimal("9.90")))
        cat.upsert_listings(s, shop_id, [
            cat.ListingInput(i, p, c, t, ref.sku_ids.get(c)) for i, p, c, t, _ in listings])
        ref.shops[shop_id] = (platform, listings)
    return ref


def _item_base(platform: str) -> int:
    return {"taobao": 680_000_000_000, "tmall": 690_000_000_000, "jd": 100_000_000_000,
            "pdd": 500_000_000_000}.get(platform, 1_000)


def _title(code: str, ref: _Ref) -> str:
    return f"【包邮】{ref.sku_name[code]}"[:120]


def _rates(first: Decimal, step: Decimal, excluded: tuple[str, ...]) -> list[cat.RateInput]:
    """A default rate, dearer rates for remote regions, exclusions."""
    out = [cat.RateInput("*", first, step)]
    for province in fakedata.PROVINCES:
        if province in excluded:
            out.append(cat.RateInput(province, Decimal("0.00"), Decimal("0.00"), excluded=True))
        elif province in fakedata.REMOTE_PROVINCES:
            out.append(cat.RateInput(province, first * 3, step * 3))
        elif province in {"浙江省", "江苏省", "上海市", "安徽省"}:
            out.append(cat.RateInput(province, first - Decimal("1.00"), step))
        else:
            out.append(cat.RateInput(province, first, step))
    return out


# --- orders ---------------------------------------------------------------------------------

_PLATFORM_STATUS = {
    OrderStatus.NEW: "WAIT_SELLER_SEND_GOODS", OrderStatus.SHIPPED: "WAIT_BUYER_CONFIRM_GOODS",
    OrderStatus.DONE: "TRADE_FINISHED", OrderStatus.CANCELLED: "TRADE_CLOSED",
}


def _order_id(rng: random.Random, platform: str, n: int) -> str:
    if platform in ("taobao", "tmall"):
        return str(3_400_000_000_000_000_000 + n * 7919 + rng.randrange(7919))
    if platform == "jd":
        return str(290_000_000_000 + n * 131 + rng.randrange(131))
    if platform == "pdd":
        return f"261126-{400_000_000_000_000 + n * 977 + rng.randrange(977)}"
    return str(10_000 + n)


def _make_orders(rng: random.Random, now: datetime, ref: _Ref
                 ) -> dict[int, list[PlatformOrder]]:
    """2,000 orders spread over the shops and the last 30 days (the newest are open)."""
    shop_ids = sorted(ref.shops)
    weights = [30, 25, 20, 18, 7][:len(shop_ids)]
    out: dict[int, list[PlatformOrder]] = defaultdict(list)
    for n in range(ORDER_COUNT):
        shop_id = rng.choices(shop_ids, weights=weights)[0]
        platform, listings = ref.shops[shop_id]
        age = timedelta(seconds=rng.randrange(DAYS * 86_400))
        created = now - age
        paid = created + timedelta(seconds=rng.randrange(5, 600))
        r = rng.random()
        if r < 0.03:
            status = OrderStatus.CANCELLED
        elif age < timedelta(days=1):
            status = OrderStatus.NEW
        elif age < timedelta(days=3):
            status = OrderStatus.NEW if r < 0.5 else OrderStatus.SHIPPED
        elif age < timedelta(days=8):
            status = OrderStatus.SHIPPED if r < 0.5 else OrderStatus.DONE
        else:
            status = OrderStatus.DONE
        modified = min(now, paid + min(age / 2, timedelta(days=10)))
        lines = []
        for k in range(rng.choices((1, 2, 3), weights=(70, 22, 8))[0]):
            item_id, psku, code, title, price = rng.choice(
                listings if status == OrderStatus.NEW else listings[:-3])
            qty = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
            lines.append(PlatformOrderLine(f"{n}{k}", qty, price, price * qty, item_id, psku,
                                           code, title))
        total = sum((ln.paid_amount for ln in lines), Decimal(0))
        post_fee = Decimal("0.00") if total >= 49 else Decimal("6.00")
        addr = fakedata.address(rng)
        out[shop_id].append(PlatformOrder(
            platform_order_id=_order_id(rng, platform, n),
            platform_status=_PLATFORM_STATUS[status], status=status, created_at=created,
            modified_at=modified, lines=tuple(lines), address=addr, paid_at=paid,
            buyer_nick=fakedata.nick(rng), buyer_message=fakedata.buyer_message(rng),
            total_amount=total + post_fee, paid_amount=total + post_fee, post_fee=post_fee))
    return out


def _warehouse_for(province: str, ref: _Ref) -> int:
    if province in _SOUTH:
        return ref.warehouse_ids["GZ"]
    if province in _WEST:
        return ref.warehouse_ids["CD"]
    return ref.warehouse_ids["HZ"]


def _courier_for(rng: random.Random, province: str, ref: _Ref) -> int:
    if province in fakedata.REMOTE_PROVINCES:
        return ref.courier_ids["EMS"]
    return ref.courier_ids[rng.choices(("ZTO", "YTO", "YUNDA", "SF"), (40, 30, 20, 10))[0]]


def _place_orders(s: Any, rng: random.Random, now: datetime, ref: _Ref,
                  orders: dict[int, list[PlatformOrder]],
                  order_ids: dict[int, dict[str, int]]) -> None:
    """Map lines, put orders in review/held/approved/shipped, and post the stock: opening
    quantities, shipments of shipped orders, reservations of approved ones."""
    all_ids = [oid for ids in order_ids.values() for oid in ids.values()]
    seeded.map_lines_by_code(s, all_ids)
    lines = seeded.order_lines(s, all_ids)
    by_order: dict[int, list[tuple[int | None, int]]] = defaultdict(list)
    for oid, sku, qty in lines:
        by_order[oid].append((sku, qty))
    statuses: list[seeded.SeededStatus] = []
    shipped: list[tuple[int, int, int, int]] = []  # order, warehouse, sku, qty
    shipped_at: dict[int, datetime] = {}
    reserved: list[tuple[int, int, int, int]] = []
    for shop_id, batch in orders.items():
        for o in batch:
            oid = order_ids[shop_id][o.platform_order_id]
            wh = _warehouse_for(o.address.province, ref)
            courier = _courier_for(rng, o.address.province, ref)
            its = by_order[oid]
            unmapped = any(sku is None for sku, _ in its)
            target, hold = o.status.value, ""
            if o.status in (OrderStatus.SHIPPED, OrderStatus.DONE):
                shipped.extend((oid, wh, k, q) for k, q in _expand(its, ref))
                shipped_at[oid] = min(now, (o.paid_at or o.created_at) + timedelta(hours=20))
            elif o.status == OrderStatus.NEW:
                if unmapped:
                    target, hold = OrderStatus.HELD.value, HoldReason.UNMAPPED_SKU.value
                else:
                    r = rng.random()
                    if r < 0.3:
                        target = OrderStatus.NEW.value
                    elif r < 0.6:
                        target = OrderStatus.REVIEW.value
                    elif r < 0.7:
                        target = OrderStatus.HELD.value
                        hold = (HoldReason.BUYER_MESSAGE.value if o.buyer_message
                                else HoldReason.MANUAL.value)
                    else:
                        target = OrderStatus.APPROVED.value
                        reserved.extend((oid, wh, k, q) for k, q in _expand(its, ref))
            keep = target in (OrderStatus.NEW.value, OrderStatus.CANCELLED.value) and not hold
            statuses.append(seeded.SeededStatus(
                oid, o.status.value, target,
                None if keep else wh, None if keep else courier, hold))
    seeded.set_statuses(s, statuses, now)
    _post_stock(s, rng, now, ref, shipped, shipped_at, reserved)


def _expand(items: list[tuple[int | None, int]], ref: _Ref) -> list[tuple[int, int]]:
    out = []
    for sku, qty in items:
        if sku is None:
            continue
        for comp, n in ref.bundles.get(sku, ((sku, 1),)):
            out.append((comp, qty * n))
    return out


def _post_stock(s: Any, rng: random.Random, now: datetime, ref: _Ref,
                shipped: list[tuple[int, int, int, int]], shipped_at: dict[int, datetime],
                reserved: list[tuple[int, int, int, int]]) -> None:
    """Opening stock large enough for the history, then the history through the ledger, so
    the ledger explains every balance."""
    used: dict[tuple[int, int], int] = defaultdict(int)
    for _, wh, sku, qty in shipped + reserved:
        used[(wh, sku)] += qty
    moves: list[st.Move] = []
    opened = now - timedelta(days=DAYS + 1)
    plain = [i for code, i in sorted(ref.sku_ids.items()) if i not in ref.bundles]
    for wh in ref.warehouse_ids.values():
        for sku in plain:
            low = rng.random() < 0.05  # a few SKUs run low: stock alerts have work
            opening = used[(wh, sku)] + (rng.randrange(0, 3) if low else rng.randrange(20, 300))
            if opening:
                moves.append(st.Move(wh, sku, MoveKind.OPENING, "opening", "demo",
                                     d_on_hand=opening, note="期初库存", at=opened))
    for oid, wh, sku, qty in shipped:  # dated when they happened: turnover has a history
        at = shipped_at[oid]
        moves.append(st.Move(wh, sku, MoveKind.RESERVE, "order", str(oid), d_reserved=qty,
                             at=at - timedelta(hours=2)))
        moves.append(st.Move(wh, sku, MoveKind.SHIPMENT, "order", str(oid), d_on_hand=-qty,
                             d_reserved=-qty, at=at))
    for oid, wh, sku, qty in reserved:
        moves.append(st.Move(wh, sku, MoveKind.RESERVE, "order", str(oid), d_reserved=qty))
    st.post_moves(s, moves, now)
