"""The packing station's use cases on real databases (SQLite and PostgreSQL): open by
what was scanned, count items, weigh, print to a TCP printer, ship in one transaction."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from ecerp_desktop.domain.auth import SYSTEM, Role, actor_for
from ecerp_desktop.domain.errors import PermissionDenied
from ecerp_desktop.domain.packing import ScanResult, Stage, WeightRule
from ecerp_desktop.services import packing, pipeline, printing
from ecerp_desktop.store import packing as q
from ecerp_desktop.store.schema import OrderHistoryRow, OrderRow, OutboxRow, ParcelRow
from ecerp_desktop.store.schema_packing import PackingLogRow
from ecerp_desktop.store.stock import moves
from sqlalchemy import select

from .conftest import PACKER, PackWorld, TcpPrinter


def station(pack: PackWorld, target: str | None = None, name: str = "S1",
            **opts: object) -> packing.Station:
    printer = printing.resolve_printer(None, to=target) if target else None
    return packing.Station(pack.store, PACKER, name, printer=printer,
                           options=packing.PackingOptions(**opts))  # type: ignore[arg-type]


def row(pack: PackWorld, table: type, **where: object) -> list[SimpleNamespace]:
    with pack.store.read() as s:
        q_ = select(table)
        for k, v in where.items():
            q_ = q_.where(getattr(table, k) == v)
        return [SimpleNamespace(**{c.key: getattr(r, c.key) for c in table.__table__.columns})
                for r in s.scalars(q_)]


def test_full_parcel_scan_weigh_print_ship(pack: PackWorld, printer: TcpPrinter) -> None:
    oid, pid, poid = pack.order([("TEA-1", 2), ("SET-1", 1)], message="请用<b>纸箱</b>",
                                memo="送小样")
    assert pack.balance("TEA-1") == (50, 2) and pack.balance("CUP-1") == (50, 2)
    st = station(pack, printer.target)
    opened = st.open(poid)  # the pick slip carries the platform order id
    assert opened.kind is packing.OpenKind.OPENED and opened.view is not None
    assert opened.view.orders[0].buyer_message == "请用<b>纸箱</b>"
    assert opened.view.orders[0].seller_memo == "送小样"
    # the bundle is expanded: 2 tea, 2 cups, 1 pot to scan
    assert [(ln.code, ln.qty) for ln in st.lines()] == [("CUP-1", 2), ("POT-1", 1),
                                                        ("TEA-1", 2)]
    assert st.scan("6901234567892").result is ScanResult.COUNTED
    assert st.scan("TEA1-OLD").result is ScanResult.COUNTED  # a second barcode of TEA-1
    assert st.scan("TEA-1").result is ScanResult.TOO_MANY  # the SKU code works too
    assert st.scan("NO-SUCH").result is ScanResult.UNKNOWN
    assert st.scan("6920000000035").result is ScanResult.COMPLETE  # the pre-packed set
    v = st.verification
    assert v is not None and v.counted[pack.sku["POT-1"]] == 1
    assert v.counted[pack.sku["CUP-1"]] == 2
    v = st.verification
    assert v is not None and v.stage is Stage.WEIGHING and v.errors == 2
    check = st.weigh(600 + 1000 + 1200 + 50 + 20)
    assert check.ok and v.stage is Stage.READY
    printed = st.print_waybill()
    assert printed.ok and len(printed.job_ids) == 1
    assert st.print_waybill().already  # never printed twice by itself
    shipped = st.ship()
    assert shipped.ok and shipped.orders_shipped == (oid,)
    for _ in range(50):  # the listener stores a job when the connection closes
        if printer.jobs:
            break
        time.sleep(0.02)
    assert len(printer.jobs) == 1
    # the one transaction's rows
    [p] = row(pack, ParcelRow, id=pid)
    assert p.status == "shipped" and p.weight_g == 2870 and p.station == "S1"
    assert p.shipped_at is not None and p.courier_cost is not None
    [o] = row(pack, OrderRow, id=oid)
    assert o.status == "shipped"
    assert pack.balance("TEA-1") == (48, 0) and pack.balance("POT-1") == (49, 0)
    with pack.store.read() as s:
        issued = [m for m in moves(s, doc_type="parcel", doc_id=str(pid))
                  if m.kind.value == "shipment"]
    assert sorted((m.sku_id, m.d_on_hand, m.d_reserved) for m in issued) == sorted(
        [(pack.sku["TEA-1"], -2, -2), (pack.sku["CUP-1"], -2, -2),
         (pack.sku["POT-1"], -1, -1)])
    [out] = row(pack, OutboxRow, kind="shipment")
    assert out.target == f"shop:{pack.shop}" and out.payload["platform_order_id"] == poid
    assert out.payload["courier_code"] == "ZTO" and out.payload["line_ids"] == []
    number = out.payload["waybill_number"]  # numbered from the courier's range to print
    assert number.startswith("ZT7") and out.idempotency_key.endswith(f":{number}")
    assert printer.jobs and number.encode() in b"".join(printer.jobs)
    hist = row(pack, OrderHistoryRow, order_id=oid, action="shipped")
    assert len(hist) == 1 and hist[0].to_status == "shipped"
    [log] = row(pack, PackingLogRow, parcel_id=pid)
    assert log.errors == 2 and log.scans == 5
    c = st.counters()
    assert c.parcels == 1 and c.errors == 2 and c.avg_seconds is not None
    # shipping again (a double press) changes nothing
    again = st.ship()
    assert not again.ok
    assert len(row(pack, OutboxRow, kind="shipment")) == 1
    assert pack.balance("TEA-1") == (48, 0)


def test_open_refusals_not_found_shipped_intercepted(pack: PackWorld) -> None:
    st = station(pack, weigh=False)
    assert st.open("NOTHING-1").kind is packing.OpenKind.NOT_FOUND
    oid, _pid, poid = pack.order([("TEA-1", 1)])
    pipeline.intercept(pack.store, oid, "buyer asked for a refund")
    got = st.open(poid)
    assert got.kind is packing.OpenKind.STOPPED and got.status == "intercepted"
    assert st.verification is None
    # an order shipped already says so
    oid2, pid2, _poid2 = pack.order([("CUP-1", 1)])
    assert st.open(f"P{pid2}").kind is packing.OpenKind.OPENED  # parcel number works too
    assert st.scan("CUP-1").result is ScanResult.COMPLETE
    assert st.verification is not None and st.verification.stage is Stage.READY
    assert st.ship().ok
    other = station(pack, name="S2")
    assert other.open(str(oid2)).kind is packing.OpenKind.SHIPPED  # our order id works


def test_another_orders_slip_counts_nothing(pack: PackWorld) -> None:
    _, _, poid_a = pack.order([("TEA-1", 1), ("CUP-1", 1)])
    _, _, poid_b = pack.order([("POT-1", 1)])
    st = station(pack)
    st.open(poid_a)
    assert st.open(poid_b).kind is packing.OpenKind.BUSY
    assert st.scan(poid_b).result is ScanResult.OTHER_ORDER
    assert st.scan("POT-1").result is ScanResult.WRONG_ITEM
    assert st.scan(poid_a).result is ScanResult.SAME_PARCEL
    v = st.verification
    assert v is not None and v.counted == {} and v.errors == 2


def test_claim_tells_the_second_station_who_has_it(pack: PackWorld) -> None:
    _, pid, poid = pack.order([("TEA-1", 1)])
    a, b = station(pack, name="A"), station(pack, name="B")
    assert a.open(poid).kind is packing.OpenKind.OPENED
    got = b.open(poid)
    assert got.kind is packing.OpenKind.TAKEN and got.station == "A"
    a.abandon()  # A puts it back: now B gets it
    assert b.open(poid).kind is packing.OpenKind.OPENED
    with pack.store.read() as s:
        assert s.scalar(select(ParcelRow.station).where(ParcelRow.id == pid)) == "B"


def test_intercept_while_open_stops_the_parcel_and_ship_refuses(pack: PackWorld) -> None:
    oid, _pid, poid = pack.order([("TEA-1", 1)])
    st = station(pack)
    st.open(poid)
    st.scan("TEA-1")
    st.weigh(350)
    pipeline.intercept(pack.store, oid, "refund")
    assert st.stop_if(st.poll()) == "intercepted"
    assert st.verification is not None and st.verification.stage is Stage.STOPPED
    out = st.ship()
    assert not out.ok
    assert pack.balance("TEA-1") == (50, 0)  # released by the intercept, never issued
    assert row(pack, OutboxRow, kind="shipment") == []


def test_ship_is_all_or_nothing(pack: PackWorld) -> None:
    """The intercept lands between the last poll and the ship: nothing is written."""
    oid, pid, poid = pack.order([("TEA-1", 1)])
    st = station(pack, weigh=False)
    st.open(poid)
    st.scan("TEA-1")
    pipeline.intercept(pack.store, oid, "refund")
    out = st.ship()
    assert not out.ok and out.stopped == "intercepted"
    [p] = row(pack, ParcelRow, id=pid)
    assert p.status == "intercepted" and p.shipped_at is None
    assert row(pack, OutboxRow, kind="shipment") == []
    assert row(pack, PackingLogRow) == []
    assert row(pack, OrderHistoryRow, order_id=oid, action="shipped") == []
    with pack.store.read() as s:
        assert not [m for m in moves(s, doc_type="parcel", doc_id=str(pid))
                    if m.kind.value == "shipment"]


def test_weight_outside_needs_supervisor_code(pack: PackWorld) -> None:
    packing.save_options(pack.store, SYSTEM, WeightRule(50, 30, packing.Decimal("0")),
                         supervisor_code="2468")
    _, pid, poid = pack.order([("POT-1", 1)])
    st = packing.Station(pack.store, PACKER, "S1")
    st.open(poid)
    st.scan("POT-1")
    assert not st.weigh(1500).ok
    assert not st.ship().ok  # not READY
    assert not st.accept_weight("0000")
    assert st.accept_weight("2468")
    assert st.ship().ok
    [log] = row(pack, PackingLogRow, parcel_id=pid)
    assert log.weight_override_by == "packer1" and log.weight_g == 1500


def test_printer_off_leaves_the_job_queued_and_ships_once(
        pack: PackWorld, dead_target: str, printer: TcpPrinter) -> None:
    _, pid, poid = pack.order([("CUP-1", 1)])
    st = station(pack, dead_target, weigh=False)
    st.open(poid)
    st.scan("CUP-1")
    out = st.print_waybill(connect_timeout=0.5)
    assert not out.ok and out.message and len(out.job_ids) == 1
    with pack.store.read() as s:
        assert q.waybill_jobs(s, pid) == [(out.job_ids[0], "queued")]
    # the printer comes back (same job, re-pointed by the queue's own retry)
    st.printer = printing.resolve_printer(None, to=printer.target)
    with pack.store.write() as s:
        from ecerp_desktop.store.schema_printing import PrintJobRow
        s.execute(PrintJobRow.__table__.update().values(target=printer.target))
    again = st.print_waybill()
    assert again.ok and again.job_ids == out.job_ids
    assert st.ship().ok and not st.ship().ok
    with pack.store.read() as s:
        assert len(q.waybill_jobs(s, pid)) == 1


def test_pack_permission_required(pack: PackWorld) -> None:
    with pytest.raises(PermissionDenied):
        packing.Station(pack.store, actor_for(None, "wh", Role.WAREHOUSE), "S1")


def test_abandon_cancels_a_queued_waybill_and_a_supervisor_frees_a_stale_claim(
        pack: PackWorld, dead_target: str) -> None:
    _, pid, poid = pack.order([("CUP-1", 1)])
    st = station(pack, dead_target, weigh=False)
    st.open(poid)
    st.scan("CUP-1")
    assert not st.print_waybill(connect_timeout=0.5).ok
    st.abandon()
    with pack.store.read() as s:
        assert [state for _, state in q.waybill_jobs(s, pid)] == ["cancelled"]
    crashed = station(pack, name="CRASHED")
    assert crashed.open(poid).kind is packing.OpenKind.OPENED  # …and the PC dies
    other = station(pack, name="S2")
    assert other.open(poid).station == "CRASHED"
    with pytest.raises(PermissionDenied):
        other.force_release(poid)  # a packer cannot
    boss = packing.Station(pack.store, SYSTEM, "S2")
    assert boss.force_release(poid).station == "CRASHED"
    assert other.open(poid).kind is packing.OpenKind.OPENED


def test_a_failing_ledger_issue_rolls_the_whole_ship_back(pack: PackWorld) -> None:
    """The reservation is gone (someone released it by hand): the issue is refused, and
    the parcel, the order, the outbox and the history stay as they were."""
    from ecerp_desktop.domain.timeutil import utcnow
    from ecerp_desktop.store import stock as stock_store

    oid, pid, poid = pack.order([("TEA-1", 1)])
    st = station(pack, weigh=False)
    st.open(poid)
    st.scan("TEA-1")
    with pack.store.write() as s:
        assert stock_store.release(s, pack.wh, pack.sku["TEA-1"], 1, doc_type="test",
                                   doc_id="x", now=utcnow())
    out = st.ship()
    assert not out.ok and out.error is not None
    [p] = row(pack, ParcelRow, id=pid)
    assert p.status == "open" and p.shipped_at is None and p.weight_g is None
    [o] = row(pack, OrderRow, id=oid)
    assert o.status == "approved"
    assert row(pack, OutboxRow) == [] and row(pack, PackingLogRow) == []
    assert row(pack, OrderHistoryRow, order_id=oid, action="shipped") == []
    assert pack.balance("TEA-1") == (50, 0)


def test_a_merged_parcel_ships_both_orders_with_one_confirmation_each(pack: PackWorld) -> None:
    a, _, poid_a = pack.order([("TEA-1", 1)], buyer="same-buyer", process=False)
    b, _, poid_b = pack.order([("CUP-1", 1)], buyer="same-buyer", process=False)
    pipeline.process_pending(pack.store, SYSTEM)
    assert len(row(pack, ParcelRow)) == 1  # same buyer and address: merged (合单)
    st = station(pack, weigh=False)
    assert st.open(poid_b).kind is packing.OpenKind.OPENED  # the member's slip finds it
    assert {ln.code for ln in st.lines()} == {"TEA-1", "CUP-1"}
    st.scan("TEA-1")
    st.scan("CUP-1")
    assert st.ship().orders_shipped == tuple(sorted((a, b)))
    assert {o.status for o in row(pack, OrderRow)} == {"shipped"}
    outs = row(pack, OutboxRow, kind="shipment")
    assert sorted(o.payload["platform_order_id"] for o in outs) == sorted([poid_a, poid_b])


def test_no_waybill_number_no_print_no_ship(pack: PackWorld, printer: TcpPrinter) -> None:
    """A courier without numbers left: the label is refused with the reason, the parcel
    stays open, nothing is queued or shipped."""
    from ecerp_desktop.store import catalog as cat

    _, pid, poid = pack.order([("CUP-1", 1)])
    with pack.store.write() as s:
        empty = cat.upsert_courier(s, code="EMS", name="邮政")
        s.execute(ParcelRow.__table__.update().where(ParcelRow.id == pid)
                  .values(courier_id=empty))
    st = station(pack, printer.target, weigh=False)
    st.open(poid)
    st.scan("CUP-1")
    printed, shipped = st.finish()
    assert printed is not None and not printed.ok and "EMS" in printed.message
    assert not shipped.ok
    with pack.store.read() as s:
        assert q.waybill_jobs(s, pid) == []
    [p] = row(pack, ParcelRow, id=pid)
    assert p.status == "open"
    assert row(pack, OutboxRow, kind="shipment") == []


def test_a_crashed_stations_claim_lapses_and_the_next_station_takes_over(
        pack: PackWorld) -> None:
    """A station that stops renewing its claim (crash, network gone) loses the parcel after
    the lease; one that is alive keeps it; the crashed one cannot ship it when it returns."""
    from datetime import timedelta

    from ecerp_desktop.domain.timeutil import utcnow
    from sqlalchemy import update

    _, pid, poid = pack.order([("CUP-1", 1)])
    crashed = station(pack, name="CRASHED", weigh=False)
    assert crashed.open(poid).kind is packing.OpenKind.OPENED
    other = station(pack, name="S2", weigh=False)
    assert other.open(poid).kind is packing.OpenKind.TAKEN  # alive (renewed just now)

    def age_claim(by: timedelta) -> None:
        with pack.store.write() as s:
            s.execute(update(ParcelRow).where(ParcelRow.id == pid)
                      .values(claimed_at=utcnow() - by))

    age_claim(q.CLAIM_LEASE + timedelta(seconds=1))
    crashed.claim_renew = timedelta(0)  # renew at every poll (the app: once a minute)
    assert crashed.poll() is not None  # alive: the poll renews the lapsed lease…
    assert other.open(poid).kind is packing.OpenKind.TAKEN  # …so it keeps the parcel
    age_claim(q.CLAIM_LEASE + timedelta(seconds=1))  # …then it dies, polling no more
    out = other.open(poid)
    assert out.kind is packing.OpenKind.OPENED and out.taken_from == "CRASHED"
    # the crashed station comes back: its poll stops the parcel, and shipping is refused
    assert crashed.stop_if(crashed.poll()) == "station:S2"
    other.scan("CUP-1")
    assert other.ship().ok
    assert row(pack, ParcelRow, id=pid)[0].status == "shipped"
