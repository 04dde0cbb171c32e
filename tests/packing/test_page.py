"""The packing screen driven like a packer: scans typed through the application's wedge
filter at 5 ms per key, weights typed at human speed, a TCP listener as the printer, and
an intercept arriving while the parcel is open (the screen must turn red within 1 s)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from ecerp_desktop.devices.wedge import WedgeSettings
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import pipeline, printing
from ecerp_desktop.services.devices import StationDevices, save_station_devices
from ecerp_desktop.store import Store
from ecerp_desktop.store import packing as q
from ecerp_desktop.store.schema import OutboxRow, ParcelRow
from ecerp_desktop.store.schema_printing import PrintJobRow
from ecerp_desktop.ui import i18n
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.feedback import RED
from ecerp_desktop.ui.ops import wait_all
from ecerp_desktop.ui.packing_page import PackingPage
from ecerp_desktop.ui.scanner_filter import ScannerFilter
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from .conftest import PACKER, PackWorld, PtyScale, TcpPrinter, build


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    i18n.install("en")
    yield
    wait_all()


@pytest.fixture
def wedge(qapp: QApplication) -> Iterator[ScannerFilter]:
    f = ScannerFilter(WedgeSettings()).install(qapp)
    yield f
    f.uninstall()


def open_page(qtbot, store: Store, wedge: ScannerFilter, target: str | None = None
              ) -> PackingPage:  # type: ignore[no-untyped-def]
    printer = printing.resolve_printer(None, to=target) if target else None
    page = PackingPage(PageContext(store, PACKER), station="S1", scanner_filter=wedge,
                       printer=printer, start_devices=False)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.station is not None, timeout=5000)
    return page


def scan(qtbot, page: PackingPage, code: str) -> None:  # type: ignore[no-untyped-def]
    """Type *code* like a wedge scanner: 5 ms per key, then Enter."""
    target = page.qty
    for ch in code:
        QTest.keyClick(target, ch, Qt.KeyboardModifier.NoModifier, 5)
    QTest.keyClick(target, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, 5)


def type_slowly(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    for ch in text:
        QTest.keyClick(widget, ch, Qt.KeyboardModifier.NoModifier, 90)  # a human, ~90 ms
    qtbot.wait(80)
    QTest.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, 90)


def feedback_of(qtbot, page: PackingPage, action, timeout: int = 5000) -> str:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(page.feedback, timeout=timeout) as blocker:
        action()
    return str(blocker.args[0])


def test_a_parcel_through_the_screen(qtbot, sqlite_store: Store, wedge: ScannerFilter,
                                     printer: TcpPrinter, english: None) -> None:
    pack = build(sqlite_store)
    _oid, pid, poid = pack.order([("TEA-1", 1), ("CUP-1", 1)],
                                message="<img src=x> 多放点冰袋", memo="VIP")
    page = open_page(qtbot, sqlite_store, wedge, printer.target)
    assert feedback_of(qtbot, page, lambda: scan(qtbot, page, poid)) == "opened"
    assert page.table.rowCount() == 2
    assert page.message.text() == "Buyer: <img src=x> 多放点冰袋"  # plain text, shown as typed
    assert page.message.textFormat() == Qt.TextFormat.PlainText
    assert page.memo.text() == "Memo: VIP"
    # a wrong item: red, nothing counted
    assert feedback_of(qtbot, page, lambda: scan(qtbot, page, "6920000000028")) == "wrong_item"
    assert RED in page.banner.styleSheet()
    assert [page.table.item(r, 2).text() for r in range(2)] == ["0", "0"]
    assert feedback_of(qtbot, page, lambda: scan(qtbot, page, "6901234567892")) == "counted"
    assert feedback_of(qtbot, page, lambda: scan(qtbot, page, "TEA1-OLD")) == "too_many"
    assert feedback_of(qtbot, page, lambda: scan(qtbot, page, "6920000000011")) == "complete"
    assert [page.table.item(r, 2).text() for r in range(2)] == ["1", "1"]
    assert page.weight.isEnabled()  # no scale on this station: typed weight
    assert feedback_of(qtbot, page, lambda: type_slowly(qtbot, page.weight, "860"),
                       timeout=8000) == "shipped"
    with sqlite_store.read() as s:
        assert s.scalar(select(ParcelRow.status).where(ParcelRow.id == pid)) == "shipped"
        assert s.scalar(select(ParcelRow.weight_g).where(ParcelRow.id == pid)) == 860
    qtbot.waitUntil(lambda: "This hour: 1 parcels" in page.counters.text(), timeout=3000)
    assert "2 errors" in page.counters.text()
    # the next scan starts the next parcel
    _, _, poid2 = pack.order([("POT-1", 1)])
    assert feedback_of(qtbot, page, lambda: scan(qtbot, page, poid2)) == "opened"
    assert page.table.rowCount() == 1 and page.table.item(0, 0).text() == "POT-1"


def test_intercept_mid_parcel_shows_within_a_second(qtbot, store: Store,
                                                    wedge: ScannerFilter,
                                                    english: None) -> None:
    pack = build(store)
    oid, _pid, poid = pack.order([("TEA-1", 2)])
    page = open_page(qtbot, store, wedge)
    assert feedback_of(qtbot, page, lambda: wedge.scanned.emit(poid)) == "opened"
    assert feedback_of(qtbot, page, lambda: scan(qtbot, page, "TEA-1")) == "counted"
    t0 = time.monotonic()
    pipeline.intercept(store, oid, "buyer refund", actor=SYSTEM)
    with qtbot.waitSignal(page.feedback, timeout=1000) as blocker:
        pass
    assert blocker.args == ["stopped"]
    assert time.monotonic() - t0 < 1.0
    assert "INTERCEPTED" in page.banner.text() and RED in page.banner.styleSheet()
    # scanning on counts nothing; nothing was shipped
    page.qty.setText("1")
    assert feedback_of(qtbot, page, lambda: scan(qtbot, page, "TEA-1")) == "not_found"
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxRow)
                        .where(OutboxRow.kind == "shipment")) == 0
    assert pack.balance("TEA-1") == (50, 0)


def test_printer_off_keeps_the_job_queued_then_f5_ships_once(
        qtbot, sqlite_store: Store, wedge: ScannerFilter, dead_target: str,
        printer: TcpPrinter, english: None) -> None:
    pack: PackWorld = build(sqlite_store)
    _, pid, poid = pack.order([("CUP-1", 1)])
    page = open_page(qtbot, sqlite_store, wedge, dead_target)
    feedback_of(qtbot, page, lambda: scan(qtbot, page, poid))
    feedback_of(qtbot, page, lambda: scan(qtbot, page, "CUP-1"))
    seen: list[str] = []
    page.feedback.connect(seen.append)
    page.weight.setText("550")
    QTest.keyClick(page.weight, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "print_failed" in seen, timeout=10000)
    assert "stays queued" in page.banner.text(), page.banner.text()
    with sqlite_store.read() as s:
        [(job, state)] = q.waybill_jobs(s, pid)
        assert state == "queued"
        assert s.scalar(select(ParcelRow.status).where(ParcelRow.id == pid)) == "open"
    with sqlite_store.write() as s:  # the printer is back (at its new address)
        s.execute(PrintJobRow.__table__.update().values(target=printer.target))
    assert feedback_of(qtbot, page, lambda: QTest.keyClick(page.qty, Qt.Key.Key_F5),
                       timeout=8000) == "shipped"
    with sqlite_store.read() as s:
        assert q.waybill_jobs(s, pid) == [(job, "sent")]
        assert s.scalar(select(func.count()).select_from(OutboxRow)) == 1


def test_the_scale_on_a_pty_weighs_the_parcel(qtbot, sqlite_store: Store, wedge: ScannerFilter,
                                              pty_scale: PtyScale, english: None) -> None:
    """Moving readings are ignored; a stable weight outside the tolerance needs a
    re-weigh; the next stable weight in range ships the parcel."""
    pack = build(sqlite_store)
    save_station_devices(sqlite_store, SYSTEM, StationDevices(
        "S1", scale_profile="generic-st-gs", scale_port=str(pty_scale.link)))
    _, pid, poid = pack.order([("POT-1", 1)])  # 1200 g + 50 g packaging, ±125 g
    page = PackingPage(PageContext(sqlite_store, PACKER), station="S1", scanner_filter=wedge)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.station is not None and page.has_scale, timeout=5000)
    seen: list[str] = []
    page.feedback.connect(seen.append)
    try:
        scan(qtbot, page, poid)
        qtbot.waitUntil(lambda: "opened" in seen, timeout=3000)
        scan(qtbot, page, "POT-1")
        qtbot.waitUntil(lambda: "complete" in seen, timeout=3000)
        pty_scale.send(b"US,GS,+  1.250kg\r\n")  # still moving: not used
        qtbot.wait(300)
        assert "weight_rejected" not in seen and "shipped" not in seen
        pty_scale.send(b"ST,GS,+  1.500kg\r\n")  # stable, 250 g too heavy
        qtbot.waitUntil(lambda: "weight_rejected" in seen, timeout=5000)
        assert "1500 g" in page.weight_label.text()
        for _ in range(6):  # the parcel stays on the scale: no second rejection
            pty_scale.send(b"ST,GS,+  1.500kg\r\n")
            qtbot.wait(150)
        assert seen.count("weight_rejected") == 1
        assert page.station is not None and page.station.verification is not None
        assert page.station.verification.errors == 1
        for _ in range(20):  # repacked: a new stable weight in range ships it
            pty_scale.send(b"ST,GS,+  1.262kg\r\n")
            if "shipped" in seen:
                break
            qtbot.wait(150)
        qtbot.waitUntil(lambda: "shipped" in seen, timeout=5000)
        with sqlite_store.read() as s:
            assert s.scalar(select(ParcelRow.weight_g).where(ParcelRow.id == pid)) == 1262
    finally:
        page.shutdown()


def test_a_code_typed_at_human_speed_counts_like_a_scan(qtbot, sqlite_store: Store,
                                                        wedge: ScannerFilter,
                                                        english: None) -> None:
    pack = build(sqlite_store)
    _, _, poid = pack.order([("TEA-1", 3)])
    page = open_page(qtbot, sqlite_store, wedge)
    seen: list[str] = []
    page.feedback.connect(seen.append)
    scan(qtbot, page, poid)
    qtbot.waitUntil(lambda: "opened" in seen, timeout=3000)
    page.qty.setFocus()
    for ch in "2":  # the quantity, typed
        QTest.keyClick(page.qty, ch, Qt.KeyboardModifier.NoModifier, 90)
    qtbot.wait(80)
    type_slowly(qtbot, page.code_entry, "TEA1-OLD")  # a damaged label, typed by hand
    qtbot.waitUntil(lambda: "counted" in seen, timeout=3000)
    assert page.table.item(0, 2).text() == "2" and page.code_entry.text() == ""
    scan(qtbot, page, "6901234567892")
    qtbot.waitUntil(lambda: "complete" in seen, timeout=3000)


def test_an_unplugged_scale_warns_and_weighs_nothing(qtbot, sqlite_store: Store,
                                                     wedge: ScannerFilter, pty_scale: PtyScale,
                                                     english: None) -> None:
    pack = build(sqlite_store)
    save_station_devices(sqlite_store, SYSTEM, StationDevices(
        "S1", scale_profile="generic-st-gs", scale_port=str(pty_scale.link)))
    _, pid, poid = pack.order([("CUP-1", 1)])
    page = PackingPage(PageContext(sqlite_store, PACKER), station="S1", scanner_filter=wedge)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.station is not None and page.has_scale, timeout=5000)
    seen: list[str] = []
    page.feedback.connect(seen.append)
    try:
        scan(qtbot, page, poid)
        qtbot.waitUntil(lambda: "opened" in seen, timeout=3000)
        pty_scale.close()  # unplugged
        scan(qtbot, page, "CUP-1")
        qtbot.waitUntil(lambda: "complete" in seen, timeout=3000)
        qtbot.waitUntil(lambda: "check the scale" in page.banner.text(), timeout=6000)
        assert "shipped" not in seen
        with sqlite_store.read() as s:
            assert s.scalar(select(ParcelRow.status).where(ParcelRow.id == pid)) == "open"
    finally:
        page.shutdown()
