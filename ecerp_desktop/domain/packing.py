"""The packing station's rules (打包台): verify a parcel item by item, then its weight.

A :class:`Verification` is the state of one parcel at one station:

    SCANNING ──(every unit counted)──▶ WEIGHING ──(weight within tolerance)──▶ READY
                                          │  ▲
                    (outside tolerance)   ▼  │ (re-weigh)
                                    WEIGHT_REJECTED ──(supervisor code)──▶ READY
    READY ──(printed and shipped, by the service)──▶ SHIPPED
    any stage ──(order intercepted or cancelled)──▶ STOPPED

Expected quantities are per SKU, bundles (组合装) expanded into their components, so a
packer scans what goes into the box. A scan that is wrong counts nothing: an unknown
code, a SKU that is not in the parcel, one unit too many, or another order's slip. A
bundle's own barcode (a pre-packed set) counts all its components at once, or nothing.

Pure: no I/O. The service resolves a scanned code to a SKU (barcodes → SKU, several per
SKU) and feeds the result in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Stage(StrEnum):
    SCANNING = "scanning"
    WEIGHING = "weighing"
    WEIGHT_REJECTED = "weight_rejected"
    READY = "ready"  # verified and weighed: print and ship
    SHIPPED = "shipped"
    STOPPED = "stopped"  # intercepted or cancelled while open


class ScanResult(StrEnum):
    COUNTED = "counted"
    COMPLETE = "complete"  # counted, and it was the last unit
    UNKNOWN = "unknown"  # no SKU has this barcode
    WRONG_ITEM = "wrong_item"  # a SKU this parcel does not hold
    TOO_MANY = "too_many"  # this SKU is already fully counted
    OTHER_ORDER = "other_order"  # a slip, order number or waybill of another parcel
    NOT_SCANNING = "not_scanning"  # the parcel is past scanning (weighing, stopped…)
    SAME_PARCEL = "same_parcel"  # the open parcel's own slip again: nothing happens

    @property
    def is_error(self) -> bool:
        return self not in (ScanResult.COUNTED, ScanResult.COMPLETE, ScanResult.SAME_PARCEL)


@dataclass(frozen=True, slots=True)
class ExpectedLine:
    """One SKU to put in the box: how many, and what the packer reads on screen."""

    sku_id: int
    code: str
    name: str
    qty: int
    weight_g: int = 0


def expand_bundles(lines: Iterable[tuple[int, int]],
                   bundles: Mapping[int, Sequence[tuple[int, int]]]) -> dict[int, int]:
    """(SKU, qty) pairs → quantity per SKU to scan, bundles replaced by their components
    (nested bundles too; a bundle that contains itself stops at 8 levels)."""
    out: dict[int, int] = {}

    def add(sku: int, qty: int, depth: int) -> None:
        comps = bundles.get(sku)
        if comps and depth < 8:
            for comp, n in comps:
                add(comp, qty * n, depth + 1)
        else:
            out[sku] = out.get(sku, 0) + qty

    for sku, qty in lines:
        add(sku, qty, 0)
    return out


@dataclass(frozen=True, slots=True)
class WeightRule:
    """Expected weight = SKU weights + packaging; accepted within max(grams, percent)."""

    packaging_g: int = 50
    tolerance_g: int = 50
    tolerance_pct: Decimal = Decimal("10")

    def tolerance(self, expected_g: int) -> int:
        pct = (Decimal(expected_g) * self.tolerance_pct / 100).quantize(
            Decimal(1), rounding=ROUND_HALF_UP)
        return max(self.tolerance_g, int(pct))


@dataclass(frozen=True, slots=True)
class WeightCheck:
    measured_g: int
    expected_g: int
    tolerance_g: int

    @property
    def deviation_g(self) -> int:
        return self.measured_g - self.expected_g

    @property
    def ok(self) -> bool:
        return abs(self.deviation_g) <= self.tolerance_g


def check_weight(measured_g: int, expected_g: int, rule: WeightRule) -> WeightCheck:
    return WeightCheck(measured_g, expected_g, rule.tolerance(expected_g))


@dataclass
class Verification:
    """One open parcel at a station: counts per SKU and the stage it is in."""

    parcel_id: int
    lines: tuple[ExpectedLine, ...]
    bundles: Mapping[int, Sequence[tuple[int, int]]] = field(default_factory=dict)
    rule: WeightRule = field(default_factory=WeightRule)
    counted: dict[int, int] = field(default_factory=dict)
    stage: Stage = Stage.SCANNING
    errors: int = 0
    weight: WeightCheck | None = None
    override: bool = False  # a supervisor accepted a weight outside the tolerance

    def __post_init__(self) -> None:
        self._want = {ln.sku_id: ln.qty for ln in self.lines}
        if self.stage is Stage.SCANNING and self.complete:  # nothing to scan (all gifts…)
            self.stage = Stage.WEIGHING

    # -- scanning

    def expected(self, sku_id: int) -> int:
        return self._want.get(sku_id, 0)

    def remaining(self, sku_id: int) -> int:
        return self.expected(sku_id) - self.counted.get(sku_id, 0)

    @property
    def complete(self) -> bool:
        return all(self.counted.get(k, 0) >= q for k, q in self._want.items())

    @property
    def units_total(self) -> int:
        return sum(self._want.values())

    @property
    def units_counted(self) -> int:
        return sum(min(self.counted.get(k, 0), q) for k, q in self._want.items())

    def refuse(self, result: ScanResult) -> ScanResult:
        """Count an error the service found itself (unknown code, another order's slip)."""
        self.errors += 1
        return result

    def scan_sku(self, sku_id: int | None, qty: int = 1) -> ScanResult:
        """Count *qty* units of *sku_id* (None: the code is unknown). All or nothing."""
        if self.stage is not Stage.SCANNING:
            return ScanResult.NOT_SCANNING
        if qty < 1:
            return self.refuse(ScanResult.TOO_MANY)
        if sku_id is None:
            return self.refuse(ScanResult.UNKNOWN)
        if sku_id in self._want:
            parts = {sku_id: qty}
        elif sku_id in self.bundles:  # a pre-packed bundle counts its components
            parts = expand_bundles([(sku_id, qty)], self.bundles)
            if any(k not in self._want for k in parts):
                return self.refuse(ScanResult.WRONG_ITEM)
        else:
            return self.refuse(ScanResult.WRONG_ITEM)
        if any(self.remaining(k) < n for k, n in parts.items()):
            return self.refuse(ScanResult.TOO_MANY)
        for k, n in parts.items():
            self.counted[k] = self.counted.get(k, 0) + n
        if self.complete:
            self.stage = Stage.WEIGHING
            return ScanResult.COMPLETE
        return ScanResult.COUNTED

    # -- weighing

    @property
    def expected_weight_g(self) -> int:
        return sum(ln.weight_g * ln.qty for ln in self.lines) + self.rule.packaging_g

    def weigh(self, measured_g: int) -> WeightCheck:
        """Take a stable weight (a re-weigh replaces the last one)."""
        if self.stage not in (Stage.WEIGHING, Stage.WEIGHT_REJECTED, Stage.READY):
            raise ValueError(f"cannot weigh a parcel that is {self.stage}")
        self.weight = check_weight(measured_g, self.expected_weight_g, self.rule)
        self.override = False
        self.stage = Stage.READY if self.weight.ok else Stage.WEIGHT_REJECTED
        if not self.weight.ok:
            self.errors += 1
        return self.weight

    def accept_weight(self) -> None:
        """A supervisor accepts the weight outside the tolerance (checked by the caller)."""
        if self.stage is not Stage.WEIGHT_REJECTED:
            raise ValueError(f"nothing to accept at {self.stage}")
        self.override = True
        self.stage = Stage.READY

    def stop(self) -> None:
        self.stage = Stage.STOPPED

    def shipped(self) -> None:
        self.stage = Stage.SHIPPED


# --- supervisor code -----------------------------------------------------------------------

_ITERATIONS = 50_000


def hash_code(code: str, salt: str | None = None) -> str:
    """``pbkdf2$<iterations>$<salt>$<hex>`` of a supervisor code (never stored in clear)."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", code.encode(), salt.encode(), _ITERATIONS).hex()
    return f"pbkdf2${_ITERATIONS}${salt}${digest}"


def verify_code(code: str, stored: str) -> bool:
    try:
        kind, iterations, salt, digest = stored.split("$")
        n = int(iterations)
    except ValueError:
        return False
    if kind != "pbkdf2" or not code:
        return False
    got = hashlib.pbkdf2_hmac("sha256", code.encode(), salt.encode(), n).hex()
    return hmac.compare_digest(got, digest)
