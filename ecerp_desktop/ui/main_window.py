"""The main window: navigation on the left, the open area's page on the right.

Pages are built on first visit from ``ui.areas.AREAS`` and only for areas the user's role
allows (services check permissions again: hiding is a convenience, not the lock).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.auth import Actor
from ecerp_desktop.store import Store
from ecerp_desktop.ui import i18n
from ecerp_desktop.ui.appconfig import store_language
from ecerp_desktop.ui.areas import AREAS, Area, PageContext, areas_for
from ecerp_desktop.ui.labels import role_title
from ecerp_desktop.ui.not_available_page import NotAvailablePage

log = logging.getLogger(__name__)
_KEY = Qt.ItemDataRole.UserRole


class PageErrorPage(QWidget):
    """Shown instead of a page whose construction failed: the app stays usable."""

    def __init__(self, title: str, error: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        head = QLabel(self.tr("The page {area} could not be opened.").format(area=title))
        head.setWordWrap(True)
        head.setTextFormat(Qt.TextFormat.PlainText)
        detail = QLabel(error)
        detail.setTextFormat(Qt.TextFormat.PlainText)
        detail.setWordWrap(True)
        detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(head)
        layout.addWidget(detail)


class MainWindow(QMainWindow):
    """Navigation list + stacked pages + a status bar naming user, role and database."""

    first_shown = Signal()
    area_opened = Signal(str)

    def __init__(self, store: Store, actor: Actor, *, demo: bool = False,
                 sync_engine: Callable[[], Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.demo = demo
        self.page_errors: dict[str, str] = {}
        self._pages: dict[str, QWidget] = {}
        self._shown_once = False
        self.context = PageContext(store=store, actor=actor, demo=demo,
                                   set_language=self.set_language,
                                   sync_engine=sync_engine or (lambda: None))

        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.nav = QListWidget(central)
        self.nav.setObjectName("navigation")
        nav_font = self.nav.font()
        nav_font.setPointSizeF(nav_font.pointSizeF() * 1.35)
        self.nav.setFont(nav_font)
        self.nav.setIconSize(QSize(24, 24))
        self.nav.setSpacing(2)
        self.nav.setFixedWidth(190)
        self.stack = QStackedWidget(central)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(0)
        self.brand = QLabel()
        self.brand.setObjectName("brand")
        brand_font = self.brand.font()
        brand_font.setPointSizeF(brand_font.pointSizeF() * 1.5)
        brand_font.setBold(True)
        self.brand.setFont(brand_font)
        self.brand.setContentsMargins(12, 10, 8, 10)
        self.brand.setFixedWidth(190)
        self.brand.setWordWrap(True)
        left.addWidget(self.brand)
        left.addWidget(self.nav, 1)
        row.addLayout(left)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.areas: list[Area] = areas_for(actor)
        for area in self.areas:
            item = QListWidgetItem(area.display_title())
            item.setData(_KEY, area.key)
            item.setSizeHint(QSize(0, 44))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._on_row)
        # Packing stations have a keyboard and no mouse: Ctrl+1…9 open the areas in order.
        self._shortcuts: list[QShortcut] = []
        for row in range(min(len(self.areas), 9)):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{row + 1}"), self)
            shortcut.activated.connect(lambda r=row: self.nav.setCurrentRow(r))
            self._shortcuts.append(shortcut)

        self.user_label = QLabel()
        self.role_label = QLabel()
        self.db_label = QLabel()
        for label in (self.user_label, self.role_label, self.db_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            self.statusBar().addPermanentWidget(label)
        self.retranslate()
        self.resize(1100, 700)
        if self.areas:
            self.nav.setCurrentRow(0)

    # -- navigation -----------------------------------------------------------------
    def visible_keys(self) -> list[str]:
        return [a.key for a in self.areas]

    def current_key(self) -> str | None:
        item = self.nav.currentItem()
        return None if item is None else str(item.data(_KEY))

    def page(self, key: str) -> QWidget | None:
        """The page of *key* if it has been built."""
        return self._pages.get(key)

    def open_area(self, key: str) -> QWidget:
        """Show the area (building its page on first visit). KeyError if not allowed."""
        keys = self.visible_keys()
        if key not in keys:
            raise KeyError(key)
        row = keys.index(key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)  # → _on_row builds and shows it
        else:
            self._show(key)
        return self._pages[key]

    def _on_row(self, row: int) -> None:
        if 0 <= row < len(self.areas):
            self._show(self.areas[row].key)

    def _show(self, key: str) -> None:
        page = self._pages.get(key)
        if page is None:
            page = self._build(AREAS[key])
            self._pages[key] = page
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        self.area_opened.emit(key)

    def _build(self, area: Area) -> QWidget:
        try:
            factory = area.resolve_factory()
            if factory is None:
                return NotAvailablePage(area.display_title())
            return factory(self.context)
        except Exception as exc:  # a broken page must not take the whole app down
            log.error("page %s failed:\n%s", area.key, traceback.format_exc())
            self.page_errors[area.key] = f"{type(exc).__name__}: {exc}"
            return PageErrorPage(area.display_title(), self.page_errors[area.key])

    # -- language ---------------------------------------------------------------------
    def retranslate(self) -> None:
        title = self.tr("ecerp e-commerce ERP")
        if self.demo:
            title += " — " + self.tr("demo")
        self.setWindowTitle(title)
        self.brand.setText(self.tr("ecerp e-commerce ERP")
                           + ("\n" + self.tr("demo") if self.demo else ""))
        for i, area in enumerate(self.areas):
            item = self.nav.item(i)
            item.setText(area.display_title())
            if i < 9:
                item.setToolTip(self.tr("{area} (Ctrl+{n})").format(
                    area=area.display_title(), n=i + 1))
        name = self.actor.username
        self.user_label.setText(self.tr("User: {name}").format(name=name))
        self.role_label.setText(self.tr("Role: {role}").format(role=role_title(self.actor.role)))
        self.db_label.setText(self.tr("Database: {db}").format(db=self.store.describe()))

    def set_language(self, language: str) -> None:
        """Switch language now and remember it: pages are rebuilt in the new language."""
        i18n.install(language)
        store_language(language)
        self.retranslate()
        current = self.current_key()
        for page in self._pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self._pages.clear()
        self.page_errors.clear()
        if current is not None:
            # Rebuild after the caller (often the settings page itself) has returned.
            QTimer.singleShot(0, lambda: self._show(current))

    # -- events -------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            # After the pending paint of this first show, not before it.
            QTimer.singleShot(0, self.first_shown.emit)
