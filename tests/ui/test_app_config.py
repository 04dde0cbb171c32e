"""Start-up choices: which database, which language, which Qt warnings fail a smoke run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ecerp_desktop.paths import data_dir
from ecerp_desktop.ui import appconfig, fonts
from ecerp_desktop.ui.app import QtWarnings, database_url, parse_args
from PySide6.QtCore import QMessageLogContext, QtMsgType
from PySide6.QtWidgets import QApplication


def test_database_url_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    args, _ = parse_args([])
    assert database_url(args) is None  # nothing set: the default SQLite file
    appconfig.store_database_url("sqlite:////srv/config.sqlite3")
    assert database_url(args) == "sqlite:////srv/config.sqlite3"
    monkeypatch.setenv("ECERP_DATABASE_URL", "sqlite:////srv/env.sqlite3")
    assert database_url(args) == "sqlite:////srv/env.sqlite3"
    args, _ = parse_args(["--db", "sqlite:////srv/arg.sqlite3"])
    assert database_url(args) == "sqlite:////srv/arg.sqlite3"


def test_qt_arguments_pass_through_to_qt() -> None:
    args, qt_args = parse_args(["--demo", "--lang", "en", "-style", "fusion"])
    assert args.demo and args.lang == "en" and qt_args == ["-style", "fusion"]


def test_config_file_keeps_no_secret_and_survives_damage() -> None:
    appconfig.store_database_url("postgresql://erp:pa%40ss@db.local:5433/shop")
    appconfig.store_language("en")
    raw = json.loads((data_dir() / "config.json").read_text(encoding="utf-8"))
    assert raw == {"database_url": "postgresql://erp@db.local:5433/shop", "language": "en"}
    assert appconfig.saved_database_url() == "postgresql://erp:pa%40ss@db.local:5433/shop"
    (data_dir() / "config.json").write_text("{not json", encoding="utf-8")
    assert appconfig.load() == appconfig.AppConfig()


def test_missing_file_warnings_fail_smoke_but_layout_chatter_does_not() -> None:
    seen = QtWarnings()
    ctx = QMessageLogContext()
    seen.handler(QtMsgType.QtWarningMsg, ctx, "QFont::fromString: cannot find font family")
    seen.handler(QtMsgType.QtWarningMsg, ctx, "Cannot open file ':/icons/box.png'")
    seen.handler(QtMsgType.QtWarningMsg, ctx, "QLayout: Attempting to add QLayout twice")
    seen.handler(QtMsgType.QtDebugMsg, ctx, "file not found (debug only)")
    seen.handler(QtMsgType.QtWarningMsg, ctx, "This plugin does not support propagateSizeHints()")
    assert len(seen.missing) == 2
    assert len(seen.all) == 3


def test_bundled_font_missing_is_reported(qapp: QApplication, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    monkeypatch.setattr(fonts, "font_path", lambda: tmp_path / "gone.ttf")
    assert fonts.register_bundled_font(qapp) is None


def test_bundled_font_renders_chinese(qapp: QApplication) -> None:
    from PySide6.QtGui import QFont, QFontMetrics

    family = fonts.register_bundled_font(qapp)
    assert family is not None and family in qapp.font().families()
    metrics = QFontMetrics(QFont(family))
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "订单审核打包台")


def test_an_unreachable_database_is_a_clear_error_without_the_password() -> None:
    from ecerp_desktop.domain.errors import DomainError, ErrorCode
    from ecerp_desktop.services.setup import open_store
    from ecerp_desktop.ui.app import _unreachable_as_domain_error
    from ecerp_desktop.ui.errors import describe

    with pytest.raises(DomainError) as err:
        _unreachable_as_domain_error(open_store, "postgresql://erp:s3cret@127.0.0.1:1/shop")
    assert err.value.code == ErrorCode.DATABASE_UNREACHABLE
    text = describe(err.value)
    assert text.startswith("无法连接数据库") and "127.0.0.1:1" in text
    assert "s3cret" not in text
