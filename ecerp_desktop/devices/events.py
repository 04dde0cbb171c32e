"""What device threads report, and a thread-safe holder of a scale's latest weight.

Device threads never touch widgets or the database: they hand these small frozen values
to a callback (a queue's ``put``, or the Qt bridge in ui/ which re-emits them as signals).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ecerp_desktop.devices.scale_protocols import ScaleReading


@dataclass(frozen=True, slots=True)
class DeviceEvent:
    """Base of everything a device thread reports; ``device`` names the device."""

    device: str


@dataclass(frozen=True, slots=True)
class Connected(DeviceEvent):
    port: str


@dataclass(frozen=True, slots=True)
class Disconnected(DeviceEvent):
    """The port could not be opened or failed (unplugged); the worker keeps retrying."""

    port: str
    reason: str


@dataclass(frozen=True, slots=True)
class Silent(DeviceEvent):
    """The port is open but nothing came for a while (scale off, wrong baud or cable)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class WeightRead(DeviceEvent):
    reading: ScaleReading


@dataclass(frozen=True, slots=True)
class CodeScanned(DeviceEvent):
    code: str


class LatestWeight:
    """The newest reading of one scale, and a way to wait for a stable weight.

    Feed it with ``on_event`` (from the device thread); read it from any thread. The
    packing station calls ``wait_usable`` when a parcel is complete: it returns the first
    stable reading newer than the call (or one at most ``max_age_s`` old), else None.
    """

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self._cond = threading.Condition()
        self._reading: ScaleReading | None = None
        self._at = 0.0
        self._connected = False
        self._clock = clock or time.monotonic

    def on_event(self, event: DeviceEvent) -> None:
        with self._cond:
            if isinstance(event, WeightRead):
                self._reading, self._at = event.reading, self._clock()
            elif isinstance(event, Connected):
                self._connected = True
            elif isinstance(event, Disconnected | Silent):
                self._connected = not isinstance(event, Disconnected) and self._connected
                self._reading = None  # never hand out a weight from before the gap
            self._cond.notify_all()

    @property
    def connected(self) -> bool:
        with self._cond:
            return self._connected

    def latest(self) -> ScaleReading | None:
        with self._cond:
            return self._reading

    def wait_usable(self, timeout_s: float, *, max_age_s: float = 0.5) -> ScaleReading | None:
        deadline = self._clock() + timeout_s
        with self._cond:
            while True:
                r = self._reading
                if r is not None and r.usable and self._clock() - self._at <= max_age_s:
                    return r
                left = deadline - self._clock()
                if left <= 0:
                    return None
                self._cond.wait(left)
