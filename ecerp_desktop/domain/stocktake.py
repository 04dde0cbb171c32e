"""Stocktake (盘点): the decisions of a count, as plain Python.

A count covers one warehouse and a scope:

- ``ALL``: every active, non-bundle SKU of the catalogue plus every SKU that has a balance
  in the warehouse, fixed when the count is created (a SKU scanned that is not in that list
  joins it: it is in the warehouse, so it is in "all").
- ``SKUS``: a fixed list. A scan of another SKU is kept as a flagged entry (out of scope),
  not counted unless someone takes it into the count (an unknown barcode likewise, once
  someone says which SKU it is).
- ``LOCATION``: one shelf/zone of the warehouse. Balances are kept per warehouse and SKU, not
  per location, so a location count is an OPEN SKU set: a SKU enters the scope when it is
  scanned there. Nothing is "uncounted" in it, and the quantity counted for a SKU is posted
  as its quantity in the whole warehouse, so a location count is right for SKUs that live
  in that one location only (the usual cycle-count practice: one location, its SKUs).

Stations add entries (+1 per scan or a typed quantity; a typed 0 says "looked, found none",
which counts the SKU at zero); the counted quantity of a SKU is the sum of its entries over
all stations. A recount ADDS unless the SKU is reset first: a reset voids the SKU's entries
(of one station, or of every station) and, once none is left, forgets its book snapshot
(kept in a frozen count), so the next scan starts the count of that SKU afresh.

Stock moving during the count: for each SKU the book on hand is taken the moment it is first
counted (or, for a FROZEN count, for every SKU in scope when the count is created);
posting applies ``delta = counted − book`` to the CURRENT on hand, so shipments and receipts
between counting (or freezing) and posting are kept. Uncounted SKUs in scope are either
treated as counted zero (their book — the frozen one, else the whole current on hand — is
written off) or excluded; the user chooses when posting. A delta that would leave on hand below what is reserved is
refused, naming every such SKU.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .errors import DomainError, ErrorCode

DOC_TYPE = "stocktake"  # doc_type of the COUNT moves; doc_id is the count's number
MAX_TYPED_QTY = 100_000  # a typed quantity above this is a scan that hit the quantity field


class Scope(StrEnum):
    ALL = "all"
    SKUS = "skus"
    LOCATION = "location"


class Status(StrEnum):
    OPEN = "open"
    POSTED = "posted"
    CANCELLED = "cancelled"


class Uncounted(StrEnum):
    """What posting does with SKUs in scope that nobody counted."""

    ZERO = "zero"  # counted zero: write their on hand off
    EXCLUDE = "exclude"  # leave them alone


class EntryFlag(StrEnum):
    NONE = ""
    UNKNOWN = "unknown"  # no SKU has this barcode or code
    OUT_OF_SCOPE = "out_of_scope"  # a known SKU the count does not cover


@dataclass(frozen=True, slots=True)
class VarianceLine:
    """One SKU of a count under review.

    ``book`` is the on hand taken when the SKU was first counted (None if uncounted);
    ``on_hand`` and ``reserved`` are the balance now.
    """

    sku_id: int
    code: str
    name: str
    cost: Decimal
    counted: int | None
    book: int | None
    on_hand: int
    reserved: int

    @property
    def is_counted(self) -> bool:
        return self.counted is not None

    def delta(self, uncounted: Uncounted = Uncounted.ZERO) -> int:
        """What posting changes on hand by (0 when excluded): counted − book, the book being
        the on hand now for a SKU that has none (uncounted in a count not frozen)."""
        book = self.book if self.book is not None else self.on_hand
        if self.counted is None:
            return -book if uncounted is Uncounted.ZERO else 0
        return self.counted - book

    def value(self, uncounted: Uncounted = Uncounted.ZERO) -> Decimal:
        """The delta at the SKU's cost (negative = a loss)."""
        return (self.cost * self.delta(uncounted)).quantize(Decimal("0.01"))

    def after(self, uncounted: Uncounted = Uncounted.ZERO) -> int:
        """On hand after posting."""
        return self.on_hand + self.delta(uncounted)

    def below_reserved(self, uncounted: Uncounted = Uncounted.ZERO) -> bool:
        """Posting would leave on hand below what is promised to orders (refused)."""
        return self.after(uncounted) < self.reserved


@dataclass(frozen=True, slots=True)
class Totals:
    in_scope: int
    counted: int
    differing: int
    units_over: int
    units_short: int
    value: Decimal


def totals(lines: Iterable[VarianceLine], uncounted: Uncounted = Uncounted.ZERO) -> Totals:
    n = counted = differing = over = short = 0
    value = Decimal("0.00")
    for line in lines:
        n += 1
        counted += line.is_counted
        d = line.delta(uncounted)
        if d:
            differing += 1
            over += max(d, 0)
            short += max(-d, 0)
            value += line.value(uncounted)
    return Totals(n, counted, differing, over, short, value)


def posting_plan(lines: Sequence[VarianceLine], uncounted: Uncounted
                 ) -> list[tuple[int, int]]:
    """(SKU id, delta) for every SKU whose on hand changes, in SKU order.

    Refuses with COUNT_BELOW_RESERVED, naming every SKU (by code) that would end below
    what is reserved, so the user can see them all at once.
    """
    offenders = [ln for ln in lines if ln.below_reserved(uncounted)]
    if offenders:
        offenders.sort(key=lambda ln: ln.code)
        raise DomainError(ErrorCode.COUNT_BELOW_RESERVED, count=len(offenders),
                          skus=", ".join(ln.code for ln in offenders[:20])
                          + (" …" if len(offenders) > 20 else ""))
    return sorted((ln.sku_id, d) for ln in lines if (d := ln.delta(uncounted)))


def parse_quantity(value: object, *, allow_zero: bool = True) -> int:
    """A counted quantity: a whole number up to MAX_TYPED_QTY; 0 ("looked, found none":
    the SKU is counted at zero) unless *allow_zero* is False."""
    if isinstance(value, bool):
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=value)
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit():
            raise DomainError(ErrorCode.INVALID_QUANTITY, value=text[:20])
        value = int(text)
    low = 0 if allow_zero else 1
    if not isinstance(value, int) or not low <= value <= MAX_TYPED_QTY:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=value)
    return value


def parse_scans(text: str, path: str = "") -> list[tuple[str, int]]:
    """A scans file: one barcode per line, optionally followed by a quantity after a comma,
    tab or ``*`` (``6901234567892,12``; ``,0`` = looked, found none). Blank lines and lines starting with ``#`` are
    skipped. A bad quantity is refused naming its line."""
    out: list[tuple[str, int]] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        code, qty = line, "1"
        for sep in (",", "\t", "*"):
            if sep in line:
                code, qty = (part.strip() for part in line.split(sep, 1))
                break
        if not code:
            raise DomainError(ErrorCode.IMPORT_BAD_VALUE, path=path, row=n,
                              column="barcode", error=line[:40])
        try:
            out.append((code[:64], parse_quantity(qty)))
        except DomainError:
            raise DomainError(ErrorCode.IMPORT_BAD_VALUE, path=path, row=n, column="qty",
                              error=qty[:20]) from None
    return out
