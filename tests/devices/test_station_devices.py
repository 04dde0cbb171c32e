"""A station's device choices are saved per station, checked against the profiles."""

from __future__ import annotations

import pytest
from ecerp_desktop.devices.profiles import load_profiles
from ecerp_desktop.domain.auth import SYSTEM, Role, actor_for
from ecerp_desktop.domain.errors import DomainError, ErrorCode, PermissionDenied
from ecerp_desktop.services import devices as station_devices
from ecerp_desktop.services.devices import StationDevices


def test_defaults_then_saved_per_station(store) -> None:
    assert station_devices.load_station_devices(store, "pack-01") == StationDevices(
        "pack-01", scanner_profile="wedge-default")
    packer = actor_for(None, "packer1", Role.PACKER)
    saved = station_devices.save_station_devices(store, packer, StationDevices(
        " pack-01 ", scale_profile="toledo-8217", scale_port=" /dev/ttyUSB0 ",
        scanner_profile="serial-9600-cr", scanner_port="COM7"))
    assert saved.station == "pack-01" and saved.scale_port == "/dev/ttyUSB0"
    assert station_devices.load_station_devices(store, "pack-01") == saved
    assert station_devices.load_station_devices(store, "pack-02").scale_profile == ""


def test_unknown_profiles_and_roles_are_refused(store) -> None:
    with pytest.raises(DomainError) as info:
        station_devices.save_station_devices(store, SYSTEM, StationDevices(
            "pack-01", scale_profile="no-such-scale"))
    assert info.value.code is ErrorCode.NOT_FOUND
    assert info.value.params == {"what": "scale profile", "key": "no-such-scale"}
    with pytest.raises(PermissionDenied):
        station_devices.save_station_devices(store, actor_for(None, "fin", Role.FINANCE),
                                             StationDevices("pack-01"))
    assert station_devices.load_station_devices(store, "pack-01").scale_profile == ""


def test_a_removed_profile_still_loads(store) -> None:
    profiles = load_profiles()
    profiles.scales["old-scale"] = profiles.scales["generic-st-gs"]
    station_devices.save_station_devices(store, SYSTEM, StationDevices(
        "pack-03", scale_profile="old-scale"), profiles)
    assert station_devices.load_station_devices(store, "pack-03").scale_profile == "old-scale"
