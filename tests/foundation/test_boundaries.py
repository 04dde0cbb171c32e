"""The walls between layers: the domain imports neither Qt nor SQLAlchemy, and nothing
outside ui/ imports PySide6. Checked in fresh interpreters by looking at sys.modules."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import ecerp_desktop

PACKAGE_DIR = Path(ecerp_desktop.__file__).parent
NON_UI = [m.name for m in pkgutil.iter_modules([str(PACKAGE_DIR)]) if m.name != "ui"]


def _modules_loaded_by(package: str) -> set[str]:
    code = ("import importlib, json, pkgutil, sys\n"
            f"pkg = importlib.import_module({package!r})\n"
            "if hasattr(pkg, '__path__'):\n"
            "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
            "        if '.migrations' in m.name or m.name.endswith('__main__'):\n"
            "            continue\n"
            "        importlib.import_module(m.name)\n"
            "print(json.dumps(sorted(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return set(json.loads(out.stdout))


def _top(mods: set[str]) -> set[str]:
    return {m.split(".")[0] for m in mods}


def test_domain_is_pure() -> None:
    tops = _top(_modules_loaded_by("ecerp_desktop.domain"))
    assert not tops & {"PySide6", "shiboken6", "sqlalchemy", "alembic", "requests", "serial",
                       "reportlab"}


def test_only_ui_imports_qt() -> None:
    for name in NON_UI:
        if name == "__main__":
            continue
        loaded = _modules_loaded_by(f"ecerp_desktop.{name}")
        assert "PySide6" not in _top(loaded), f"ecerp_desktop.{name} pulls in PySide6"


def test_cli_stays_headless() -> None:
    out = subprocess.run([sys.executable, "-c",
                          "import json, sys; from ecerp_desktop.cli.main import build_parser;"
                          "build_parser(); print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True)
    assert "PySide6" not in _top(set(json.loads(out.stdout)))
