"""One entry point for every printer language: template + profile → bytes.

Renderers are compiled once per (template, profile, language) and kept, so a batch of a
thousand labels pays the compile cost once:

    from ecerp_desktop.printing import render
    data = render.render_values(template, profile, [values1, values2], copies=1)
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.printing.layout import Label, Template
from ecerp_desktop.printing.profiles import LANGUAGES, PrinterProfile

EXTENSIONS = {".zpl": "zpl", ".tspl": "tspl", ".tsc": "tspl", ".escpos": "escpos",
              ".pos": "escpos", ".pdf": "pdf"}


class Renderer(Protocol):
    language: str

    def render(self, labels: Iterable[Label], copies: int = 1) -> bytes: ...


def _make(template: Template, language: str, options: dict[str, Any]) -> Renderer:
    if language == "zpl":
        from ecerp_desktop.printing.zpl import ZplRenderer
        return ZplRenderer(template, **options)
    if language == "tspl":
        from ecerp_desktop.printing.tspl import TsplRenderer
        return TsplRenderer(template, **options)
    if language == "escpos":
        from ecerp_desktop.printing.escpos import EscPosRenderer
        return EscPosRenderer(template, **options)
    if language == "pdf":
        from ecerp_desktop.printing.pdf import PdfRenderer
        return PdfRenderer(template, **options)
    raise DomainError(ErrorCode.PRINT_LANGUAGE_UNSUPPORTED, what="a label", language=language)


_cache: dict[tuple[int, PrinterProfile, str], tuple[Template, Renderer]] = {}
_lock = threading.Lock()


def renderer_for(template: Template, profile: PrinterProfile,
                 language: str | None = None) -> Renderer:
    """The compiled renderer of *template* for *profile* (in *language*, default the
    profile's own)."""
    language = language or profile.language
    if language not in LANGUAGES:
        raise DomainError(ErrorCode.PRINT_LANGUAGE_UNSUPPORTED, what="a label",
                          language=language)
    key = (id(template), profile, language)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is template:
            return hit[1]
    options = profile.renderer_options() if language == profile.language else {
        "dpi": profile.dpi}
    r = _make(template, language, options)
    with _lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[key] = (template, r)
    return r


def render_values(template: Template, profile: PrinterProfile,
                  values: Iterable[Mapping[str, str]], *, copies: int = 1,
                  language: str | None = None) -> bytes:
    """Bind each value set to *template* and render them all as one job."""
    r = renderer_for(template, profile, language)
    return r.render([template.bind(v) for v in values], copies)


def language_for_path(path: str | Path) -> str | None:
    """The language a file name asks for by its extension (.zpl, .tspl, .pdf …)."""
    return EXTENSIONS.get(Path(path).suffix.lower())
