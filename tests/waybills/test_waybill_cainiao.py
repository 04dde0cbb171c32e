"""Cainiao e-waybills over real HTTP to the loopback simulator: TOP signing, batches,
idempotency per parcel, lookup, print data and sort codes, orders moving to WAYBILLED."""

from __future__ import annotations

import json

import pytest
from ecerp_desktop.connectors.base import AuthFailed, ConnectorError
from ecerp_desktop.connectors.cainiao import (
    MAX_BATCH,
    CainiaoWaybillService,
    apply_request,
    sort_code_of,
)
from ecerp_desktop.connectors.waybill import Party, WaybillRequest
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import waybills as svc
from ecerp_desktop.sim.cainiao import CainiaoSim
from ecerp_desktop.store import printing as print_store
from ecerp_desktop.store import waybills as ws
from ecerp_desktop.store.schema import OrderHistoryRow, WaybillRow
from sqlalchemy import func, select

from .conftest import HOSTILE, WbWorld

SENDER = Party("杭州仓", "13800000000", province="浙江省", city="杭州市", district="西湖区",
               detail="文三路 1 号")


def _req(i: int, name: str = "李四") -> WaybillRequest:
    return WaybillRequest(f"parcel:{i}:1", i, SENDER,
                          Party(name, "13900000000", province="广东省", city="深圳市",
                                district="南山区", detail="科技园 8 号"),
                          (("龙井茶", 2),), 600, (f"T{i}",), "TB")


@pytest.mark.parametrize("method", ["md5", "hmac", "hmac-sha256"])
def test_signed_get_lookup_cancel(sim: CainiaoSim, method: str) -> None:
    cn = CainiaoWaybillService("ZTO", sim.app_key, sim.app_secret, sim.session,
                               endpoint=sim.endpoint, sign_method=method)
    try:
        got = cn.get_numbers([_req(1), _req(2, HOSTILE)])
        assert [w.request_key for w in got] == ["parcel:1:1", "parcel:2:1"]
        assert len({w.number for w in got}) == 2
        assert got[0].sort_code == "广东 深圳 南山区"
        assert got[0].print_data is not None
        assert got[0].print_data["data"]["waybillCode"] == got[0].number
        assert {"signature", "templateURL", "ver"} <= set(got[0].print_data)
        # the same parcel asked again: the same number, no new one issued
        again = cn.get_numbers([_req(1)])
        assert again[0].number == got[0].number
        assert sim.numbers_for("parcel:1:1") == [got[0].number]
        found = cn.lookup("parcel:2:1")
        assert found is not None and found.number == got[1].number
        assert cn.lookup("parcel:99:1") is None
        assert cn.cancel(got[0].number) is True
        assert sim.cancelled == [got[0].number]
        assert cn.lookup("parcel:1:1") is None  # a cancelled number is not live any more
    finally:
        cn.close()


def test_wrong_secret_is_refused_by_the_signature_check(sim: CainiaoSim) -> None:
    cn = CainiaoWaybillService("ZTO", sim.app_key, "not-the-secret", sim.session,
                               endpoint=sim.endpoint)
    with pytest.raises(AuthFailed):
        cn.get_numbers([_req(1)])
    cn.close()
    assert sim.issued == []


def test_unsubscribed_courier_and_oversized_batch_are_refused(sim: CainiaoSim) -> None:
    cn = CainiaoWaybillService("NOPE", sim.app_key, sim.app_secret, sim.session,
                               endpoint=sim.endpoint)
    with pytest.raises(ConnectorError) as err:
        cn.get_numbers([_req(1)])
    assert "cp-not-subscribed" in str(err.value)
    cn.close()
    with pytest.raises(ValueError):
        apply_request("ZTO", [_req(i) for i in range(MAX_BATCH + 1)])


def test_apply_request_shape_and_limits() -> None:
    long = Party("x" * 300, province="广东省" * 10, detail="路" * 400)
    body = apply_request("ZTO", [WaybillRequest("parcel:7:2", 7, SENDER, long)])
    dto = body["trade_order_info_dtos"][0]
    assert dto["object_id"] == "parcel:7:2"
    assert dto["order_info"]["out_trade_order_list"] == ["parcel:7:2"]
    assert len(dto["recipient"]["address"]["province"]) < 20
    assert len(dto["recipient"]["address"]["detail"]) < 256
    assert sort_code_of({"data": {"routingInfo": {"routeCode": "300-A1-05"}}}) == "300-A1-05"
    assert sort_code_of({"encryptedData": "AES:x"}) == ""


def test_assign_in_batches_moves_orders_to_waybilled(wb: WbWorld, sim: CainiaoSim) -> None:
    wb.courier_cainiao("ZTO", sim, "hmac")
    orders = wb.orders(23, name=HOSTILE)
    assert all(wb.status(o) == "approved" for o in orders)
    progress: list[tuple[int, int]] = []
    res = svc.assign_waybills(wb.store, SYSTEM, progress=lambda d, t: progress.append((d, t)))
    assert len(res.assigned) == 23 and not res.failed and not res.skipped
    assert sim.get_calls == 3  # 10 + 10 + 3
    assert progress[-1] == (23, 23)
    assert len(set(res.assigned.values())) == 23
    assert sorted(res.waybilled_orders) == sorted(orders)
    assert all(wb.status(o) == "waybilled" for o in orders)
    with wb.store.read() as s:
        hist = s.execute(select(OrderHistoryRow.action, OrderHistoryRow.from_status,
                                OrderHistoryRow.to_status).where(
            OrderHistoryRow.order_id == orders[0], OrderHistoryRow.action == "waybilled")).all()
        assert [tuple(h) for h in hist] == [("waybilled", "approved", "waybilled")]
        pid = wb.parcels(orders[0])[0]
        info = ws.waybills_of_parcels(s, [pid])[pid]
        assert info.number == res.assigned[pid] and info.request_key == f"parcel:{pid}:1"
        assert info.sort_code == "广东 深圳 南山区"
        assert info.print_data and info.print_data["data"]["waybillCode"] == info.number
        # what the label printer gets for this parcel
        label = print_store.waybill_data(s, parcel_ids=[pid])[("parcel", pid)]
        assert label.waybill_number == info.number and label.sort_code == info.sort_code
    # a second run finds nothing to do and asks the service for nothing
    again = svc.assign_waybills(wb.store, SYSTEM)
    assert again.assigned == {} and sim.get_calls == 3
    assert len(sim.issued) == 23


def test_service_outage_leaves_parcels_unnumbered_then_recovers(wb: WbWorld,
                                                                 sim: CainiaoSim) -> None:
    wb.courier_cainiao("ZTO", sim)
    orders = wb.orders(3)
    sim.faults.set("http500=1")
    res = svc.assign_waybills(wb.store, SYSTEM)
    assert res.assigned == {} and len(res.failed) == 3
    assert all(wb.status(o) == "approved" for o in orders)
    sim.faults.clear()
    res = svc.assign_waybills(wb.store, SYSTEM)
    assert len(res.assigned) == 3
    assert sorted(len(sim.numbers_for(f"parcel:{p}:1")) for p in res.assigned) == [1, 1, 1]


def test_lost_answer_is_looked_up_not_asked_again(wb: WbWorld, sim: CainiaoSim) -> None:
    """The answer is cut in half on the way back (the service DID issue): the journal row
    survives, and the next run finds the number by its request key."""
    wb.courier_cainiao("ZTO", sim)
    [order] = wb.orders(1)
    pid = wb.parcels(order)[0]
    sim.faults.set("truncated=1")
    res = svc.assign_waybills(wb.store, SYSTEM)
    assert res.failed and not res.assigned
    assert len(sim.issued) == 1
    with wb.store.read() as s:
        assert ws.in_flight(s) == [(f"parcel:{pid}:1", pid, res_courier(s))]
    sim.faults.clear()
    res = svc.assign_waybills(wb.store, SYSTEM)
    assert res.recovered == [pid]
    assert res.assigned == {pid: sim.issued[0]["number"]}
    assert sim.lookup_calls == 1 and len(sim.issued) == 1
    with wb.store.read() as s:
        assert ws.in_flight(s) == []
        assert s.scalar(select(func.count()).select_from(WaybillRow)) == 1


def res_courier(s: object) -> int:
    return ws.courier_by_code(s, "ZTO").id  # type: ignore[arg-type, union-attr]


def test_couriers_keep_secrets_out_of_the_database(wb: WbWorld, sim: CainiaoSim) -> None:
    cid = wb.courier_cainiao("ZTO", sim)
    with wb.store.read() as s:
        c = ws.couriers_by_id(s, [cid])[cid]
    text = json.dumps(c.settings)
    assert sim.app_secret not in text and sim.session not in text
    assert c.waybill_source == "cainiao" and c.settings["endpoint"] == sim.endpoint


def test_number_issued_before_a_crash_for_a_parcel_intercepted_since_is_cancelled(
        wb: WbWorld, sim: CainiaoSim) -> None:
    """The answer was lost, then the order was intercepted: the next run still finds the
    number the service issued, keeps it on record and queues its cancel, so no number is
    left live at the courier; a request the service never numbered is just forgotten."""
    from ecerp_desktop.domain.timeutil import utcnow
    from ecerp_desktop.services import pipeline
    from ecerp_desktop.sync.engine import SyncEngine

    cid = wb.courier_cainiao("ZTO", sim)
    a, b = wb.orders(2)
    [pa], [pb] = wb.parcels(a), wb.parcels(b)
    sim.faults.set("truncated=1")
    assert svc.assign_waybills(wb.store, SYSTEM, parcel_ids=[pa]).failed
    sim.faults.clear()
    pipeline.intercept(wb.store, a, "refund requested", actor=SYSTEM)
    pipeline.intercept(wb.store, b, "refund requested", actor=SYSTEM)
    with wb.store.write() as s:  # b's request was journalled but never reached the service
        ws.journal(s, [(f"parcel:{pb}:1", pb, cid)], utcnow())
    res = svc.assign_waybills(wb.store, SYSTEM)
    assert res.assigned == {} and sorted(res.recovered) == [pa]
    assert "cancel queued" in res.skipped[pa]
    with wb.store.read() as s:
        assert ws.in_flight(s) == []
    engine = SyncEngine(wb.store, deliverers=svc.courier_deliverers(wb.store))
    assert engine.drain_other_targets().delivered == 1
    assert sim.cancelled == [sim.issued[0]["number"]] and len(sim.issued) == 1


def test_logs_carry_no_secret_token_or_buyer_data(wb: WbWorld, sim: CainiaoSim,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    import logging

    wb.courier_cainiao("ZTO", sim)
    orders = wb.orders(2, name="王秘密", detail="秘密路 99 号")
    caplog.set_level(logging.DEBUG)
    sim.faults.set("http500=1")
    res = svc.assign_waybills(wb.store, SYSTEM)
    assert res.failed
    sim.faults.set("code7=1")
    assert svc.assign_waybills(wb.store, SYSTEM).failed
    sim.faults.clear()
    assert len(svc.assign_waybills(wb.store, SYSTEM).assigned) == 2
    text = caplog.text + " ".join(res.failed.values())
    assert "waybills of courier ZTO failed" in caplog.text
    for secret in (sim.app_secret, sim.session, "王秘密", "秘密路", "13800"):
        assert secret not in text, secret
    assert all(wb.status(o) == "waybilled" for o in orders)


def test_read_timeout_after_the_service_applied_reuses_the_number(wb: WbWorld,
                                                                  sim: CainiaoSim) -> None:
    """The service issues, then answers too late (our read timeout fires): the parcel stays
    unnumbered for now; the next run looks the number up instead of asking again."""
    wb.courier_cainiao("ZTO", sim)
    orders = wb.orders(3)

    def impatient(c: ws.CourierInfo) -> CainiaoWaybillService:
        return CainiaoWaybillService("ZTO", sim.app_key, sim.app_secret, sim.session,
                                     endpoint=sim.endpoint, timeout=(2.0, 0.3))

    sim.after_issue_delay = 1.0
    res = svc.assign_waybills(wb.store, SYSTEM, service_for=impatient)
    assert res.assigned == {} and len(res.failed) == 3
    assert all("no answer" in why for why in res.failed.values())
    assert len(sim.issued) == 3
    sim.after_issue_delay = 0.0
    res = svc.assign_waybills(wb.store, SYSTEM, service_for=impatient)
    assert len(res.assigned) == 3 and len(res.recovered) == 3
    assert sorted(res.assigned.values()) == sorted(r["number"] for r in sim.issued)
    assert len(sim.issued) == 3 and sim.get_calls == 1
    assert all(wb.status(o) == "waybilled" for o in orders)
