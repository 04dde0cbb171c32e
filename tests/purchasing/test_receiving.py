"""Receiving against a PO by scanning: counted units reach stock, flagged ones do not,
a session posts once, and two stations cannot receive more than was ordered."""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.purchasing import LineInput, POStatus, ScanKind
from ecerp_desktop.services import purchasing as pur
from ecerp_desktop.services import receiving as rcv
from ecerp_desktop.store import Store, audit

from .conftest import World


def kinds(world: World, sid: int, codes: list[str]) -> list[str]:
    return [rcv.scan(world.store, world.actor, sid, c).kind.value for c in codes]


def race(*calls: Callable[[], object]) -> list[object]:
    """Run *calls* at the same moment, each on its own thread (its own connection); each
    one's result, or the code of the DomainError it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = []

    def one(call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results.append(call())
        except DomainError as exc:
            results.append(exc.code)

    threads = [threading.Thread(target=one, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    return results


def test_scans_are_judged_and_only_counted_units_are_stocked(world: World) -> None:
    number = world.po([("TEA-1", 3, "30"), ("CUP-1", 2, "8")])
    rep = rcv.open_session(world.store, world.actor, number, station="R1")
    sid = rep.session.id
    assert rep.session.number.startswith("RC") and rep.units_remaining == 5
    got = kinds(world, sid, ["6901234567892", "TEA1-OLD", "TEA-1", "TEA-1",  # 4th: over
                             "6920000000011", "no-such-code", "POT-1", "6930000000000"])
    assert got == ["counted", "counted", "counted", "over", "counted", "unknown",
                   "not_on_po", "bundle"]
    out = rcv.scan(world.store, world.actor, sid, "CUP-1", 3)  # 1 fits, 2 over
    assert (out.kind, out.counted, out.over) == (ScanKind.OVER, 1, 2)
    assert out.line is not None and (out.line.now, out.line.remaining, out.line.over) == (
        2, 0, 2)
    rep = rcv.report(world.store, world.actor, sid)
    assert [(ln.code, ln.ordered, ln.previously, ln.now, ln.remaining, ln.over)
            for ln in rep.lines] == [("TEA-1", 3, 0, 3, 0, 1), ("CUP-1", 2, 0, 2, 0, 2)]
    assert [(f.code, f.kind.value) for f in rep.flags] == [
        ("TEA-1", "over"), ("no-such-code", "unknown"), ("POT-1", "not_on_po"),
        ("6930000000000", "bundle"), ("CUP-1", "over")]
    # nothing reaches stock before posting
    assert world.balance("TEA-1").on_hand == 0 and world.balance("POT-1").on_hand == 0
    done = rcv.post(world.store, world.actor, sid)  # over rejected
    assert done.posted and (done.received, done.over_accepted, done.over_rejected) == (5, 0, 3)
    tea, cup, pot = world.balance("TEA-1"), world.balance("CUP-1"), world.balance("POT-1")
    assert (tea.on_hand, tea.in_transit, cup.on_hand, cup.in_transit) == (3, 0, 2, 0)
    assert (pot.on_hand, pot.in_transit) == (0, 0)  # not on the PO: never counted
    assert pur.get_po(world.store, world.actor, number).status is POStatus.RECEIVED
    with world.store.read() as s:
        [entry] = [e for e in audit.recent(s) if e.action == "purchase.receive"]
        assert audit.verify_chain(s) is None
    assert entry.entity_id == number and entry.detail["over_rejected"] == 3
    assert world.ledger_clean()


def test_partial_receipts_across_sessions(world: World) -> None:
    number = world.po([("TEA-1", 10, "30")])
    first, _ = rcv.receive_codes(world.store, world.actor, number, ["TEA-1*4"], post_it=True)
    assert first.posted and world.balance("TEA-1").on_hand == 4
    assert world.balance("TEA-1").in_transit == 6
    assert pur.get_po(world.store, world.actor, number).status is POStatus.PARTIAL
    second, _ = rcv.receive_codes(world.store, world.actor, number, ["TEA-1\t5"],
                                  post_it=True)
    [ln] = second.lines
    assert (ln.previously, ln.now, ln.remaining) == (4, 5, 1)
    # the first session's report still says what it was when it posted
    [ln1] = rcv.report(world.store, world.actor, first.session.id).lines
    assert (ln1.previously, ln1.now, ln1.remaining) == (0, 4, 6)
    assert (world.balance("TEA-1").on_hand, world.balance("TEA-1").in_transit) == (9, 1)
    third, _ = rcv.receive_codes(world.store, world.actor, number, ["TEA-1", "TEA-1"],
                                 post_it=True, accept_over=True)
    assert (third.lines[0].now, third.lines[0].over) == (1, 1)
    tea = world.balance("TEA-1")
    assert (tea.on_hand, tea.in_transit) == (11, 0)  # the accepted extra unit is stocked
    po = pur.get_po(world.store, world.actor, number)
    assert po.status is POStatus.RECEIVED and po.lines[0].qty_over == 1
    assert world.ledger_clean()


def test_posting_twice_is_refused(world: World) -> None:
    number = world.po([("TEA-1", 10, "30")])
    sid = rcv.open_session(world.store, world.actor, number).session.id
    rcv.scan(world.store, world.actor, sid, "TEA-1", 4)
    assert rcv.post(world.store, world.actor, sid).posted
    for attempt in (lambda: rcv.post(world.store, world.actor, sid),
                    lambda: rcv.scan(world.store, world.actor, sid, "TEA-1"),
                    lambda: rcv.undo_last(world.store, world.actor, sid)):
        with pytest.raises(DomainError) as e:
            attempt()
        assert e.value.code is ErrorCode.RECEIPT_ALREADY_POSTED
    assert world.balance("TEA-1").on_hand == 4


def test_undo_and_an_empty_post(world: World) -> None:
    number = world.po([("TEA-1", 10, "30")])
    sid = rcv.open_session(world.store, world.actor, number).session.id
    with pytest.raises(DomainError) as e:
        rcv.post(world.store, world.actor, sid)
    assert e.value.code is ErrorCode.REQUIRED
    rcv.scan(world.store, world.actor, sid, "TEA-1", 7)
    gone = rcv.undo_last(world.store, world.actor, sid)
    assert gone is not None and gone.qty == 7
    assert rcv.report(world.store, world.actor, sid).units_now == 0
    rcv.cancel_session(world.store, world.actor, sid)
    with pytest.raises(DomainError):
        rcv.scan(world.store, world.actor, sid, "TEA-1")
    assert world.balance("TEA-1").on_hand == 0


def test_receiving_into_another_warehouse_moves_transit_from_the_pos(world: World) -> None:
    number = world.po([("CUP-1", 6, "8")])
    rep = rcv.open_session(world.store, world.actor, number, warehouse="GZ")
    rcv.scan(world.store, world.actor, rep.session.id, "CUP-1", 6)
    assert rcv.post(world.store, world.actor, rep.session.id).posted
    hz, gz = world.balance("CUP-1"), world.balance("CUP-1", world.wh2)
    assert (hz.on_hand, hz.in_transit, gz.on_hand, gz.in_transit) == (0, 0, 6, 0)
    assert world.ledger_clean()


def test_a_station_that_was_overtaken_sees_its_scans_rejudged(world: World) -> None:
    """Two sessions count the same 5 remaining units; the second to post is told, its
    scans become over, nothing is stocked until it posts again."""
    number = world.po([("TEA-1", 5, "30")])
    a = rcv.open_session(world.store, world.actor, number, station="A").session.id
    b = rcv.open_session(world.store, world.actor, number, station="B").session.id
    rcv.scan(world.store, world.actor, a, "TEA-1", 4)
    rcv.scan(world.store, world.actor, b, "TEA-1", 3)
    assert rcv.post(world.store, world.actor, a).posted
    late = rcv.post(world.store, world.actor, b)
    assert not late.posted and late.rejudged == 1
    [ln] = late.report.lines
    assert (ln.previously, ln.now, ln.over) == (4, 1, 2)
    assert world.balance("TEA-1").on_hand == 4
    again = rcv.post(world.store, world.actor, b)
    assert again.posted and (again.received, again.over_rejected) == (1, 2)
    tea = world.balance("TEA-1")
    assert (tea.on_hand, tea.in_transit) == (5, 0)
    assert world.ledger_clean()


def test_concurrent_receivers_never_receive_more_than_ordered(world: World) -> None:
    """Eight stations (threads, own connections) each count 3 of the 10 units ordered and
    post at the same moment, again and again: the PO never takes more than 10, in transit
    never goes below zero, and the ledger matches the balances."""
    store: Store = world.store
    number = world.po([("TEA-1", 10, "30")])
    sids = []
    for i in range(8):
        sid = rcv.open_session(store, world.actor, number, station=f"S{i}").session.id
        rcv.scan(store, world.actor, sid, "TEA-1", 3)
        sids.append(sid)

    def station(sid: int) -> Callable[[], object]:
        def post_until_done() -> object:
            for _ in range(4):  # re-judged: post again (now with the new split)
                if rcv.post(store, world.actor, sid).posted:
                    return True
            return False
        return post_until_done

    results = race(*[station(sid) for sid in sids])
    po = pur.get_po(store, world.actor, number)
    [ln] = po.lines
    assert ln.qty_received == 10 and ln.qty_over == 0
    assert po.status is POStatus.RECEIVED
    tea = world.balance("TEA-1")
    assert (tea.on_hand, tea.in_transit) == (10, 0)
    assert all(r is True or r in (ErrorCode.REQUIRED, ErrorCode.PO_ILLEGAL_TRANSITION)
               for r in results), results
    assert world.ledger_clean()


def test_a_close_racing_a_receipt_keeps_transit_exact(world: World) -> None:
    number = world.po([("TEA-1", 10, "30")])
    sid = rcv.open_session(world.store, world.actor, number).session.id
    rcv.scan(world.store, world.actor, sid, "TEA-1", 6)
    results = race(lambda: pur.close(world.store, world.actor, number).status,
                   lambda: rcv.post(world.store, world.actor, sid).posted)
    tea = world.balance("TEA-1")
    assert POStatus.CLOSED in results  # closing always succeeds: before or after the receipt
    assert tea.in_transit == 0
    assert (tea.on_hand, results.count(True)) in ((0, 0), (6, 1))
    assert world.ledger_clean()


def test_export_is_formula_safe(world: World, tmp_path: Path) -> None:
    pur.add_supplier(world.store, world.actor, "EVIL", "=cmd|'/c calc'!A1")
    po = pur.create_po(world.store, world.actor, supplier="EVIL", warehouse="HZ",
                       lines=[LineInput("TEA-1", 2, Decimal("30"))],
                       remark="@HYPERLINK(\"http://evil\")\x00")
    number = pur.place(world.store, world.actor, po.number).number
    rep, _ = rcv.receive_codes(world.store, world.actor, number,
                               ["TEA-1", "+1+1", "@SUM(A1)", "-2"])
    csv_path = tmp_path / "report.csv"
    rcv.export_report(world.store, world.actor, rep.session.id, csv_path)
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert "'=cmd|'/c calc'!A1" in cells
    assert "'@HYPERLINK(\"http://evil\")\ufffd" in cells  # NUL made storable, then neutral
    assert {"'+1+1", "'@SUM(A1)", "'-2"} <= set(cells)
    assert not any(c.startswith(("=", "+", "@", "-")) for c in cells)
    import openpyxl

    xlsx_path = tmp_path / "report.xlsx"
    rcv.export_report(world.store, world.actor, rep.session.id, xlsx_path)
    wb = openpyxl.load_workbook(xlsx_path)
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert "'=cmd|'/c calc'!A1" in values and "'+1+1" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "@", "-")) for v in values)
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows()
               for c in row)
    text = rcv.report_text(rep)
    assert "TEA-1" in text and "+1+1" in text and "unknown" in text


def test_one_session_posted_from_two_threads_stocks_once(world: World) -> None:
    number = world.po([("TEA-1", 10, "30")])
    sid = rcv.open_session(world.store, world.actor, number).session.id
    rcv.scan(world.store, world.actor, sid, "TEA-1", 6)
    post = lambda: rcv.post(world.store, world.actor, sid).posted  # noqa: E731
    results = race(post, post)
    assert sorted(map(str, results)) == sorted(map(str, [True,
                                                         ErrorCode.RECEIPT_ALREADY_POSTED]))
    tea = world.balance("TEA-1")
    assert (tea.on_hand, tea.in_transit) == (6, 4)
    assert world.ledger_clean()


def test_a_line_never_takes_more_than_ordered(world: World) -> None:
    """The last guard under the post: one executemany of a conditional UPDATE, refused as a
    whole (savepoint) when any line would pass what was ordered."""
    from ecerp_desktop.store import purchasing as q

    number = world.po([("TEA-1", 5, "30"), ("CUP-1", 5, "8")])
    with world.store.write() as s:
        po = q.get_po(s, number=number)
        assert po is not None
        tea, cup = po.lines
        assert q.add_received_many(s, [(tea.id, 5), (cup.id, 6)]) == cup.id
        assert [ln.qty_received for ln in q.lines_of(s, po.id)] == [0, 0]
        assert q.add_received_many(s, [(tea.id, 5), (cup.id, 2)]) is None
        assert [ln.qty_received for ln in q.lines_of(s, po.id)] == [5, 2]


def test_xlsx_export_keeps_a_scan_with_control_characters(world: World, tmp_path: Path
                                                          ) -> None:
    # a GS1-128 scan carries the group separator (0x1D): Excel's XML cannot hold it
    number = world.po([("TEA-1", 2, "30")])
    rep, _ = rcv.receive_codes(world.store, world.actor, number, ["TEA-1", "0106901\x1d10AB"])
    import openpyxl

    xlsx_path = tmp_path / "report.xlsx"
    rcv.export_report(world.store, world.actor, rep.session.id, xlsx_path)
    values = [c.value for ws in openpyxl.load_workbook(xlsx_path).worksheets
              for row in ws.iter_rows() for c in row]
    assert "0106901\ufffd10AB" in values
