"""Orders for the simulators: a deterministic generator and the book that serves them.

The canonical simulated order is :class:`PlatformOrder`, exactly what a connector should
hand back after reading the platform's wire shape (addresses normalised: a county-level
city is the city, a municipality's city is the municipality). What a platform cannot carry
is left out for it (JD and Pinduoduo: no unpaid orders, refunds per whole order, a
refused refund reads as "no refund", no zip; JD no seller flag; Pinduoduo also one line per order, no buyer
nick, no street level). Each platform simulator turns
these into its own JSON once per order version and caches the text.

- :class:`OrderGenerator` draws orders (Chinese buyers from ``fakedata``, 1–N lines whose
  merchant codes are the SKU codes it was given, bundles, buyer messages, discounts and
  postage) and their later changes (:meth:`OrderGenerator.follow_up`: payment, closing,
  refund asked after payment, refund done or refused, seller memo edits, receipt).
- :class:`OrderBook` holds the current version of every order, indexed by modified time
  for window queries, and can pre-generate N orders over a time range (:meth:`pregenerate`)
  or keep adding them at N per minute in a background thread (:meth:`start_feed`).
"""

from __future__ import annotations

import bisect
import random
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ecerp_desktop.domain.money import allocate
from ecerp_desktop.domain.orders import OrderStatus, RefundState
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine
from ecerp_desktop.sim import fakedata

ZERO = Decimal("0.00")
_PRODUCTS = ("纯棉T恤", "运动短裤", "保温杯", "蓝牙耳机", "手机壳", "数据线", "洗面奶", "面霜",
             "坚果礼盒", "挂耳咖啡", "帆布包", "棒球帽", "袜子5双装", "牙刷", "抽纸", "收纳盒")
_VARIANTS = ("黑色", "白色", "藏青", "红色", "S", "M", "L", "XL", "500ml", "标准装")
_MEMOS = ("", "已联系买家", "加急", "赠品已备", "换顺丰", "改地址后再发")

# Platform id shapes: (order id base, item id base, sku id base)
_ID_BASES = {
    "taobao": (3_100_000_000_000_000_000, 600_000_000_000, 4_800_000_000_000),
    "tmall": (3_200_000_000_000_000_000, 610_000_000_000, 4_900_000_000_000),
    "jd": (280_000_000_000, 10_020_000_000, 100_010_000_000),
    "pdd": (0, 300_000_000, 1_100_000_000),
}


@dataclass(frozen=True, slots=True)
class CatalogSku:
    """A SKU as the simulated shop lists it: platform ids, our merchant code, a price."""

    code: str  # merchant code (outer_sku_id / outerSkuId / outer_id) = our SKU code
    item_id: str
    sku_id: str
    title: str
    price: Decimal
    is_bundle: bool = False


def default_sku_codes(n: int = 40) -> list[str]:
    return [f"SKU-{i:04d}" for i in range(1, n + 1)]


def make_catalog(codes: Sequence[str], *, platform: str = "taobao", seed: int = 0,
                 bundle_codes: Sequence[str] = ()) -> list[CatalogSku]:
    """Platform ids for *codes* (three SKUs per item) and *bundle_codes* (one item each)."""
    rng = random.Random(f"catalog-{seed}")
    _, item_base, sku_base = _ID_BASES.get(platform, _ID_BASES["taobao"])
    out = []
    for i, code in enumerate([*codes, *bundle_codes]):
        bundle = i >= len(codes)
        title = (f"{rng.choice(_PRODUCTS)}组合装" if bundle
                 else f"{rng.choice(_PRODUCTS)} {rng.choice(_VARIANTS)}")
        price = Decimal(rng.randrange(990, 29900, 10)) / 100
        out.append(CatalogSku(code=code, item_id=str(item_base + i // 3 * 7 + 1),
                              sku_id=str(sku_base + i * 13 + 5), title=title,
                              price=price.quantize(Decimal("0.01")), is_bundle=bundle))
    return out


def _second(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(microsecond=0)


def normalise_address(a: Address) -> Address:
    """The address as a connector should report it (see the module docstring)."""
    city = a.city
    if not city or city == "市辖区":
        city = a.province if a.province in fakedata.MUNICIPALITIES else a.district
    return replace(a, city=city) if city != a.city else a


class OrderGenerator:
    """Deterministic orders and their changes for one platform ("taobao", "tmall", "jd",
    "pdd", or another name for platform-neutral ids)."""

    def __init__(self, *, platform: str = "taobao", seed: int = 0,
                 sku_codes: Sequence[str] | None = None, bundle_codes: Sequence[str] = (),
                 max_lines: int = 3, unpaid_rate: float = 0.08, message_rate: float = 0.25,
                 hostile_rate: float = 0.02, bundle_rate: float = 0.1) -> None:
        self.platform = platform
        self.rng = random.Random(seed)
        self.catalog = make_catalog(sku_codes or default_sku_codes(), platform=platform,
                                    seed=seed, bundle_codes=bundle_codes)
        self._plain = [c for c in self.catalog if not c.is_bundle]
        self._bundles = [c for c in self.catalog if c.is_bundle]
        if platform == "pdd":  # one goods per order
            max_lines = 1
        if platform in ("pdd", "jd"):  # orders appear once paid; refunds are per order
            unpaid_rate = 0.0
        self.whole_order_refunds = platform in ("pdd", "jd")
        self.max_lines = max(1, min(max_lines, len(self._plain)))
        self.unpaid_rate, self.message_rate = unpaid_rate, message_rate
        self.hostile_rate, self.bundle_rate = hostile_rate, bundle_rate
        self._seq = 0
        self._lock = threading.Lock()

    def _next_id(self, at: datetime) -> str:
        with self._lock:
            self._seq += 1
            seq = self._seq
        base = _ID_BASES.get(self.platform)
        if self.platform == "pdd":
            local = at + timedelta(hours=8)
            return f"{local:%y%m%d}-{500_000_000_000_000 + seq * 97:015d}"
        if base is None:
            return str(100_000 + seq)
        return str(base[0] + seq * 1000 + self.rng.randrange(1000))

    def new_order(self, at: datetime, lines: int | None = None) -> PlatformOrder:
        """A new order last modified at *at* (unpaid, or already paid)."""
        rng = self.rng
        at = _second(at)
        oid = self._next_id(at)
        n = lines if lines is not None else rng.randint(1, self.max_lines)
        picks = rng.sample(self._plain, min(n, len(self._plain)))
        if self._bundles and rng.random() < self.bundle_rate:
            picks[-1] = rng.choice(self._bundles)
        qtys = [1 if rng.random() < 0.7 else rng.randint(2, 4) for _ in picks]
        gross = [c.price * q for c, q in zip(picks, qtys, strict=True)]
        total = sum(gross, ZERO)
        discount = ZERO
        if total > 50 and rng.random() < 0.3:
            discount = Decimal(rng.choice((3, 5, 10, 20))).quantize(Decimal("0.01"))
        address = normalise_address(fakedata.address(rng, hostile_rate=self.hostile_rate))
        if self.platform == "pdd":
            address = replace(address, town="", zip_code="")  # PDD: no street level, no zip
        elif self.platform == "jd":
            address = replace(address, zip_code="")
        post_fee = Decimal("10.00") if address.province in fakedata.REMOTE_PROVINCES else (
            Decimal("8.00") if rng.random() < 0.15 else ZERO)
        shares = allocate(total - discount, gross)
        order_lines = []
        for i, (c, q, share) in enumerate(zip(picks, qtys, shares, strict=True)):
            line_id = (str(int(oid) + i + 1) if self.platform in ("taobao", "tmall")
                       else c.sku_id)
            order_lines.append(PlatformOrderLine(
                platform_line_id=line_id, qty=q, price=c.price, paid_amount=share,
                platform_item_id=c.item_id, platform_sku_id=c.sku_id, merchant_sku_code=c.code,
                title=c.title))
        unpaid = rng.random() < self.unpaid_rate
        created = at - timedelta(seconds=rng.randint(0, 300))
        paid_at = None if unpaid else at - timedelta(seconds=rng.randint(0, 5))
        if paid_at is not None and paid_at < created:
            paid_at = created
        return PlatformOrder(
            platform_order_id=oid, platform_status="",
            status=OrderStatus.UNPAID if unpaid else OrderStatus.NEW,
            created_at=created, modified_at=at, lines=tuple(order_lines), address=address,
            paid_at=paid_at, buyer_nick="" if self.platform == "pdd" else fakedata.nick(rng),
            buyer_message=fakedata.buyer_message(rng, message_rate=self.message_rate,
                                                 hostile_rate=self.hostile_rate),
            total_amount=total, paid_amount=total - discount + post_fee, post_fee=post_fee,
            discount_amount=discount)

    def follow_up(self, order: PlatformOrder, at: datetime) -> PlatformOrder | None:
        """The order's next change at *at*, or None when it has none left (closed, done)."""
        rng = self.rng
        at = _second(max(at, order.modified_at))
        s = order.status
        if s == OrderStatus.UNPAID:
            if rng.random() < 0.75:
                return replace(order, status=OrderStatus.NEW, paid_at=at, modified_at=at)
            return replace(order, status=OrderStatus.CANCELLED, modified_at=at)
        if s == OrderStatus.SHIPPED:
            return replace(order, status=OrderStatus.DONE, modified_at=at)
        if s != OrderStatus.NEW:
            return None
        asked = [i for i, ln in enumerate(order.lines) if ln.refund_state == RefundState.REQUESTED]
        lines = list(order.lines)
        if asked:  # the seller (or the platform) settles the refund
            outcome = RefundState.REFUNDED if rng.random() < 0.6 else RefundState.REJECTED
            if outcome == RefundState.REJECTED and self.whole_order_refunds:
                outcome = RefundState.NONE  # JD unlocks, PDD "after-sales closed"
            for i in asked if self.whole_order_refunds else asked[:1]:
                lines[i] = replace(lines[i], refund_state=outcome)
            status = (OrderStatus.CANCELLED
                      if all(ln.refund_state == RefundState.REFUNDED for ln in lines) else s)
            return replace(order, lines=tuple(lines), status=status, modified_at=at)
        if rng.random() < 0.5:  # the buyer asks for a refund after paying
            open_lines = [i for i, ln in enumerate(lines) if ln.refund_state == RefundState.NONE]
            if open_lines:
                for i in open_lines if self.whole_order_refunds else [rng.choice(open_lines)]:
                    lines[i] = replace(lines[i], refund_state=RefundState.REQUESTED)
                return replace(order, lines=tuple(lines), modified_at=at)
        memo = rng.choice(_MEMOS[1:])
        flag = 0 if self.platform == "jd" else rng.randint(1, 5)  # JD has no flag colours
        return replace(order, seller_memo=memo, seller_flag=flag, modified_at=at)


class OrderBook:
    """Current versions of a simulator's orders, indexed by modified time. Thread-safe.

    ``index_of(id)`` is the order's creation rank (the fault injector's poison index).
    ``listeners`` are called with each new version (after the book's lock is released).
    """

    def __init__(self, generator: OrderGenerator | None = None) -> None:
        self.generator = generator or OrderGenerator()
        self._orders: dict[str, PlatformOrder] = {}
        self._rank: dict[str, int] = {}
        self._mts: dict[str, float] = {}  # current modified time of each order (POSIX)
        self._ts: list[float] = []  # modified times, ascending (stale entries skipped)
        self._ids: list[str] = []
        self._lock = threading.RLock()
        self._recent: deque[str] = deque(maxlen=500)
        self._feed: threading.Thread | None = None
        self._stop = threading.Event()
        self.listeners: list[Callable[[PlatformOrder], None]] = []

    def __len__(self) -> int:
        return len(self._orders)

    def get(self, platform_order_id: str) -> PlatformOrder | None:
        return self._orders.get(platform_order_id)

    def index_of(self, platform_order_id: str) -> int:
        return self._rank.get(platform_order_id, -1)

    def all(self) -> list[PlatformOrder]:
        with self._lock:
            return list(self._orders.values())

    def put(self, order: PlatformOrder) -> None:
        """Add an order or replace its version."""
        ts = order.modified_at.timestamp()
        with self._lock:
            oid = order.platform_order_id
            if oid not in self._rank:
                self._rank[oid] = len(self._rank)
            self._orders[oid] = order
            self._mts[oid] = ts
            pos = bisect.bisect_right(self._ts, ts)
            self._ts.insert(pos, ts)
            self._ids.insert(pos, oid)
        for listener in self.listeners:
            listener(order)

    def load(self, orders: Iterable[PlatformOrder]) -> None:
        """Bulk add (one sort instead of one insert each): for pre-generation."""
        with self._lock:
            for o in orders:
                if o.platform_order_id not in self._rank:
                    self._rank[o.platform_order_id] = len(self._rank)
                self._orders[o.platform_order_id] = o
                self._mts[o.platform_order_id] = o.modified_at.timestamp()
            pairs = sorted(((ts, oid) for oid, ts in self._mts.items()), key=lambda p: p[0])
            self._ts = [p[0] for p in pairs]
            self._ids = [p[1] for p in pairs]

    def modified_between(self, start: datetime, end: datetime, *,
                         newest_first: bool = True) -> list[PlatformOrder]:
        """Orders whose current modified time is in [start, end] (both ends included, as
        the platforms do), newest first by default, in a stable order."""
        lo_ts, hi_ts = start.timestamp(), end.timestamp()
        with self._lock:
            lo = bisect.bisect_left(self._ts, lo_ts)
            hi = bisect.bisect_right(self._ts, hi_ts)
            orders, mts, ids, tss = self._orders, self._mts, self._ids, self._ts
            out = [orders[ids[i]] for i in range(lo, hi) if mts[ids[i]] == tss[i]]
            # a version written twice in the same second leaves two live entries
            if len(out) > 1:
                seen: set[str] = set()
                out = [o for o in out if not (o.platform_order_id in seen
                                              or seen.add(o.platform_order_id))]
        if newest_first:
            out.reverse()
        return out

    def change(self, platform_order_id: str,
               update: Callable[[PlatformOrder], PlatformOrder | None]) -> PlatformOrder | None:
        """Apply *update* to the current version atomically; returns the new version."""
        with self._lock:
            current = self._orders.get(platform_order_id)
            if current is None:
                return None
            new = update(current)
            if new is None or new is current:
                return current
            self.put(new)
            return new

    def pregenerate(self, n: int, start: datetime, end: datetime, *,
                    follow_up_rate: float = 0.2) -> list[PlatformOrder]:
        """*n* orders spread evenly over [start, end); a share of them changed again later
        (still before *end*). Returns the final versions."""
        gen = self.generator
        span = (end - start).total_seconds()
        out = []
        for i in range(n):
            at = start + timedelta(seconds=span * i / max(n, 1))
            order = gen.new_order(at)
            while gen.rng.random() < follow_up_rate:
                later = order.modified_at + timedelta(seconds=gen.rng.randint(1, 3600))
                if later >= end:
                    break
                nxt = gen.follow_up(order, later)
                if nxt is None:
                    break
                order = nxt
            out.append(order)
        self.load(out)
        return out

    def tick(self, now: datetime | None = None, modify_rate: float = 0.3) -> PlatformOrder:
        """Add one new order at *now* and, with *modify_rate*, change a recent one."""
        now = now or datetime.now(UTC)
        gen = self.generator
        order = gen.new_order(now)
        self.put(order)
        self._recent.append(order.platform_order_id)
        if len(self._recent) > 1 and gen.rng.random() < modify_rate:
            oid = gen.rng.choice(list(self._recent)[:-1])
            self.change(oid, lambda o: gen.follow_up(o, now))
        return order

    def start_feed(self, orders_per_minute: float, modify_rate: float = 0.3) -> None:
        """Keep adding orders in a daemon thread until :meth:`stop_feed`."""
        if orders_per_minute <= 0 or self._feed is not None:
            return
        interval = 60.0 / orders_per_minute
        self._stop.clear()

        def run() -> None:
            while not self._stop.wait(interval):
                self.tick(modify_rate=modify_rate)

        self._feed = threading.Thread(target=run, name="sim-order-feed", daemon=True)
        self._feed.start()

    def stop_feed(self) -> None:
        self._stop.set()
        if self._feed is not None:
            self._feed.join(timeout=5)
            self._feed = None
