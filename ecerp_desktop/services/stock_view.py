"""The stock screen's use cases (库存): balances, the ledger, turnover and SKU labels.

Every call checks STOCK_VIEW (printing labels also PRINT). Lists come in keyset pages, so
the screen and the exports never hold every row of a 300,000-row stock at once; totals are
one aggregate query over the same filter.

Days of cover on the balances uses the last :data:`COVER_DAYS` days' sales of the rows on
the page (one grouped query through the ledger's (warehouse, SKU) index) and
``domain.stock_metrics.days_of_cover``; turnover comes from ``store.stock_metrics.flows``,
the figures the stock alerts use too.

Any thread but the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.barcodes import is_valid_ean13
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.stock_metrics import StockFlow, days_of_cover, turnover
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.services.print_batches import BatchRequest, BatchResult, print_batch
from ecerp_desktop.services.printing import Printer
from ecerp_desktop.store import Store
from ecerp_desktop.store import stock_metrics as metrics_store
from ecerp_desktop.store import stock_view as q
from ecerp_desktop.store.stock_view import (
    BALANCE_SORT_KEYS,
    BalanceCursor,
    BalanceFilter,
    BalanceRow,
    BalanceSort,
    BalanceTotals,
    LedgerFilter,
    LedgerRow,
    SkuListRow,
)

__all__ = ["BALANCE_SORT_KEYS", "BalanceCursor", "BalanceFilter", "BalanceRow", "BalanceSort",
           "BalanceTotals", "LedgerFilter", "LedgerRow", "SkuListRow", "TurnoverRow"]

COVER_DAYS = 30
PAGE = 200
Cancel = Callable[[], bool]


R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Page(Generic[R]):
    """One page of rows and where the next one starts (None: this was the last)."""

    rows: tuple[R, ...]
    next: Any  # the cursor to pass back for the next page


def cover_days(row: BalanceRow) -> Decimal | None:
    """How many days the row's available stock lasts at its last 30 days' selling rate."""
    return days_of_cover(row.available, row.sold_30d, COVER_DAYS)


# --- balances ------------------------------------------------------------------------------

def balance_page(store: Store, actor: Actor, flt: BalanceFilter, sort: BalanceSort,
                 after: BalanceCursor | None = None, limit: int = PAGE,
                 *, with_sales: bool = True) -> Page[BalanceRow]:
    """One keyset page of balances; with *with_sales* each row carries its 30 days' sales."""
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        rows, nxt = q.balance_page(s, flt, sort, after, limit)
        if with_sales and rows:
            sold = q.sold_since(s, [(r.warehouse_id, r.sku_id) for r in rows],
                                utcnow() - timedelta(days=COVER_DAYS))
            rows = [replace(r, sold_30d=sold.get((r.warehouse_id, r.sku_id), 0))
                    for r in rows]
    return Page(tuple(rows), nxt)


def balance_totals(store: Store, actor: Actor, flt: BalanceFilter) -> BalanceTotals:
    """Rows, units on hand and value at cost over the whole filter result."""
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        return q.balance_totals(s, flt)


def balance_pages(store: Store, actor: Actor, flt: BalanceFilter, sort: BalanceSort,
                  size: int = 2000, cancel: Cancel | None = None
                  ) -> Iterator[list[BalanceRow]]:
    """Every row of the filter, page by page (one short read transaction each)."""
    after: BalanceCursor | None = None
    while cancel is None or not cancel():
        page = balance_page(store, actor, flt, sort, after, size)
        yield list(page.rows)
        if page.next is None:
            return
        after = page.next


def warehouses(store: Store, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of every warehouse, for the filters."""
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        return sorted(q.warehouse_names(s).items())


# --- the ledger ----------------------------------------------------------------------------

def ledger_page(store: Store, actor: Actor, flt: LedgerFilter, before_id: int | None = None,
                limit: int = PAGE) -> Page[LedgerRow]:
    """One page of moves, newest first."""
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        rows, nxt = q.ledger_page(s, flt, before_id, limit)
    return Page(tuple(rows), nxt)


def ledger_pages(store: Store, actor: Actor, flt: LedgerFilter, size: int = 2000,
                 cancel: Cancel | None = None) -> Iterator[list[LedgerRow]]:
    before: int | None = None
    while cancel is None or not cancel():
        page = ledger_page(store, actor, flt, before, size)
        yield list(page.rows)
        if page.next is None:
            return
        before = page.next


# --- turnover ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TurnoverRow:
    """One (warehouse, SKU) over the period (see domain/stock_metrics.StockFlow)."""

    warehouse_id: int
    warehouse: str
    sku_id: int
    code: str
    name: str
    opening: int
    closing: int
    sold: int
    days: int
    turnover: Decimal | None
    turnover_days: Decimal | None
    cover_days: Decimal | None  # closing stock at the period's selling rate


_NO_SALES = turnover(0, 1, 1)  # the rate of stock that sold nothing (most rows): 0.00


def _slow_first(r: TurnoverRow) -> tuple[int, Decimal, int]:
    # stock that does not move first, the most of it first; rows without stock last
    # (the rows come ordered by warehouse and SKU, and the sort is stable)
    if r.turnover is None:
        return (1, _NO_SALES, 0)
    return (0, r.turnover, -r.closing)


def turnover_rows(store: Store, actor: Actor, since: datetime, until: datetime, *,
                  warehouse_id: int | None = None, text: str = "") -> list[TurnoverRow]:
    """Opening, closing, sold, turnover rate and days, days of cover per (warehouse, SKU)
    over [since, until), slow movers first."""
    actor.require(Permission.STOCK_VIEW)
    if until <= since:
        raise DomainError(ErrorCode.INVALID_TIME,
                          value=f"{since.isoformat()} – {until.isoformat()}")
    with store.read() as s:
        wanted = q.matching_sku_ids(s, text) if text.strip() else None
        flows: list[StockFlow] = metrics_store.flows(s, since, until, warehouse_id=warehouse_id)
        if wanted is not None:
            flows = [f for f in flows if f.sku_id in wanted]
        names = q.sku_names(s, sorted({f.sku_id for f in flows}) if wanted is not None
                            else None)
        whs = q.warehouse_names(s)
    out = []
    for f in flows:
        code, name = names.get(f.sku_id, ("", ""))
        # the domain's figure; for the many rows that sold nothing it is the same 0.00
        rate = f.turnover if f.sold > 0 or f.opening + f.closing <= 0 else _NO_SALES
        out.append(TurnoverRow(f.warehouse_id, whs.get(f.warehouse_id, ""), f.sku_id, code,
                               name, f.opening, f.closing, f.sold, f.days, rate,
                               f.turnover_days if rate else None,  # None when rate is 0
                               days_of_cover(f.closing, f.sold, f.days)))
    out.sort(key=_slow_first)
    return out


# --- SKUs and their labels -----------------------------------------------------------------

def sku_page(store: Store, actor: Actor, text: str = "", after_code: str | None = None,
             limit: int = PAGE) -> Page[SkuListRow]:
    """One page of SKUs by code, narrowed by *text* (code/barcode prefix, part of name)."""
    actor.require(Permission.STOCK_VIEW)
    with store.read() as s:
        rows, nxt = q.sku_page(s, text, after_code, limit)
    return Page(tuple(rows), nxt)


SYMBOLOGY_SIZES = {"ean13": "60x40", "code128": "40x30"}  # label templates per symbology


def label_size(store: Store, actor: Actor, codes: Sequence[str], symbology: str) -> str:
    """The label size that prints *symbology* for these SKUs; for EAN-13 every SKU needs a
    valid EAN-13 barcode, else ``LABEL_NOT_EAN13`` names the first that has none."""
    actor.require(Permission.PRINT)
    if symbology not in SYMBOLOGY_SIZES:
        raise DomainError(ErrorCode.NOT_FOUND, what="symbology", key=symbology[:32])
    if not codes:
        raise DomainError(ErrorCode.REQUIRED, what="an SKU code")
    if symbology == "ean13":
        with store.read() as s:
            found = q.barcodes_of(s, codes)
        for code in codes:
            if code not in found:
                raise DomainError(ErrorCode.NOT_FOUND, what="SKU", key=code)
            # the label prints the SKU's first 13-digit barcode: that one must be valid
            first = next((b for b in found[code] if len(b) == 13 and b.isdigit()), "")
            if not is_valid_ean13(first):
                raise DomainError(ErrorCode.LABEL_NOT_EAN13, sku=code)
    return SYMBOLOGY_SIZES[symbology]


def print_sku_labels(store: Store, actor: Actor, printer: Printer, codes: Sequence[str], *,
                     copies: int = 1, symbology: str = "code128",
                     progress: Callable[[int, int], None] | None = None,
                     cancelled: Cancel | None = None) -> BatchResult:
    """Queue *copies* labels of each SKU in *symbology* and send them through the print
    queue (``services.print_batches.print_batch``: never raises for a printer that is off,
    the jobs stay queued and the result says why)."""
    size = label_size(store, actor, codes, symbology)
    req = BatchRequest(kind="sku", sku_codes=tuple(codes), copies=copies, size=size)
    return print_batch(store, actor, printer, req, progress=progress, cancelled=cancelled)
