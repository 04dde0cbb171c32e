"""A label as a layout in millimetres, independent of any printer language.

A template is a TOML file (resources/templates/labels/*.toml, or the same name in the user's
data folder to override it) holding the label size and a list of elements: text boxes, Code
128 / EAN-13 barcodes, QR codes, lines, boxes and images. Text and barcode data are
templates with ``{placeholders}`` (``{receiver.name}``); binding a template to one parcel's
values gives a :class:`Label` whose text is already cleaned and wrapped into lines and whose
barcode data is validated, so every renderer (ZPL, TSPL, ESC/POS, PDF) prints the same lines.

Coordinates: origin at the top-left corner of the label, x to the right, y downwards, all in
millimetres. Pure Python: no I/O after loading, so binding is fast enough for batch printing.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.printing import symbology

MAX_FIELD_CHARS = 1000  # a longer buyer text is cut before wrapping (10 kB addresses exist)
ELLIPSIS = "…"
ALIGNS = ("left", "center", "right")
KINDS = ("waybill", "sku", "packing")


# --- text measuring and cleaning ------------------------------------------------------------

_WIDTH_CACHE: dict[str, float] = {}
NARROW_EM = 0.6  # a Latin letter or digit is about 0.5-0.6 of a CJK character: err wide


def char_em(ch: str) -> float:
    """The advance of *ch* in em (its height): 1 for CJK and full-width, 0 for combining."""
    w = _WIDTH_CACHE.get(ch)
    if w is None:
        if unicodedata.combining(ch):
            w = 0.0
        elif unicodedata.east_asian_width(ch) in ("W", "F") or ch == ELLIPSIS:
            w = 1.0
        else:
            w = NARROW_EM
        _WIDTH_CACHE[ch] = w
    return w


# The wide (W/F) blocks of Unicode's East Asian Width, for counting at C speed.
_WIDE = re.compile("[\u1100-\u115f\u2026\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf"
                   "\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19"
                   "\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\U0001f300-\U0001f64f"
                   "\U0001f900-\U0001f9ff\U00020000-\U0003fffd]")


def text_em(text: str) -> float:
    """The width of *text* in em (CJK and full-width 1, everything else NARROW_EM)."""
    if text.isascii():
        return len(text) * NARROW_EM
    wide = len(_WIDE.findall(text))
    return wide + (len(text) - wide) * NARROW_EM


_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def clean_text(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    """One printable line: line breaks and tabs become spaces; other control, format
    (bidi marks, zero-width), surrogate and unassigned characters go; at most *limit*."""
    if len(text) > limit:
        text = text[:limit]
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or ch == " ":
            out.append(ch)
        elif ch in "\r\n\t\v\f\x85\u2028\u2029" or unicodedata.category(ch) == "Zs":
            out.append(" ")
        elif unicodedata.category(ch) not in _DROP_CATEGORIES:
            out.append(ch)
    return "".join(out)


def wrap(text: str, max_em: float, max_lines: int, *, wrap_lines: bool = True,
         ellipsis: bool = True) -> tuple[str, ...]:
    """Break *text* into lines of at most *max_em* em, at most *max_lines* lines; the last
    line ends with an ellipsis when text was cut off (and *ellipsis* is on)."""
    if not text:
        return ()
    if text_em(text) <= max_em:
        return (text,)
    if not wrap_lines:
        max_lines = 1
    lines: list[str] = []
    start = 0
    width = 0.0
    i = 0
    n = len(text)
    while i < n:
        cw = char_em(text[i])
        if width + cw > max_em and i > start:
            cut = i
            # Latin words: break at the last space in the second half of the line.
            if cw < 1.0:
                sp = text.rfind(" ", start, i)
                if sp > start and (i - sp) < (i - start) // 2:
                    cut = sp + 1
            if len(lines) == max_lines - 1:
                return (*lines, _with_ellipsis(text[start:], max_em) if ellipsis
                        else text[start:cut])
            lines.append(text[start:cut].rstrip(" "))
            start = cut
            while start < n and text[start] == " ":
                start += 1
            i = start
            width = 0.0
            continue
        width += cw
        i += 1
    if start < n:
        lines.append(text[start:])
    return tuple(lines)


def _with_ellipsis(rest: str, max_em: float) -> str:
    """The longest prefix of *rest* that fits together with an ellipsis."""
    budget = max_em - char_em(ELLIPSIS)
    width = 0.0
    for i, ch in enumerate(rest):
        width += char_em(ch)
        if width > budget:
            return rest[:i].rstrip(" ") + ELLIPSIS
    return rest


# --- placeholders ---------------------------------------------------------------------------

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_.]*)\}|[{}]")


def parse_placeholders(source: str) -> tuple[tuple[str, str | None], ...]:
    """``"收件: {receiver.name}"`` → ((literal, None), ("receiver.name", key)) parts.

    Each part is (text, key): a literal when key is None, else a placeholder named key.
    ``{{`` and ``}}`` are literal braces; any other lone brace is an error (ValueError).
    """
    parts: list[tuple[str, str | None]] = []
    pos = 0
    for m in _TOKEN.finditer(source):
        if m.start() > pos:
            parts.append((source[pos:m.start()], None))
        tok = m.group(0)
        if tok in ("{{", "}}"):
            parts.append((tok[0], None))
        elif m.group(1):
            parts.append(("", m.group(1)))
        else:
            raise ValueError(f"stray {tok!r} in {source!r} (write {{{{ or }}}} for a brace)")
        pos = m.end()
    if pos < len(source):
        parts.append((source[pos:], None))
    merged: list[tuple[str, str | None]] = []
    for text, key in parts:  # join neighbouring literals
        if key is None and merged and merged[-1][1] is None:
            merged[-1] = (merged[-1][0] + text, None)
        else:
            merged.append((text, key))
    return tuple(merged)


def _resolve(parts: tuple[tuple[str, str | None], ...], values: Mapping[str, str],
             clean: bool) -> str:
    if len(parts) == 1:
        text, key = parts[0]
        if key is None:
            return text
        v = values.get(key) or ""
        return clean_text(v) if clean else v
    out = []
    for text, key in parts:
        if key is None:
            out.append(text)
        else:
            v = values.get(key) or ""
            out.append(clean_text(v) if clean else v)
    return "".join(out)


# --- elements -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TextBox:
    """Text in a box: *size* is the character height in mm; lines wrap inside the box."""

    x: float
    y: float
    w: float
    h: float
    text: str
    size: float = 3.0
    bold: bool = False
    wrap: bool = True
    max_lines: int = 0  # 0: as many as fit in h
    ellipsis: bool = True
    align: str = "left"
    line_spacing: float = 1.2
    keep_breaks: bool = False  # "\n" in data we build ourselves (item lists) starts a line

    @property
    def line_height(self) -> float:
        return self.size * self.line_spacing

    def capacity(self) -> int:
        fit = max(1, int((self.h - self.size) / self.line_height + 1.0001))
        return min(fit, self.max_lines) if self.max_lines > 0 else fit


@dataclass(frozen=True, slots=True)
class Barcode:
    """A linear barcode (Code 128 or EAN-13) filling the box; bars *h* mm high."""

    x: float
    y: float
    w: float
    h: float
    data: str
    symbology: str = symbology.CODE128
    human_readable: bool = True
    required: bool = False  # empty data: an error instead of leaving the area blank


@dataclass(frozen=True, slots=True)
class QRCode:
    """A square QR code of *size* mm, error correction level *ecc* (L, M, Q, H)."""

    x: float
    y: float
    size: float
    data: str
    ecc: str = "M"
    required: bool = False


@dataclass(frozen=True, slots=True)
class Line:
    """A horizontal or vertical rule."""

    x1: float
    y1: float
    x2: float
    y2: float
    thickness: float = 0.3


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle outline (or a filled block when *fill*)."""

    x: float
    y: float
    w: float
    h: float
    thickness: float = 0.3
    fill: bool = False


@dataclass(frozen=True, slots=True)
class Image:
    """A monochrome picture (a logo) scaled into the box; *path* is relative to the
    template's folder. Renderers load it once, when they compile the template."""

    x: float
    y: float
    w: float
    h: float
    path: str


Element = TextBox | Barcode | QRCode | Line | Box | Image
ELEMENT_TYPES: dict[str, type] = {
    "text": TextBox, "barcode": Barcode, "qr": QRCode, "line": Line, "box": Box,
    "image": Image,
}


@dataclass(frozen=True, slots=True)
class Label:
    """One template bound to one set of values: ``payloads[i]`` belongs to element i.

    A text payload is a tuple of lines, a barcode or QR payload the validated data, and
    None means "leave this element out" (empty optional data). Lines, boxes and images
    carry no payload (``True``)."""

    template: Template
    payloads: tuple[Any, ...]


@dataclass(slots=True)
class Template:
    """A label design: size in mm, elements, and the placeholders they use."""

    name: str
    title: str
    kind: str
    width_mm: float
    height_mm: float
    elements: tuple[Element, ...]
    base_dir: Path | None = None
    _parts: list[tuple[tuple[str, str | None], ...] | None] = field(default_factory=list)
    _static: list[Any] = field(default_factory=list)
    _em: list[float] = field(default_factory=list)
    _cap: list[int] = field(default_factory=list)
    _wrapped: list[dict[str, tuple[str, ...]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for el in self.elements:
            src = el.text if isinstance(el, TextBox) else (
                el.data if isinstance(el, Barcode | QRCode) else None)
            try:
                parts = parse_placeholders(src) if src is not None else None
            except ValueError as exc:
                raise DomainError(ErrorCode.TEMPLATE_INVALID, template=self.name,
                                  error=str(exc)) from None
            self._parts.append(parts)
            self._wrapped.append({})
            if isinstance(el, TextBox):
                self._em.append(el.w / el.size)
                self._cap.append(el.capacity())
            else:
                self._em.append(0.0)
                self._cap.append(0)
        self._static = [self._bind_one(i, el, {}) if self.is_static(i) else None
                        for i, el in enumerate(self.elements)]

    @property
    def size_name(self) -> str:
        return f"{self.width_mm:g}x{self.height_mm:g}"

    def placeholders(self) -> set[str]:
        return {key for parts in self._parts if parts for _, key in parts if key}

    def is_static(self, index: int) -> bool:
        """True when element *index* looks the same on every label (no placeholder)."""
        parts = self._parts[index]
        return parts is None or all(key is None for _, key in parts)

    def bind(self, values: Mapping[str, str]) -> Label:
        """This template filled with *values* (missing keys are empty). Barcode data that
        cannot be printed raises ``BARCODE_INVALID``; it is never changed."""
        static = self._static
        return Label(self, tuple(static[i] if static[i] is not None
                                 else self._bind_one(i, el, values)
                                 for i, el in enumerate(self.elements)))

    def _bind_one(self, i: int, el: Element, values: Mapping[str, str]) -> Any:
        parts = self._parts[i]
        if parts is None:
            return True
        if isinstance(el, TextBox):
            text = _resolve(parts, values, clean=not el.keep_breaks)
            if el.keep_breaks:
                out: list[str] = []
                cap = self._cap[i]
                for para in text.split("\n"):
                    if len(out) >= cap:
                        break
                    out.extend(wrap(clean_text(para), self._em[i], cap - len(out),
                                    wrap_lines=el.wrap, ellipsis=el.ellipsis))
                return tuple(out)
            cache = self._wrapped[i]  # batches repeat sender, courier and item texts
            lines = cache.get(text)
            if lines is None:
                lines = wrap(text, self._em[i], self._cap[i], wrap_lines=el.wrap,
                             ellipsis=el.ellipsis)
                if len(cache) >= 512:
                    cache.clear()
                cache[text] = lines
            return lines
        data = _resolve(parts, values, clean=False)
        if not data:
            if el.required:  # type: ignore[union-attr]
                raise DomainError(ErrorCode.BARCODE_INVALID,
                                  symbology=getattr(el, "symbology", symbology.QR),
                                  value="", reason="required data is empty")
            return None
        return symbology.validate(el.symbology if isinstance(el, Barcode) else symbology.QR,
                                  data)


# --- loading --------------------------------------------------------------------------------

def _element(name: str, index: int, raw: Mapping[str, Any]) -> Element:
    def bad(error: str) -> DomainError:
        return DomainError(ErrorCode.TEMPLATE_INVALID, template=name,
                           error=f"element {index + 1}: {error}")

    kind = raw.get("type")
    cls = ELEMENT_TYPES.get(str(kind))
    if cls is None:
        raise bad(f"unknown type {kind!r} (use {', '.join(ELEMENT_TYPES)})")
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "type":
            continue
        f = known.get(key)
        if f is None:
            raise bad(f"unknown key {key!r} for {kind}")
        ftype = str(f.type)
        if ftype == "float":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise bad(f"{key} must be a number of millimetres")
            value = float(value)
        elif ftype == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise bad(f"{key} must be a whole number")
        elif ftype == "bool":
            if not isinstance(value, bool):
                raise bad(f"{key} must be true or false")
        elif ftype == "str" and not isinstance(value, str):
            raise bad(f"{key} must be text")
        kwargs[key] = value
    missing = [f.name for f in known.values() if f.name not in kwargs
               and f.default is MISSING and f.default_factory is MISSING]
    if missing:
        raise bad(f"missing {', '.join(missing)}")
    el = cls(**kwargs)
    _check_element(el, bad)
    return el


def _check_element(el: Element, bad: Any) -> None:
    if isinstance(el, TextBox):
        if el.size <= 0 or el.w <= 0 or el.h <= 0:
            raise bad("size, w and h must be positive")
        if el.align not in ALIGNS:
            raise bad(f"align must be one of {', '.join(ALIGNS)}")
    elif isinstance(el, Barcode):
        if el.symbology not in (symbology.CODE128, symbology.EAN13):
            raise bad("symbology must be code128 or ean13")
        if el.w <= 0 or el.h <= 0:
            raise bad("w and h must be positive")
    elif isinstance(el, QRCode):
        if el.size <= 0 or el.ecc not in ("L", "M", "Q", "H"):
            raise bad("size must be positive and ecc one of L, M, Q, H")
    elif isinstance(el, Line):
        if el.x1 != el.x2 and el.y1 != el.y2:
            raise bad("lines are horizontal or vertical")
    elif isinstance(el, Box | Image) and (el.w <= 0 or el.h <= 0):
        raise bad("w and h must be positive")


def template_from_dict(name: str, data: Mapping[str, Any], base_dir: Path | None = None,
                       allowed_fields: Iterable[str] | None = None) -> Template:
    """Build and check a template; any mistake is ``TEMPLATE_INVALID`` naming the element."""
    def bad(error: str) -> DomainError:
        return DomainError(ErrorCode.TEMPLATE_INVALID, template=name, error=error)

    kind = data.get("kind", "waybill")
    if kind not in KINDS:
        raise bad(f"kind must be one of {', '.join(KINDS)}")
    try:
        width, height = float(data["width_mm"]), float(data["height_mm"])
    except (KeyError, TypeError, ValueError):
        raise bad("width_mm and height_mm are required numbers") from None
    if not (10 <= width <= 300 and 10 <= height <= 500):
        raise bad("the label size must be between 10×10 and 300×500 mm")
    raw_elements = data.get("elements", [])
    if not isinstance(raw_elements, list) or not all(isinstance(e, dict) for e in raw_elements):
        raise bad("elements must be a list of tables ([[elements]])")
    elements = tuple(_element(name, i, e) for i, e in enumerate(raw_elements))
    for i, el in enumerate(elements):
        if isinstance(el, Line):
            left, top = min(el.x1, el.x2), min(el.y1, el.y2)
            right, bottom = max(el.x1, el.x2), max(el.y1, el.y2)
        elif isinstance(el, QRCode):
            left, top, right, bottom = el.x, el.y, el.x + el.size, el.y + el.size
        else:
            left, top, right, bottom = el.x, el.y, el.x + el.w, el.y + el.h
        if min(left, top) < 0 or right > width + 0.01 or bottom > height + 0.01:
            raise bad(f"element {i + 1} lies outside the {width:g}×{height:g} mm label")
    tpl = Template(name=name, title=str(data.get("title", name)), kind=kind,
                   width_mm=width, height_mm=height, elements=elements, base_dir=base_dir)
    if allowed_fields is not None:
        unknown = tpl.placeholders() - set(allowed_fields)
        if unknown:
            raise bad(f"unknown placeholder(s) {', '.join(sorted(unknown))}")
    return tpl


def load_template(path: Path, allowed_fields: Iterable[str] | None = None) -> Template:
    """Read one template file (TOML)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DomainError(ErrorCode.TEMPLATE_INVALID, template=path.stem,
                          error=str(exc)) from None
    return template_from_dict(path.stem, data, path.parent, allowed_fields)


class TextProgram:
    """A template compiled for a text command language (ZPL, TSPL): the elements that look
    the same on every label are rendered once and joined; the others stay (function,
    element index) pairs filled per label."""

    def __init__(self, template: Template, compile_element: Callable[[Any], Callable[[Any], str]]
                 ) -> None:
        self.parts: list[str | tuple[Callable[[Any], str], int]] = []
        for i, el in enumerate(template.elements):
            fn = compile_element(el)
            if template.is_static(i):
                text = fn(template._static[i])
                if self.parts and isinstance(self.parts[-1], str):
                    self.parts[-1] += text
                else:
                    self.parts.append(text)
            else:
                self.parts.append((fn, i))

    def render(self, label: Label) -> str:
        payloads = label.payloads
        return "".join(part if isinstance(part, str) else part[0](payloads[part[1]])
                       for part in self.parts)
