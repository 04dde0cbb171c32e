"""Shipped profiles validate; broken ones are reported with their reason, never fatal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ecerp_desktop.devices.profiles import load_profiles
from ecerp_desktop.devices.registry import DRIVERS, DeviceKind
from ecerp_desktop.paths import drivers_dir


def test_every_shipped_profile_validates() -> None:
    ps = load_profiles()
    assert ps.errors == []
    shipped = {p.stem for p in (drivers_dir() / "scales").glob("*.toml")}
    assert shipped and {s for s in ps.scales} == shipped  # file name = slug
    assert {s for s in ps.scanners} == {p.stem for p in (drivers_dir() / "scanners").glob("*.toml")}
    # every scale driver has at least one profile, and both scanner modes are covered
    assert {p.driver for p in ps.scales.values()} == {
        d.slug for d in DRIVERS.values() if d.kind is DeviceKind.SCALE}
    assert {p.driver for p in ps.scanners.values()} == {"wedge", "serial_scanner"}


def test_profile_values_reach_the_drivers() -> None:
    ps = load_profiles()
    toledo = ps.scales["toledo-8217"]
    assert (toledo.serial.bytesize, toledo.serial.parity, toledo.poll) == (7, "E", b"W")
    assert toledo.decoder().feed(b"\x02  1.500\r")[0].grams_int == 1500
    rev = ps.scales["equals-reversed"].decoder()
    assert [r.usable for r in rev.feed(b"=0432.1" * 6)] == [False] * 4 + [True]
    wedge = ps.scanners["wedge-prefix-bel"].wedge
    assert wedge is not None and wedge.prefix == "\x07" and wedge.terminators == ("Enter",)
    honeywell = ps.scanners["honeywell-rs232"]
    assert honeywell.serial is not None and honeywell.serial.baudrate == 115200
    assert honeywell.line_decoder().feed(b"SF123\r\n\r\nX\r\n") == ["SF123"]


BROKEN = {
    "typo.toml": ('slug = "typo"\nname = "T"\nkind = "scale"\ndriver = "st_gs"\n'
                  '[serial]\nbaudrate = 9600\nparrity = "N"\n', "unknown key(s) parrity"),
    "baud.toml": ('slug = "baud"\nname = "B"\nkind = "scale"\ndriver = "st_gs"\n'
                  '[serial]\nbaudrate = 9601\n', "serial.baudrate must be one of"),
    "driver.toml": ('slug = "drv"\nname = "D"\nkind = "scale"\ndriver = "magic"\n'
                    '[serial]\nbaudrate = 9600\n', "unknown scale driver 'magic'"),
    "boolstop.toml": ('slug = "bs"\nname = "B"\nkind = "scale"\ndriver = "st_gs"\n'
                      '[serial]\nbaudrate = 9600\nstopbits = true\n', "serial.stopbits must be"),
    "models.toml": ('slug = "m"\nname = "M"\nkind = "scale"\ndriver = "st_gs"\nmodels = [1]\n'
                    '[serial]\nbaudrate = 9600\n', "profile.models must be a list"),
    "syntax.toml": ('slug = "x\nname=', "Illegal character"),
    "noserial.toml": ('slug = "ns"\nname = "N"\nkind = "scale"\ndriver = "sics"\n',
                      "missing [serial] table"),
    "wrongkind.toml": ('slug = "wk"\nname = "W"\nkind = "scanner"\ndriver = "wedge"\n',
                       "in the scales folder"),
}


@pytest.fixture
def drivers_copy(tmp_path: Path) -> Path:
    root = tmp_path / "drivers"
    shutil.copytree(drivers_dir(), root)
    return root


def test_broken_profiles_are_listed_and_the_rest_still_load(drivers_copy: Path) -> None:
    for name, (text, _) in BROKEN.items():
        (drivers_copy / "scales" / name).write_text(text, encoding="utf-8")
    (drivers_copy / "scanners" / "dup.toml").write_text(
        (drivers_copy / "scanners" / "wedge-default.toml").read_text(encoding="utf-8"),
        encoding="utf-8")
    (drivers_copy / "scanners" / "badgap.toml").write_text(
        'slug = "g"\nname = "G"\nkind = "scanner"\ndriver = "wedge"\n[wedge]\nmax_gap_ms = 0\n',
        encoding="utf-8")
    ps = load_profiles(drivers_copy)
    errors = {Path(e.path).name: e.message for e in ps.errors}
    for name, (_, expected) in BROKEN.items():
        assert expected in errors[name], (name, errors[name])
    assert "already used" in errors["wedge-default.toml"] or "already used" in errors["dup.toml"]
    assert "wedge.max_gap_ms must be a number" in errors["badgap.toml"]
    assert len(ps.errors) == len(BROKEN) + 2
    assert "generic-st-gs" in ps.scales and "serial-9600-cr" in ps.scanners


def test_printer_profile_names_are_listed(drivers_copy: Path) -> None:
    (drivers_copy / "printers" / "zebra-gk420t.toml").write_text(
        'slug = "zebra-gk420t"\nname = "Zebra GK420t (ZPL)"\n', encoding="utf-8")
    assert load_profiles(drivers_copy).printers["zebra-gk420t"] == "Zebra GK420t (ZPL)"
