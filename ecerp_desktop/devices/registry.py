"""The driver registry: every device driver ecerp has, in one static table.

A profile (drivers/scales/*.toml, drivers/scanners/*.toml) names its driver by slug; the
profile loader refuses slugs that are not here. Adding a scale model needs only a profile;
adding a protocol adds a parser to scale_protocols.PROTOCOLS and a row here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ecerp_desktop.devices.scale_protocols import PROTOCOLS


class DeviceKind(StrEnum):
    SCALE = "scale"
    SCANNER = "scanner"


@dataclass(frozen=True, slots=True)
class DriverInfo:
    """A driver: its slug (what profiles name), kind, and what a user reads about it."""

    slug: str
    kind: DeviceKind
    name: str
    description: str
    serial: bool  # speaks over a serial / virtual COM port (runs in a SerialWorker)


DRIVERS: dict[str, DriverInfo] = {d.slug: d for d in (
    DriverInfo("st_gs", DeviceKind.SCALE, PROTOCOLS["st_gs"].name,
               "Continuous lines 'ST,GS,+  1.234kg' (ST stable, US motion, OL overload).", True),
    DriverInfo("sics", DeviceKind.SCALE, PROTOCOLS["sics"].name,
               "Request/response 'S S     1.234 kg'; polls with SI so motion is visible.", True),
    DriverInfo("toledo_8217", DeviceKind.SCALE, PROTOCOLS["toledo_8217"].name,
               "Request 'W', answer STX weight CR or STX ? status CR; usually 7E1.", True),
    DriverInfo("equals", DeviceKind.SCALE, PROTOCOLS["equals"].name,
               "Continuous '=1.2340' frames, no stable flag: stable after repeated values.",
               True),
    DriverInfo("equals_reversed", DeviceKind.SCALE, PROTOCOLS["equals_reversed"].name,
               "Continuous '=0432.1' frames with the digits reversed (= 1.2340).", True),
    DriverInfo("wedge", DeviceKind.SCANNER, "Keyboard wedge (USB HID keyboard)",
               "Types like a keyboard; told from typing by key timing and Enter/Tab.", False),
    DriverInfo("serial_scanner", DeviceKind.SCANNER, "Serial / virtual COM scanner",
               "One code per line on a serial port; no IME or Caps Lock problems.", True),
)}

assert all(d.slug in PROTOCOLS for d in DRIVERS.values() if d.kind is DeviceKind.SCALE)
