"""Translated names of domain values shown in several places (roles, languages)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ecerp_desktop.domain.auth import Role

ROLE_TITLES: dict[Role, str] = {
    Role.ADMIN: QT_TRANSLATE_NOOP("Labels", "Administrator"),
    Role.CLERK: QT_TRANSLATE_NOOP("Labels", "Clerk (order review)"),
    Role.PACKER: QT_TRANSLATE_NOOP("Labels", "Packer"),
    Role.WAREHOUSE: QT_TRANSLATE_NOOP("Labels", "Warehouse"),
    Role.FINANCE: QT_TRANSLATE_NOOP("Labels", "Finance"),
}

# Each language is named in itself, so a user who cannot read the current one finds theirs.
LANGUAGE_NAMES: dict[str, str] = {"zh_CN": "中文（简体）", "en": "English"}


def role_title(role: Role | str) -> str:
    try:
        source = ROLE_TITLES[Role(role)]
    except ValueError:
        return str(role)
    return QCoreApplication.translate("Labels", source)
