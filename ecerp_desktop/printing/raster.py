"""Sizes of barcode symbols in modules, and logos as 1-bit rows, shared by the renderers."""

from __future__ import annotations

from pathlib import Path

# QR byte-mode capacity per version 1..20 and error correction level (ISO/IEC 18004).
_QR_CAPACITY = {
    "L": (17, 32, 53, 78, 106, 134, 154, 192, 230, 271, 321, 367, 425, 458, 520, 586, 644,
          718, 792, 858),
    "M": (14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504,
          560, 624, 666),
    "Q": (11, 20, 32, 46, 60, 74, 86, 108, 130, 151, 177, 203, 241, 258, 292, 322, 364,
          394, 442, 482),
    "H": (7, 14, 24, 34, 44, 58, 64, 84, 98, 119, 137, 155, 177, 194, 220, 250, 280, 310,
          338, 382),
}


def qr_modules(data: str, ecc: str = "M") -> int:
    """Modules per side of the smallest QR symbol holding *data* in byte mode (no quiet
    zone); a printer may pick a denser mode, which is never larger."""
    n = len(data.encode("utf-8"))
    for version, cap in enumerate(_QR_CAPACITY[ecc], start=1):
        if n <= cap:
            return 17 + 4 * version
    return 17 + 4 * 40


def code128_modules(data: str) -> int:
    """Modules of a Code 128 symbol (start, data, check, stop) with digit pairs in subset C
    when the whole value is an even run of digits, subset B otherwise."""
    if data.isdigit() and len(data) % 2 == 0:
        return 11 * (len(data) // 2) + 35
    return 11 * len(data) + 35


def image_bits(path: Path, width: int, height: int) -> tuple[list[bytes], int]:
    """*path* scaled to width×height dots as rows of bits, 1 = black; (rows, bytes per row)."""
    from PIL import Image  # Pillow comes with reportlab

    with Image.open(path) as img:
        mono = img.convert("L").resize((width, height)).point(lambda v: 255 if v < 128 else 0)
        bits = mono.convert("1")
    bpr = (width + 7) // 8
    raw = bits.tobytes()
    return [raw[r * bpr:(r + 1) * bpr] for r in range(height)], bpr


EAN13_MODULES = 95


def fit_barcode(ean13: bool, data: str, x0: int, width: int) -> tuple[int, int]:
    """Left edge and module width (in dots, 1 to 10) that centre a barcode in a box
    *width* dots wide, leaving room for its quiet zones (18 modules for EAN-13, 20 for
    Code 128)."""
    modules = EAN13_MODULES if ean13 else code128_modules(data)
    module = max(1, min(10, width // (modules + (18 if ean13 else 20))))
    return x0 + max(0, (width - modules * module) // 2), module
