"""Exports of the stock screen: the XLSX of the balances equals the filtered rows (numbers
as numbers, a hostile name as text), CSV is formula-safe too, and a cancelled export
leaves no file behind — not even a half-written temporary one."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import openpyxl
from ecerp_desktop.services import stock_export, stock_view
from ecerp_desktop.services.stock_view import BalanceFilter, BalanceSort, LedgerFilter
from ecerp_desktop.store.schema import AuditRow
from sqlalchemy import select

from .conftest import HOSTILE, Seeded, code
from .test_balances_tab import balances_tab, settle


def test_xlsx_of_the_filtered_balances_reads_back_equal(qtbot, stock_page, seeded: Seeded,
                                                         owner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tab = balances_tab(qtbot, stock_page)
    tab.warehouse_box.setCurrentIndex(tab.warehouse_box.findData(seeded.hz))
    settle(qtbot, tab)
    target = tmp_path / "库存.xlsx"
    with qtbot.waitSignal(tab.export_bar.finished, timeout=20_000) as done:
        tab.export_bar.export_to(str(target))
    assert done.args[0].rows == tab.totals.rows == len(seeded.balances) // 2

    sheet = openpyxl.load_workbook(target).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == tab.model.header_titles()  # the screen's (Chinese) titles
    expected = [r for page in stock_view.balance_pages(
        seeded.store, owner, BalanceFilter(warehouse_id=seeded.hz), BalanceSort())
        for r in page]
    assert [(r[0], r[2], r[3], r[4], r[5], r[6]) for r in rows] == [
        (e.code, e.warehouse, e.on_hand, e.reserved, e.available, e.in_transit)
        for e in expected]
    assert all(isinstance(r[3], int) and isinstance(r[9], (int, float)) for r in rows)
    assert sum(Decimal(str(r[9])) for r in rows) == tab.totals.value
    hostile = next(r for r in rows if r[0] == code(7))
    assert hostile[1] == "'" + HOSTILE  # text, never a formula
    cells = {c.value: c.data_type for row in sheet.iter_rows() for c in row}
    assert cells["'" + HOSTILE] == "s"
    assert not any(str(v).startswith("=") for v in cells)
    with seeded.store.read() as s:
        assert s.scalar(select(AuditRow.action).order_by(AuditRow.id.desc()).limit(1)) == \
            "stock.export.balances"


def test_csv_export_is_formula_safe(seeded: Seeded, owner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "stock.csv"
    result = stock_export.export_balances(seeded.store, owner, BalanceFilter(text=code(7)),
                                          BalanceSort(), target)
    assert result.rows == 2 and not result.cancelled
    with open(target, encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    assert header[0] == "SKU code" and {r[1] for r in rows} == {"'" + HOSTILE}


def test_a_cancelled_export_leaves_no_file(seeded: Seeded, owner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "out"
    folder.mkdir()
    for name in ("stock.xlsx", "stock.csv"):
        target = folder / name
        progress: list[tuple[int, int]] = []
        result = stock_export.export_balances(
            seeded.store, owner, BalanceFilter(), BalanceSort(), target, page_size=10,
            progress=lambda done, total, p=progress: p.append((done, total)),
            cancel=lambda p=progress: len(p) >= 2)
        assert result.cancelled and result.path is None and result.rows == 20
        assert progress == [(10, 60), (20, 60)]
        assert list(folder.iterdir()) == []  # no file, no temporary left over


def test_an_existing_file_survives_a_cancelled_export(seeded: Seeded, owner,
                                                      tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "stock.xlsx"
    target.write_bytes(b"yesterday's export")
    result = stock_export.export_balances(seeded.store, owner, BalanceFilter(),
                                          BalanceSort(), target, cancel=lambda: True)
    assert result.cancelled and target.read_bytes() == b"yesterday's export"
    assert [p.name for p in target.parent.iterdir()] == ["stock.xlsx"]


def test_cancel_in_the_ui_stops_the_export(qtbot, stock_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tab = balances_tab(qtbot, stock_page)
    bar = tab.export_bar
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "stock.xlsx"
    bar.cancel_button.setEnabled(True)
    with qtbot.waitSignal(bar.finished, timeout=20_000) as done:
        bar.export_to(str(target))
        bar.cancel()  # before the first page is written
    assert done.args[0].cancelled and not target.exists()
    assert list(target.parent.iterdir()) == []
    assert bar.xlsx_button.isEnabled()


def test_ledger_export_writes_every_move(seeded: Seeded, owner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "ledger.xlsx"
    result = stock_export.export_ledger(seeded.store, owner, LedgerFilter(sku=code(5)),
                                        target, page_size=1)
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))[1:]
    reservations = sum(1 for (_w, c), v in seeded.balances.items() if c == code(5) and v[1])
    assert result.rows == len(rows) == 2 + reservations == 4  # two openings, reservations
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)
    assert {r[5] for r in rows} == {"opening", "reserve"}
