"""Translations are compiled from the .ts on demand and for the packager."""

from __future__ import annotations

import os
from pathlib import Path

from ecerp_desktop.paths import data_dir
from ecerp_desktop.ui import i18n
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication


def test_qm_is_compiled_into_the_data_folder_and_refreshed_when_the_ts_changes(
        qapp: QApplication, monkeypatch, tmp_path: Path) -> None:
    ts_dir = tmp_path / "i18n"
    ts_dir.mkdir()
    ts = ts_dir / "ecerp_zh_CN.ts"
    ts.write_bytes(i18n.ts_path("zh_CN").read_bytes())
    monkeypatch.setattr(i18n, "ts_dir", lambda: ts_dir)

    qm = i18n.qm_path("zh_CN")
    assert qm == data_dir() / "i18n" / "ecerp_zh_CN.qm" and qm.is_file()

    # the .ts gains a better translation: the stale .qm is rebuilt on the next start
    ts.write_text(ts.read_text(encoding="utf-8").replace(
        "<translation>订单审核</translation>", "<translation>审单</translation>"),
        encoding="utf-8")
    old = qm.stat().st_mtime - 10
    os.utime(qm, (old, old))
    assert i18n.install("zh_CN")
    assert QCoreApplication.translate("Areas", "Order review") == "审单"


def test_compile_all_for_the_packager(tmp_path: Path) -> None:
    written = i18n.compile_all(tmp_path)
    assert [p.name for p in written] == ["ecerp_zh_CN.qm"]
    assert written[0].stat().st_size > 1000


def test_qt_standard_buttons_are_chinese_too(qapp: QApplication) -> None:
    i18n.install("zh_CN")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
