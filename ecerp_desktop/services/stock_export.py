"""Exports of the stock screen: balances, ledger and turnover as XLSX or CSV.

Rows are streamed page by page into a write-only openpyxl workbook (or a CSV writer), so a
300,000-row export holds one page in memory. The file is written under a temporary name in
the target folder and renamed at the end: a cancelled or failed export leaves no half file.
Text cells are formula-safe (``domain.text.safe_cell``, RELIABILITY rule 8) and cleared of
characters XML cannot hold; numbers are written as numbers. Every export is audited.

Any thread but the GUI thread; ``progress(done, total)`` and ``cancel()`` are called
between pages.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.text import REPLACEMENT, safe_cell, storable
from ecerp_desktop.domain.timeutil import format_local, to_zone, utcnow
from ecerp_desktop.services import stock_view
from ecerp_desktop.services.stock_view import (
    BalanceFilter,
    BalanceRow,
    BalanceSort,
    LedgerFilter,
    LedgerRow,
    TurnoverRow,
)
from ecerp_desktop.store import Store, audit

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
Cell = str | int | Decimal | datetime | None

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAX_CELL = 32_767  # Excel's limit for one cell's text

BALANCE_HEADERS = ("SKU code", "Name", "Warehouse", "On hand", "Reserved", "Available",
                   "In transit", "Days of cover (30 days)", "Cost", "Value")
LEDGER_HEADERS = ("Move", "Time", "Warehouse", "SKU code", "Name", "Kind", "On hand ±",
                  "Reserved ±", "In transit ±", "Document type", "Document", "User", "Note")
TURNOVER_HEADERS = ("Warehouse", "SKU code", "Name", "Opening", "Closing", "Sold",
                    "Turnover rate", "Turnover days", "Days of cover")


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: str | None  # None when cancelled
    rows: int
    cancelled: bool


def _text(value: str) -> str:
    return safe_cell(_XML_ILLEGAL.sub(REPLACEMENT, storable(value)))[:_MAX_CELL]


def _xlsx_cell(value: Cell) -> Any:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, datetime):  # Excel has no zones: the user's local time
        return to_zone(value).replace(tzinfo=None)
    return value


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, datetime):
        return format_local(value)
    return str(value)


def write_table(path: str | os.PathLike[str], headers: Sequence[str],
                pages: Iterable[Sequence[Sequence[Cell]]], *, total: int = 0,
                progress: Progress | None = None, cancel: Cancel | None = None,
                sheet: str = "Sheet1") -> ExportResult:
    """Write *headers* and every row of *pages* to *path* (.xlsx, else CSV UTF-8 with BOM).
    A cancel (checked before each page) or an error removes the partial file."""
    target = Path(path)
    xlsx = target.suffix.lower() == ".xlsx"
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem[:40]}.",
                               suffix=".part")
    n = 0
    ws: Any = None
    try:
        if xlsx:
            os.close(fd)
            from openpyxl import Workbook

            wb = Workbook(write_only=True)
            ws = wb.create_sheet(sheet[:31])
            ws.append([_text(h) for h in headers])
            for page in pages:
                if cancel is not None and cancel():
                    raise _Cancelled
                for row in page:
                    ws.append([_xlsx_cell(v) for v in row])
                n += len(page)
                if progress is not None:
                    progress(n, max(total, n))
            if cancel is not None and cancel():
                raise _Cancelled
            wb.save(tmp)
        else:
            with open(fd, "w", encoding="utf-8-sig", newline="") as fh:
                out = csv.writer(fh)
                out.writerow([_text(h) for h in headers])
                for page in pages:
                    if cancel is not None and cancel():
                        raise _Cancelled
                    out.writerows([_csv_cell(v) for v in row] for row in page)
                    n += len(page)
                    if progress is not None:
                        progress(n, max(total, n))
            if cancel is not None and cancel():
                raise _Cancelled
        os.replace(tmp, target)
    except _Cancelled:
        _discard(ws, tmp)
        return ExportResult(None, n, True)
    except BaseException:
        _discard(ws, tmp)
        raise
    return ExportResult(str(target), n, False)


class _Cancelled(Exception):
    pass


def _discard(ws: Any, path: str) -> None:
    """Drop an unfinished export: the write-only sheet's own temporary file of rows (closed
    first, or its writer complains when collected), then ours."""
    paths = [path]
    if ws is not None:
        try:
            ws.close()
        except Exception:  # a sheet broken by the error being handled: still clean up
            pass
        writer = getattr(ws, "_writer", None)
        if writer is not None and isinstance(getattr(writer, "out", None), str):
            paths.append(writer.out)
    for p in paths:
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass


def _audit(store: Store, actor: Actor, what: str, result: ExportResult,
           detail: dict[str, Any]) -> None:
    with store.write() as s:
        audit.append(s, at=utcnow(), user_id=actor.user_id, username=actor.username,
                     action=f"stock.export.{what}", entity="stock", entity_id="",
                     detail={"rows": result.rows, "cancelled": result.cancelled, **detail})


# --- the three exports ---------------------------------------------------------------------

def balance_cells(r: BalanceRow) -> list[Cell]:
    return [r.code, r.name, r.warehouse, r.on_hand, r.reserved, r.available, r.in_transit,
            stock_view.cover_days(r), r.cost, r.value]


def export_balances(store: Store, actor: Actor, flt: BalanceFilter, sort: BalanceSort,
                    path: str | os.PathLike[str], *, headers: Sequence[str] = BALANCE_HEADERS,
                    progress: Progress | None = None, cancel: Cancel | None = None,
                    page_size: int = 2000) -> ExportResult:
    """Every balance row the filter matches, in the screen's order."""
    actor.require(Permission.STOCK_VIEW)
    total = stock_view.balance_totals(store, actor, flt).rows
    pages = ([balance_cells(r) for r in page] for page in
             stock_view.balance_pages(store, actor, flt, sort, page_size, cancel))
    result = write_table(path, headers, pages, total=total, progress=progress, cancel=cancel,
                         sheet="Stock")
    _audit(store, actor, "balances", result, {"warehouse_id": flt.warehouse_id,
                                              "text": flt.text[:64]})
    return result


def ledger_cells(r: LedgerRow) -> list[Cell]:
    return [r.id, r.at, r.warehouse, r.code, r.name, r.kind, r.d_on_hand, r.d_reserved,
            r.d_in_transit, r.doc_type, r.doc_id, r.user, r.note]


def export_ledger(store: Store, actor: Actor, flt: LedgerFilter, path: str | os.PathLike[str],
                  *, headers: Sequence[str] = LEDGER_HEADERS, progress: Progress | None = None,
                  cancel: Cancel | None = None, page_size: int = 2000) -> ExportResult:
    """Every move the filter matches, newest first."""
    actor.require(Permission.STOCK_VIEW)
    pages = ([ledger_cells(r) for r in page] for page in
             stock_view.ledger_pages(store, actor, flt, page_size, cancel))
    result = write_table(path, headers, pages, progress=progress, cancel=cancel,
                         sheet="Ledger")
    _audit(store, actor, "ledger", result, {"sku": flt.sku[:64]})
    return result


def turnover_cells(r: TurnoverRow) -> list[Cell]:
    return [r.warehouse, r.code, r.name, r.opening, r.closing, r.sold, r.turnover,
            r.turnover_days, r.cover_days]


def export_turnover(store: Store, actor: Actor, rows: Sequence[TurnoverRow],
                    path: str | os.PathLike[str], *, headers: Sequence[str] = TURNOVER_HEADERS,
                    progress: Progress | None = None, cancel: Cancel | None = None,
                    page_size: int = 2000) -> ExportResult:
    """The turnover rows as computed (and ordered) for the screen."""
    actor.require(Permission.STOCK_VIEW)
    pages = ([turnover_cells(r) for r in rows[i:i + page_size]]
             for i in range(0, len(rows), page_size))
    result = write_table(path, headers, pages, total=len(rows), progress=progress,
                         cancel=cancel, sheet="Turnover")
    _audit(store, actor, "turnover", result, {})
    return result
