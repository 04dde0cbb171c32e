"""The store keeps its promises on both databases: constraints, exact money, UTC times,
hostile text stored as-is, writers that never see "database is locked"."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine
from ecerp_desktop.services.ingest import ingest_orders
from ecerp_desktop.store import Store
from ecerp_desktop.store import settings as settings_store
from ecerp_desktop.store.database import is_network_path
from ecerp_desktop.store.schema import (
    OrderHistoryRow,
    OrderLineRow,
    OrderRow,
    ShopRow,
    SkuRow,
    StockBalanceRow,
    WarehouseRow,
)
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

T0 = datetime(2026, 11, 11, 0, 0, tzinfo=UTC)
HOSTILE = "张三'); DROP TABLE orders;-- ^XZ^XA~JR =cmd|'/c calc'!A1 👨‍👩‍👧 \u202e" + "长" * 2000


def _shop(store: Store) -> int:
    with store.write() as s:
        shop = ShopRow(platform="taobao", name="旗舰店", created_at=T0)
        s.add(shop)
        s.flush()
        return shop.id


def _order(tid: str, modified: datetime, status: OrderStatus = OrderStatus.NEW,
           pstatus: str = "WAIT_SELLER_SEND_GOODS", paid: str = "99.90",
           refund: str = "none") -> PlatformOrder:
    from ecerp_desktop.domain.orders import RefundState

    return PlatformOrder(
        platform_order_id=tid, platform_status=pstatus, status=status,
        created_at=T0, modified_at=modified, paid_at=T0,
        lines=(PlatformOrderLine("1", 2, Decimal("49.95"), Decimal(paid), "i1", "s1", "SKU-1",
                                 HOSTILE[:100], RefundState(refund)),),
        address=Address(name=HOSTILE[:50], phone="13812340000", province="浙江省",
                        city="杭州市", district="西湖区", detail=HOSTILE),
        buyer_message=HOSTILE, paid_amount=Decimal(paid), total_amount=Decimal(paid))


def test_an_order_is_stored_once_and_newest_wins(store: Store) -> None:
    shop = _shop(store)
    first = ingest_orders(store, shop, [_order("T1", T0), _order("T1", T0)])
    assert (first.inserted, first.updated) == (1, 0)
    older = ingest_orders(store, shop, [_order("T1", T0 - timedelta(hours=1), paid="1.00")])
    assert older.unchanged == 1
    newer = ingest_orders(store, shop, [_order("T1", T0 + timedelta(minutes=5),
                                               OrderStatus.CANCELLED, "TRADE_CLOSED",
                                               refund="refunded")])
    assert newer.updated == 1
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(OrderRow)) == 1
        row = s.scalars(select(OrderRow)).one()
        assert row.status == "cancelled" and row.paid_amount == Decimal("99.90")
        assert row.buyer_message == HOSTILE and row.address_detail == HOSTILE
        assert row.modified_at == T0 + timedelta(minutes=5)
        assert s.scalars(select(OrderLineRow.refund_state)).one() == "refunded"
        history = s.scalars(select(OrderHistoryRow.action).order_by(OrderHistoryRow.id)).all()
        assert history == ["pulled", "platform_status"]


def test_nul_and_lone_surrogates_read_back_the_same_on_both(store: Store) -> None:
    shop = _shop(store)
    nasty = "a\x00b\ud800c\U0001F468\u200d\U0001F469"
    o = replace(_order("T9", T0), buyer_message=nasty)
    ingest_orders(store, shop, [o])
    with store.read() as s:
        stored = s.scalar(select(OrderRow.buyer_message))
    assert stored == "a\ufffdb\ufffdc\U0001F468\u200d\U0001F469"


def test_overlong_free_text_is_cut_to_its_column_the_same_on_both(store: Store) -> None:
    """A 1,000-character item title or buyer name: PostgreSQL would refuse the whole batch,
    SQLite would keep it all; both keep the first part that fits, and the order lands."""
    shop = _shop(store)
    o = _order("T-LONG", T0)
    o = replace(o, buyer_nick="买" * 300, address=replace(o.address, name="名" * 300),
                lines=(replace(o.lines[0], title="长" * 1000),))
    assert ingest_orders(store, shop, [o]).inserted == 1
    with store.read() as s:
        row = s.scalars(select(OrderRow)).one()
        assert (row.buyer_nick, row.receiver_name) == ("买" * 128, "名" * 128)
        assert s.scalar(select(OrderLineRow.title)) == "长" * 255


def test_unique_order_per_shop_is_a_constraint(store: Store) -> None:
    shop = _shop(store)
    ingest_orders(store, shop, [_order("T1", T0)])
    with pytest.raises(IntegrityError), store.write() as s:
        s.add(OrderRow(shop_id=shop, platform_order_id="T1", status="new", created_at=T0,
                       modified_at=T0, pulled_at=T0, updated_at=T0))
        s.flush()


def test_money_is_exact_and_times_are_utc(store: Store) -> None:
    shop = _shop(store)
    ingest_orders(store, shop, [_order(f"T{i}", T0, paid="0.10") for i in range(30)])
    with store.read() as s:
        total = s.scalar(select(func.sum(OrderRow.paid_amount)))
        created = s.scalar(select(OrderRow.created_at).limit(1))
    assert total == Decimal("3.00")  # 30 × 0.10, not 2.9999999
    assert created is not None and created.tzinfo is UTC


def test_naive_times_are_refused(store: Store) -> None:
    with pytest.raises(Exception, match="naive"), store.write() as s:
        s.add(ShopRow(platform="jd", name="x", created_at=datetime(2026, 1, 1)))
        s.flush()


def test_aware_times_in_any_zone_are_stored_as_utc(store: Store) -> None:
    beijing = timezone(timedelta(hours=8))
    with store.write() as s:
        s.add(ShopRow(platform="jd", name="京东店", created_at=datetime(2026, 1, 1, 8,
                                                                      tzinfo=beijing)))
    with store.read() as s:
        assert s.scalar(select(ShopRow.created_at)) == datetime(2026, 1, 1, tzinfo=UTC)


def test_stock_balance_can_never_reserve_more_than_on_hand(store: Store) -> None:
    with store.write() as s:
        wh = WarehouseRow(code="HZ", name="杭州仓", province="浙江省")
        sku = SkuRow(code="SKU-1", name="杯子", created_at=T0, updated_at=T0)
        s.add_all([wh, sku])
        s.flush()
        s.add(StockBalanceRow(warehouse_id=wh.id, sku_id=sku.id, on_hand=2, reserved=2,
                              in_transit=0, updated_at=T0))
    with pytest.raises(IntegrityError), store.write() as s:
        bal = s.scalars(select(StockBalanceRow)).one()
        bal.reserved = 3
        s.flush()


@pytest.mark.parametrize("text", ["' OR 1=1 --", "%", "_", "\\", "😀" * 1000, "长" * 100_000])
def test_hostile_settings_round_trip(store: Store, text: str) -> None:
    now = T0
    with store.write() as s:
        settings_store.put(s, text[:100], {"v": text}, now)
    with store.read() as s:
        assert settings_store.get(s, text[:100]) == {"v": text}


def test_two_writers_never_see_database_is_locked(tmp_path: Path,
                                                  sqlite_template: Path) -> None:
    import shutil

    path = tmp_path / "two.sqlite3"
    shutil.copy(sqlite_template, path)
    a, b = Store(f"sqlite:///{path}"), Store(f"sqlite:///{path}")
    errors: list[BaseException] = []

    def writer(store: Store, prefix: str) -> None:
        try:
            for i in range(40):
                with store.write() as s:
                    count = int(settings_store.get(s, "counter", 0))
                    settings_store.put(s, "counter", count + 1, T0)
                    settings_store.put(s, f"{prefix}{i}", i, T0)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(st, p)) for st, p in [(a, "a"), (b, "b")]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with a.read() as s:
        assert settings_store.get(s, "counter") == 80  # no lost update: BEGIN IMMEDIATE


def test_network_share_is_refused() -> None:
    assert is_network_path(r"\\fileserver\erp\ecerp.sqlite3")
    assert is_network_path("//fileserver/erp/ecerp.sqlite3")
    with pytest.raises(DomainError) as info:
        Store(r"sqlite:///\\fileserver\erp\ecerp.sqlite3")
    assert info.value.code is ErrorCode.NETWORK_SHARE_REFUSED
    assert not is_network_path("/tmp/local.sqlite3")
