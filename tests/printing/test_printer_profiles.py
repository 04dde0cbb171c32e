"""Printer profiles: the shipped files validate; broken ones are reported, never fatal."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.errors import ErrorCode
from ecerp_desktop.paths import drivers_dir
from ecerp_desktop.printing.profiles import get_profile, load_profiles, profile_from_dict
from ecerp_desktop.printing.templates import find_template


def test_shipped_profiles_load_and_their_sizes_have_templates() -> None:
    profiles, errors = load_profiles()
    assert errors == []
    assert {"zebra-gk888t", "zebra-zd421", "tsc-ttp-244", "gprinter-gp-1324d",
            "xprinter-xp-420b", "generic-escpos-80", "generic-a4-laser"} <= set(profiles)
    for p in profiles.values():
        kind = "packing" if p.default_size in ("A4", "A5") else "waybill"
        assert find_template(kind, p.default_size)
    assert get_profile("tsc-ttp-244").cjk_font == "TSS24.BF2"
    assert get_profile("zebra-zd421-300").dpi == 300


def test_broken_profile_is_reported_and_the_rest_still_load(tmp_path) -> None:
    good = (drivers_dir() / "printers" / "zebra-zd421.toml").read_text(encoding="utf-8")
    (tmp_path / "ok.toml").write_text(good, encoding="utf-8")
    (tmp_path / "typo.toml").write_text(good.replace("language", "langauge"), encoding="utf-8")
    (tmp_path / "syntax.toml").write_text("name = ", encoding="utf-8")
    profiles, errors = load_profiles([tmp_path])
    assert list(profiles) == ["ok"]
    assert len(errors) == 2
    assert all(e.code is ErrorCode.PRINTER_PROFILE_INVALID for e in errors)
    assert any("langauge" in e.params["error"] for e in errors)


@pytest.mark.parametrize("change, fragment", [
    ({"language": "epl"}, "language"),
    ({"dpi": 72}, "dpi"),
    ({"sizes": ["100 by 150"]}, "sizes"),
    ({"darkness": 99}, "darkness"),
    ({"cjk_font": 'E:X.TTF^FS^XZ'}, "cjk_font"),
    ({"default_size": "60x40", "sizes": ["100x150"]}, "default_size"),
])
def test_schema_rejects_bad_values(change, fragment) -> None:
    base = {"name": "X", "language": "zpl", "dpi": 203, "sizes": ["100x150"]}
    from ecerp_desktop.domain.errors import DomainError
    with pytest.raises(DomainError) as e:
        profile_from_dict("x", {**base, **change})
    assert fragment in e.value.params["error"]
