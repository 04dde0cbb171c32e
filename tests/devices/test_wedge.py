"""The wedge detector's decisions, with a controllable clock."""

from __future__ import annotations

from ecerp_desktop.devices.scan_codes import normalize_code, undo_caps_lock
from ecerp_desktop.devices.wedge import WedgeDetector, WedgeSettings


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, ms: float) -> None:
        self.t += ms / 1000.0


def type_keys(det: WedgeDetector, clock: FakeClock, text: str, ms: float) -> list[object]:
    replayed: list[object] = []
    for i, ch in enumerate(text):
        clock.advance(ms)
        d = det.press(ch, payload=(i, ch))
        assert d.swallow
        replayed.extend(d.replay)
    return replayed


def test_fast_keys_and_enter_are_one_scan() -> None:
    clock = FakeClock()
    det = WedgeDetector(WedgeSettings(max_gap_ms=50, min_length=4), clock)
    assert type_keys(det, clock, "SF1234567890", 5) == []
    clock.advance(5)
    d = det.terminator()
    assert (d.scan, d.swallow, d.replay) == ("SF1234567890", True, ())
    assert not det.holding


def test_human_typing_is_replayed_in_order() -> None:
    clock = FakeClock()
    det = WedgeDetector(WedgeSettings(max_gap_ms=50), clock)
    replayed = type_keys(det, clock, "abc123", 150)
    # each key is released when the next one arrives too late ...
    assert [p[1] for p in replayed] == list("abc12")
    clock.advance(150)
    d = det.terminator()  # ... and the last one before the Enter, which passes through
    assert d.scan is None and not d.swallow and [p[1] for p in d.replay] == ["3"]


def test_tick_releases_stale_keys() -> None:
    clock = FakeClock()
    det = WedgeDetector(WedgeSettings(max_gap_ms=50), clock)
    det.press("x", "x")
    assert det.tick().replay == ()
    assert 0.049 < det.time_left() <= 0.05
    clock.advance(51)
    assert det.tick().replay == ("x",)


def test_short_fast_input_is_typing() -> None:
    clock = FakeClock()
    det = WedgeDetector(WedgeSettings(min_length=4), clock)
    type_keys(det, clock, "ok1", 5)
    d = det.terminator()
    assert d.scan is None and not d.swallow and len(d.replay) == 3


def test_other_key_interrupts_a_burst() -> None:
    clock = FakeClock()
    det = WedgeDetector(WedgeSettings(), clock)
    type_keys(det, clock, "ab", 5)
    assert det.other_key().replay == ((0, "a"), (1, "b"))
    assert det.terminator().scan is None


def test_prefix_and_suffix() -> None:
    clock = FakeClock()
    det = WedgeDetector(WedgeSettings(prefix="\x07", suffix="#", min_length=3), clock)
    # with a prefix, a slow scanner (200 ms) still scans once the prefix was seen
    type_keys(det, clock, "\x07ABC123#", 200)
    assert det.terminator().scan == "ABC123"
    # fast typing without the prefix is released at once, never held
    clock.advance(1000)
    d = det.press("A", "A")
    assert d.swallow and d.replay == ("A",) and not det.holding
    # prefix but no suffix: not a scan
    type_keys(det, clock, "\x07ABC123", 5)
    assert det.terminator().scan is None


def test_full_width_and_case_folding() -> None:
    clock = FakeClock()
    det = WedgeDetector(WedgeSettings(uppercase=True), clock)
    type_keys(det, clock, "ＡＢＣ１２３sf", 5)
    assert det.terminator().scan == "ABC123SF"
    assert normalize_code("\u3000ＳＦ１２３\x00 ") == "SF123"


def test_caps_lock_inversion_is_undone_only_with_proof() -> None:
    # Caps Lock on: the scanner holds Shift for "S" and "F" and gets lower case
    assert undo_caps_lock([("s", True), ("f", True), ("1", False), ("A", False)]) == "SF1a"
    # no Shift+lower-case key: nothing proves Caps Lock, keep the text
    assert undo_caps_lock([("S", False), ("f", False)]) == "Sf"
    clock = FakeClock()
    det = WedgeDetector(WedgeSettings(), clock)
    for ch, shift in (("s", True), ("f", True), ("9", False), ("9", False)):
        clock.advance(5)
        det.press(ch, ch, shift=shift)
    assert det.terminator().scan == "SF99"


def test_serial_line_decoder_resync_drops_a_partial_first_line() -> None:
    from ecerp_desktop.devices.scan_codes import ScanLineDecoder

    dec = ScanLineDecoder(b"\r", min_length=3)
    dec.resync()
    assert dec.feed(b"7890\rSF12") == []
    assert dec.feed(b"34\r") == ["SF1234"]
