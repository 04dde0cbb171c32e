"""Users, roles and what each role may do.

Permissions are checked in services (``services.auth.require``), not only hidden in the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .errors import PermissionDenied


class Permission(StrEnum):
    ORDERS_VIEW = "orders.view"
    ORDERS_REVIEW = "orders.review"  # approve, hold, merge, split, edit rules
    PII_VIEW = "pii.view"  # see full phone and address (packing and printing need it)
    PACK = "pack"  # run a packing station
    PRINT = "print"
    STOCK_VIEW = "stock.view"
    STOCK_EDIT = "stock.edit"  # receive, adjust, transfer, count
    PURCHASE = "purchase"
    FINANCE = "finance"
    CUSTOMERS = "customers"
    SYNC_MANAGE = "sync.manage"
    SETTINGS = "settings"
    USERS_MANAGE = "users.manage"


class Role(StrEnum):
    ADMIN = "admin"
    CLERK = "clerk"
    PACKER = "packer"
    WAREHOUSE = "warehouse"
    FINANCE = "finance"


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.CLERK: frozenset({P.ORDERS_VIEW, P.ORDERS_REVIEW, P.PRINT, P.STOCK_VIEW,
                           P.CUSTOMERS, P.SYNC_MANAGE, P.PURCHASE}),
    Role.PACKER: frozenset({P.ORDERS_VIEW, P.PACK, P.PRINT, P.PII_VIEW, P.STOCK_VIEW}),
    Role.WAREHOUSE: frozenset({P.STOCK_VIEW, P.STOCK_EDIT, P.PURCHASE, P.PRINT}),
    Role.FINANCE: frozenset({P.ORDERS_VIEW, P.FINANCE, P.CUSTOMERS, P.STOCK_VIEW}),
}

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is doing something: a logged-in user, or the system itself (sync, rules)."""

    user_id: int | None
    username: str
    role: Role
    permissions: frozenset[Permission] = field(default_factory=frozenset)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if permission not in self.permissions:
            raise PermissionDenied(permission.value, self.username)


def actor_for(user_id: int | None, username: str, role: Role) -> Actor:
    return Actor(user_id, username, role, ROLE_PERMISSIONS[role])


SYSTEM = actor_for(None, "system", Role.ADMIN)


def mask_phone(phone: str | None) -> str:
    """138****0000: keep the first three and last four digits."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "****" + digits[-4:]


def mask_text(text: str | None, keep: int = 1) -> str:
    """张** / 浙江省杭州市西湖区****: keep the first *keep* characters."""
    if not text:
        return ""
    return text[:keep] + "*" * min(len(text) - keep, 4) if len(text) > keep else "*"
