"""The bundled CJK font, registered with Qt so Chinese renders the same on every PC."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from ecerp_desktop.paths import font_path

log = logging.getLogger(__name__)


def register_bundled_font(app: QGuiApplication) -> str | None:
    """Add the bundled font and put it right after the UI font in the app's family list.

    Latin text keeps the system's UI font; any glyph that font lacks (all of Chinese on a
    Western Windows, everything on a bare Linux box) comes from the bundled font, not from
    whatever the PC happens to have. Returns the family name, or None when it is missing.
    """
    path = font_path()
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.error("cannot load the bundled font %s", path)
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        return None
    cjk = families[0]
    font = QFont(app.font())
    base = font.family()
    font.setFamilies([base, cjk] if base and base != cjk else [cjk])
    app.setFont(font)
    return cjk
