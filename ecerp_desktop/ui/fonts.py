"""The bundled fonts, registered with Qt so Chinese renders the same on every PC.

resources/fonts holds the CJK font (``paths.font_path()``, Droid Sans Fallback: CJK only, no
Latin letters) and may hold more (a Latin UI font, for PCs with no fonts at all). All are
registered; the application's family list is: the system UI font, any bundled Latin font,
then the CJK font, so each glyph comes from the first of them that has it.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QGuiApplication

from ecerp_desktop.paths import font_path

log = logging.getLogger(__name__)
_FONT_SUFFIXES = {".ttf", ".otf", ".ttc"}
# Sample text per script the UI needs: user names, numbers and URLs are Latin.
SAMPLES = {"Latin": "Aa0", "Chinese": "订单"}


def register_bundled_font(app: QGuiApplication) -> str | None:
    """Register the bundled fonts and set the app's family list; returns the CJK family.

    Latin text keeps the system's UI font; any glyph that font lacks (all of Chinese on a
    Western Windows, everything on a bare Linux box) comes from the bundled fonts, not from
    whatever the PC happens to have. Returns None when the CJK font is missing.
    """
    cjk_path = font_path()
    cjk = _add(str(cjk_path))
    if cjk is None:
        log.error("cannot load the bundled font %s", cjk_path)
        return None
    extra: list[str] = []
    if cjk_path.parent.is_dir():
        for path in sorted(cjk_path.parent.iterdir()):
            if path.suffix.lower() in _FONT_SUFFIXES and path != cjk_path:
                family = _add(str(path))
                if family is not None and family not in extra and family != cjk:
                    extra.append(family)
    font = QFont(app.font())
    base = font.family()
    families = [f for f in (base, *extra) if f and f != cjk] + [cjk]
    font.setFamilies(list(dict.fromkeys(families)))
    app.setFont(font)
    return cjk


def _add(path: str) -> str | None:
    font_id = QFontDatabase.addApplicationFont(path)
    if font_id < 0:
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    return families[0] if families else None


def missing_scripts(font: QFont) -> list[str]:
    """Scripts of ``SAMPLES`` that no font of *font*'s family list can draw (boxes on screen).

    Cheap when all is well (one look at the families the app asks for); it only walks every
    installed family when those lack a glyph, to see whether Qt's own fallback finds one.
    """
    families = font.families() or [font.family()]
    missing = []
    for script, sample in SAMPLES.items():
        if any(_draws(family, sample) for family in families):
            continue
        if any(_draws(family, sample) for family in QFontDatabase.families()):
            continue
        missing.append(script)
    return missing


def _draws(family: str, sample: str) -> bool:
    if not QFontDatabase.hasFamily(family):
        return False
    metrics = QFontMetrics(QFont(family))
    return all(metrics.inFontUcs4(ord(ch)) for ch in sample)
