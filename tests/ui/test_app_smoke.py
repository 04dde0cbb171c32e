"""The whole app as a user starts it: ``python -m ecerp_desktop`` in a subprocess."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], data_dir: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ECERP_DATA_DIR=str(data_dir))
    env.pop("ECERP_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "ecerp_desktop", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_demo_smoke_opens_every_area_and_exits_0(tmp_path: Path) -> None:
    if importlib.util.find_spec("ecerp_desktop.services.demo") is None:
        pytest.skip("ecerp_desktop.services.demo (the demo seed) is not there yet")
    proc = _run(["--demo", "--smoke"], tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    opened = [line.split()[2] for line in proc.stdout.splitlines()
              if line.startswith("SMOKE area") and line.endswith(" ok")]
    assert opened == ["orders", "packing", "printing", "stock", "purchasing", "finance",
                      "customers", "sync", "settings"]
    assert (tmp_path / "demo.sqlite3").is_file()  # the demo has its own database
    assert not (tmp_path / "ecerp.sqlite3").exists()

    # Started again on the seeded demo database, the window comes up and says so.
    shown = _run(["--demo", "--exit-when-shown"], tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[-1] == "MAIN_WINDOW_SHOWN"


def test_sqlite_on_a_network_share_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    proc = _run(["--db", "sqlite://///fileserver/erp/ecerp.sqlite3", "--exit-when-shown"],
                tmp_path)
    assert proc.returncode != 0
    assert "网络共享" in proc.stderr and "//fileserver/erp/ecerp.sqlite3" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "MAIN_WINDOW_SHOWN" not in proc.stdout



def test_smoke_fails_on_a_pc_whose_fonts_cannot_draw_latin_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bare machine (no system fonts): the bundled CJK font has no Latin letters."""
    fonts_dir = tmp_path / "no-fonts"
    fonts_dir.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><dir>{fonts_dir}</dir>'
                    f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
                    encoding="utf-8")
    bundled = {p.name for p in (ROOT / "resources" / "fonts").iterdir()
               if p.suffix.lower() in (".ttf", ".otf", ".ttc")}
    if bundled != {"DroidSansFallbackFull.ttf"}:
        pytest.skip(f"a Latin font is bundled now ({sorted(bundled)}): see the smoke test")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))  # fontconfig sees no system font
    proc = _run(["--demo", "--smoke"], tmp_path)
    assert proc.returncode == 1
    assert "no font can draw Latin text" in proc.stderr
