"""ESC/POS renderer for receipt printers (80 mm or 58 mm paper), our own bytes.

A receipt printer prints lines, not a positioned page, so the layout's elements are printed
top to bottom (by y, then x): text lines with size and bold, Code 128 / EAN-13 with the
printer's own barcode command, QR codes with ``GS ( k``, rules as a row of dashes, then a
partial cut. Chinese goes out as GB18030 bytes inside ``FS &`` … ``FS .`` (Chinese mode on
Chinese-firmware printers). Buyer text cannot carry a command: the layout removed every
control character and GB18030 never produces a byte below 0x30 for non-ASCII text.
python-escpos was not needed for this: the commands are a handful of bytes.
"""

from __future__ import annotations

from collections.abc import Iterable

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
)

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
INIT = ESC + b"@"
CUT = GS + b"V\x42\x03"  # feed 3 lines and cut (partial)
CHINESE_ON, CHINESE_OFF = FS + b"&", FS + b"."
ALIGN = {"left": ESC + b"a\x00", "center": ESC + b"a\x01", "right": ESC + b"a\x02"}


def _text_bytes(line: str) -> bytes:
    if line.isascii():
        return line.encode("ascii")
    return CHINESE_ON + line.encode("gb18030", "replace") + CHINESE_OFF


class EscPosRenderer:
    """A template compiled for a receipt printer: ``render(labels)`` gives the job's bytes."""

    language = "escpos"

    def __init__(self, template: Template, *, dpi: int = 203, paper_mm: float = 80.0,
                 **_ignored: object) -> None:
        self.template = template
        self.dpmm = dpi / 25.4
        self.columns = 48 if paper_mm >= 70 else 32
        for el in template.elements:
            if isinstance(el, Image):
                raise DomainError(ErrorCode.PRINT_LANGUAGE_UNSUPPORTED,
                                  what=f"the image in template {template.name}",
                                  language="ESC/POS")
        # print order: top to bottom, then left to right; boxes are drawn as rules
        self._order = sorted(range(len(template.elements)),
                             key=lambda i: (_top(template.elements[i]),
                                            _left(template.elements[i])))

    def _element(self, el: object, payload: object) -> bytes:
        if payload is None:
            return b""
        if isinstance(el, TextBox):
            size = 0x11 if el.size >= 5 else 0x00  # double width and height for big text
            out = [ALIGN[el.align], ESC + b"E" + (b"\x01" if el.bold else b"\x00"),
                   GS + b"!" + bytes([size])]
            for line in payload:  # type: ignore[attr-defined]
                out.append(_text_bytes(line) + b"\n")
            out.append(GS + b"!\x00" + ESC + b"E\x00")
            return b"".join(out)
        if isinstance(el, Barcode):
            data = str(payload)
            h = max(1, min(255, round(el.h * self.dpmm)))
            head = (ALIGN["center"] + GS + b"h" + bytes([h]) + GS + b"w\x02" + GS + b"H"
                    + (b"\x02" if el.human_readable else b"\x00"))
            if el.symbology == symbology.EAN13:
                return head + GS + b"k\x43\x0c" + data[:12].encode("ascii") + b"\n"
            body = b"{B" + data.encode("ascii")
            return head + GS + b"k\x49" + bytes([len(body)]) + body + b"\n"
        if isinstance(el, QRCode):
            data = str(payload).encode("utf-8")
            size = max(1, min(16, round(el.size * self.dpmm / 29)))
            level = {"L": 48, "M": 49, "Q": 50, "H": 51}[el.ecc]
            n = len(data) + 3
            return b"".join([
                ALIGN["center"],
                GS + b"(k\x04\x00\x31\x41\x32\x00",            # model 2
                GS + b"(k\x03\x00\x31\x43" + bytes([size]),     # module size
                GS + b"(k\x03\x00\x31\x45" + bytes([level]),    # error correction
                GS + b"(k" + bytes([n % 256, n // 256]) + b"\x31\x50\x30" + data,
                GS + b"(k\x03\x00\x31\x51\x30", b"\n"])         # print it
        if isinstance(el, Line | Box):
            if isinstance(el, Line) and el.x1 == el.x2:
                return b""  # a vertical rule has no meaning on a receipt
            return ALIGN["left"] + b"-" * self.columns + b"\n"
        raise TypeError(el)

    def render_label(self, label: Label) -> bytes:
        els = self.template.elements
        out = [INIT]
        for i in self._order:
            out.append(self._element(els[i], label.payloads[i]))
        out.append(CUT)
        return b"".join(out)

    def render(self, labels: Iterable[Label], copies: int = 1) -> bytes:
        one = [self.render_label(lb) for lb in labels]
        return b"".join(b for b in one for _ in range(max(1, copies)))


def _top(el: object) -> float:
    return min(el.y1, el.y2) if isinstance(el, Line) else el.y  # type: ignore[attr-defined]


def _left(el: object) -> float:
    return min(el.x1, el.x2) if isinstance(el, Line) else el.x  # type: ignore[attr-defined]
