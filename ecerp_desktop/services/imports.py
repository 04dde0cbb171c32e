"""Importing SKUs and stock quantities from CSV or XLSX files with a header row.

- CSV in UTF-8, UTF-8 with BOM, GBK (GB18030) or UTF-16, detected from the bytes; XLSX (its
  first worksheet) read with openpyxl in read-only mode after checks that keep memory
  bounded: the file size, the unpacked size and packing ratio of every part (zip bombs),
  the shared strings, no DTD or entity in any XML part (billion laughs), and a row limit.
- Every row is checked on its own: a bad row is reported with its row number, column and
  reason, the good rows are imported. Importing the same file twice changes nothing (SKUs
  are upserted by code; stock sets on hand to the file's quantity with one adjustment move
  of the difference, none when already there).
- Cells are text: a cell like ``=1+1`` is stored as those four characters, never evaluated
  (exports neutralise it again when writing spreadsheets).

Runs on any thread but the GUI thread.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.barcodes import is_valid_ean13
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.money import parse_money
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.text import storable
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store, audit
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import stock as st

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_XLSX_RATIO = 100  # unpacked/packed per part; real sheets stay far below
# read-only openpyxl still holds the shared strings in memory: keep them bounded
MAX_XLSX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 64
MAX_CELL_CHARS = 2_000

# Header names accepted for each field (English as documented, and the usual Chinese).
SKU_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "sku", "sku_code", "编码", "商品编码", "货号"),
    "name": ("name", "名称", "商品名称"),
    "barcodes": ("barcodes", "barcode", "条码", "条形码"),
    "weight_g": ("weight_g", "weight", "重量", "重量(g)", "重量g"),
    "cost": ("cost", "成本", "成本价"),
    "volume_cm3": ("volume_cm3", "volume", "体积", "体积(cm3)", "体积(cm³)", "体积cm3"),
}
STOCK_COLUMNS: dict[str, tuple[str, ...]] = {
    "warehouse": ("warehouse", "仓库"),
    "sku": ("sku", "code", "sku_code", "编码", "商品编码"),
    "quantity": ("quantity", "qty", "数量", "库存"),
}

_INTERNAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")


@dataclass(frozen=True, slots=True)
class RowError:
    """Row *row* of the file (the header is row 1), column *column*: *error*."""

    row: int
    column: str
    error: DomainError


@dataclass(slots=True)
class ImportReport:
    path: str
    rows: int = 0  # data rows read (blank rows not counted)
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading files -----------------------------------------------------------------------------

def _bad(path: Path, error: str) -> DomainError:
    return DomainError(ErrorCode.IMPORT_BAD_FILE, path=str(path), error=error)


def read_table(path: str | Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header (as written) and an iterator of (row number, cells as text)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise _bad(path, exc.strerror or str(exc)) from None
    if size > MAX_FILE_BYTES:
        raise DomainError(ErrorCode.IMPORT_TOO_BIG, path=str(path), what=f"{size} bytes",
                          limit=f"{MAX_FILE_BYTES} bytes")
    if head.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(path)
    elif path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        raise _bad(path, "not an XLSX workbook (save it as .xlsx or CSV)")
    else:
        rows = _csv_rows(path)
    try:
        header = next(rows)
    except StopIteration:
        raise _bad(path, "the file is empty") from None
    return header[1], rows


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # a superset of GBK, as Excel in China saves CSV
    except UnicodeDecodeError:
        raise _bad(path, "the text is neither UTF-8 nor GBK") from None


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        text = _decode(path, path.read_bytes())
    except UnicodeDecodeError:
        raise _bad(path, "the text is not valid UTF-8") from None
    head = text[:4096]
    if head.count("\x00") > len(head) // 10:  # a stray NUL is text; many are a binary file
        raise _bad(path, "binary data, not a CSV file")
    # The delimiter is read off the header line alone: data cells may hold ';' (barcodes)
    # or ',' (names, amounts), the header names never do.
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(c in first for c in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for cells in reader:
                if reader.line_num > MAX_ROWS + 1:
                    raise DomainError(ErrorCode.IMPORT_TOO_BIG, path=str(path),
                                      what="too many rows", limit=MAX_ROWS)
                yield reader.line_num, cells[:MAX_COLUMNS]
        except csv.Error as exc:
            raise _bad(path, f"line {reader.line_num}: {exc}") from None

    return rows()


def _check_xlsx(path: Path) -> None:
    """Refuse zip bombs and XML with a DTD before openpyxl parses anything."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names or not any(
                    n.startswith("xl/worksheets/") for n in names):
                raise _bad(path, "not an XLSX workbook")
            total = 0
            for info in zf.infolist():
                total += info.file_size
                if total > MAX_XLSX_UNPACKED_BYTES:
                    raise DomainError(ErrorCode.IMPORT_TOO_BIG, path=str(path),
                                      what="unpacked size",
                                      limit=f"{MAX_XLSX_UNPACKED_BYTES} bytes")
                if info.filename == "xl/sharedStrings.xml" and (
                        info.file_size > MAX_XLSX_SHARED_STRINGS_BYTES):
                    raise DomainError(ErrorCode.IMPORT_TOO_BIG, path=str(path),
                                      what="shared strings",
                                      limit=f"{MAX_XLSX_SHARED_STRINGS_BYTES} bytes")
                if info.file_size > 1_000_000 and (
                        info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1)):
                    raise DomainError(ErrorCode.IMPORT_TOO_BIG, path=str(path),
                                      what=f"{info.filename} packed too densely",
                                      limit=f"ratio {MAX_XLSX_RATIO}")
                if info.filename.endswith((".xml", ".rels")):
                    with zf.open(info) as part:
                        prolog = part.read(2048)
                    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                        raise _bad(path, f"{info.filename} declares a DTD (refused)")
    except zipfile.BadZipFile:
        raise _bad(path, "not an XLSX workbook (damaged zip)") from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Excel keeps numbers as floats: 6901234567892.0 is a barcode, 12.5 a price.
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    _check_xlsx(path)
    import openpyxl  # imported only when an XLSX arrives: it is slow to import

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise _bad(path, f"not a readable XLSX workbook ({type(exc).__name__})") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            ws = wb.worksheets[0]
            for n, values in enumerate(ws.iter_rows(values_only=True,
                                                    max_col=MAX_COLUMNS), start=1):
                if n > MAX_ROWS + 1:
                    raise DomainError(ErrorCode.IMPORT_TOO_BIG, path=str(path),
                                      what="too many rows", limit=MAX_ROWS)
                yield n, [_cell_text(v) for v in values]
        except DomainError:
            raise
        except Exception as exc:
            raise _bad(path, f"damaged sheet ({type(exc).__name__})") from None
        finally:
            wb.close()

    return rows()


def _columns(path: Path, header: Sequence[str], wanted: dict[str, tuple[str, ...]],
             required: Sequence[str]) -> dict[str, int]:
    """field → column index, from header names compared without case and blanks."""
    norm = [h.strip().lstrip("\ufeff").lower().replace(" ", "") for h in header]
    found: dict[str, int] = {}
    for key, names in wanted.items():
        for i, h in enumerate(norm):
            if h in names:
                found[key] = i
                break
    for key in required:
        if key not in found:
            raise DomainError(ErrorCode.IMPORT_MISSING_COLUMN, path=str(path), column=key)
    return found


def _data_rows(rows: Iterator[tuple[int, list[str]]], cols: dict[str, int]
               ) -> Iterator[tuple[int, dict[str, str]]]:
    for n, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        # NUL and lone surrogates become U+FFFD, so both databases take and match them
        yield n, {k: storable((cells[i] if i < len(cells) else "").strip())
                  for k, i in cols.items()}


def _text(value: str, column: str, limit: int) -> str:
    if len(value) > min(limit, MAX_CELL_CHARS):
        raise DomainError(ErrorCode.TEXT_TOO_LONG, what=column,
                          limit=min(limit, MAX_CELL_CHARS))
    return storable(value)


def _whole(value: str, *, allow_negative: bool = False) -> int:
    s = value.replace(",", "").strip()
    if re.fullmatch(r"[+-]?\d+(\.0*)?", s) is None:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=value)
    n = int(s.split(".")[0])
    if n < 0 and not allow_negative:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=value)
    if n > 2_000_000_000:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=value)
    return n


def _barcodes(value: str) -> tuple[str, ...]:
    out = []
    for part in re.split(r"[;；]", value):
        code = part.strip()
        if not code:
            continue
        if code.isdigit() and code.isascii():
            if not is_valid_ean13(code):
                raise DomainError(ErrorCode.INVALID_BARCODE, value=code)
        elif not _INTERNAL_CODE.fullmatch(code):
            raise DomainError(ErrorCode.INVALID_BARCODE, value=code)
        if code not in out:
            out.append(code)
    return tuple(out)


# --- SKUs ----------------------------------------------------------------------------------------

def import_skus(store: Store, actor: Actor, path: str | Path) -> ImportReport:
    """Import or update SKUs (code, name, and optionally barcodes, weight_g, cost,
    volume_cm3: an empty cell or no such column keeps the stored value) from *path*."""
    actor.require(Permission.STOCK_EDIT)
    path = Path(path)
    header, rows = read_table(path)
    cols = _columns(path, header, SKU_COLUMNS, ["code", "name"])
    report = ImportReport(str(path))
    items: dict[str, tuple[int, cat.SkuInput]] = {}
    for n, row in _data_rows(rows, cols):
        report.rows += 1
        item = _sku_row(report, n, row, items)
        if item is not None:
            items[item.code] = (n, item)
    with store.write() as s:
        _store_skus(s, report, items)
        audit.append(s, at=utcnow(), user_id=actor.user_id, username=actor.username,
                     action="import.skus", entity="file", entity_id=path.name[:64],
                     detail={"rows": report.rows, "created": report.created,
                             "changed": report.changed, "errors": len(report.errors)})
    report.errors.sort(key=lambda e: e.row)
    return report


def _sku_row(report: ImportReport, n: int, row: dict[str, str],
             seen: dict[str, tuple[int, cat.SkuInput]]) -> cat.SkuInput | None:
    def fail(column: str, error: DomainError) -> None:
        report.errors.append(RowError(n, column, error))

    code = row["code"]
    if not code:
        fail("code", DomainError(ErrorCode.REQUIRED, what="code"))
        return None
    if len(code) > 64:
        fail("code", DomainError(ErrorCode.TEXT_TOO_LONG, what="code", limit=64))
        return None
    if code in seen:
        fail("code", DomainError(ErrorCode.ALREADY_EXISTS, what="SKU code in this file",
                                 key=f"{code} (row {seen[code][0]})"))
        return None
    try:
        name = _text(row["name"], "name", 255)
        if not name:
            raise DomainError(ErrorCode.REQUIRED, what="name")
    except DomainError as exc:
        fail("name", exc)
        return None
    try:
        barcodes = _barcodes(row.get("barcodes", ""))
    except DomainError as exc:
        fail("barcodes", exc)
        return None
    try:
        weight = _whole(row["weight_g"]) if row.get("weight_g") else None
    except DomainError as exc:
        fail("weight_g", exc)
        return None
    try:
        cost = parse_money(row["cost"]) if row.get("cost") else None
        if cost is not None and cost < 0:
            raise DomainError(ErrorCode.INVALID_MONEY, value=row["cost"])
    except DomainError as exc:
        fail("cost", exc)
        return None
    try:
        volume = _whole(row["volume_cm3"]) if row.get("volume_cm3") else None
    except DomainError as exc:
        fail("volume_cm3", exc)
        return None
    return cat.SkuInput(storable(code), name, weight, cost, barcodes, volume_cm3=volume)


def _store_skus(s: Any, report: ImportReport,
                items: dict[str, tuple[int, cat.SkuInput]]) -> None:
    # Barcodes owned by another SKU (stored, or claimed by an earlier row) fail their row.
    owners = cat.barcode_owners(s, [b for _, i in items.values() for b in i.barcodes])
    codes_by_id = {v: k for k, v in cat.sku_ids_by_code(s, items).items()}
    id_codes = {r.id: r.code for r in cat.skus(s, ids=list(set(owners.values())))} \
        if owners else {}
    claimed: dict[str, str] = {}
    good: list[cat.SkuInput] = []
    for code, (n, item) in items.items():
        clash = None
        for b in item.barcodes:
            owner = id_codes.get(owners[b], "?") if b in owners else claimed.get(b)
            if owner is not None and owner != code:
                clash = (b, owner)
                break
        if clash:
            report.errors.append(RowError(n, "barcodes", DomainError(
                ErrorCode.BARCODE_TAKEN, barcode=clash[0], sku=clash[1])))
            continue
        claimed.update(dict.fromkeys(item.barcodes, code))
        good.append(item)
    before = {r.code: r for r in cat.skus(s, ids=list(codes_by_id))} if codes_by_id else {}
    ids = cat.upsert_skus(s, good, utcnow())
    cat.add_barcodes(s, [(b, ids[i.code]) for i in good for b in i.barcodes])
    for item in good:
        old = before.get(item.code)
        if old is None:
            report.created += 1
        elif old.name != item.name or any(
                getattr(item, c) is not None and getattr(item, c) != getattr(old, c)
                for c in ("weight_g", "cost", "volume_cm3")) \
                or not set(item.barcodes) <= set(old.barcodes):
            report.changed += 1
        else:
            report.unchanged += 1


# --- stock quantities -----------------------------------------------------------------------

def import_stock(store: Store, actor: Actor, path: str | Path) -> ImportReport:
    """Set on-hand quantities (warehouse, sku, quantity) from *path*: each row posts one
    adjustment move of the difference, none when the quantity is already right."""
    actor.require(Permission.STOCK_EDIT)
    path = Path(path)
    header, rows = read_table(path)
    cols = _columns(path, header, STOCK_COLUMNS, ["warehouse", "sku", "quantity"])
    report = ImportReport(str(path))
    wanted: list[tuple[int, str, str, int]] = []
    seen: dict[tuple[str, str], int] = {}
    for n, row in _data_rows(rows, cols):
        report.rows += 1
        for column in ("warehouse", "sku", "quantity"):
            if not row[column]:
                report.errors.append(RowError(n, column, DomainError(ErrorCode.REQUIRED,
                                                                     what=column)))
                break
        else:
            try:
                qty = _whole(row["quantity"])
            except DomainError as exc:
                report.errors.append(RowError(n, "quantity", exc))
                continue
            key = (row["warehouse"], row["sku"])
            if key in seen:
                report.errors.append(RowError(n, "sku", DomainError(
                    ErrorCode.ALREADY_EXISTS, what="line for this warehouse and SKU",
                    key=f"(row {seen[key]})")))
                continue
            seen[key] = n
            wanted.append((n, row["warehouse"], row["sku"], qty))
    now = utcnow()
    doc_id = f"{path.name[:40]}@{now:%Y%m%d%H%M%S}"
    with store.write() as s:
        whs: dict[str, cat.WarehouseRecord | None] = {}
        skus: dict[str, cat.SkuRecord | None] = {}
        done: dict[tuple[int, int], int] = {}
        for n, wh_key, sku_key, qty in wanted:
            if wh_key not in whs:
                whs[wh_key] = cat.warehouse_by_key(s, wh_key)
            if sku_key not in skus:
                skus[sku_key] = cat.sku_by_code(s, sku_key) or cat.sku_by_barcode(s, sku_key)
            wh, sku = whs[wh_key], skus[sku_key]
            if wh is None:
                report.errors.append(RowError(n, "warehouse", DomainError(
                    ErrorCode.NOT_FOUND, what="warehouse", key=wh_key)))
                continue
            if sku is None:
                report.errors.append(RowError(n, "sku", DomainError(
                    ErrorCode.NOT_FOUND, what="SKU", key=sku_key)))
                continue
            if (wh.id, sku.id) in done:  # the same line named by code and by barcode
                report.errors.append(RowError(n, "sku", DomainError(
                    ErrorCode.ALREADY_EXISTS, what="line for this warehouse and SKU",
                    key=f"(row {done[(wh.id, sku.id)]})")))
                continue
            done[(wh.id, sku.id)] = n
            try:
                delta = st.set_on_hand(s, wh.id, sku.id, qty, kind=MoveKind.ADJUSTMENT,
                                       doc_type="stock_import", doc_id=doc_id, now=now,
                                       user_id=actor.user_id, note="stock import")
            except DomainError:
                report.errors.append(RowError(n, "quantity", DomainError(
                    ErrorCode.INSUFFICIENT_STOCK, sku=sku.code, warehouse=wh.name)))
                continue
            if delta:
                report.changed += 1
            else:
                report.unchanged += 1
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="import.stock", entity="file", entity_id=path.name[:64],
                     detail={"rows": report.rows, "changed": report.changed,
                             "errors": len(report.errors)})
    report.errors.sort(key=lambda e: e.row)
    return report
