"""Scanned codes: normalisation (full-width, Caps Lock, case) and serial scanner framing.

Pure functions, no I/O. Both kinds of scanner end here, so a code looks the same whether
it came through the keyboard wedge or a virtual COM port.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


def normalize_code(text: str, *, uppercase: bool = False) -> str:
    """The code as the business sees it.

    NFKC folds full-width characters an IME may produce (``ＡＢＣ１２３`` → ``ABC123``,
    the ideographic space → space); control characters and surrounding blanks go;
    ``uppercase`` folds case for case-insensitive code spaces (tracking numbers, SKUs).
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = text.strip()
    return text.upper() if uppercase else text


def undo_caps_lock(keys: list[tuple[str, bool]]) -> str:
    """Join key texts, undoing Caps Lock if the keys prove it was on.

    *keys* is ``(text, shift_held)`` per key. Shift plus a letter only gives a lower-case
    letter when Caps Lock is on; a scanner types every letter with the same lock state, so
    one such key means every letter of the scan came out case-swapped. Without that proof
    the text is kept (synthetic events often carry upper case without Shift).
    """
    inverted = any(shift and len(t) == 1 and t.isalpha() and t.islower() for t, shift in keys)
    text = "".join(t for t, _ in keys)
    return text.swapcase() if inverted else text


@dataclass
class ScanLineDecoder:
    """Bytes from a serial scanner in, codes out (one code per terminator).

    Empty lines are skipped and a CR LF pair counts once; codes shorter than ``min_length``
    are dropped (noise). Owned by its device's worker thread.
    """

    terminator: bytes = b"\r"
    prefix: str = ""
    suffix: str = ""
    min_length: int = 1
    uppercase: bool = False
    max_len: int = 512
    _buf: bytearray = field(default_factory=bytearray, repr=False)
    _skip: bool = field(default=False, repr=False)

    def feed(self, data: bytes) -> list[str]:
        ends = set(self.terminator) | {0x0D, 0x0A}
        codes: list[str] = []
        for b in data:
            if self._skip:
                self._skip = b not in ends
                continue
            if b in ends:
                if self._buf:
                    code = self._finish(bytes(self._buf))
                    if code is not None:
                        codes.append(code)
                self._buf.clear()
            elif len(self._buf) < self.max_len:
                self._buf.append(b)
        return codes

    def _finish(self, raw: bytes) -> str | None:
        text = raw.decode("utf-8", "replace")
        if self.prefix and text.startswith(self.prefix):
            text = text[len(self.prefix):]
        if self.suffix and text.endswith(self.suffix):
            text = text[: -len(self.suffix)]
        code = normalize_code(text, uppercase=self.uppercase)
        return code if len(code) >= self.min_length else None

    def reset(self) -> None:
        self._buf.clear()
        self._skip = False

    def resync(self) -> None:
        """Drop everything up to the next terminator: we may be in the middle of a line
        (the port was opened while the scanner was sending), and half a code is worse
        than no code."""
        self._buf.clear()
        self._skip = True
