"""End to end over loopback: `ecerp shop add` + `ecerp sync run --once` against the Taobao
simulator, with its faults, and the outbox pushing shipments back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from ecerp_desktop.cli.main import main
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.sim.taobao import TaobaoSim
from ecerp_desktop.store import Store
from ecerp_desktop.store import sync as sync_store
from sqlalchemy import text


@pytest.fixture
def sim() -> Iterator[TaobaoSim]:
    s = TaobaoSim(seed=3)
    now = datetime.now(UTC)
    s.book.pregenerate(400, now - timedelta(hours=30), now - timedelta(minutes=10))
    s.start()
    yield s
    s.stop()


def ecerp(store: Store, *args: str) -> int:
    if args[:2] == ("sync", "run"):
        args = (*args, "--backoff", "0.05")
    return main(["--db", store.url, *args])


def add_shop(store: Store, sim: TaobaoSim, name: str = "tb") -> None:
    assert ecerp(store, "shop", "add", "--platform", "taobao", "--name", name,
                 "--endpoint", sim.endpoint, "--app-key", sim.app_key,
                 "--app-secret", sim.app_secret, "--session", sim.session) == 0


def counts(store: Store) -> tuple[int, int, int]:
    with store.read() as s:
        orders = s.execute(text("SELECT count(*) FROM orders")).scalar()
        distinct = s.execute(text(
            "SELECT count(DISTINCT platform_order_id) FROM orders")).scalar()
        orphans = s.execute(text(
            "SELECT count(*) FROM order_lines l LEFT JOIN orders o ON o.id = l.order_id "
            "WHERE o.id IS NULL")).scalar()
    return int(orders), int(distinct), int(orphans)


def listed(store: Store, capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    capsys.readouterr()
    assert ecerp(store, "orders", "list", "--json") == 0
    out = capsys.readouterr().out
    return {o["platform_order_id"]: o for o in map(json.loads, out.splitlines())}


def test_pull_everything_exactly_once(store: Store, sim: TaobaoSim,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    add_shop(store, sim)
    assert ecerp(store, "sync", "run", "--once") == 0
    assert ecerp(store, "sync", "run", "--once") == 0  # a second run changes nothing
    book = {o.platform_order_id: o for o in sim.book.all()}
    got = listed(store, capsys)
    assert set(got) == set(book)
    assert counts(store) == (len(book), len(book), 0)
    sample = next(iter(book.values()))
    row = got[sample.platform_order_id]
    assert row["shop"] == "tb" and row["platform"] == "taobao"
    assert row["paid_amount"] == f"{sample.paid_amount:.2f}"
    assert [ln["qty"] for ln in row["lines"]] == [ln.qty for ln in sample.lines]
    assert row["modified_at"].endswith("+00:00")
    assert row["status"] in {s.value for s in OrderStatus}
    # buyer data masked in the listing
    assert sample.address.phone not in json.dumps(row, ensure_ascii=False)
    # secrets only in the credential store
    with store.read() as s:
        dump = json.dumps([list(r) for r in s.execute(text("SELECT * FROM shops"))],
                          default=str)
    assert sim.app_secret not in dump and sim.session not in dump


def test_faults_quarantine_the_bad_import_the_good(
        store: Store, sim: TaobaoSim, capsys: pytest.CaptureFixture[str]) -> None:
    sim.faults.set("rate429=0.02,code7=0.02,http500=0.04,html200=0.03,truncated=0.03,"
                   "repeat=0.1,poison=2,ban=1,seed=5")
    add_shop(store, sim)
    rc = ecerp(store, "sync", "run", "--once")
    sim.faults.clear()
    if rc != 0:  # a window may exhaust its retries under this much noise: run again
        assert ecerp(store, "sync", "run", "--once") == 0
    book = {o.platform_order_id for o in sim.book.all()}
    with store.read() as s:
        quarantined = {q.platform_order_id for q in sync_store.quarantined(s)}
    assert len(quarantined) >= 1
    got = set(listed(store, capsys))
    assert got | quarantined == book
    total, distinct, orphans = counts(store)
    assert total == distinct == len(got) and orphans == 0


def test_endless_paging_ends(store: Store, sim: TaobaoSim) -> None:
    sim.faults.set("endless_paging")
    add_shop(store, sim)
    ecerp(store, "sync", "run", "--once")  # ends, whatever it reports
    with store.read() as s:
        reasons = " ".join(q.reason for q in sync_store.quarantined(s))
        cur = sync_store.get_cursor(s, 1, "orders")
    assert "pag" in reasons.lower() or (cur is not None and cur.last_error)


def test_shipment_pushed_once_through_failures_then_parked_and_retried(
        store: Store, sim: TaobaoSim, capsys: pytest.CaptureFixture[str]) -> None:
    add_shop(store, sim)
    assert ecerp(store, "sync", "run", "--once") == 0
    paid = [o for o in sim.book.all() if o.status == OrderStatus.NEW][:2]
    with store.write() as s:
        for o in paid:
            sync_store.enqueue(s, "shipment", "shop:1", f"ship:1:{o.platform_order_id}:W1",
                               {"platform_order_id": o.platform_order_id,
                                "courier_code": "ZTO", "waybill_number": "W1" + o.platform_order_id[-6:]})
        # enqueueing the same key again is a no-op
        assert not sync_store.enqueue(s, "shipment", "shop:1",
                                      f"ship:1:{paid[0].platform_order_id}:W1", {})
    # the reply is lost after the platform applied it, then the platform recovers
    sim.faults.set("truncated=1")
    assert ecerp(store, "sync", "run", "--once", "--max-attempts", "5") == 1  # pull fails
    sim.faults.clear()
    assert ecerp(store, "sync", "run", "--once", "--outbox-wait", "10") == 0
    assert sorted(s["tid"] for s in sim.shipments) == sorted(o.platform_order_id for o in paid)
    with store.read() as s:
        assert [e.status for e in sync_store.outbox_entries(s)] == ["done", "done"]
    # a push that keeps failing is parked with its reason, then retried from the CLI
    with store.write() as s:
        sync_store.enqueue(s, "shipment", "shop:1", "ship:1:nosuch:W9",
                           {"platform_order_id": "999999999", "courier_code": "ZTO",
                            "waybill_number": "W9"})
    ecerp(store, "sync", "run", "--once", "--max-attempts", "2", "--outbox-wait", "10")
    with store.read() as s:
        [parked] = sync_store.outbox_entries(s, status="parked")
    assert parked.last_error
    capsys.readouterr()
    assert ecerp(store, "sync", "status") == 0
    assert f"parked #{parked.id}" in capsys.readouterr().out
    assert ecerp(store, "sync", "retry", str(parked.id)) == 0
    with store.read() as s:
        assert sync_store.outbox_entry(s, parked.id).status == "pending"


@pytest.mark.parametrize("platform", ["taobao", "tmall", "jd", "pdd", "woocommerce",
                                      "shopify"])
def test_every_platform_pulls_everything_exactly_once(
        sqlite_store: Store, platform: str, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from ecerp_desktop.sim.serve import credentials, make_sim

    caplog.set_level(logging.DEBUG)

    sim = make_sim(platform, seed=5)
    book = getattr(sim, "book", None)
    if book is None:
        pytest.skip(f"the {platform} simulator has no order book")
    now = datetime.now(UTC).replace(microsecond=0)
    book.pregenerate(150, now - timedelta(hours=10), now - timedelta(minutes=10))
    sim.start()
    try:
        c = credentials(sim)
        assert ecerp(sqlite_store, "shop", "add", "--platform", platform, "--name", platform,
                     "--endpoint", c["endpoint"], "--app-key", c["app_key"],
                     "--app-secret", c["app_secret"], "--session", c["session"],
                     "--backfill-days", "1") == 0
        assert ecerp(sqlite_store, "sync", "run", "--once") == 0
        assert ecerp(sqlite_store, "sync", "run", "--once") == 0
    finally:
        sim.stop()
    expected = {o.platform_order_id: o for o in book.all()}
    got = listed(sqlite_store, capsys)
    assert set(got) == set(expected)
    assert counts(sqlite_store) == (len(expected), len(expected), 0)
    for secret in (c["app_secret"], c["session"]):  # logs never carry secrets
        assert not secret or secret not in caplog.text
    for pid, o in expected.items():
        assert sorted(ln["qty"] for ln in got[pid]["lines"]) == sorted(
            ln.qty for ln in o.lines), pid


def test_sync_run_keeps_pulling_until_ctrl_c(sqlite_store: Store, sim: TaobaoSim) -> None:
    import signal
    import subprocess
    import sys
    import time

    add_shop(sqlite_store, sim)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecerp_desktop.cli.main", "--db", sqlite_store.url, "sync",
         "run", "--interval", "0.3", "--backoff", "0.05"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        def wait_for(n: int) -> None:
            deadline = time.monotonic() + 60
            while counts(sqlite_store)[0] < n:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, f"{counts(sqlite_store)[0]} < {n}"
                time.sleep(0.2)

        wait_for(len(sim.book))
        # a new order arrives on the platform: the next round takes it in
        sim.book.put(sim.generator.new_order(datetime.now(UTC) - timedelta(minutes=5)))
        wait_for(len(sim.book))
    finally:
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(timeout=30)
    assert rc == 0
    assert counts(sqlite_store) == (len(sim.book), len(sim.book), 0)
