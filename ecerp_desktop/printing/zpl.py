"""ZPL II renderer (Zebra and ZPL-compatible printers), 203 or 300 dpi.

Every variable field goes out as ``^FH^FD<escaped>^FS``: ``^ ~ _ \\`` and every non-ASCII
byte become ``_XX`` hex escapes (UTF-8, ``^CI28``), so buyer text can never end a field,
start a format or slip in a control command; the output is pure printable ASCII. Text is
printed line by line as the layout wrapped it, in the printer's CJK font (``^CW1,<font>``,
``^A1``) when the profile names one. Static parts of a template are rendered once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

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
)
from ecerp_desktop.printing.raster import fit_barcode, image_bits, qr_modules

_ESC = re.compile(r"[^\x20-\x7e]+|[\^~_\\]+")
FD_MAX_BYTES = 3072


def _hex(m: re.Match[str]) -> str:
    return "_" + m.group().encode("utf-8", "replace").hex("_").upper()


@lru_cache(maxsize=8192)  # batches repeat courier, sender and shop names
def escape_fd(text: str) -> str:
    """*text* for ``^FH^FD``: ^ ~ _ \\ and non-ASCII as ``_XX`` UTF-8 hex escapes."""
    out = _ESC.sub(_hex, text)
    if len(out) > FD_MAX_BYTES:  # ^FD holds at most 3072 bytes; never cut inside an escape
        out = out[:FD_MAX_BYTES]
        cut = out.rfind("_", FD_MAX_BYTES - 3)
        if cut != -1:
            out = out[:cut]
    return out


class ZplRenderer:
    """A template compiled for one printer: ``render(labels)`` gives the job's bytes."""

    language = "zpl"

    def __init__(self, template: Template, *, dpi: int = 203, cjk_font: str = "",
                 darkness: int | None = None, speed: int | None = None) -> None:
        self.template = template
        # Zebra counts 203 dpi as 8 dots/mm and 300 dpi as 12 (^PW800 for 100 mm).
        self.dpmm = dpmm = {203: 8.0, 300: 12.0, 600: 24.0}.get(dpi, dpi / 25.4)
        self._bold_dx = max(1, round(dpmm / 8))
        self._cjk = bool(cjk_font)

        def d(mm: float) -> int:
            return round(mm * dpmm)

        self._d = d
        head = [f"^XA^CI28^PW{d(template.width_mm)}^LL{d(template.height_mm)}^LH0,0"]
        if cjk_font:
            head.append(f"^CW1,{cjk_font}")
        if darkness is not None:
            head.append(f"^MD{int(darkness)}")
        if speed is not None:
            head.append(f"^PR{int(speed)}")
        self._head = "".join(head)
        self._program = TextProgram(template, self._compile)

    # --- compile one element into a function payload -> ZPL ------------------------------

    def _compile(self, el: object) -> Callable[[object], str]:
        d = self._d
        if isinstance(el, TextBox):
            return self._text(el)
        if isinstance(el, Barcode):
            return self._barcode(el)
        if isinstance(el, QRCode):
            x, y, size = d(el.x), d(el.y), d(el.size)

            def qr(data: object) -> str:
                if data is None:
                    return ""
                text = str(data)
                mag = max(1, min(10, size // qr_modules(text, el.ecc)))
                # ^BQ sits ^BY-height dots below its ^FO: reset ^BY to its default
                # height (10 dots) and start 10 dots higher, so the code lands at y
                return (f"^FO{x},{max(0, y - 10)}^BY2,3,10^BQN,2,{mag}"
                        f"^FH^FD{el.ecc}A,{escape_fd(text)}^FS")
            return qr
        if isinstance(el, Line):
            t = max(1, d(el.thickness))
            x, y = d(min(el.x1, el.x2)), d(min(el.y1, el.y2))
            w, h = max(t, d(abs(el.x2 - el.x1))), max(t, d(abs(el.y2 - el.y1)))
            s = f"^FO{x},{y}^GB{w},{h},{t}^FS"
            return lambda _p: s
        if isinstance(el, Box):
            w, h = d(el.w), d(el.h)
            t = min(w, h) if el.fill else max(1, d(el.thickness))
            s = f"^FO{d(el.x)},{d(el.y)}^GB{w},{h},{t}^FS"
            return lambda _p: s
        if isinstance(el, Image):
            s = self._image(el)
            return lambda _p: s
        raise TypeError(el)

    def _text(self, el: TextBox) -> Callable[[object], str]:
        d = self._d
        h = max(10, d(el.size))
        font = f"^A1N,{h},{h}" if self._cjk else f"^A0N,{h},{round(h * 0.9)}"
        x0, y0, lh, w_dots = d(el.x), d(el.y), el.line_height, d(el.w)
        dx = self._bold_dx
        # centred and right-aligned lines: a one-line field block, so the printer aligns
        # them with its own font metrics
        block = "" if el.align == "left" else f"^FB{w_dots},1,0,{el.align[0].upper()},0"

        cache: dict[object, str] = {}  # batches repeat sender, courier and item texts

        def text(lines: object) -> str:
            hit = cache.get(lines)
            if hit is not None:
                return hit
            out = []
            for j, line in enumerate(lines):  # type: ignore[attr-defined]
                y = y0 + round(j * lh * self.dpmm)
                fd = escape_fd(line)
                out.append(f"^FO{x0},{y}{block}{font}^FH^FD{fd}^FS")
                if el.bold:
                    out.append(f"^FO{x0 + dx},{y}{block}{font}^FH^FD{fd}^FS")
            result = "".join(out)
            if len(cache) >= 512:
                cache.clear()
            cache[lines] = result
            return result
        return text

    def _barcode(self, el: Barcode) -> Callable[[object], str]:
        d = self._d
        x0, y, w, h = d(el.x), d(el.y), d(el.w), d(el.h)
        hr = "Y" if el.human_readable else "N"
        if el.symbology == symbology.EAN13:
            def ean(data: object) -> str:
                if data is None:
                    return ""
                x, m = fit_barcode(True, "", x0, w)
                return f"^FO{x},{y}^BY{m},3,{h}^BEN,{h},{hr},N^FD{str(data)[:12]}^FS"
            return ean

        def c128(data: object) -> str:
            if data is None:
                return ""
            text = str(data)
            x, m = fit_barcode(False, text, x0, w)
            # mode A: the printer picks subsets (C for digit runs), as our estimate assumes
            return f"^FO{x},{y}^BY{m},3,{h}^BCN,{h},{hr},N,N,A^FH^FD{escape_fd(text)}^FS"
        return c128

    def _image(self, el: Image) -> str:
        path = Path(el.path)
        if self.template.base_dir is not None and not path.is_absolute():
            path = self.template.base_dir / path
        w, h = self._d(el.w), self._d(el.h)
        rows, bpr = image_bits(path, w, h)
        data = b"".join(rows).hex().upper()
        total = bpr * len(rows)
        return f"^FO{self._d(el.x)},{self._d(el.y)}^GFA,{total},{total},{bpr},{data}^FS"

    # --- rendering ------------------------------------------------------------------------

    def render_label(self, label: Label, copies: int = 1) -> str:
        out = [self._head, self._program.render(label)]
        if copies > 1:
            out.append(f"^PQ{int(copies)}")
        out.append("^XZ\n")
        return "".join(out)

    def render(self, labels: Iterable[Label], copies: int = 1) -> bytes:
        return "".join(self.render_label(lb, copies) for lb in labels).encode("ascii")
