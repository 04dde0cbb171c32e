"""Translated names of domain values shown in several places (roles, languages)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ecerp_desktop.domain.auth import Permission, Role

ROLE_TITLES: dict[Role, str] = {
    Role.ADMIN: QT_TRANSLATE_NOOP("Labels", "Administrator"),
    Role.CLERK: QT_TRANSLATE_NOOP("Labels", "Clerk (order review)"),
    Role.PACKER: QT_TRANSLATE_NOOP("Labels", "Packer"),
    Role.WAREHOUSE: QT_TRANSLATE_NOOP("Labels", "Warehouse"),
    Role.FINANCE: QT_TRANSLATE_NOOP("Labels", "Finance"),
}

PERMISSION_TITLES: dict[Permission, str] = {
    Permission.ORDERS_VIEW: QT_TRANSLATE_NOOP("Labels", "view orders"),
    Permission.ORDERS_REVIEW: QT_TRANSLATE_NOOP("Labels", "review orders"),
    Permission.PII_VIEW: QT_TRANSLATE_NOOP("Labels", "see full phone numbers and addresses"),
    Permission.PACK: QT_TRANSLATE_NOOP("Labels", "pack parcels"),
    Permission.PRINT: QT_TRANSLATE_NOOP("Labels", "print"),
    Permission.STOCK_VIEW: QT_TRANSLATE_NOOP("Labels", "view stock"),
    Permission.STOCK_EDIT: QT_TRANSLATE_NOOP("Labels", "change stock"),
    Permission.PURCHASE: QT_TRANSLATE_NOOP("Labels", "purchasing"),
    Permission.FINANCE: QT_TRANSLATE_NOOP("Labels", "finance"),
    Permission.CUSTOMERS: QT_TRANSLATE_NOOP("Labels", "customers"),
    Permission.SYNC_MANAGE: QT_TRANSLATE_NOOP("Labels", "manage sync"),
    Permission.SETTINGS: QT_TRANSLATE_NOOP("Labels", "change settings"),
    Permission.USERS_MANAGE: QT_TRANSLATE_NOOP("Labels", "manage users"),
}

# Each language is named in itself, so a user who cannot read the current one finds theirs.
LANGUAGE_NAMES: dict[str, str] = {"zh_CN": "中文（简体）", "en": "English"}


def role_title(role: Role | str) -> str:
    try:
        source = ROLE_TITLES[Role(role)]
    except ValueError:
        return str(role)
    return QCoreApplication.translate("Labels", source)


def permission_title(permission: Permission | str) -> str:
    try:
        source = PERMISSION_TITLES[Permission(permission)]
    except ValueError:
        return str(permission)
    return QCoreApplication.translate("Labels", source)
