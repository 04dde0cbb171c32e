"""LatestWeight: what the packing station asks when a parcel is complete."""

from __future__ import annotations

import threading
from decimal import Decimal

from ecerp_desktop.devices.events import Connected, Disconnected, LatestWeight, WeightRead
from ecerp_desktop.devices.scale_protocols import ScaleReading


def reading(grams: str, stable: bool) -> WeightRead:
    return WeightRead("scale", ScaleReading(Decimal(grams), stable))


def test_old_or_moving_weights_are_not_handed_out() -> None:
    now = [10.0]
    w = LatestWeight(clock=lambda: now[0])
    w.on_event(Connected("scale", "COM3"))
    w.on_event(reading("1500", True))
    assert w.wait_usable(0, max_age_s=0.5).grams == Decimal(1500)
    now[0] += 1.0  # the parcel was swapped a second ago: that weight is stale
    assert w.wait_usable(0, max_age_s=0.5) is None
    w.on_event(reading("900", False))
    assert w.wait_usable(0) is None and w.latest().grams == Decimal(900)
    w.on_event(Disconnected("scale", "COM3", "unplugged"))
    assert not w.connected and w.latest() is None


def test_waits_for_the_scale_to_settle() -> None:
    w = LatestWeight()
    w.on_event(reading("1210", False))
    t = threading.Timer(0.05, lambda: w.on_event(reading("1200", True)))
    t.start()
    got = w.wait_usable(2.0)
    t.join()
    assert got is not None and got.grams_int == 1200
