"""Scale protocol parsers on captured-style byte streams: split frames, noise, motion → stable,
overload, units, reversed digits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ecerp_desktop.devices.scale_protocols import (
    PROTOCOLS,
    Framer,
    ScaleDecoder,
    ScaleStatus,
    decode_all,
    parse_sics,
    parse_st_gs,
    to_grams,
)


def chunks(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


# ------------------------------------------------------------------ ST,GS stream

ST_GS_CAPTURE = (
    b"\x00\xffUS,GS,+  1.240kg\r\n"        # line noise before the first line
    b"US,GS,+  1.236kg\r\n"
    b"ST,GS,+  1.234kg\r\n"
    b"ST,NT,+ 123.456   g\r\n"
    b"US,GS,+0123.456  lb\r\n"
    b"ST,GS,-  0.010kg\r\n"
    b"OL,GS,+\r\n"
    b"garbage line\r\n"
    b"ST,GS,+  4.876kg\r\n"
)


@pytest.mark.parametrize("size", [1, 3, 7, 64, 10_000])
def test_st_gs_stream_survives_any_read_boundaries(size: int) -> None:
    readings = decode_all("st_gs", chunks(ST_GS_CAPTURE, size))
    assert [(r.grams, r.stable, r.status) for r in readings] == [
        (Decimal("1240.000"), False, ScaleStatus.OK),
        (Decimal("1236.000"), False, ScaleStatus.OK),
        (Decimal("1234.000"), True, ScaleStatus.OK),
        (Decimal("123.456"), True, ScaleStatus.OK),
        (Decimal("123.456") * Decimal("453.59237"), False, ScaleStatus.OK),
        (Decimal("-10.000"), True, ScaleStatus.OK),
        (None, False, ScaleStatus.OVERLOAD),
        (Decimal("4876.000"), True, ScaleStatus.OK),
    ]


def test_only_stable_readings_are_usable() -> None:
    rs = decode_all("st_gs", [b"US,GS,+  1.240kg\r\nST,GS,+  1.234kg\r\nOL,GS,+\r\n"])
    assert [r.usable for r in rs] == [False, True, False]
    assert rs[1].grams_int == 1234 and rs[1].mode == "gross" and rs[1].unit == "kg"
    assert rs[2].grams is None and rs[2].grams_int is None


def test_st_gs_modes_and_rejects() -> None:
    assert parse_st_gs(b"ST,TR,+  0.100kg", "kg").mode == "tare"
    assert parse_st_gs(b"ST,NT,+  0.100kg", "kg").mode == "net"
    assert parse_st_gs(b"ST,GS,+  1.2.3kg", "kg") is None
    assert parse_st_gs(b"ST,GS,+  1.234cT", "kg") is None  # unit we cannot convert
    assert parse_st_gs(b"XX,GS,+  1.234kg", "kg") is None


# ------------------------------------------------------------------ Mettler Toledo SICS

def test_sics_replies() -> None:
    stream = (b"S D     1.240 kg\r\nS S     1.234 kg\r\nS I\r\nS +\r\nS -\r\nES\r\nEL\r\n"
              b"S S    250.5 g\r\nSI S     0.500 lb\r\n\x15junk\r\n")
    rs = decode_all("sics", chunks(stream, 5))
    assert [(r.grams, r.stable, r.status) for r in rs] == [
        (Decimal("1240.000"), False, ScaleStatus.OK),
        (Decimal("1234.000"), True, ScaleStatus.OK),
        (None, False, ScaleStatus.BUSY),
        (None, False, ScaleStatus.OVERLOAD),
        (None, False, ScaleStatus.UNDERLOAD),
        (None, False, ScaleStatus.ERROR),
        (None, False, ScaleStatus.ERROR),
        (Decimal("250.5"), True, ScaleStatus.OK),
        (Decimal("0.500") * Decimal("453.59237"), True, ScaleStatus.OK),
    ]
    assert [r.usable for r in rs].count(True) == 3


def test_sics_negative_and_default_unit() -> None:
    r = parse_sics(b"S S    -0.012 kg", "kg")
    assert r is not None and r.grams == Decimal("-12.000")
    r = parse_sics(b"S S     12.5", "g")
    assert r is not None and r.grams == Decimal("12.5") and r.unit == "g"


# ------------------------------------------------------------------ Toledo 8217

def test_toledo_8217_frames_between_stx_and_cr() -> None:
    stream = (b"\x7f\x02  1.234\r"        # noise before STX is dropped
              b"\x02?A\r"                  # status 0x41: bit 0 = in motion
              b"\x02?B\r"                  # 0x42: bit 1 = over capacity
              b"\x02?D\r"                  # 0x44: bit 2 = under zero
              b"\x02?\r\r"                 # status byte 0x0D (motion + under zero) is data
              b"\x02  0.500N\r"            # N: net weight
              b"\x02 abc\r")              # garbage
    dec = ScaleDecoder("toledo_8217", unit="kg")
    rs = [r for c in chunks(stream, 2) for r in dec.feed(c)]
    assert [(r.grams, r.stable, r.status, r.mode) for r in rs] == [
        (Decimal("1234.000"), True, ScaleStatus.OK, ""),
        (None, False, ScaleStatus.BUSY, ""),
        (None, False, ScaleStatus.OVERLOAD, ""),
        (None, False, ScaleStatus.UNDERLOAD, ""),
        (None, False, ScaleStatus.UNDERLOAD, ""),
        (Decimal("500.000"), True, ScaleStatus.OK, "net"),
    ]
    assert dec.garbage_frames == 1
    assert PROTOCOLS["toledo_8217"].default_poll == b"W"


def test_toledo_8217_in_pounds() -> None:
    (r,) = decode_all("toledo_8217", [b"\x02002.00\r"], unit="lb")
    assert r.grams == Decimal("907.18474000") and r.grams_int == 907


# ------------------------------------------------------------------ Chinese "=" stream

def test_equals_stream_becomes_stable_after_repeats() -> None:
    stream = b"=1.2500=1.2400=1.2340=1.2340=1.2340=1.2340"
    rs = decode_all("equals", chunks(stream, 4), unit="kg", stable_count=3)
    # the last frame has no following "=" yet: not complete, not reported
    assert [(r.grams, r.stable) for r in rs] == [
        (Decimal("1250.0000"), False), (Decimal("1240.0000"), False),
        (Decimal("1234.0000"), False), (Decimal("1234.0000"), False),
        (Decimal("1234.0000"), True)]


def test_reversed_equals_stream() -> None:
    # HARDWARE.md: "=0432.1" means 1.2340 (digits sent in reverse order)
    stream = b"xx=0432.1=0432.1=0432.1=0432.1=00.0-=00.0-=00.0-="
    rs = decode_all("equals_reversed", [stream], unit="kg", stable_count=3)
    assert [r.grams for r in rs] == [Decimal("1234.0000")] * 4 + [Decimal("-0.000")] * 3
    assert [r.stable for r in rs] == [False, False, True, True, False, False, True]


def test_equals_stream_with_line_ends_and_fixed_length() -> None:
    rs = decode_all("equals", [b"=001.234\r\n=001.234\r\n"], unit="kg", stable_count=2)
    assert [r.usable for r in rs] == [False, True]
    rs = decode_all("equals_reversed", [b"=0432.1=0432.1"], unit="kg", stable_count=1,
                    frame_length=6)
    assert [r.grams for r in rs] == [Decimal("1234.0000")] * 2


def test_motion_resets_stability_and_garbage_is_counted() -> None:
    dec = ScaleDecoder("equals", unit="kg", stable_count=2)
    rs = dec.feed(b"=1.000=1.000=1.500=1.000=\xff\xfe=1.000=")
    assert [r.stable for r in rs] == [False, True, False, False, False]
    assert dec.garbage_frames == 1


def test_units_convert_exactly() -> None:
    assert to_grams(Decimal("1"), "KG") == Decimal(1000)
    assert to_grams(Decimal("1"), "oz") == Decimal("28.349523125")
    assert to_grams(Decimal("2"), "lb") == Decimal("907.18474")
    with pytest.raises(ValueError):
        to_grams(Decimal(1), "stone")


def test_framer_drops_runaway_noise() -> None:
    f = Framer(ends=b"\r\n", max_len=16)
    assert f.feed(b"x" * 100 + b"\r\nST,GS,+  1.000kg\r\n") == [b"ST,GS,+  1.000kg"]
