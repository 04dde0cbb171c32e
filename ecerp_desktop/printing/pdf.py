"""PDF renderer (reportlab): one page per label, the bundled CJK TrueType font embedded
(subset), vector barcodes and QR codes.

For a laser printer, for a driver-based thermal printer, and for previews. Bar widths are
whole multiples of the target printer's dot (0.125 mm at 203 dpi) so the bars land on dots
when the PDF is printed on a thermal printer. The static parts of a template are drawn once
per document as a form XObject and reused on every page.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterable
from pathlib import Path

import segno
from reportlab.graphics.barcode import code128
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ecerp_desktop.paths import font_path
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
)

# QR mask pattern. None lets segno score all eight (ISO/IEC 18004 penalty rules), which is
# 90 % of the time of a waybill page; a fixed mask is an equally valid symbol that every
# decoder reads (format information names the mask), and short IDs scan fine with it.
QR_MASK: int | None = 0
FONT_NAME = "ecerp-cjk"
LATIN, LATIN_BOLD = "Helvetica", "Helvetica-Bold"  # the PDF standard fonts (WinAnsi)
# runs of characters Helvetica can show (printable Latin-1) vs. the rest
_LATIN_RUN = re.compile("([\x20-\x7e\xa0-\xff]+)|[^\x20-\x7e\xa0-\xff]+")
_font_lock = threading.Lock()
_font_loaded = False


def ensure_font(path: Path | None = None) -> str:
    """Register the bundled CJK TrueType font once per process; its reportlab name."""
    global _font_loaded
    with _font_lock:
        if not _font_loaded:
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path or font_path())))
            _font_loaded = True
    return FONT_NAME


# EAN-13 patterns (GS1 General Specifications 5.2.1.2): L, G and R codes, first-digit parity.
_L = ("0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111",
      "0111011", "0110111", "0001011")
_G = tuple(c.translate(str.maketrans("01", "10"))[::-1] for c in _L)
_R = tuple(c.translate(str.maketrans("01", "10")) for c in _L)
_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG",
           "LGLGGL", "LGGLGL")


def ean13_modules(code: str) -> str:
    """The 95 modules of an EAN-13 symbol as '0'/'1' (1 = bar)."""
    first, left, right = int(code[0]), code[1:7], code[7:13]
    out = ["101"]
    for digit, parity in zip(left, _PARITY[first], strict=True):
        out.append((_L if parity == "L" else _G)[int(digit)])
    out.append("01010")
    out.extend(_R[int(d)] for d in right)
    out.append("101")
    return "".join(out)


def _runs(bits: Iterable[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of True."""
    runs, start = [], None
    for i, b in enumerate([*bits, False]):
        if b and start is None:
            start = i
        elif not b and start is not None:
            runs.append((start, i - start))
            start = None
    return runs


class PdfRenderer:
    """A template compiled for PDF: ``render(labels)`` gives one document, a page a label."""

    language = "pdf"

    def __init__(self, template: Template, *, dpi: int = 203, **_ignored: object) -> None:
        self.template = template
        self.dot_mm = 25.4 / dpi
        self.font = ensure_font()
        self.page_w, self.page_h = template.width_mm * mm, template.height_mm * mm
        self._variable = [i for i in range(len(template.elements)) if not template.is_static(i)]
        self._static = [i for i in range(len(template.elements)) if template.is_static(i)]

    # --- coordinates: layout mm from the top-left → PDF points from the bottom-left -------

    def _x(self, x_mm: float) -> float:
        return x_mm * mm

    def _y(self, y_mm: float) -> float:
        return self.page_h - y_mm * mm

    def _draw(self, c: Canvas, el: object, payload: object) -> None:
        if payload is None:
            return
        if isinstance(el, TextBox):
            self._text(c, el, payload)  # type: ignore[arg-type]
        elif isinstance(el, Barcode):
            self._barcode(c, el, str(payload))
        elif isinstance(el, QRCode):
            self._qr(c, el, str(payload))
        elif isinstance(el, Line):
            c.setLineWidth(el.thickness * mm)
            c.line(self._x(el.x1), self._y(el.y1), self._x(el.x2), self._y(el.y2))
        elif isinstance(el, Box):
            c.setLineWidth(el.thickness * mm)
            c.rect(self._x(el.x), self._y(el.y + el.h), el.w * mm, el.h * mm,
                   stroke=0 if el.fill else 1, fill=1 if el.fill else 0)
        elif isinstance(el, Image):
            path = Path(el.path)
            if self.template.base_dir is not None and not path.is_absolute():
                path = self.template.base_dir / path
            c.drawImage(str(path), self._x(el.x), self._y(el.y + el.h), el.w * mm, el.h * mm,
                        preserveAspectRatio=True, mask="auto")

    def _runs_of(self, line: str, bold: bool) -> list[tuple[str, str]]:
        """(font, text) runs: Latin-1 text in Helvetica, everything else in the CJK font
        (the bundled Droid Sans Fallback has CJK glyphs only)."""
        latin = LATIN_BOLD if bold else LATIN
        if line.isascii():
            return [(latin, line)]
        runs: list[tuple[str, str]] = []
        for m in _LATIN_RUN.finditer(line):
            runs.append((latin if m.group(1) else self.font, m.group(0)))
        return runs

    def _text(self, c: Canvas, el: TextBox, lines: tuple[str, ...]) -> None:
        size = el.size * mm
        t = c.beginText()
        if el.bold:
            c.setLineWidth(size * 0.035)
        for j, line in enumerate(lines):
            runs = self._runs_of(line, el.bold)
            x = self._x(el.x)
            if el.align != "left":
                width = sum(pdfmetrics.stringWidth(s, f, size) for f, s in runs)
                free = el.w * mm - width
                x += max(0.0, free / 2 if el.align == "center" else free)
            # the box top is the top of the em square; the baseline sits 0.88 em below it
            t.setTextOrigin(x, self._y(el.y + j * el.line_height + el.size * 0.88))
            for font, s in runs:
                t.setFont(font, size)
                # a bold face for CJK: fill and stroke the regular glyphs
                t.setTextRenderMode(2 if el.bold and font == self.font else 0)
                t.textOut(s)
        c.drawText(t)

    def _bar_width(self, available_mm: float, modules: int) -> float:
        """The widest whole number of printer dots per module that fits, at least one dot."""
        dots = max(1, int(available_mm / modules / self.dot_mm))
        return dots * self.dot_mm

    def _snap(self, x_mm: float) -> float:
        """*x_mm* moved onto the printer's dot grid, so every bar edge falls on a dot edge."""
        return round(x_mm / self.dot_mm) * self.dot_mm

    def _barcode(self, c: Canvas, el: Barcode, data: str) -> None:
        if el.symbology == symbology.EAN13:
            bw = self._bar_width(el.w, 95 + 18)  # 11 and 7 modules of quiet zone
            x0 = self._snap(el.x + (el.w - 95 * bw) / 2)
            p = c.beginPath()
            for start, length in _runs(b == "1" for b in ean13_modules(data)):
                p.rect(self._x(x0 + start * bw), self._y(el.y + el.h), length * bw * mm,
                       el.h * mm)
            c.drawPath(p, stroke=0, fill=1)
            return
        probe = code128.Code128(data, barWidth=1, quiet=False)
        modules = round(probe.width)
        bw = self._bar_width(el.w, modules + 20)  # 10 modules of quiet zone each side
        bc = code128.Code128(data, barWidth=bw * mm, barHeight=el.h * mm, quiet=False,
                             humanReadable=el.human_readable)
        x0 = self._snap(el.x + (el.w - modules * bw) / 2)
        bc.drawOn(c, self._x(x0), self._y(el.y + el.h))

    def _qr(self, c: Canvas, el: QRCode, data: str) -> None:
        qr = segno.make_qr(data, error=el.ecc.lower(), boost_error=False, mask=QR_MASK)
        matrix = qr.matrix
        n = len(matrix)
        cell = el.size / (n + 8)  # four modules of quiet zone each side
        x0, y0 = el.x + 4 * cell, el.y + 4 * cell
        p = c.beginPath()
        for r, row in enumerate(matrix):
            for start, length in _runs(bool(v) for v in row):
                p.rect(self._x(x0 + start * cell), self._y(y0 + (r + 1) * cell),
                       length * cell * mm, cell * mm)
        c.drawPath(p, stroke=0, fill=1)

    # --- rendering ------------------------------------------------------------------------

    def render(self, labels: Iterable[Label], copies: int = 1) -> bytes:
        buf = io.BytesIO()
        c = Canvas(buf, pagesize=(self.page_w, self.page_h), invariant=1, pageCompression=1)
        c.setTitle(self.template.title)
        c.setCreator("ecerp")
        els = self.template.elements
        form = None
        if self._static:
            form = "static"
            c.beginForm(form)
            for i in self._static:
                self._draw(c, els[i], self.template._static[i])
            c.endForm()
        for label in labels:
            for _ in range(max(1, copies)):
                if form:
                    c.doForm(form)
                for i in self._variable:
                    self._draw(c, els[i], label.payloads[i])
                c.showPage()
        c.save()
        return buf.getvalue()
