"""Benchmark: e-waybill numbers assigned per second.

    ecerp bench waybills [--parcels N]

In a fresh SQLite database, N paid orders are taken in and approved into parcels by the real
pipeline, then numbered by :func:`ecerp_desktop.services.waybills.assign_waybills`:

- ``BENCH waybill_assign_per_s``: a self-numbering courier (range block; one conditional
  UPDATE and one insert per chunk of 200, orders moved to WAYBILLED with history);
- ``BENCH waybill_assign_cainiao_per_s``: the Cainiao protocol over loopback HTTP to the
  simulator (TOP-signed, batches of 10, journal row before each call).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from ecerp_desktop.connectors.cainiao import CainiaoWaybillService
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.domain.platform_order import Address, PlatformOrder, PlatformOrderLine
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services import pipeline
from ecerp_desktop.services import waybills as svc
from ecerp_desktop.services.ingest import ingest_orders
from ecerp_desktop.services.setup import open_store
from ecerp_desktop.sim.cainiao import CainiaoSim
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import waybills as ws
from ecerp_desktop.store.stock import Move, post_moves

D = Decimal


def _world(store: Store, n: int, courier_code: str, cainiao: CainiaoSim | None) -> None:
    now = utcnow()
    with store.write() as s:
        shop = cat.upsert_shop(s, platform="taobao", name="bench", now=now)
        wh = cat.upsert_warehouse(s, code="HZ", name="杭州仓", province="浙江省").id
        ids = cat.upsert_skus(s, [cat.SkuInput("TEA-1", "龙井茶", 300, D("30.00"))], now)
        post_moves(s, [Move(wh, ids["TEA-1"], MoveKind.OPENING, "bench", "seed",
                            d_on_hand=n * 2)], now)
        if cainiao is None:
            c = ws.save_courier(s, code=courier_code, name="range", waybill_source="range",
                                settings={})
            ws.add_range(s, c.id, "7700000000001", f"{7700000000000 + n * 2}", now)
        else:
            c = ws.save_courier(s, code=courier_code, name="cainiao",
                                waybill_source="cainiao",
                                settings={"endpoint": cainiao.endpoint, "cp_code": courier_code})
        cat.upsert_rates(s, c.id, [cat.RateInput("*", D("5.00"), D("2.00"))])
    at = datetime.now(UTC) - timedelta(minutes=5)
    orders = [PlatformOrder(
        f"B{i:07d}", "WAIT_SELLER_SEND_GOODS", OrderStatus.NEW, at, at,
        (PlatformOrderLine(f"L{i}", 1, D("30.00"), D("30.00"), "item", "", "TEA-1", "龙井茶"),),
        Address("张三", f"138{i:08d}", "广东省", "深圳市", "南山区", "", f"科技园 {i} 号"), at,
        f"buyer{i}", "", "", 0, D("30.00"), D("30.00")) for i in range(n)]
    ingest_orders(store, shop, orders)
    pipeline.process_pending(store, SYSTEM)


def _time(store: Store, service_for: svc.ServiceFactory = svc.default_service
          ) -> tuple[int, float]:
    start = time.perf_counter()
    res = svc.assign_waybills(store, SYSTEM, service_for=service_for)
    return len(res.assigned), time.perf_counter() - start


def run(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="ecerp bench waybills")
    ap.add_argument("--parcels", type=int, default=1000)
    args = ap.parse_args(argv)
    n = max(1, args.parcels)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'range.sqlite3'}")
        _world(store, n, "ZTO", None)
        got, seconds = _time(store)
        store.dispose()
        assert got == n, f"numbered {got} of {n}"
        print(f"BENCH waybill_assign_per_s {n / seconds:.0f}", flush=True)

        sim = CainiaoSim().start()
        try:
            store = open_store(f"sqlite:///{Path(tmp) / 'cainiao.sqlite3'}")
            _world(store, n, "YTO", sim)

            def service(c: ws.CourierInfo) -> CainiaoWaybillService:
                return CainiaoWaybillService("YTO", sim.app_key, sim.app_secret, sim.session,
                                             endpoint=sim.endpoint)

            got, seconds = _time(store, service)
            store.dispose()
            assert got == n, f"numbered {got} of {n}"
            print(f"BENCH waybill_assign_cainiao_per_s {n / seconds:.0f}", flush=True)
        finally:
            sim.stop()
    return 0


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.exit(run(sys.argv[1:]))
