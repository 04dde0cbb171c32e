"""Keyboard-wedge scanners: telling a scan from typing, without Qt.

A wedge scanner types like a keyboard, only faster: keys a few milliseconds apart, ended by
Enter or Tab. ``WedgeDetector`` sees each key with a time from a monotonic clock (Qt's key
timestamps are 0 for synthetic events, so they cannot be used) and decides, key by key:

- a printable key is *held back* (``Decision.swallow``) while it may start a scan;
- when the gap to the previous key exceeds the limit, the held keys were typing and are
  handed back for replay (``Decision.replay``) in order;
- at the terminator, held keys that came fast enough, long enough, and with the right
  prefix/suffix become one scan (``Decision.scan``) and the terminator is swallowed too.

The held-back payloads are opaque (the Qt filter stores copies of the key events there),
so this module stays pure and fully testable with a fake clock.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ecerp_desktop.devices.scan_codes import normalize_code, undo_caps_lock


@dataclass(frozen=True, slots=True)
class WedgeSettings:
    """Per-station timing and framing of a wedge scanner (from its scanner profile)."""

    max_gap_ms: float = 50.0        # keys further apart than this are a person typing
    min_length: int = 4             # shorter "scans" are typing (Enter in a short field)
    prefix: str = ""                # optional: a prefix the scanner sends (stripped)
    suffix: str = ""                # optional: a suffix before the terminator (stripped)
    prefix_max_gap_ms: float = 500.0  # once the prefix is seen, slower scanners are fine
    terminators: tuple[str, ...] = ("Enter", "Tab")
    uppercase: bool = False         # fold case for case-insensitive code spaces


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with the key just seen: replay these held keys first, then swallow the
    key or let it through; ``scan`` is set when a scan was completed."""

    replay: tuple[Any, ...] = ()
    swallow: bool = False
    scan: str | None = None


@dataclass
class _Held:
    text: str
    shift: bool
    at: float
    payload: Any


@dataclass
class WedgeDetector:
    """Per-application scan detector. Call from one thread (the GUI thread)."""

    settings: WedgeSettings = field(default_factory=WedgeSettings)
    clock: Callable[[], float] = field(default=None)  # type: ignore[assignment]
    _held: list[_Held] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.clock is None:
            import time

            self.clock = time.monotonic

    # -- queries

    @property
    def holding(self) -> bool:
        return bool(self._held)

    def _gap_limit(self) -> float:
        s = self.settings
        if s.prefix and self._text().startswith(s.prefix):
            return s.prefix_max_gap_ms / 1000.0
        return s.max_gap_ms / 1000.0

    def _text(self) -> str:
        return "".join(h.text for h in self._held)

    def time_left(self, now: float | None = None) -> float:
        """Seconds until the held keys go stale (<= 0: call ``tick`` now)."""
        if not self._held:
            return 0.0
        now = self.clock() if now is None else now
        return self._held[-1].at + self._gap_limit() - now

    # -- events

    def press(self, text: str, payload: Any = None, *, shift: bool = False,
              now: float | None = None) -> Decision:
        """A printable key (its text) was pressed. Held back unless it cannot be a scan."""
        now = self.clock() if now is None else now
        replay: tuple[Any, ...] = ()
        if self._held and now - self._held[-1].at > self._gap_limit():
            replay = self._release()
        self._held.append(_Held(text, shift, now, payload))
        prefix = self.settings.prefix
        if prefix:
            typed = self._text()
            if not (typed.startswith(prefix) or prefix.startswith(typed)):
                # with a prefix configured, anything else is typing: let it go at once
                return Decision(replay + self._release(), swallow=True)
        return Decision(replay, swallow=True)

    def terminator(self, now: float | None = None) -> Decision:
        """Enter/Tab: complete a scan, or let the terminator through after the held keys."""
        now = self.clock() if now is None else now
        if not self._held:
            return Decision()
        if now - self._held[-1].at > self._gap_limit():
            return Decision(self._release())
        code = self._code()
        if code is None:
            return Decision(self._release())
        self._held.clear()
        return Decision(swallow=True, scan=code)

    def other_key(self) -> Decision:
        """A key that cannot be part of a scan (arrows, Ctrl+…): typing, release held keys."""
        return Decision(self._release())

    def tick(self, now: float | None = None) -> Decision:
        """Timer: release held keys once the gap limit has passed without a new key."""
        if self._held and self.time_left(now) < 0:
            return Decision(self._release())
        return Decision()

    # -- internals

    def _release(self) -> tuple[Any, ...]:
        payloads = tuple(h.payload for h in self._held)
        self._held.clear()
        return payloads

    def _code(self) -> str | None:
        s = self.settings
        # NFKC first (a full-width prefix still matches) but keep control characters:
        # a prefix such as Ctrl-G (BEL) is a control character by design
        text = unicodedata.normalize("NFKC", undo_caps_lock(
            [(h.text, h.shift) for h in self._held]))
        if s.prefix:
            prefix = unicodedata.normalize("NFKC", s.prefix)
            if not text.startswith(prefix):
                return None
            text = text[len(prefix):]
        if s.suffix:
            suffix = unicodedata.normalize("NFKC", s.suffix)
            if not text.endswith(suffix):
                return None
            text = text[: -len(suffix)]
        code = normalize_code(text, uppercase=s.uppercase)
        return code if len(code) >= s.min_length else None
