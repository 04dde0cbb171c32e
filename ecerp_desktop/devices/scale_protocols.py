"""Serial scale protocols: framing, parsing and stability, pure (no I/O, no threads).

Every protocol the app speaks lives here, in one static table (``PROTOCOLS``), so a new
scale model is a TOML profile naming one of them, never new code in the serial worker.
A ``ScaleDecoder`` turns the raw bytes of one port (split across reads, with noise) into
``ScaleReading`` values; the packing station uses only readings whose ``usable`` is true.

Weights are Decimal grams, never float. Protocol facts: shared/HARDWARE.md section 6.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

STX = 0x02
ETX = 0x03
CR = 0x0D
LF = 0x0A

# Exact factors (international avoirdupois pound, 1959).
GRAMS_PER_UNIT: dict[str, Decimal] = {
    "g": Decimal(1),
    "kg": Decimal(1000),
    "lb": Decimal("453.59237"),
    "oz": Decimal("28.349523125"),
}


class ScaleStatus(StrEnum):
    """What the scale said about the weight, besides its value."""

    OK = "ok"              # a weight, stable or moving (see ``ScaleReading.stable``)
    OVERLOAD = "overload"  # above capacity: no weight
    UNDERLOAD = "underload"  # below zero range: no weight
    BUSY = "busy"          # the scale answered but could not give a weight now (SICS ``S I``)
    ERROR = "error"        # command or transmission error reported by the scale


@dataclass(frozen=True, slots=True)
class ScaleReading:
    """One weight message from a scale.

    ``grams`` is None when the message carries no weight (overload, errors).
    ``usable`` is the only thing the packing station should trust: a stable weight.
    """

    grams: Decimal | None
    stable: bool
    status: ScaleStatus = ScaleStatus.OK
    unit: str = "g"          # the unit the scale sent (the value is always in grams)
    mode: str = ""           # "gross", "net", "tare" when the protocol says
    raw: bytes = b""

    @property
    def usable(self) -> bool:
        return self.status is ScaleStatus.OK and self.stable and self.grams is not None

    @property
    def grams_int(self) -> int | None:
        """Whole grams, rounded half up (what a parcel's weight field stores)."""
        if self.grams is None:
            return None
        return int(self.grams.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_grams(value: Decimal, unit: str) -> Decimal:
    """*value* in *unit* (g, kg, lb, oz; case-insensitive) as Decimal grams."""
    factor = GRAMS_PER_UNIT.get(unit.strip().lower())
    if factor is None:
        raise ValueError(f"unknown weight unit {unit!r}")
    return value * factor


def _decimal(text: str) -> Decimal | None:
    text = text.strip()
    if not text or text.count(".") > 1:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


_NOISE = bytes(range(0x20)) + bytes(range(0x7F, 0x100))


def _strip_noise(frame: bytes) -> bytes:
    """Drop control/high bytes around a text line (line noise, a port opened mid-byte)."""
    return frame.strip(_NOISE)


# ---------------------------------------------------------------------------- framing


@dataclass
class Framer:
    """Cuts a byte stream into frames, whatever the read boundaries and noise.

    - ``start``: a byte a frame must begin with (bytes before it are noise); None for lines.
    - ``ends``: bytes that end a frame (the end byte is not part of the frame).
    - ``start_ends``: when true, the next ``start`` byte also ends the frame in progress
      (the Chinese ``=`` stream has no terminator: each ``=`` begins the next frame).
    - ``length``: a frame is complete after this many bytes (after ``start``), if set.
    - ``raw_after``: a byte after which the next byte is data even if it is an end byte
      (the Toledo 8217 status byte follows ``?`` and may be any value).
    - ``max_len``: a frame growing past this is noise and is dropped.
    """

    start: int | None = None
    ends: bytes = b"\r\n"
    start_ends: bool = False
    length: int | None = None
    raw_after: int | None = None
    max_len: int = 80
    _buf: bytearray = field(default_factory=bytearray, repr=False)
    _in_frame: bool = field(default=False, repr=False)
    _raw_next: bool = field(default=False, repr=False)

    def feed(self, data: bytes) -> list[bytes]:
        frames: list[bytes] = []
        for b in data:
            if self._raw_next:
                self._raw_next = False
                self._buf.append(b)
            elif self.start is not None and b == self.start:
                if self._in_frame and self.start_ends and self._buf:
                    frames.append(bytes(self._buf))
                # a start byte inside a frame means the old frame was cut: restart
                self._buf.clear()
                self._in_frame = True
                continue
            elif b in self.ends:
                if self._in_frame and self._buf:
                    frames.append(bytes(self._buf))
                self._buf.clear()
                self._in_frame = self.start is None  # line mode: a new line starts here
                continue
            elif self._in_frame:
                self._buf.append(b)
                if self.raw_after is not None and b == self.raw_after:
                    self._raw_next = True
            else:
                continue  # noise before a start byte
            if self.length is not None and len(self._buf) >= self.length:
                frames.append(bytes(self._buf))
                self._buf.clear()
                self._in_frame = self.start is None
            elif len(self._buf) > self.max_len:
                # runaway garbage: drop it and everything up to the next frame boundary
                self._buf.clear()
                self._in_frame = False
                self._raw_next = False
        return frames

    def reset(self) -> None:
        self._buf.clear()
        self._in_frame = self.start is None
        self._raw_next = False

    def __post_init__(self) -> None:
        self._in_frame = self.start is None


# ---------------------------------------------------------------------------- parsers
# Each parser takes one frame (without its framing bytes) and the profile's default unit,
# and returns a reading or None for garbage. None is never an exception: noise is normal.

Parser = Callable[[bytes, str], "ScaleReading | None"]

_ST_GS = re.compile(
    rb"^\s*(ST|US|OL),\s*(GS|NT|TR),\s*([+-])?\s*([0-9][0-9.]*)?\s*([A-Za-z]*)\s*$")
_MODES = {b"GS": "gross", b"NT": "net", b"TR": "tare"}


def parse_st_gs(frame: bytes, default_unit: str) -> ScaleReading | None:
    """``ST,GS,+  1.234kg``: ST stable, US unstable (motion), OL overload; GS/NT/TR mode."""
    m = _ST_GS.match(_strip_noise(frame))
    if m is None:
        return None
    state, mode, sign, number, unit = m.groups()
    mode_name = _MODES[mode]
    if state == b"OL":
        return ScaleReading(None, False, ScaleStatus.OVERLOAD, mode=mode_name, raw=frame)
    value = _decimal(number.decode()) if number else None
    unit_s = unit.decode().lower() if unit else default_unit
    if value is None or unit_s not in GRAMS_PER_UNIT:
        return None
    if sign == b"-":
        value = -value
    return ScaleReading(to_grams(value, unit_s), state == b"ST", ScaleStatus.OK, unit_s,
                        mode_name, frame)


_SICS = re.compile(rb"^\s*(S|SI|SIR)\s+([SD])\s+([+-]?\s*[0-9][0-9.]*)\s*([A-Za-z]*)\s*$")
_SICS_STATUS = re.compile(rb"^\s*(S|SI|SIR)\s+([I+\-])\s*$")
_SICS_ERROR = re.compile(rb"^\s*(ES|ET|EL)\s*$")


def parse_sics(frame: bytes, default_unit: str) -> ScaleReading | None:
    """Mettler Toledo MT-SICS: ``S S     1.234 kg`` stable, ``S D`` dynamic, ``S I`` busy,
    ``S +`` overload, ``S -`` underload, ``ES``/``ET``/``EL`` syntax/transmission/logic errors."""
    frame = _strip_noise(frame)
    m = _SICS.match(frame)
    if m is not None:
        _cmd, flag, number, unit = m.groups()
        value = _decimal(number.replace(b" ", b"").decode())
        unit_s = unit.decode().lower() if unit else default_unit
        if value is None or unit_s not in GRAMS_PER_UNIT:
            return None
        return ScaleReading(to_grams(value, unit_s), flag == b"S", ScaleStatus.OK, unit_s,
                            raw=frame)
    m = _SICS_STATUS.match(frame)
    if m is not None:
        status = {b"I": ScaleStatus.BUSY, b"+": ScaleStatus.OVERLOAD,
                  b"-": ScaleStatus.UNDERLOAD}[m.group(2)]
        return ScaleReading(None, False, status, raw=frame)
    if _SICS_ERROR.match(frame):
        return ScaleReading(None, False, ScaleStatus.ERROR, raw=frame)
    return None


_T8217_WEIGHT = re.compile(rb"^\s*([0-9][0-9.]*)(N?)\s*$")

# Toledo 8217 status byte bits (as decoded by Odoo's driver): bit 0 in motion, bit 1 over
# capacity, bit 2 negative (under zero). The high bits only keep the byte printable.
_T8217_MOTION = 0x01
_T8217_OVER = 0x02
_T8217_UNDER = 0x04


def parse_toledo_8217(frame: bytes, default_unit: str) -> ScaleReading | None:
    """Toledo 8217 answer to ``W`` (frame = what is between STX and CR):
    a weight ``  1.234`` (``N`` suffix = net), stable by definition, or ``?`` + a status
    byte when the scale cannot give a weight (motion, over capacity, under zero)."""
    if frame.startswith(b"?") and len(frame) == 2:
        stat = frame[1]
        if stat & _T8217_OVER:
            return ScaleReading(None, False, ScaleStatus.OVERLOAD, raw=frame)
        if stat & _T8217_UNDER:
            return ScaleReading(None, False, ScaleStatus.UNDERLOAD, raw=frame)
        # moving, or another non-weight status: the scale withholds the weight
        return ScaleReading(None, False, ScaleStatus.BUSY, raw=frame)
    m = _T8217_WEIGHT.match(frame)
    if m is None:
        return None
    value = _decimal(m.group(1).decode())
    if value is None:
        return None
    return ScaleReading(to_grams(value, default_unit), True, ScaleStatus.OK, default_unit,
                        "net" if m.group(2) else "", frame)


_EQUALS = re.compile(rb"^\s*(-?)([0-9.]+)(-?)\s*$")


def _parse_equals(frame: bytes, default_unit: str, reverse: bool) -> ScaleReading | None:
    m = _EQUALS.match(frame)
    if m is None:
        return None
    lead, digits, trail = m.groups()
    if lead and trail:
        return None
    text = digits.decode()
    if reverse:
        text = text[::-1]  # "=0432.1" is 1.2340 sent least significant digit first
    value = _decimal(text)
    if value is None:
        return None
    if lead or trail:
        value = -value
    # no stable flag on the wire: ScaleDecoder decides stability from repeated values
    return ScaleReading(to_grams(value, default_unit), False, ScaleStatus.OK, default_unit,
                        raw=frame)


def parse_equals(frame: bytes, default_unit: str) -> ScaleReading | None:
    """Chinese indicator continuous stream ``=1.2340`` (unit from the profile)."""
    return _parse_equals(frame, default_unit, reverse=False)


def parse_equals_reversed(frame: bytes, default_unit: str) -> ScaleReading | None:
    """The digit-reversed variant: ``=0432.1`` means 1.2340 (unit from the profile)."""
    return _parse_equals(frame, default_unit, reverse=True)


# ---------------------------------------------------------------------------- the table


@dataclass(frozen=True, slots=True)
class ScaleProtocol:
    """How to frame and parse one protocol, and whether it reports stability itself."""

    slug: str
    name: str
    parse: Parser
    framer: Callable[[], Framer]
    has_stable_flag: bool
    default_poll: bytes = b""  # request/response protocols: what to send to get a weight


PROTOCOLS: dict[str, ScaleProtocol] = {
    p.slug: p for p in (
        ScaleProtocol("st_gs", "ST,GS continuous stream (A&D style)", parse_st_gs,
                      lambda: Framer(ends=b"\r\n"), True),
        ScaleProtocol("sics", "Mettler Toledo MT-SICS", parse_sics,
                      lambda: Framer(ends=b"\r\n"), True, default_poll=b"SI\r\n"),
        ScaleProtocol("toledo_8217", "Toledo 8217 (request W, STX … CR)", parse_toledo_8217,
                      lambda: Framer(start=STX, ends=b"\r", raw_after=ord("?")), True,
                      default_poll=b"W"),
        ScaleProtocol("equals", "Chinese indicator = stream", parse_equals,
                      lambda: Framer(start=ord("="), ends=b"\r\n", start_ends=True), False),
        ScaleProtocol("equals_reversed", "Chinese indicator = stream, digits reversed",
                      parse_equals_reversed,
                      lambda: Framer(start=ord("="), ends=b"\r\n", start_ends=True), False),
    )
}


class ScaleDecoder:
    """Bytes from one scale in, readings out. Keeps the framer and stability state.

    For protocols without a stable flag, a reading counts as stable once ``stable_count``
    consecutive frames carry the same weight (within ``tolerance_g`` grams).
    Not thread-safe: owned by the one worker thread of its device.
    """

    def __init__(self, protocol: ScaleProtocol | str, *, unit: str = "kg",
                 stable_count: int = 3, tolerance_g: Decimal = Decimal(0),
                 frame_length: int | None = None) -> None:
        self.protocol = PROTOCOLS[protocol] if isinstance(protocol, str) else protocol
        self.unit = unit.lower()
        if self.unit not in GRAMS_PER_UNIT:
            raise ValueError(f"unknown weight unit {unit!r}")
        self.stable_count = max(1, stable_count)
        self.tolerance_g = tolerance_g
        self.framer = self.protocol.framer()
        if frame_length is not None:
            self.framer.length = frame_length
        self._last: Decimal | None = None
        self._same = 0
        self.garbage_frames = 0

    def feed(self, data: bytes) -> list[ScaleReading]:
        out: list[ScaleReading] = []
        for frame in self.framer.feed(data):
            reading = self.protocol.parse(frame, self.unit)
            if reading is None:
                self.garbage_frames += 1
                self._last, self._same = None, 0  # a glitch: count repeats again
                continue
            if not self.protocol.has_stable_flag:
                reading = self._settle(reading)
            out.append(reading)
        return out

    def _settle(self, reading: ScaleReading) -> ScaleReading:
        g = reading.grams
        if g is None:
            self._last, self._same = None, 0
            return reading
        if self._last is not None and abs(g - self._last) <= self.tolerance_g:
            self._same += 1
        else:
            self._same = 1
        self._last = g
        stable = self._same >= self.stable_count
        return ScaleReading(g, stable, reading.status, reading.unit, reading.mode, reading.raw)

    def reset(self) -> None:
        """Forget partial frames and stability (after a reconnect)."""
        self.framer.reset()
        self._last, self._same = None, 0


def decode_all(protocol: str, chunks: Iterable[bytes], **kwargs: object) -> list[ScaleReading]:
    """All readings from a sequence of reads (for tests, the CLI and replay files)."""
    dec = ScaleDecoder(protocol, **kwargs)  # type: ignore[arg-type]
    out: list[ScaleReading] = []
    for chunk in chunks:
        out.extend(dec.feed(chunk))
    return out
