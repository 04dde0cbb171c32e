"""Which devices a station uses: printer profile, scale profile + port, scanner mode.

One setting per station (key ``station.<name>.devices``), so stations sharing a PostgreSQL
database each keep their own. Profiles are checked against drivers/ when saved; a setting
naming a profile that has since disappeared still loads (the devices page shows it as
missing) rather than stopping the station.
"""

from __future__ import annotations

import socket
from dataclasses import asdict, dataclass, fields

from ecerp_desktop.devices.profiles import ProfileSet, load_profiles
from ecerp_desktop.domain.auth import Actor, Permission
from ecerp_desktop.domain.errors import DomainError, ErrorCode, PermissionDenied
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store, audit, settings

DEFAULT_SCANNER = "wedge-default"


@dataclass(frozen=True, slots=True)
class StationDevices:
    """The device choices of one station. Empty strings mean "none"."""

    station: str
    printer: str = ""                  # drivers/printers/<slug>.toml
    scale_profile: str = ""            # drivers/scales/<slug>.toml
    scale_port: str = ""               # COM3, /dev/ttyUSB0, socket://host:port …
    scanner_profile: str = DEFAULT_SCANNER  # drivers/scanners/<slug>.toml
    scanner_port: str = ""             # serial scanners only


def default_station_name() -> str:
    """This PC's name: the natural station name until someone sets another."""
    return (socket.gethostname() or "station").strip()[:64] or "station"


def setting_key(station: str) -> str:
    name = station.strip()
    if not name or len(name) > 64:
        raise ValueError("a station name has 1 to 64 characters")
    return f"station.{name}.devices"


def load_station_devices(store: Store, station: str) -> StationDevices:
    """The saved choices of *station* (defaults when never saved). Any thread."""
    with store.read() as s:
        raw = settings.get(s, setting_key(station), None)
    if not isinstance(raw, dict):
        return StationDevices(station.strip())
    known = {f.name for f in fields(StationDevices)} - {"station"}
    values = {k: str(v) for k, v in raw.items() if k in known and isinstance(v, str)}
    return StationDevices(station.strip(), **values)


def save_station_devices(store: Store, actor: Actor, choice: StationDevices,
                         profiles: ProfileSet | None = None) -> StationDevices:
    """Check and store the choices of a station. Packers set up their own station; anyone
    with SETTINGS may set up any. Unknown profiles are refused with NOT_FOUND. Any thread."""
    if not (actor.can(Permission.PACK) or actor.can(Permission.SETTINGS)):
        raise PermissionDenied(Permission.SETTINGS.value, actor.username)
    profiles = profiles or load_profiles()
    clean = StationDevices(
        station=choice.station.strip(), printer=choice.printer.strip(),
        scale_profile=choice.scale_profile.strip(), scale_port=choice.scale_port.strip()[:200],
        scanner_profile=choice.scanner_profile.strip() or DEFAULT_SCANNER,
        scanner_port=choice.scanner_port.strip()[:200])
    for what, slug, table in (("printer profile", clean.printer, profiles.printers),
                              ("scale profile", clean.scale_profile, profiles.scales),
                              ("scanner profile", clean.scanner_profile, profiles.scanners)):
        if slug and slug not in table:
            raise DomainError(ErrorCode.NOT_FOUND, what=what, key=slug)
    key = setting_key(clean.station)
    value = {k: v for k, v in asdict(clean).items() if k != "station"}
    now = utcnow()
    with store.write() as s:
        settings.put(s, key, value, now)
        audit.append(s, at=now, user_id=actor.user_id, username=actor.username,
                     action="station.devices", entity="station", entity_id=clean.station,
                     detail=value)
    return clean
