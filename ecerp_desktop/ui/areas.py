"""The registry of the main window's areas: key → title → permission → page factory.

A helper building an area plugs its page in by changing one ``factory`` here: either a
callable ``(PageContext) -> QWidget`` or a lazy ``"module:attribute"`` string (imported on
first visit, so start-up never pays for pages nobody opened). ``factory=None`` means the
area is not built yet: the window shows a NotAvailablePage, never a fake page.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ecerp_desktop.domain.auth import Actor, Permission

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ecerp_desktop.store import Store


@dataclass(frozen=True)
class PageContext:
    """What a page gets from the shell: the store, who is logged in, and shell services."""

    store: Store
    actor: Actor
    demo: bool = False
    set_language: Callable[[str], None] = field(default=lambda _lang: None)
    # The app's running sync engine, once started (None before, and in tests).
    sync_engine: Callable[[], Any] = field(default=lambda: None)


PageFactory = Callable[[PageContext], "QWidget"] | str


@dataclass(frozen=True)
class Area:
    key: str
    title: str  # English source text, translated in context "Areas"
    permission: Permission | None  # None: every logged-in user
    factory: PageFactory | None = None

    def display_title(self) -> str:
        return QCoreApplication.translate("Areas", self.title)

    def allowed(self, actor: Actor) -> bool:
        return self.permission is None or actor.can(self.permission)

    def resolve_factory(self) -> Callable[[PageContext], QWidget] | None:
        if self.factory is None or callable(self.factory):
            return self.factory
        module, _, attr = self.factory.partition(":")
        return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]


P = Permission
AREAS: dict[str, Area] = {a.key: a for a in (
    Area("orders", QT_TRANSLATE_NOOP("Areas", "Order review"), P.ORDERS_VIEW,
         "ecerp_desktop.ui.orders_page:OrdersPage"),
    Area("packing", QT_TRANSLATE_NOOP("Areas", "Packing station"), P.PACK,
         "ecerp_desktop.ui.packing_page:PackingPage"),
    Area("printing", QT_TRANSLATE_NOOP("Areas", "Printing"), P.PRINT,
         "ecerp_desktop.ui.printing_page:PrintingPage"),
    Area("stock", QT_TRANSLATE_NOOP("Areas", "Stock"), P.STOCK_VIEW,
         "ecerp_desktop.ui.stock_page:StockPage"),
    Area("purchasing", QT_TRANSLATE_NOOP("Areas", "Purchasing"), P.PURCHASE,
         "ecerp_desktop.ui.purchasing_page:PurchasingPage"),
    Area("finance", QT_TRANSLATE_NOOP("Areas", "Finance"), P.FINANCE),
    Area("customers", QT_TRANSLATE_NOOP("Areas", "Customers"), P.CUSTOMERS),
    Area("sync", QT_TRANSLATE_NOOP("Areas", "Sync"), P.SYNC_MANAGE,
         "ecerp_desktop.ui.sync_page:SyncPage"),
    # Everyone sees settings (language, own password); its database and user sections
    # check SETTINGS and USERS_MANAGE themselves.
    Area("settings", QT_TRANSLATE_NOOP("Areas", "Settings"), None,
         "ecerp_desktop.ui.settings_page:SettingsPage"),
)}


def areas_for(actor: Actor) -> list[Area]:
    """The areas *actor* may open, in navigation order."""
    return [a for a in AREAS.values() if a.allowed(actor)]
