"""A count from creation to posting, as a warehouse runs it (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ecerp_desktop.domain.errors import DomainError, ErrorCode, PermissionDenied
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.stocktake import EntryFlag, Scope, Status, Uncounted
from ecerp_desktop.services import stocktake as svc
from ecerp_desktop.store import audit
from ecerp_desktop.store import stock as st

from .conftest import CLERK, COUNTER, KEEPER, World


def test_full_count_of_a_warehouse_posts_the_differences(world: World) -> None:
    count = svc.create(world.store, KEEPER, "HZ", note="月末盘点")
    assert (count.scope, count.status, count.warehouse) == (Scope.ALL, Status.OPEN, "杭州仓")
    assert count.skus_in_scope == 4 and count.number.startswith("ST")
    # TEA-1: book 10, found 12 (two scans + a typed 10); TEA-2: book 5, found 4; POT-1: 3 = 3
    svc.scan(world.store, COUNTER, count.number, world.barcode("TEA-1"), station="A")
    svc.scan(world.store, COUNTER, count.number, "TEA-1", station="A")  # the SKU code works
    got = svc.scan(world.store, COUNTER, count.number, world.barcode("TEA-1"), qty="10",
                   station="B")
    assert got.ok and got.sku_code == "TEA-1" and got.counted == 12
    svc.scan(world.store, COUNTER, count.number, world.barcode("TEA-2"), qty=4, station="B")
    svc.scan(world.store, COUNTER, count.number, world.barcode("POT-1"), qty=3, station="A")

    report = svc.variances(world.store, KEEPER, count.number)
    rows = {ln.code: (ln.book, ln.counted, ln.delta(), ln.value()) for ln in report.lines}
    assert rows == {
        "TEA-1": (10, 12, 2, Decimal("25.00")),
        "TEA-2": (5, 4, -1, Decimal("-30.00")),
        "POT-1": (3, 3, 0, Decimal("0.00")),
        "CUP-1": (None, None, 0, Decimal("0.00")),  # uncounted, nothing on hand
    }
    assert report.totals.differing == 2 and report.totals.value == Decimal("-5.00")
    only = svc.variances(world.store, KEEPER, count.number, only_differences=True)
    assert [ln.code for ln in only.lines] == ["TEA-1", "TEA-2"]

    result = svc.post(world.store, KEEPER, count.number)
    assert (result.moves, result.units_over, result.units_short) == (2, 2, 1)
    assert world.on_hand("TEA-1") == (12, 0)
    assert world.on_hand("TEA-2") == (4, 0)
    assert world.on_hand("TEA-1", world.other_warehouse_id) == (7, 0)  # other warehouse kept
    with world.store.read() as s:
        moves = st.moves(s, doc_type="stocktake", doc_id=count.number)
        assert sorted((m.kind, m.d_on_hand) for m in moves) == [
            (MoveKind.COUNT, -1), (MoveKind.COUNT, 2)]
        assert st.rebuild_from_ledger(s) == []
        actions = [e.action for e in audit.recent(s)]
        assert "stocktake.post" in actions and "stocktake.create" in actions
        assert audit.verify_chain(s) is None
    assert svc.get(world.store, KEEPER, count.number).status is Status.POSTED


def test_posting_twice_is_refused_and_changes_nothing(world: World) -> None:
    count = svc.create(world.store, KEEPER, "HZ", skus=["TEA-1"])
    svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=15)
    svc.post(world.store, KEEPER, count.number)
    with pytest.raises(DomainError) as info:
        svc.post(world.store, KEEPER, count.number)
    assert info.value.code is ErrorCode.COUNT_NOT_OPEN
    assert info.value.params["status"] == "posted"
    assert world.on_hand("TEA-1") == (15, 0)
    with pytest.raises(DomainError) as info:  # and nobody can scan into it any more
        svc.scan(world.store, COUNTER, count.number, "TEA-1")
    assert info.value.code is ErrorCode.COUNT_NOT_OPEN


def test_stock_moved_between_counting_and_posting_is_kept(world: World) -> None:
    world.reserve("TEA-1", 4)
    count = svc.create(world.store, KEEPER, "HZ", skus=["TEA-1", "TEA-2"])
    svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=9)  # book 10: one missing
    svc.scan(world.store, COUNTER, count.number, "TEA-2", qty=5)  # book 5: right
    # after counting, before posting: a parcel ships 3 TEA-1, a receipt brings 6 TEA-2
    world.ship("TEA-1", 3)
    world.move("TEA-2", MoveKind.RECEIPT, 6)
    # more TEA-1 found on another shelf: the book stays the one of the first count
    svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=2, station="B")
    assert world.on_hand("TEA-1") == (7, 1)
    svc.post(world.store, KEEPER, count.number)
    # TEA-1: counted 11 vs book 10 → +1 on the current 7; TEA-2: 0 on the current 11
    assert world.on_hand("TEA-1") == (8, 1)
    assert world.on_hand("TEA-2") == (11, 0)
    with world.store.read() as s:
        assert st.rebuild_from_ledger(s) == []


def test_below_reserved_is_refused_naming_every_sku(world: World) -> None:
    world.reserve("TEA-1", 8)
    world.reserve("POT-1", 2)
    count = svc.create(world.store, KEEPER, "HZ")
    svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=5)  # 10 → 5 < 8 reserved
    svc.scan(world.store, COUNTER, count.number, "TEA-2", qty=5)
    # POT-1 uncounted: as zero it would go 3 → 0 < 2 reserved
    report = svc.variances(world.store, KEEPER, count.number)
    assert [ln.code for ln in report.below_reserved()] == ["POT-1", "TEA-1"]
    with pytest.raises(DomainError) as info:
        svc.post(world.store, KEEPER, count.number)
    assert info.value.code is ErrorCode.COUNT_BELOW_RESERVED
    assert info.value.params["skus"] == "POT-1, TEA-1" and info.value.params["count"] == 2
    assert svc.get(world.store, KEEPER, count.number).status is Status.OPEN
    assert world.on_hand("TEA-1") == (10, 8)
    # recount TEA-1 (reset, count again) and exclude the uncounted: now it posts
    assert svc.reset(world.store, KEEPER, count.number, "TEA-1") == 5
    svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=9)
    svc.post(world.store, KEEPER, count.number, uncounted=Uncounted.EXCLUDE)
    assert world.on_hand("TEA-1") == (9, 8)
    assert world.on_hand("POT-1") == (3, 2)


def test_uncounted_as_zero_writes_the_stock_off(world: World) -> None:
    count = svc.create(world.store, KEEPER, "HZ", skus=["TEA-1", "TEA-2"])
    svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=10)
    report = svc.variances(world.store, KEEPER, count.number)
    tea2 = next(ln for ln in report.lines if ln.code == "TEA-2")
    assert (tea2.counted, tea2.delta(), tea2.value()) == (None, -5, Decimal("-150.00"))
    svc.post(world.store, KEEPER, count.number, uncounted=Uncounted.ZERO)
    assert world.on_hand("TEA-2") == (0, 0)
    assert world.on_hand("TEA-1") == (10, 0)


def test_blind_count_hides_the_book_from_counters(world: World) -> None:
    count = svc.create(world.store, KEEPER, "HZ", blind=True)
    assert count.blind
    got = svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=3)
    assert not hasattr(got, "book")
    lines = svc.counted(world.store, COUNTER, count.number)
    assert [(ln.code, ln.counted, ln.book) for ln in lines] == [("TEA-1", 3, None)]
    # the open count shows the book to counters when it is not blind
    open_count = svc.create(world.store, KEEPER, "HZ")
    svc.scan(world.store, COUNTER, open_count.number, "TEA-1", qty=3)
    assert [ln.book for ln in svc.counted(world.store, COUNTER, open_count.number)] == [10]
    # the review of the blind count (for the one who posts) has it
    report = svc.variances(world.store, KEEPER, count.number, only_differences=True)
    assert ("TEA-1", 10, 3) in [(ln.code, ln.book, ln.counted) for ln in report.lines]


def test_unknown_and_out_of_scope_scans_are_kept_not_counted(world: World) -> None:
    count = svc.create(world.store, KEEPER, "HZ", skus=["TEA-1"])
    bad = svc.scan(world.store, COUNTER, count.number, "0000000000000", station="A")
    assert not bad.ok and bad.flag is EntryFlag.UNKNOWN
    out = svc.scan(world.store, COUNTER, count.number, world.barcode("POT-1"), qty=2)
    assert out.flag is EntryFlag.OUT_OF_SCOPE and out.sku_code == "POT-1"
    svc.scan(world.store, COUNTER, count.number, "0000000000000", station="B")
    flagged = svc.flagged(world.store, KEEPER, count.number)
    assert sorted((f.barcode, f.flag, f.qty, f.stations) for f in flagged) == [
        ("0000000000000", EntryFlag.UNKNOWN, 2, "A, B"),
        (world.barcode("POT-1"), EntryFlag.OUT_OF_SCOPE, 2, ""),
    ]
    assert svc.counted(world.store, KEEPER, count.number) == []
    svc.post(world.store, KEEPER, count.number, uncounted=Uncounted.EXCLUDE)
    assert world.on_hand("POT-1") == (3, 0)


def test_a_scan_of_an_unlisted_sku_joins_a_full_count(world: World) -> None:
    count = svc.create(world.store, KEEPER, "GZ")  # GZ has TEA-1 only, but all SKUs count
    assert count.skus_in_scope == 4
    got = svc.scan(world.store, COUNTER, count.number, "CUP-1", qty=2)
    assert got.ok
    svc.post(world.store, KEEPER, count.number, uncounted=Uncounted.EXCLUDE)
    assert world.on_hand("CUP-1", world.other_warehouse_id) == (2, 0)
    assert world.on_hand("TEA-1", world.other_warehouse_id) == (7, 0)


def test_recount_resets_one_station_or_all(world: World) -> None:
    count = svc.create(world.store, KEEPER, "HZ", skus=["TEA-1"])
    svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=4, station="A")
    svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=6, station="B")
    assert svc.reset(world.store, KEEPER, count.number, "TEA-1", station="A") == 4
    again = svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=5, station="A")
    assert again.counted == 11  # B's 6 kept, A's recount 5
    assert svc.reset(world.store, KEEPER, count.number, "TEA-1") == 11
    assert svc.counted(world.store, KEEPER, count.number) == []
    history = svc.entries(world.store, KEEPER, count.number, sku="TEA-1")
    assert len(history) == 3 and all(e.reset_at is not None for e in history)


def test_the_book_is_taken_again_after_a_full_reset(world: World) -> None:
    count = svc.create(world.store, KEEPER, "HZ", skus=["TEA-1"])
    svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=10)  # book 10
    svc.reset(world.store, KEEPER, count.number, "TEA-1")
    world.move("TEA-1", MoveKind.RECEIPT, 5)  # 15 on the shelf now
    svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=15)  # book 15 now
    svc.post(world.store, KEEPER, count.number)
    assert world.on_hand("TEA-1") == (15, 0)


def test_a_location_count_covers_what_is_scanned_there(world: World) -> None:
    from ecerp_desktop.store.schema import LocationRow

    with world.store.write() as s:
        s.add(LocationRow(warehouse_id=world.warehouse_id, code="A-01-02"))
    count = svc.create(world.store, KEEPER, "HZ", location="A-01-02")
    assert (count.scope, count.location, count.skus_in_scope) == (Scope.LOCATION,
                                                                  "A-01-02", 0)
    svc.scan(world.store, COUNTER, count.number, "POT-1", qty=4, zone="A-01-02")
    svc.post(world.store, KEEPER, count.number)  # nothing "uncounted" to write off
    assert world.on_hand("POT-1") == (4, 0)
    assert world.on_hand("TEA-1") == (10, 0)
    with pytest.raises(DomainError) as info:
        svc.create(world.store, KEEPER, "HZ", location="Z-99")
    assert info.value.code is ErrorCode.NOT_FOUND


def test_rights_bad_quantities_and_cancel(world: World) -> None:
    with pytest.raises(PermissionDenied):
        svc.create(world.store, CLERK, "HZ")
    count = svc.create(world.store, KEEPER, "HZ")
    with pytest.raises(PermissionDenied):
        svc.scan(world.store, CLERK, count.number, "TEA-1")
    with pytest.raises(PermissionDenied):
        svc.post(world.store, CLERK, count.number)
    for bad in (-3, "2x", "", True, 10**9):
        with pytest.raises(DomainError) as info:
            svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=bad)
        assert info.value.code is ErrorCode.INVALID_QUANTITY
    with pytest.raises(DomainError) as info:
        svc.scan(world.store, COUNTER, "ST-NOPE", "TEA-1")
    assert info.value.code is ErrorCode.NOT_FOUND
    svc.cancel(world.store, KEEPER, count.number)
    with pytest.raises(DomainError) as info:
        svc.post(world.store, KEEPER, count.number)
    assert info.value.code is ErrorCode.COUNT_NOT_OPEN
    listed = svc.list_counts(world.store, KEEPER)
    assert [(c.number, c.status) for c in listed] == [(count.number, Status.CANCELLED)]


def test_variance_export_keeps_text_as_text_and_numbers_as_numbers(world: World,
                                                                   tmp_path) -> None:
    import csv

    from ecerp_desktop.domain.timeutil import utcnow
    from ecerp_desktop.store import catalog as cat

    with world.store.write() as s:
        cat.upsert_skus(s, [cat.SkuInput("TEA-2", "=cmd|'/c calc'!A1", 100,
                                         Decimal("30.00"))], utcnow())
    count = svc.create(world.store, KEEPER, "HZ", skus=["TEA-1", "TEA-2"])
    svc.scan(world.store, COUNTER, count.number, "TEA-2", qty=2)
    path = tmp_path / "variances.csv"
    rows = svc.export_variances_csv(world.store, KEEPER, count.number, str(path),
                                    uncounted=Uncounted.EXCLUDE)
    assert rows == 1
    with open(path, encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh))
    assert got[0][:3] == ["sku", "name", "book"]
    assert got[1] == ["TEA-2", "'=cmd|'/c calc'!A1", "5", "2", "5", "0", "-3", "-90.00", ""]
    with world.store.read() as s:
        assert audit.recent(s)[0].action == "stocktake.export"


def test_found_none_counts_a_sku_at_zero(world: World) -> None:
    count = svc.create(world.store, KEEPER, "HZ", skus=["TEA-1", "TEA-2", "POT-1"])
    got = svc.scan(world.store, COUNTER, count.number, "TEA-2", qty=0)  # looked: none here
    assert got.ok and got.counted == 0
    svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=10)
    report = svc.variances(world.store, KEEPER, count.number, uncounted=Uncounted.EXCLUDE)
    rows = {ln.code: (ln.counted, ln.delta(Uncounted.EXCLUDE)) for ln in report.lines}
    assert rows == {"TEA-1": (10, 0), "TEA-2": (0, -5), "POT-1": (None, 0)}
    svc.post(world.store, KEEPER, count.number, uncounted=Uncounted.EXCLUDE)
    assert world.on_hand("TEA-2") == (0, 0)  # counted zero: written off
    assert world.on_hand("POT-1") == (3, 0)  # not counted, excluded: left alone


def test_flagged_scans_can_be_counted_once_someone_says_what_they_are(world: World) -> None:
    count = svc.create(world.store, KEEPER, "HZ", skus=["TEA-1"])
    svc.scan(world.store, COUNTER, count.number, "2000000000015", qty=4)  # a shelf label
    svc.scan(world.store, COUNTER, count.number, "POT-1", qty=2)  # not on the list
    with pytest.raises(DomainError) as info:
        svc.assign(world.store, KEEPER, count.number, "2000000000015")
    assert info.value.code is ErrorCode.REQUIRED  # unknown: which SKU is it?
    got = svc.assign(world.store, KEEPER, count.number, "2000000000015", "TEA-1")
    assert (got.ok, got.sku_code, got.qty, got.counted) == (True, "TEA-1", 4, 4)
    got = svc.assign(world.store, KEEPER, count.number, "POT-1")  # take it into the count
    assert (got.sku_code, got.counted) == ("POT-1", 2)
    assert svc.flagged(world.store, KEEPER, count.number) == []
    with pytest.raises(DomainError) as info:
        svc.assign(world.store, KEEPER, count.number, "POT-1")  # nothing left to assign
    assert info.value.code is ErrorCode.NOT_FOUND
    svc.post(world.store, KEEPER, count.number)
    assert world.on_hand("TEA-1") == (4, 0) and world.on_hand("POT-1") == (2, 0)
    with world.store.read() as s:
        assert sum(e.action == "stocktake.assign" for e in audit.recent(s)) == 2


def test_a_frozen_count_takes_every_book_at_creation(world: World) -> None:
    count = svc.create(world.store, KEEPER, "HZ", skus=["TEA-1", "TEA-2", "POT-1"],
                       freeze=True)
    assert count.frozen
    world.move("TEA-1", MoveKind.RECEIPT, 4)  # after the freeze: kept
    world.move("TEA-2", MoveKind.RECEIPT, 2)
    svc.scan(world.store, COUNTER, count.number, "TEA-1", qty=9)  # book 10 (frozen), not 14
    svc.scan(world.store, COUNTER, count.number, "TEA-2", qty=1)
    svc.reset(world.store, KEEPER, count.number, "TEA-2")  # a recount keeps the frozen book
    svc.scan(world.store, COUNTER, count.number, "TEA-2", qty=5)
    report = svc.variances(world.store, KEEPER, count.number)
    rows = {ln.code: (ln.book, ln.counted, ln.delta()) for ln in report.lines}
    assert rows == {"TEA-1": (10, 9, -1), "TEA-2": (5, 5, 0), "POT-1": (3, None, -3)}
    svc.post(world.store, KEEPER, count.number)
    assert world.on_hand("TEA-1") == (13, 0)
    assert world.on_hand("TEA-2") == (7, 0)
    assert world.on_hand("POT-1") == (0, 0)


def test_a_handheld_file_is_judged_like_single_scans(world: World) -> None:
    # a barcode that is also another SKU's code: the barcode wins, as for a single scan
    from ecerp_desktop.store import catalog as cat

    with world.store.write() as s:
        cat.add_barcodes(s, [("POT-1", world.sku["CUP-1"])])
    count = svc.create(world.store, KEEPER, "HZ", skus=["TEA-1", "CUP-1"])
    world.move("TEA-1", MoveKind.ADJUSTMENT, 2)  # book is taken at the first count: 12
    got = svc.scan_many(world.store, COUNTER, count.number, [
        (world.barcode("TEA-1"), 3), ("TEA-1", 2), ("NOPE-9", 1),
        (world.barcode("TEA-2"), 4), ("POT-1", 5)], station="H1")
    assert [(r.flag, r.sku_code, r.counted) for r in got] == [
        (EntryFlag.NONE, "TEA-1", 5), (EntryFlag.NONE, "TEA-1", 5),
        (EntryFlag.UNKNOWN, "", 0), (EntryFlag.OUT_OF_SCOPE, "TEA-2", 0),
        (EntryFlag.NONE, "CUP-1", 5)]
    books = {ln.code: ln.book for ln in svc.counted(world.store, KEEPER, count.number)}
    assert books == {"TEA-1": 12, "CUP-1": 0}
