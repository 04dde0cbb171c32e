"""Screens opened as their own top-level window from a button on another page (the orders
page's Rules… and SKU mapping… buttons).

A top-level window has no Qt parent, so something must hold it while it is open: the
module's list does, until the window is closed (it deletes itself on close). GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

_open: list[QWidget] = []  # a top-level window needs an owner to stay alive


def open_window(make: Callable[[], QWidget], width: int, height: int) -> QWidget:
    """Build a screen with *make* and show it as its own window of *width* × *height*."""
    page = make()
    page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    page.destroyed.connect(lambda: _open.remove(page) if page in _open else None)
    _open.append(page)
    page.resize(width, height)
    page.show()
    return page


def window_button(text: str, name: str, make: Callable[[], QWidget], size: tuple[int, int],
                  parent: QWidget | None = None) -> QPushButton:
    """A button (object name *name*) that opens ``make()`` as a window of *size*."""
    button = QPushButton(text, parent)
    button.setObjectName(name)
    button.clicked.connect(lambda: open_window(make, *size))
    return button
