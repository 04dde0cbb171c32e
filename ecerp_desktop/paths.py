"""Where ecerp keeps its files: the per-user data folder (platformdirs) and the resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "ecerp"


def data_dir() -> Path:
    """The user's data folder, or ``ECERP_DATA_DIR`` when set (tests, portable installs)."""
    override = os.environ.get("ECERP_DATA_DIR")
    path = Path(override) if override else user_data_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """resources/ beside the package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def drivers_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "drivers"
    return Path(__file__).resolve().parent.parent / "drivers"


def font_path() -> Path:
    """The bundled CJK font used by Qt and by the PDF renderer alike."""
    return resources_dir() / "fonts" / "DroidSansFallbackFull.ttf"
