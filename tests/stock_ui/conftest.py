"""A small stock to look at: two warehouses, 30 SKUs (one with a hostile name, one with an
EAN-13, one with a 13-digit barcode whose check digit is wrong), reservations, stock in
transit and a dated ledger for turnover; the stock page logged in as the owner, in Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from ecerp_desktop.domain.auth import Actor, Role, actor_for
from ecerp_desktop.domain.barcodes import make_ean13
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store.stock import Move, post_moves
from ecerp_desktop.ui import i18n
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.fonts import register_bundled_font
from ecerp_desktop.ui.ops import wait_all

D = Decimal
HOSTILE = '=HYPERLINK("http://evil.example/x","点我")'
EAN = make_ean13("690", 12345)
BAD_EAN = EAN[:12] + str((int(EAN[12]) + 1) % 10)
N_SKUS = 30


@dataclass(frozen=True)
class Seeded:
    store: Store
    hz: int
    gz: int
    ids: dict[str, int]  # code → SKU id
    # (warehouse id, code) → (on hand, reserved, in transit, cost)
    balances: dict[tuple[int, str], tuple[int, int, int, Decimal]]
    now: datetime


def code(i: int) -> str:
    return f"SKU-{i:03d}"


@pytest.fixture
def seeded(store: Store) -> Seeded:
    now = utcnow()
    with store.write() as s:
        hz = cat.upsert_warehouse(s, code="HZ", name="杭州仓", province="浙江省").id
        gz = cat.upsert_warehouse(s, code="GZ", name="广州仓", province="广东省").id
        items = [cat.SkuInput(code(i), HOSTILE if i == 7 else f"商品{i}", 100,
                              D(f"{1 + i}.50")) for i in range(N_SKUS)]
        ids = cat.upsert_skus(s, items, now)
        cat.add_barcodes(s, [(EAN, ids[code(1)]), (BAD_EAN, ids[code(2)])])
        balances: dict[tuple[int, str], tuple[int, int, int, Decimal]] = {}
        moves = []
        for i in range(N_SKUS):
            for wh, base in ((hz, 10), (gz, 3)):
                on_hand = base * i
                reserved = min(on_hand, 2) if i % 5 == 0 and on_hand else 0
                transit = 7 if i % 6 == 1 and wh == gz else 0
                moves.append(Move(wh, ids[code(i)], MoveKind.OPENING, "import", "opening",
                                  d_on_hand=on_hand, d_in_transit=transit,
                                  at=now - timedelta(days=60)))
                if reserved:
                    moves.append(Move(wh, ids[code(i)], MoveKind.RESERVE, "order", f"O{i}",
                                      d_reserved=reserved))
                balances[(wh, code(i))] = (on_hand, reserved, transit, D(f"{1 + i}.50"))
        post_moves(s, moves, now)
    return Seeded(store, hz, gz, ids, balances, now)


@pytest.fixture
def owner() -> Actor:
    return actor_for(None, "owner", Role.ADMIN)


@pytest.fixture
def stock_page(qtbot, seeded: Seeded, owner: Actor):  # type: ignore[no-untyped-def]
    from ecerp_desktop.ui.stock_page import StockPage

    page = StockPage(PageContext(seeded.store, owner))
    qtbot.addWidget(page)
    page.resize(1400, 800)
    yield page
    wait_all()


@pytest.fixture(autouse=True)
def chinese(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    register_bundled_font(qapp)
    assert i18n.install("zh_CN")
    yield
    wait_all()
