"""The Chinese translation is complete, current, and keeps every placeholder."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ecerp_desktop.cli.messages import TEXT as CLI_TEXT
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.ui import i18n
from ecerp_desktop.ui.errors import TEXT as UI_TEXT
from ecerp_desktop.ui.errors import describe

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "ecerp_zh_CN.ts"
PLACEHOLDER = re.compile(r"%L?\d+|\{[A-Za-z_][A-Za-z0-9_]*\}")


def _messages(path: Path) -> list[tuple[str, str, str | None, str | None]]:
    """(context, source, translation, type) of every message of a .ts file."""
    out = []
    for ctx in ET.parse(path).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            out.append((name, msg.findtext("source") or "",
                        None if tr is None else tr.text,
                        None if tr is None else tr.get("type")))
    return out


def test_every_message_is_translated_and_keeps_its_placeholders() -> None:
    messages = _messages(TS)
    assert len(messages) > 50
    problems = []
    for ctx, source, translation, kind in messages:
        if not translation or kind in ("unfinished", "obsolete", "vanished"):
            problems.append(f"{ctx}: {source!r} is not translated")
            continue
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
            problems.append(f"{ctx}: {source!r} → {translation!r} changes the placeholders")
    assert problems == []


def test_the_ts_file_holds_every_string_of_the_ui(tmp_path: Path) -> None:
    """Run lupdate over ui/ into a fresh file: no source string may be missing from ours."""
    lupdate = Path(i18n.lrelease_command()[0]).with_name(  # type: ignore[index]
        "lupdate" + (".exe" if i18n.lrelease_command()[0].endswith(".exe") else ""))  # type: ignore[index]
    if not lupdate.is_file():
        pytest.skip(f"lupdate not found beside lrelease ({lupdate})")
    fresh = tmp_path / "fresh.ts"
    subprocess.run([str(lupdate), "-silent", "-extensions", "py",
                    str(ROOT / "ecerp_desktop" / "ui"), "-ts", str(fresh)], check=True)
    ours = {(c, s) for c, s, _, _ in _messages(TS)}
    missing = [(c, s) for c, s, _, _ in _messages(fresh) if (c, s) not in ours]
    assert missing == [], ("run: .venv/bin/pyside6-lupdate -extensions py -no-sort "
                           "ecerp_desktop/ui -ts resources/i18n/ecerp_zh_CN.ts -no-obsolete "
                           "-locations none; then translate the new entries")


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_error_code_has_a_ui_text_with_the_same_placeholders_as_the_cli(
        code: ErrorCode) -> None:
    assert code in UI_TEXT, f"add {code.name} to ecerp_desktop/ui/errors.py"
    field = r"\{(\w+)(?:![rsa])?(?::[^}]*)?\}"  # {name}, {name!r}, {name:>5}
    ui = set(re.findall(field, UI_TEXT[code]))
    cli = set(re.findall(field, CLI_TEXT.get(code, "")))
    assert ui == cli


def test_error_texts_are_chinese_with_the_parameters_in() -> None:
    text = describe(DomainError(ErrorCode.USER_EXISTS, username="王小明"))
    assert text == "用户 王小明 已存在。"
    share = describe(DomainError(ErrorCode.NETWORK_SHARE_REFUSED, path=r"\\nas\erp\db.sqlite3"))
    assert r"\\nas\erp\db.sqlite3" in share and "网络共享" in share
    # a parameter holding braces is data, not a template
    assert describe(DomainError(ErrorCode.NOT_FOUND, what="SKU", key="{x}")) == "未找到：SKU {x}"
    assert describe(ValueError("bad")).startswith("意外错误")
    # a permission is named in words, not by its code
    assert describe(DomainError(ErrorCode.PERMISSION_DENIED, permission="finance",
                                user="lina")) == "lina 无权执行此操作（需要“财务”权限）。"
