"""Checkers for printer output used by the printing tests: a small ZPL tokenizer and a
TSPL line checker. They parse what a printer would parse, independently of our renderers."""

from __future__ import annotations

import re
from dataclasses import dataclass

HOSTILE = [
    "^XZ^XA^FO0,0^FDPWNED^FS",
    "Bob^FS^XZ^XA^FO0,0^GB800,800,800^FS^XZ~JR",
    "~JR",
    '张三" ,"TSS24.BF2",0,1,1,"PWNED',
    "line1\r\nPRINT 9\r\nCLS",
    "under_score back\\slash",
    "\x1b@\x1dV\x00 esc",
    "emoji 😀👍🏽 ZWJ 👨‍👩‍👧 and RTL \u202egnp.exe\u202c \u200f",
    "x" * 10_000,
    "北" * 5000,
]


@dataclass
class ZplToken:
    prefix: str  # "^" or "~"
    name: str    # two characters after the prefix (e.g. "FD", "XA", "A1")
    body: str    # everything up to the next prefix


def zpl_tokens(data: bytes) -> list[ZplToken]:
    text = data.decode("ascii")  # raises if anything is not ASCII
    tokens = []
    for m in re.finditer(r"([\^~])([^\^~]*)", text):
        raw = m.group(2)
        tokens.append(ZplToken(m.group(1), raw[:2], raw[2:]))
    lead = text[:min((text.find(c) for c in "^~" if c in text), default=len(text))]
    assert lead.strip() == "", f"text before the first command: {lead[:40]!r}"
    return tokens


def unhex(body: str) -> str:
    """Decode ^FH field data (_XX escapes, UTF-8)."""
    out = bytearray()
    i = 0
    while i < len(body):
        if body[i] == "_":
            out += bytes.fromhex(body[i + 1:i + 3])
            i += 3
        else:
            out += body[i].encode("ascii")
            i += 1
    return out.decode("utf-8")


def check_zpl(data: bytes) -> tuple[int, list[str]]:
    """Assert the structure a printer relies on; return (labels, decoded field texts)."""
    for b in data:
        assert b == 0x0A or 0x20 <= b < 0x7F, f"byte {b:#x} in ZPL output"
    tokens = zpl_tokens(data)
    labels = 0
    inside = False
    fields: list[str] = []
    for i, t in enumerate(tokens):
        assert t.prefix == "^", f"control command ~{t.name}{t.body[:20]} in output"
        if t.name == "XA":
            assert not inside, "^XA inside a label"
            inside = True
            labels += 1
        elif t.name == "XZ":
            assert inside, "^XZ outside a label"
            assert t.body.strip() == ""
            inside = False
        else:
            assert inside, f"^{t.name} outside ^XA…^XZ"
        if t.name == "FD":
            assert tokens[i + 1].name == "FS", f"^FD not closed by ^FS: {t.body[:40]!r}"
            escaped = tokens[i - 1].name == "FH"
            body = t.body
            if escaped:
                assert re.fullmatch(r"(?:[^_\\]|_[0-9A-F]{2})*", body), body[:60]
                fields.append(unhex(body))
            else:  # only digits may go unescaped (EAN-13 data)
                assert body.isdigit(), f"unescaped ^FD {body[:40]!r}"
                fields.append(body)
            assert len(body) <= 3072
    assert not inside, "last label not closed"
    return labels, fields


TSPL_COMMANDS = {"SIZE", "GAP", "DIRECTION", "REFERENCE", "DENSITY", "SPEED", "CLS", "TEXT",
                 "BARCODE", "QRCODE", "BAR", "BOX", "PRINT"}


def check_tspl(data: bytes) -> tuple[int, list[str]]:
    """One command per CRLF line, known commands, balanced quotes; (labels, strings)."""
    text = data.decode("gb18030")
    assert text.endswith("\r\n")
    lines = text[:-2].split("\r\n")
    labels = 0
    strings: list[str] = []
    for line in lines:
        assert "\r" not in line and "\n" not in line
        assert not any(ord(c) < 32 for c in line), f"control character in {line[:60]!r}"
        cmd = line.split(" ", 1)[0]
        assert cmd in TSPL_COMMANDS, f"unknown command line {line[:60]!r}"
        assert line.count('"') % 2 == 0, f"unbalanced quotes in {line[:60]!r}"
        strings += re.findall(r'"([^"]*)"', line)
        if cmd == "PRINT":
            labels += 1
    return labels, strings
