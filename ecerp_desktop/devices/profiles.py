"""Device profiles: drivers/scales/*.toml and drivers/scanners/*.toml, checked at load.

A profile is data (port settings, protocol, timing); the code it names is a driver from
``registry.DRIVERS``. Loading never raises for a bad file: each broken profile becomes a
``ProfileError`` with the file and the reason, listed on the devices page, and the other
profiles still load (a typo in one TOML must not stop a packing station).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ecerp_desktop.devices.registry import DRIVERS, DeviceKind, DriverInfo
from ecerp_desktop.devices.scale_protocols import GRAMS_PER_UNIT, PROTOCOLS, ScaleDecoder
from ecerp_desktop.devices.scan_codes import ScanLineDecoder
from ecerp_desktop.devices.wedge import WedgeSettings
from ecerp_desktop.paths import drivers_dir


class ProfileInvalid(ValueError):
    """One reason a profile file is refused."""


@dataclass(frozen=True, slots=True)
class ProfileError:
    """A profile that could not be used, and why (shown on the devices page)."""

    path: str
    message: str


@dataclass(frozen=True, slots=True)
class SerialSettings:
    """How to open the port (the port name itself is per station, not per profile)."""

    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"      # N, E, O, M, S
    stopbits: float = 1
    rtscts: bool = False
    xonxoff: bool = False

    def describe(self) -> str:
        stop = int(self.stopbits) if self.stopbits in (1, 2) else self.stopbits
        return f"{self.baudrate} {self.bytesize}{self.parity}{stop}"


@dataclass(frozen=True, slots=True)
class ScaleProfile:
    slug: str
    name: str
    driver: str
    description: str
    path: str
    serial: SerialSettings
    unit: str = "kg"                 # unit of protocols that do not send one
    poll: bytes = b""                # request/response scales: what to send for a weight
    poll_interval_s: float = 0.2
    stable_count: int = 3            # protocols without a stable flag
    tolerance_g: Decimal = Decimal(0)
    frame_length: int | None = None

    kind = DeviceKind.SCALE

    def decoder(self) -> ScaleDecoder:
        return ScaleDecoder(self.driver, unit=self.unit, stable_count=self.stable_count,
                            tolerance_g=self.tolerance_g, frame_length=self.frame_length)


@dataclass(frozen=True, slots=True)
class ScannerProfile:
    slug: str
    name: str
    driver: str                      # "wedge" or "serial_scanner"
    description: str
    path: str
    wedge: WedgeSettings | None = None
    serial: SerialSettings | None = None
    terminator: bytes = b"\r"
    prefix: str = ""
    suffix: str = ""
    min_length: int = 3
    uppercase: bool = False

    kind = DeviceKind.SCANNER

    def line_decoder(self) -> ScanLineDecoder:
        return ScanLineDecoder(self.terminator, self.prefix, self.suffix, self.min_length,
                               self.uppercase)


@dataclass
class ProfileSet:
    """Everything under drivers/: usable profiles by slug, and the broken ones."""

    scales: dict[str, ScaleProfile] = field(default_factory=dict)
    scanners: dict[str, ScannerProfile] = field(default_factory=dict)
    printers: dict[str, str] = field(default_factory=dict)  # slug -> name (printing owns them)
    errors: list[ProfileError] = field(default_factory=list)


# ---------------------------------------------------------------------------- schema
# key -> (check, required). A check returns the converted value or raises ProfileInvalid.

Check = Callable[[Any], Any]


def _is(kind: type | tuple[type, ...], what: str) -> Check:
    def check(v: Any) -> Any:
        if isinstance(v, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise ProfileInvalid(f"must be {what}")
        if not isinstance(v, kind):
            raise ProfileInvalid(f"must be {what}")
        return v
    return check


def _one_of(*choices: Any) -> Check:
    def check(v: Any) -> Any:
        if isinstance(v, bool) or v not in choices:  # TOML true would equal 1
            raise ProfileInvalid("must be one of " + ", ".join(map(str, choices)))
        return v
    return check


def _int_range(lo: int, hi: int) -> Check:
    def check(v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise ProfileInvalid(f"must be a whole number from {lo} to {hi}")
        return v
    return check


def _number_range(lo: float, hi: float) -> Check:
    def check(v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v <= hi:
            raise ProfileInvalid(f"must be a number from {lo} to {hi}")
        return v
    return check


def _text(max_len: int = 200, *, nonempty: bool = False) -> Check:
    def check(v: Any) -> Any:
        if not isinstance(v, str) or len(v) > max_len or (nonempty and not v.strip()):
            raise ProfileInvalid("must be a non-empty text" if nonempty else "must be a text")
        return v
    return check


def _raise(message: str) -> Any:
    raise ProfileInvalid(message)


def _slug(v: Any) -> str:
    if not isinstance(v, str) or not v or len(v) > 64 or not all(
            c.isascii() and (c.isalnum() or c in "-_") for c in v):
        raise ProfileInvalid("must be letters, digits, - or _ (at most 64)")
    return v


def _terminators(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not v or any(t not in ("Enter", "Tab") for t in v):
        raise ProfileInvalid('must be a list of "Enter" and/or "Tab"')
    return tuple(v)


_HEAD: dict[str, tuple[Check, bool]] = {
    "slug": (_slug, True),
    "name": (_text(nonempty=True), True),
    "kind": (_one_of("scale", "scanner"), True),
    "driver": (_text(64, nonempty=True), True),
    "description": (_text(1000), False),
    "models": (lambda v: v if isinstance(v, list) and all(isinstance(m, str) for m in v)
               else _raise("must be a list of model names"), False),
}
_SERIAL: dict[str, tuple[Check, bool]] = {
    "baudrate": (_one_of(1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200), True),
    "bytesize": (_one_of(7, 8), False),
    "parity": (_one_of("N", "E", "O", "M", "S"), False),
    "stopbits": (_one_of(1, 1.5, 2), False),
    "rtscts": (_is(bool, "true or false"), False),
    "xonxoff": (_is(bool, "true or false"), False),
}
_SCALE: dict[str, tuple[Check, bool]] = {
    "unit": (_one_of(*GRAMS_PER_UNIT), False),
    "poll": (_text(32), False),
    "poll_interval_ms": (_int_range(20, 10_000), False),
    "stable_count": (_int_range(1, 50), False),
    "tolerance_g": (_number_range(0, 1000), False),
    "frame_length": (_int_range(0, 64), False),
}
_WEDGE: dict[str, tuple[Check, bool]] = {
    "max_gap_ms": (_number_range(1, 1000), False),
    "min_length": (_int_range(1, 128), False),
    "prefix": (_text(16), False),
    "suffix": (_text(16), False),
    "prefix_max_gap_ms": (_number_range(1, 5000), False),
    "terminators": (_terminators, False),
    "uppercase": (_is(bool, "true or false"), False),
}
_LINE: dict[str, tuple[Check, bool]] = {
    "terminator": (_one_of("\r", "\n", "\r\n", "\t", "\x03"), False),
    "prefix": (_text(16), False),
    "suffix": (_text(16), False),
    "min_length": (_int_range(1, 128), False),
    "uppercase": (_is(bool, "true or false"), False),
}


def _section(data: dict[str, Any], spec: dict[str, tuple[Check, bool]],
             where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ProfileInvalid(f"[{where}] must be a table")
    unknown = sorted(set(data) - set(spec))
    if unknown:
        raise ProfileInvalid(f"{where}: unknown key(s) {', '.join(unknown)}")
    out: dict[str, Any] = {}
    for key, (check, required) in spec.items():
        if key not in data:
            if required:
                raise ProfileInvalid(f"{where}: missing {key}")
            continue
        try:
            out[key] = check(data[key])
        except ProfileInvalid as exc:
            raise ProfileInvalid(f"{where}.{key} {exc}") from None
    return out


def _serial(doc: dict[str, Any]) -> SerialSettings:
    if "serial" not in doc:
        raise ProfileInvalid("missing [serial] table")
    return SerialSettings(**_section(doc["serial"], _SERIAL, "serial"))


def parse_profile(doc: dict[str, Any], path: str, kind: DeviceKind) -> ScaleProfile | ScannerProfile:
    """Validate one parsed TOML document; raises ProfileInvalid with the reason."""
    tables = {"serial", "scale", "wedge", "scanner"}
    head = _section({k: v for k, v in doc.items() if k not in tables}, _HEAD, "profile")
    if head["kind"] != kind.value:
        raise ProfileInvalid(f"kind is {head['kind']!r} but the file is in the {kind.value}s folder")
    driver: DriverInfo | None = DRIVERS.get(head["driver"])
    if driver is None or driver.kind is not kind:
        known = ", ".join(d.slug for d in DRIVERS.values() if d.kind is kind)
        raise ProfileInvalid(f"unknown {kind.value} driver {head['driver']!r} (known: {known})")
    common = {"slug": head["slug"], "name": head["name"], "driver": driver.slug,
              "description": head.get("description", ""), "path": path}
    allowed = ({"serial", "scale"} if kind is DeviceKind.SCALE
               else {"wedge"} if driver.slug == "wedge" else {"serial", "scanner"})
    extra = sorted((tables & set(doc)) - allowed)
    if extra:
        raise ProfileInvalid(f"table(s) {', '.join(extra)} do not apply to driver {driver.slug}")
    if kind is DeviceKind.SCALE:
        sc = _section(doc.get("scale", {}), _SCALE, "scale")
        poll = sc.get("poll", PROTOCOLS[driver.slug].default_poll.decode("ascii"))
        return ScaleProfile(
            **common, serial=_serial(doc), unit=sc.get("unit", "kg"),
            poll=poll.encode("ascii", "strict") if poll.isascii() else _bad_poll(),
            poll_interval_s=sc.get("poll_interval_ms", 200) / 1000.0,
            stable_count=sc.get("stable_count", 3),
            tolerance_g=Decimal(str(sc.get("tolerance_g", 0))),
            frame_length=sc.get("frame_length") or None)
    if driver.slug == "wedge":
        w = _section(doc.get("wedge", {}), _WEDGE, "wedge")
        return ScannerProfile(**common, wedge=WedgeSettings(**w),
                              min_length=w.get("min_length", 4),
                              uppercase=w.get("uppercase", False))
    line = _section(doc.get("scanner", {}), _LINE, "scanner")
    return ScannerProfile(**common, serial=_serial(doc),
                          terminator=line.get("terminator", "\r").encode("ascii"),
                          prefix=line.get("prefix", ""), suffix=line.get("suffix", ""),
                          min_length=line.get("min_length", 3),
                          uppercase=line.get("uppercase", False))


def _bad_poll() -> bytes:
    raise ProfileInvalid("scale.poll must be ASCII")


def load_profiles(root: Path | None = None) -> ProfileSet:
    """Read drivers/scales, drivers/scanners (validated) and the printer profile names.

    Never raises for a bad profile: it goes to ``ProfileSet.errors``. Any thread.
    """
    root = drivers_dir() if root is None else root
    result = ProfileSet()
    for kind, folder, target in ((DeviceKind.SCALE, "scales", result.scales),
                                 (DeviceKind.SCANNER, "scanners", result.scanners)):
        for path in sorted((root / folder).glob("*.toml")):
            try:
                with path.open("rb") as fh:
                    doc = tomllib.load(fh)
                profile = parse_profile(doc, str(path), kind)
                if profile.slug in target:
                    raise ProfileInvalid(
                        f"slug {profile.slug!r} already used by {target[profile.slug].path}")
                target[profile.slug] = profile  # type: ignore[assignment]
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ProfileInvalid) as exc:
                result.errors.append(ProfileError(str(path), str(exc)))
    for path in sorted((root / "printers").glob("*.toml")):
        # The printing module validates these; the devices page only needs a name.
        try:
            with path.open("rb") as fh:
                doc = tomllib.load(fh)
            name = doc.get("name") or doc.get("profile", {}).get("name") or path.stem
            result.printers[str(doc.get("slug") or path.stem)] = str(name)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError) as exc:
            result.errors.append(ProfileError(str(path), str(exc)))
    return result
