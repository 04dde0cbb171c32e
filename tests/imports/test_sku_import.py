"""Importing SKUs and stock from the files sellers really have: CSV in UTF-8, with a BOM
or in GBK, and XLSX; broken rows reported with row and column while good rows land."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from ecerp_desktop.domain.auth import SYSTEM, Role, actor_for
from ecerp_desktop.domain.errors import DomainError, ErrorCode, PermissionDenied
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.services import imports
from ecerp_desktop.services.catalog import add_warehouse
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import stock as st

HEADER = "code,name,barcodes,weight_g,cost\n"
GOOD = ("A-001,保温杯 500ml,6901234567892;4006381333931,350,\"1,234.00\"\n"
        "A-002,\"毛巾, 纯棉\",,120,￥12\n")


def _skus(store: Store) -> dict[str, cat.SkuRecord]:
    with store.read() as s:
        return {k.code: k for k in cat.skus(s)}


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_every_encoding(store: Store, tmp_path: Path, encoding: str) -> None:
    path = _write(tmp_path, "skus.csv", HEADER + GOOD, encoding)
    report = imports.import_skus(store, SYSTEM, path)
    assert report.ok and (report.rows, report.created) == (2, 2)
    skus = _skus(store)
    assert skus["A-001"].name == "保温杯 500ml"
    assert skus["A-001"].cost == Decimal("1234.00") and skus["A-001"].weight_g == 350
    assert skus["A-001"].barcodes == ("4006381333931", "6901234567892")
    assert skus["A-002"].name == "毛巾, 纯棉" and skus["A-002"].cost == Decimal("12.00")


def test_importing_twice_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, "skus.csv", HEADER + GOOD)
    imports.import_skus(store, SYSTEM, path)
    before = _skus(store)
    again = imports.import_skus(store, SYSTEM, path)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    assert _skus(store) == before


def test_a_file_without_cost_or_weight_keeps_the_stored_ones(store: Store,
                                                             tmp_path: Path) -> None:
    """A name-only file (or empty cells) renames; it never zeroes costs and weights."""
    imports.import_skus(store, SYSTEM, _write(tmp_path, "full.csv", HEADER + GOOD))
    names = imports.import_skus(store, SYSTEM, _write(
        tmp_path, "names.csv", "code,name\nA-001,保温杯 500ml 新款\n"))
    assert (names.changed, names.unchanged) == (1, 0)
    blanks = imports.import_skus(store, SYSTEM, _write(
        tmp_path, "blanks.csv", HEADER + "A-002,\"毛巾, 纯棉\",,,\n"))
    assert (blanks.changed, blanks.unchanged) == (0, 1)
    skus = _skus(store)
    assert skus["A-001"].name == "保温杯 500ml 新款"
    assert (skus["A-001"].cost, skus["A-001"].weight_g) == (Decimal("1234.00"), 350)
    assert (skus["A-002"].cost, skus["A-002"].weight_g) == (Decimal("12.00"), 120)
    new = imports.import_skus(store, SYSTEM, _write(tmp_path, "new.csv",
                                                    "code,name\nA-003,新品\n"))
    assert new.created == 1
    assert (_skus(store)["A-003"].cost, _skus(store)["A-003"].weight_g) == (Decimal("0.00"), 0)


def test_broken_rows_are_reported_and_good_rows_land(store: Store, tmp_path: Path) -> None:
    text = HEADER + GOOD + (
        "B-1,坏条码,6901234567893,10,1\n"       # row 4: wrong check digit
        ",没有编码,,10,1\n"                       # row 5: no code
        "B-3,重量错,,12.5kg,1\n"                  # row 6: weight
        "B-4,价格错,,10,abc\n"                    # row 7: cost
        "A-001,重复,,1,1\n"                       # row 8: same code twice in the file
        "B-6,抢条码,4006381333931,1,1\n"          # row 9: barcode of A-001
        "\n"
        "B-7,好的,9787111213826,1,0.5\n")        # row 11: fine, after a blank line
    report = imports.import_skus(store, SYSTEM, _write(tmp_path, "skus.csv", text))
    got = [(e.row, e.column, e.error.code) for e in report.errors]
    assert got == [(4, "barcodes", ErrorCode.INVALID_BARCODE), (5, "code", ErrorCode.REQUIRED),
                   (6, "weight_g", ErrorCode.INVALID_QUANTITY),
                   (7, "cost", ErrorCode.INVALID_MONEY), (8, "code", ErrorCode.ALREADY_EXISTS),
                   (9, "barcodes", ErrorCode.BARCODE_TAKEN)]
    assert set(_skus(store)) == {"A-001", "A-002", "B-7"}


def test_xlsx_with_numbers_and_a_formula_looking_cell(store: Store, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["编码", "名称", "条码", "重量", "成本"])  # Chinese headers are accepted too
    ws.append(["X-1", "=1+1", 6901234567892, 250, 19.9])
    ws.append(["X-2", "+SUM(A1)", "", 0.0, "¥3"])
    ws.append([None, None, None, None, None])
    ws.append(["X-3", "bad", 123, 1, 1])
    path = tmp_path / "skus.xlsx"
    wb.save(path)
    report = imports.import_skus(store, SYSTEM, path)
    assert [(e.row, e.column) for e in report.errors] == [(5, "barcodes")]
    skus = _skus(store)
    assert skus["X-1"].name == "=1+1"  # stored as text, never evaluated
    assert skus["X-1"].barcodes == ("6901234567892",)
    assert skus["X-1"].cost == Decimal("19.90") and skus["X-1"].weight_g == 250
    assert skus["X-2"].name == "+SUM(A1)" and skus["X-2"].cost == Decimal("3.00")


def test_missing_column_is_one_clear_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(DomainError) as info:
        imports.import_skus(store, SYSTEM, _write(tmp_path, "x.csv", "code,title\nA,b\n"))
    assert info.value.code is ErrorCode.IMPORT_MISSING_COLUMN
    assert info.value.params["column"] == "name"


def test_a_fake_xlsx_is_refused(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, "x.xlsx", "code,name\nA,b\n")
    with pytest.raises(DomainError) as info:
        imports.import_skus(store, SYSTEM, path)
    assert info.value.code is ErrorCode.IMPORT_BAD_FILE


def test_xlsx_bombs_are_refused_fast(sqlite_store: Store, tmp_path: Path) -> None:
    dtd = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(dtd, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml",
                    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><a>&lol;</a>')
    with pytest.raises(DomainError) as info:
        imports.import_skus(sqlite_store, SYSTEM, dtd)
    assert info.value.code is ErrorCode.IMPORT_BAD_FILE
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 50_000_000 + b"</a>")
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(DomainError) as info:
        imports.import_skus(sqlite_store, SYSTEM, bomb)
    assert info.value.code is ErrorCode.IMPORT_TOO_BIG


def test_an_actor_without_stock_rights_cannot_import(sqlite_store: Store,
                                                     tmp_path: Path) -> None:
    clerk = actor_for(7, "clerk", Role.CLERK)
    with pytest.raises(PermissionDenied):
        imports.import_skus(sqlite_store, clerk, _write(tmp_path, "s.csv", HEADER + GOOD))


def test_stock_import_sets_quantities_once(store: Store, tmp_path: Path) -> None:
    imports.import_skus(store, SYSTEM, _write(tmp_path, "skus.csv", HEADER + GOOD))
    add_warehouse(store, SYSTEM, "杭州仓", province="浙江省", code="HZ")
    text = ("warehouse,sku,quantity\n"
            "杭州仓,A-001,10\n"
            "HZ,6901234567892,12\n"       # row 3: the same SKU again, by its barcode
            "HZ,A-002,5\n"
            "上海仓,A-001,1\n"             # row 5: no such warehouse
            "HZ,NOPE,1\n"                  # row 6: no such SKU
            "HZ,A-002,-1\n")               # row 7: negative
    path = _write(tmp_path, "stock.csv", text)
    report = imports.import_stock(store, SYSTEM, path)
    assert [(e.row, e.column, e.error.code) for e in report.errors] == [
        (3, "sku", ErrorCode.ALREADY_EXISTS), (5, "warehouse", ErrorCode.NOT_FOUND), (6, "sku", ErrorCode.NOT_FOUND),
        (7, "quantity", ErrorCode.INVALID_QUANTITY)]
    with store.read() as s:
        skus = {k.code: k.id for k in cat.skus(s)}
        hz = cat.warehouse_by_key(s, "HZ")
        assert hz is not None
        assert st.balance(s, hz.id, skus["A-001"]).on_hand == 10
        assert st.balance(s, hz.id, skus["A-002"]).on_hand == 5
        moves_before = len(st.moves(s))
    again = imports.import_stock(store, SYSTEM, path)
    assert again.changed == 0 and again.unchanged == 2
    with store.read() as s:
        assert len(st.moves(s)) == moves_before
        assert all(m.kind is MoveKind.ADJUSTMENT for m in st.moves(s))
        assert st.rebuild_from_ledger(s) == []


def test_hostile_text_lands_the_same_on_both_databases(store: Store, tmp_path: Path) -> None:
    name = "杯子\r\n第二行 \"引号\" 😀👨‍👩‍👧 ^XA^FDPWNED^FS ' OR 1=1 -- %_"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["code", "name"])
    ws.append(["H-1", name])
    ws.append(["H-2", "长" * 300])  # longer than a name may be
    path = tmp_path / "hostile.xlsx"
    wb.save(path)
    report = imports.import_skus(store, SYSTEM, path)
    assert [(e.row, e.column, e.error.code) for e in report.errors] == [
        (3, "name", ErrorCode.TEXT_TOO_LONG)]
    # XML (so XLSX) turns CR LF into LF; everything else arrives as the seller typed it
    assert _skus(store)["H-1"].name == name.replace("\r\n", "\n")
    # PostgreSQL refuses NUL in text: it becomes U+FFFD on both databases
    csv_path = _write(tmp_path, "nul.csv", "code,name\nH-3,a\x00b\n")
    assert imports.import_skus(store, SYSTEM, csv_path).ok
    assert _skus(store)["H-3"].name == "a\ufffdb"
    stock = _write(tmp_path, "stock.csv", "warehouse,sku,quantity\nHZ,H-1\x00,1\n")
    add_warehouse(store, SYSTEM, "杭州仓", code="HZ")
    report = imports.import_stock(store, SYSTEM, stock)
    assert [(e.row, e.error.code) for e in report.errors] == [(2, ErrorCode.NOT_FOUND)]


def test_utf16_text_export_from_excel(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("code\tname\nU-1\t保温杯\n".encode("utf-16"))
    assert imports.import_skus(sqlite_store, SYSTEM, path).created == 1
    assert _skus(sqlite_store)["U-1"].name == "保温杯"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_too_many_rows_are_refused_before_anything_lands(
        sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        kind: str) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 10)
    rows = [["code", "name"]] + [[f"R-{i}", "x"] for i in range(11)]
    if kind == "csv":
        path = _write(tmp_path, "many.csv", "\n".join(",".join(r) for r in rows))
    else:
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        path = tmp_path / "many.xlsx"
        wb.save(path)
    with pytest.raises(DomainError) as info:
        imports.import_skus(sqlite_store, SYSTEM, path)
    assert info.value.code is ErrorCode.IMPORT_TOO_BIG
    assert _skus(sqlite_store) == {}


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_comes_from_the_header(sqlite_store: Store, tmp_path: Path,
                                             delimiter: str) -> None:
    # every row holds two barcodes split by ';': that must not pass for the delimiter
    rows = [["code", "name", "barcodes"]] + [
        [f"D-{i}", f"商品{i}", "6901234567892;4006381333931" if i == 0 else ""]
        for i in range(3)]
    if delimiter == ";":
        rows[1][2] = '"6901234567892;4006381333931"'
    text = "\n".join(delimiter.join(r) for r in rows) + "\n"
    report = imports.import_skus(sqlite_store, SYSTEM, _write(tmp_path, "d.csv", text))
    assert report.ok and report.created == 3
    assert _skus(sqlite_store)["D-0"].barcodes == ("4006381333931", "6901234567892")
