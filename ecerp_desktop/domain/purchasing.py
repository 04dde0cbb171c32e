"""Purchasing decisions (采购 / 验货入库), pure: the purchase order's life and the judging of
each scan made while receiving against it.

A purchase order (采购单) lives::

    DRAFT ──place──▶ PLACED ──receipt──▶ PARTIAL ──receipt──▶ RECEIVED
      │                │ └────receipt (all)──────────────────▶ RECEIVED
      └──cancel──▶ CANCELLED ◀──cancel (nothing received yet)
                       └──close──▶ CLOSED ◀──close── PARTIAL   (强制完成: the rest never comes)

Placing puts every line's quantity in transit; a receipt moves units from in transit to on
hand; cancelling or closing gives back what was still in transit. Only a draft is edited.

Receiving (验货) judges every scan against what the PO still expects: a unit within what
remains is counted; beyond it, it is *over* (flagged, stocked only if a person accepts it);
a code that matches no SKU is *unknown*, a SKU the PO does not order is *not on PO*, a bundle
(组合装) is never received as such. Only counted (and accepted over) units reach stock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .errors import DomainError, ErrorCode
from .money import money


class POStatus(StrEnum):
    DRAFT = "draft"  # 草稿: editable, nothing in transit
    PLACED = "placed"  # 已审核: ordered from the supplier, in transit
    PARTIAL = "partial"  # 部分入库
    RECEIVED = "received"  # 全部入库
    CLOSED = "closed"  # 强制完成: the rest will not come
    CANCELLED = "cancelled"  # 作废


class POAction(StrEnum):
    PLACE = "placed"
    CANCEL = "cancelled"
    CLOSE = "closed"
    EDIT = "edited"
    RECEIVE = "received"


S = POStatus
_NEXT: dict[POAction, tuple[frozenset[POStatus], POStatus | None]] = {
    POAction.PLACE: (frozenset({S.DRAFT}), S.PLACED),
    POAction.CANCEL: (frozenset({S.DRAFT, S.PLACED}), S.CANCELLED),
    POAction.CLOSE: (frozenset({S.PLACED, S.PARTIAL}), S.CLOSED),
    POAction.EDIT: (frozenset({S.DRAFT}), None),
    POAction.RECEIVE: (frozenset({S.PLACED, S.PARTIAL}), None),
}
# Statuses in which the remaining quantities are in transit (in the stock balances).
IN_TRANSIT_STATUSES = frozenset({S.PLACED, S.PARTIAL})
FINISHED_STATUSES = frozenset({S.RECEIVED, S.CLOSED, S.CANCELLED})


def allowed_from(action: POAction) -> frozenset[POStatus]:
    """The statuses from which *action* may be taken."""
    return _NEXT[action][0]


def target_of(action: POAction) -> POStatus | None:
    """The status *action* leads to (None: the status stays or depends on the receipt)."""
    return _NEXT[action][1]


def check_action(number: str, status: POStatus | str, action: POAction) -> None:
    """Raise PO_ILLEGAL_TRANSITION unless *action* may be taken on a PO in *status*."""
    if POStatus(status) not in allowed_from(action):
        raise DomainError(ErrorCode.PO_ILLEGAL_TRANSITION, number=number,
                          status=POStatus(status).value, action=action.value)


def status_after_receipt(lines: Iterable[tuple[int, int]]) -> POStatus:
    """RECEIVED when every (ordered, received) line is complete, else PARTIAL."""
    return S.RECEIVED if all(received >= ordered for ordered, received in lines) else S.PARTIAL


def doc_number(prefix: str, day: date, seq: int) -> str:
    """PO20261127-0001: prefix, the day, a per-day sequence of at least four digits."""
    return f"{prefix}{day:%Y%m%d}-{seq:04d}"


# --- lines -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LineInput:
    """One line as a person enters it: a SKU (code or barcode), quantity and unit cost."""

    sku: str
    qty: int
    unit_cost: Decimal


def check_lines(lines: Sequence[LineInput]) -> list[LineInput]:
    """Validated lines: at least one, whole positive quantities, costs as money ≥ 0, each
    SKU once (the same SKU twice is refused: which cost would be right?)."""
    if not lines:
        raise DomainError(ErrorCode.REQUIRED, what="lines")
    seen: set[str] = set()
    out = []
    for ln in lines:
        key = ln.sku.strip()
        if not key:
            raise DomainError(ErrorCode.REQUIRED, what="SKU")
        if isinstance(ln.qty, bool) or not isinstance(ln.qty, int) or not 0 < ln.qty < 10**9:
            raise DomainError(ErrorCode.INVALID_QUANTITY, value=ln.qty)
        cost = money(ln.unit_cost)
        if cost < 0:
            raise DomainError(ErrorCode.INVALID_MONEY, value=str(ln.unit_cost))
        if key in seen:
            raise DomainError(ErrorCode.ALREADY_EXISTS, what="line", key=key)
        seen.add(key)
        out.append(LineInput(key, ln.qty, cost))
    return out


def parse_line_spec(spec: str) -> LineInput:
    """``SKU:QTY:COST`` (the CLI's ``--line``); the SKU may itself contain colons."""
    sku, sep, rest = spec.rpartition(":")
    sku2, sep2, qty = sku.rpartition(":")
    if not sep or not sep2 or not sku2:
        raise DomainError(ErrorCode.IMPORT_BAD_VALUE, path="--line", row=1,
                          column="SKU:QTY:COST", error=spec)
    try:
        n = int(qty)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=qty) from None
    return LineInput(sku2, n, money(rest))


# --- receiving -------------------------------------------------------------------------------

class ScanKind(StrEnum):
    COUNTED = "counted"  # within what the PO still expects
    OVER = "over"  # more than remains (wholly or partly): flagged
    UNKNOWN = "unknown"  # matches no SKU
    NOT_ON_PO = "not_on_po"  # a SKU this PO does not order
    BUNDLE = "bundle"  # a bundle is not received as such: its components are

    @property
    def is_flag(self) -> bool:
        return self is not ScanKind.COUNTED


@dataclass(frozen=True, slots=True)
class ExpectedLine:
    """A PO line as receiving sees it."""

    line_id: int
    sku_id: int
    code: str
    name: str
    ordered: int
    received: int  # posted before this session (all stations)

    @property
    def open_qty(self) -> int:
        return max(self.ordered - self.received, 0)


@dataclass(frozen=True, slots=True)
class ScanDecision:
    kind: ScanKind
    qty: int
    counted: int = 0
    over: int = 0
    sku_id: int | None = None
    line_id: int | None = None


def judge_scan(line: ExpectedLine | None, *, sku_found: bool, is_bundle: bool, qty: int,
               counted_so_far: int) -> ScanDecision:
    """What one scan of *qty* units is, given the PO line of its SKU (None when the PO does
    not order it) and the units this session already counted on that line."""
    if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=qty)
    if not sku_found:
        return ScanDecision(ScanKind.UNKNOWN, qty)
    if is_bundle:
        return ScanDecision(ScanKind.BUNDLE, qty)
    if line is None:
        return ScanDecision(ScanKind.NOT_ON_PO, qty)
    room = max(line.open_qty - counted_so_far, 0)
    counted = min(qty, room)
    over = qty - counted
    return ScanDecision(ScanKind.OVER if over else ScanKind.COUNTED, qty, counted, over,
                        line.sku_id, line.line_id)


@dataclass(frozen=True, slots=True)
class ScanFact:
    """A stored scan, for re-judging: the SKU's line id (None when not on the PO)."""

    scan_id: int
    line_id: int | None
    qty: int
    counted: int
    over: int


def rejudge(scans: Sequence[ScanFact], open_qty: Mapping[int, int]
            ) -> dict[int, tuple[int, int]]:
    """Split every on-PO scan again, in scan order, against the lines' *open_qty* as they are
    now (another station may have received some meanwhile). Returns scan id → (counted,
    over) for the scans whose split changed."""
    used: dict[int, int] = {}
    changed: dict[int, tuple[int, int]] = {}
    for sc in scans:
        if sc.line_id is None or sc.counted + sc.over == 0:
            continue
        n = sc.counted + sc.over
        room = max(open_qty.get(sc.line_id, 0) - used.get(sc.line_id, 0), 0)
        counted = min(n, room)
        used[sc.line_id] = used.get(sc.line_id, 0) + counted
        if (counted, n - counted) != (sc.counted, sc.over):
            changed[sc.scan_id] = (counted, n - counted)
    return changed


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One PO line in a receiving report (收货报告)."""

    line_id: int
    sku_id: int
    code: str
    name: str
    ordered: int
    previously: int  # received before this session
    now: int  # counted in this session (within what remained)
    over: int  # scanned beyond what remained (flagged)

    @property
    def remaining(self) -> int:
        return max(self.ordered - self.previously - self.now, 0)

    @property
    def complete(self) -> bool:
        return self.remaining == 0
