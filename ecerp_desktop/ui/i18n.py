"""Translations: compile the .ts sources to .qm and install them into the application.

The sources live in resources/i18n/ecerp_<lang>.ts (English is the source text, so English
needs no file). A .qm is compiled with the lrelease that PySide6 ships, either at build time
(``compile_all``, called by build.spec, which writes the .qm next to the .ts) or on first
start into data_dir()/i18n when it is missing or older than its .ts. Qt's own
``qtbase_<lang>.qm`` (standard dialog buttons) is loaded too when PySide6 has it.

After changing UI strings, refresh the source file (keeps existing translations):

    .venv/bin/pyside6-lupdate -extensions py -no-sort ecerp_desktop/ui \
        -ts resources/i18n/ecerp_zh_CN.ts -no-obsolete -locations none

(``-no-sort`` keeps the file's order, so a diff shows only what changed)

then translate the new ``type="unfinished"`` entries (Qt Linguist or any editor);
tests/ui/test_translations.py fails while one is missing or drops a placeholder.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ecerp_desktop.paths import data_dir, resources_dir

log = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"

_installed: list[QTranslator] = []
_current = "en"


def ts_dir() -> Path:
    return resources_dir() / "i18n"


def ts_path(language: str) -> Path:
    return ts_dir() / f"ecerp_{language}.ts"


def lrelease_command() -> list[str] | None:
    """The lrelease shipped inside the PySide6 package (or one on PATH)."""
    import PySide6

    pkg = Path(PySide6.__file__).resolve().parent
    exe = ".exe" if sys.platform == "win32" else ""
    for candidate in (pkg / f"lrelease{exe}", pkg / "Qt" / "bin" / f"lrelease{exe}",
                      pkg / "Qt" / "libexec" / f"lrelease{exe}"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate)]
    for name in ("pyside6-lrelease", "lrelease"):
        found = shutil.which(name)
        if found:
            return [found]
    return None


def compile_ts(ts: Path, qm: Path) -> None:
    """Compile one .ts into a .qm (raises RuntimeError when lrelease fails)."""
    cmd = lrelease_command()
    if cmd is None:
        raise RuntimeError("lrelease not found (it ships with PySide6)")
    qm.parent.mkdir(parents=True, exist_ok=True)
    # Written beside and then renamed: a second ecerp starting at the same moment never
    # loads half a file.
    tmp = qm.with_name(f"{qm.name}.{os.getpid()}.tmp")
    proc = subprocess.run([*cmd, "-silent", str(ts), "-qm", str(tmp)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"lrelease failed for {ts}: {proc.stderr.strip() or proc.stdout}")
    os.replace(tmp, qm)


def compile_all(out_dir: Path | None = None) -> list[Path]:
    """Compile every .ts of resources/i18n (into *out_dir*, default beside the .ts).

    For the packager: build.spec calls this before collecting resources/i18n.
    """
    written = []
    for ts in sorted(ts_dir().glob("ecerp_*.ts")):
        qm = (out_dir or ts.parent) / (ts.stem + ".qm")
        compile_ts(ts, qm)
        written.append(qm)
    return written


def qm_path(language: str) -> Path | None:
    """A current .qm for *language*: a bundled one, else one compiled into the data folder."""
    ts = ts_path(language)
    bundled = ts.with_suffix(".qm")
    if bundled.is_file() and (not ts.is_file() or bundled.stat().st_mtime >= ts.stat().st_mtime):
        return bundled
    if not ts.is_file():
        return None
    cached = data_dir() / "i18n" / bundled.name
    if not cached.is_file() or cached.stat().st_mtime < ts.stat().st_mtime:
        try:
            compile_ts(ts, cached)
        except (OSError, RuntimeError) as exc:
            log.warning("cannot compile %s: %s", ts, exc)
            return cached if cached.is_file() else None
    return cached


def current_language() -> str:
    return _current


def install(language: str) -> bool:
    """Replace the installed translators by those of *language*; True when it loaded."""
    global _current
    app = QCoreApplication.instance()
    assert app is not None
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    _current = language
    QLocale.setDefault(QLocale(language))
    if language == "en":
        return True
    ok = False
    qm = qm_path(language)
    if qm is not None:
        ours = QTranslator(app)
        if ours.load(str(qm)):
            app.installTranslator(ours)
            _installed.append(ours)
            ok = True
        else:
            log.warning("cannot load translation %s", qm)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_base = QTranslator(app)
    if qt_base.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt_base)
        _installed.append(qt_base)
    return ok
