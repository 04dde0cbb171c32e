"""Printer profiles: one TOML file per printer model or family in drivers/printers/.

A profile says which command language the printer speaks, its resolution, print width,
the label sizes it takes, the name of its Chinese font, and darkness/speed defaults. Adding
a printer model is adding a file (a user may also drop one in ``<data>/drivers/printers/``).
Every file is checked against the schema below when loaded; a broken file is reported with
its reason and skipped, never fatal.

    name = "Zebra ZD421"           # required
    language = "zpl"               # zpl, tspl, escpos or pdf
    dpi = 203
    width_mm = 104                 # widest printable width
    sizes = ["100x150", "100x180"] # label sizes (WxH mm, or A4/A5 for pdf)
    default_size = "100x180"
    cjk_font = "E:ANMDS.TTF"       # ZPL: a TTF on the printer; TSPL: TSS24.BF2 or a .TTF
    cjk_font_dots = 24             # TSPL bitmap fonts: the font's height in dots
    darkness = 15                  # ZPL ^MD (-30..30), TSPL DENSITY (0..15)
    speed = 4                      # ZPL ^PR / TSPL SPEED, inches per second
    [quirks]                       # free-form facts: gap_mm, paper_mm, note …
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.paths import data_dir, drivers_dir

LANGUAGES = ("zpl", "tspl", "escpos", "pdf")
_SIZE = re.compile(r"^(\d{2,3}(\.\d)?x\d{2,3}(\.\d)?|A4|A5)$")
_KEYS = {"id", "name", "language", "dpi", "width_mm", "sizes", "default_size", "cjk_font",
         "cjk_font_dots", "darkness", "speed", "quirks", "vendor", "models"}
_DARKNESS = {"zpl": (-30, 30), "tspl": (0, 15), "escpos": (0, 15), "pdf": (0, 0)}


@dataclass(frozen=True, slots=True)
class PrinterProfile:
    """What ecerp knows about one printer model or family."""

    id: str
    name: str
    language: str
    dpi: int = 203
    width_mm: float = 104.0
    sizes: tuple[str, ...] = ()
    default_size: str = ""
    cjk_font: str = ""
    cjk_font_dots: int = 24
    darkness: int | None = None
    speed: int | None = None
    quirks: tuple[tuple[str, Any], ...] = ()
    vendor: str = ""
    models: tuple[str, ...] = ()
    path: str = field(default="", compare=False)

    def quirk(self, key: str, default: Any = None) -> Any:
        return dict(self.quirks).get(key, default)

    def renderer_options(self) -> dict[str, Any]:
        """Keyword arguments for this profile's renderer."""
        opts: dict[str, Any] = {"dpi": self.dpi}
        if self.language in ("zpl", "tspl"):
            opts.update(cjk_font=self.cjk_font, darkness=self.darkness, speed=self.speed)
        if self.language == "tspl":
            opts["cjk_font_dots"] = self.cjk_font_dots
            if self.quirk("gap_mm") is not None:
                opts["gap_mm"] = float(self.quirk("gap_mm"))
        if self.language == "escpos":
            opts["paper_mm"] = float(self.quirk("paper_mm", self.width_mm))
        return opts


def profile_from_dict(pid: str, data: Mapping[str, Any], path: str = "") -> PrinterProfile:
    """Check *data* against the schema; any mistake is ``PRINTER_PROFILE_INVALID``."""
    def bad(error: str) -> DomainError:
        return DomainError(ErrorCode.PRINTER_PROFILE_INVALID, path=path or pid, error=error)

    unknown = set(data) - _KEYS
    if unknown:
        raise bad(f"unknown key(s) {', '.join(sorted(unknown))}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad("name is required")
    language = data.get("language")
    if language not in LANGUAGES:
        raise bad(f"language must be one of {', '.join(LANGUAGES)}")
    dpi = data.get("dpi", 203)
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 100 <= dpi <= 1200:
        raise bad("dpi must be a whole number between 100 and 1200")
    width = data.get("width_mm", 104)
    if isinstance(width, bool) or not isinstance(width, int | float) or not 20 <= width <= 300:
        raise bad("width_mm must be a number between 20 and 300")
    sizes = data.get("sizes", [])
    if not isinstance(sizes, list) or not all(isinstance(s, str) and _SIZE.match(s)
                                              for s in sizes):
        raise bad('sizes must be a list like ["100x150", "76x130"]')
    default_size = data.get("default_size", sizes[0] if sizes else "")
    if default_size and default_size not in sizes:
        raise bad(f"default_size {default_size} is not in sizes")
    for key in ("cjk_font", "vendor"):
        if not isinstance(data.get(key, ""), str):
            raise bad(f"{key} must be text")
    font = data.get("cjk_font", "")
    if not re.fullmatch(r"[A-Za-z0-9_.:\-]*", font):
        raise bad("cjk_font may hold letters, digits and _ . : - only")
    dots = data.get("cjk_font_dots", 24)
    if isinstance(dots, bool) or not isinstance(dots, int) or not 8 <= dots <= 96:
        raise bad("cjk_font_dots must be a whole number between 8 and 96")
    low, high = _DARKNESS[language]
    darkness = data.get("darkness")
    if darkness is not None and (isinstance(darkness, bool) or not isinstance(darkness, int)
                                 or not low <= darkness <= high):
        raise bad(f"darkness must be a whole number between {low} and {high}")
    speed = data.get("speed")
    if speed is not None and (isinstance(speed, bool) or not isinstance(speed, int)
                              or not 1 <= speed <= 14):
        raise bad("speed must be a whole number between 1 and 14")
    quirks = data.get("quirks", {})
    if not isinstance(quirks, dict):
        raise bad("quirks must be a table")
    models = data.get("models", [])
    if not isinstance(models, list) or not all(isinstance(m, str) for m in models):
        raise bad("models must be a list of names")
    return PrinterProfile(
        id=str(data.get("id", pid)), name=name.strip(), language=language, dpi=dpi,
        width_mm=float(width), sizes=tuple(sizes), default_size=default_size, cjk_font=font,
        cjk_font_dots=dots, darkness=darkness, speed=speed,
        quirks=tuple(sorted(quirks.items())), vendor=data.get("vendor", ""),
        models=tuple(models), path=path)


def load_profile(path: Path) -> PrinterProfile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DomainError(ErrorCode.PRINTER_PROFILE_INVALID, path=str(path),
                          error=str(exc)) from None
    return profile_from_dict(path.stem, data, str(path))


def profile_dirs() -> list[Path]:
    """Bundled profiles first; the user's folder may add or replace (same id) profiles."""
    return [drivers_dir() / "printers", data_dir() / "drivers" / "printers"]


def load_profiles(dirs: list[Path] | None = None
                  ) -> tuple[dict[str, PrinterProfile], list[DomainError]]:
    """Every valid profile by id, and the errors of the broken files (reported, skipped)."""
    found: dict[str, PrinterProfile] = {}
    errors: list[DomainError] = []
    for d in dirs if dirs is not None else profile_dirs():
        if not d.is_dir():
            continue
        for path in sorted(d.glob("*.toml")):
            try:
                p = load_profile(path)
            except DomainError as exc:
                errors.append(exc)
                continue
            found[p.id] = p
    return found, errors


def get_profile(profile_id: str) -> PrinterProfile:
    profiles, _errors = load_profiles()
    p = profiles.get(profile_id)
    if p is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="printer profile",
                          key=f"{profile_id} (available: {', '.join(sorted(profiles))})")
    return p


def generic_profile(language: str, dpi: int = 203) -> PrinterProfile:
    """A profile for a bare target (a file, a TCP address) when no model is named."""
    if language not in LANGUAGES:
        raise DomainError(ErrorCode.PRINT_LANGUAGE_UNSUPPORTED, what="a label",
                          language=language)
    return PrinterProfile(id=f"generic-{language}", name=f"generic {language.upper()}",
                          language=language, dpi=dpi,
                          cjk_font={"zpl": "E:ANMDS.TTF", "tspl": "TSS24.BF2"}.get(language, ""),
                          width_mm=80.0 if language == "escpos" else 104.0)
