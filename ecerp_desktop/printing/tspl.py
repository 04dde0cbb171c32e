"""TSPL / TSPL2 renderer (TSC, Gprinter, Xprinter and most Chinese desktop label printers).

A job is text, one command per line ending in CRLF, encoded as GB18030 (what the printers'
``TSS24.BF2`` Chinese font expects). Inside a quoted string a raw ``"`` or line break would
end the command and start another, so text fields carry no control characters (the layout
removed them, and we check again) and ``"`` / ``\\`` print as their full-width forms
``＂`` / ``＼``; barcode data is validated and never contains them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.printing import symbology
from ecerp_desktop.printing.layout import (
    Barcode,
    Box,
    Image,
    Label,
    Line,
    QRCode,
    Template,
    TextBox,
    TextProgram,
    text_em,
)
from ecerp_desktop.printing.raster import fit_barcode, qr_modules

_TEXT_TABLE = str.maketrans({'"': "＂", "\\": "＼", "\r": " ", "\n": " ", "\x00": None})
for _c in range(1, 32):
    _TEXT_TABLE.setdefault(_c, " ")
_TEXT_TABLE[0x7F] = " "


@lru_cache(maxsize=8192)
def quote(text: str) -> str:
    """*text* as the inside of a TSPL string: no quote, backslash or control character."""
    return text.translate(_TEXT_TABLE)


class TsplRenderer:
    """A template compiled for one TSPL printer: ``render(labels)`` gives the job's bytes."""

    language = "tspl"

    def __init__(self, template: Template, *, dpi: int = 203, cjk_font: str = "TSS24.BF2",
                 cjk_font_dots: int = 24, darkness: int | None = None,
                 speed: int | None = None, gap_mm: float = 2.0) -> None:
        self.template = template
        self.dpmm = dpmm = {203: 8.0, 300: 12.0}.get(dpi, dpi / 25.4)
        self.font = cjk_font or "TSS24.BF2"
        self.font_dots = cjk_font_dots
        self._ttf = self.font.upper().endswith(".TTF")
        self._d: Callable[[float], int] = lambda mm: round(mm * dpmm)
        head = [f"SIZE {template.width_mm:g} mm,{template.height_mm:g} mm",
                f"GAP {gap_mm:g} mm,0 mm", "DIRECTION 1", "REFERENCE 0,0"]
        if darkness is not None:
            head.append(f"DENSITY {int(darkness)}")
        if speed is not None:
            head.append(f"SPEED {int(speed)}")
        head.append("CLS")
        self._head = "\r\n".join(head) + "\r\n"
        self._program = TextProgram(template, self._compile)

    def _compile(self, el: object) -> Callable[[object], str]:
        d = self._d
        if isinstance(el, TextBox):
            return self._text(el)
        if isinstance(el, Barcode):
            x0, y, w, h = d(el.x), d(el.y), d(el.w), d(el.h)
            hr = 1 if el.human_readable else 0
            if el.symbology == symbology.EAN13:
                def ean(data: object) -> str:
                    if data is None:
                        return ""
                    x, m = fit_barcode(True, "", x0, w)
                    return f'BARCODE {x},{y},"EAN13",{h},{hr},0,{m},{m},"{str(data)[:12]}"\r\n'
                return ean

            def c128(data: object) -> str:
                if data is None:
                    return ""
                text = str(data)
                x, m = fit_barcode(False, text, x0, w)
                return f'BARCODE {x},{y},"128",{h},{hr},0,{m},{m},"{quote(text)}"\r\n'
            return c128
        if isinstance(el, QRCode):
            x, y, size = d(el.x), d(el.y), d(el.size)

            def qr(data: object) -> str:
                if data is None:
                    return ""
                text = str(data)
                cell = max(1, min(10, size // (qr_modules(text, el.ecc) + 8)))
                return f'QRCODE {x},{y},{el.ecc},{cell},A,0,"{quote(text)}"\r\n'
            return qr
        if isinstance(el, Line):
            t = max(1, d(el.thickness))
            x, y = d(min(el.x1, el.x2)), d(min(el.y1, el.y2))
            w, h = max(t, d(abs(el.x2 - el.x1))), max(t, d(abs(el.y2 - el.y1)))
            s = f"BAR {x},{y},{w},{h}\r\n"
            return lambda _p: s
        if isinstance(el, Box):
            x, y, w, h = d(el.x), d(el.y), d(el.w), d(el.h)
            s = (f"BAR {x},{y},{w},{h}\r\n" if el.fill
                 else f"BOX {x},{y},{x + w},{y + h},{max(1, d(el.thickness))}\r\n")
            return lambda _p: s
        if isinstance(el, Image):
            raise DomainError(ErrorCode.PRINT_LANGUAGE_UNSUPPORTED,
                              what=f"the image in template {self.template.name}",
                              language="TSPL")
        raise TypeError(el)

    def _text(self, el: TextBox) -> Callable[[object], str]:
        d = self._d
        h = max(8, d(el.size))
        if self._ttf:  # a downloaded TrueType font: the multipliers are point sizes
            mul = max(1, round(el.size / 0.3528))
            mx = my = mul
        else:  # a bitmap font: whole multiples of its height
            mx = my = max(1, int(h / self.font_dots + 0.25))
            h = self.font_dots * my
        x0, y0, w_dots = d(el.x), d(el.y), d(el.w)
        step = el.line_height * self.dpmm
        font, align, bold = self.font, el.align, el.bold

        cache: dict[object, str] = {}  # batches repeat sender, courier and item texts

        def text(lines: object) -> str:
            hit = cache.get(lines)
            if hit is not None:
                return hit
            out = []
            for j, line in enumerate(lines):  # type: ignore[attr-defined]
                x = x0
                if align != "left":
                    free = w_dots - round(text_em(line) * h)
                    x += max(0, free // 2 if align == "center" else free)
                y = y0 + round(j * step)
                q = quote(line)
                out.append(f'TEXT {x},{y},"{font}",0,{mx},{my},"{q}"\r\n')
                if bold:
                    out.append(f'TEXT {x + 1},{y},"{font}",0,{mx},{my},"{q}"\r\n')
            result = "".join(out)
            if len(cache) >= 512:
                cache.clear()
            cache[lines] = result
            return result
        return text

    def render_label(self, label: Label, copies: int = 1) -> str:
        out = [self._head, self._program.render(label)]
        out.append(f"PRINT 1,{max(1, int(copies))}\r\n")
        return "".join(out)

    def render(self, labels: Iterable[Label], copies: int = 1) -> bytes:
        return "".join(self.render_label(lb, copies) for lb in labels).encode(
            "gb18030", "replace")
