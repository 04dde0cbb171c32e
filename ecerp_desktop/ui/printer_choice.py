"""Which printer a print goes to: a configured printer by name, (optionally) a system
printer queue printing PDF, or a printer model at an address typed in.

:class:`PrinterPicker` owns the three form fields (``printer_box``, ``profile_box``,
``target_edit``), fills the printer list off the GUI thread and again whenever printers or
settings change, and hands the worker a :meth:`PrinterPicker.resolver` that turns the
choice into a printer there. Used by the batch-print panel and the SKU labels tab.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from ecerp_desktop.printing.profiles import load_profiles
from ecerp_desktop.services import print_batches, printing
from ecerp_desktop.ui.ops import change_bus, run_op
from ecerp_desktop.ui.system_print import queue_names

if TYPE_CHECKING:
    from ecerp_desktop.store import Store

MANUAL = "target:"


class PrinterPicker(QObject):
    """The printer fields of a print form. GUI thread only.

    ``failed(error)``: the printer list could not be read (the caller shows *error*).
    """

    failed = Signal(object)

    def __init__(self, store: Store, parent: QWidget, *, system_queues: bool = False) -> None:
        super().__init__(parent)
        self._store = store
        self._system_queues = system_queues
        self.printer_box = QComboBox()
        self.printer_box.currentIndexChanged.connect(self._printer_changed)
        self.profile_box = QComboBox()
        profiles, _broken = load_profiles()  # a few small TOML files, read once
        for p in sorted(profiles.values(), key=lambda p: p.name):
            self.profile_box.addItem(f"{p.name} ({p.language.upper()}, {p.dpi} dpi)", p.id)
        self.target_edit = QLineEdit()
        self.target_edit.setPlaceholderText("tcp://192.168.1.50:9100")
        change_bus().changed.connect(self._changed)

    def add_rows(self, form: QFormLayout) -> None:
        """The three rows: printer, printer model, address."""
        form.addRow(self.tr("Printer"), self.printer_box)
        form.addRow(self.tr("Printer model"), self.profile_box)
        form.addRow(self.tr("Address"), self.target_edit)

    # --- the list ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the configured printers (and system queues) again, keeping the choice."""
        store, system = self._store, self._system_queues
        run_op(lambda: (print_batches.printer_choices(store), queue_names() if system else []),
               owner=self, on_success=self._fill, on_failure=self.failed.emit)

    def _changed(self, names: frozenset[str]) -> None:
        if "printers" in names or "settings" in names:  # a printer was added or edited
            self.reload()

    def _fill(self, found: tuple[list[print_batches.PrinterChoice], list[str]]) -> None:
        named, queues = found
        current = self.printer_box.currentData()
        self.printer_box.blockSignals(True)
        self.printer_box.clear()
        for p in named:
            self.printer_box.addItem(p.name, f"named:{p.name}")
        for q in queues:
            self.printer_box.addItem(self.tr("{name} (system printer, PDF)").format(name=q),
                                     f"system:{q}")
        self.printer_box.addItem(self.tr("A printer model at an address…"), MANUAL)
        self.printer_box.blockSignals(False)
        index = self.printer_box.findData(current) if current else -1
        self.printer_box.setCurrentIndex(max(0, index))
        self._printer_changed()

    def _printer_changed(self) -> None:
        manual = str(self.printer_box.currentData() or "").startswith(MANUAL)
        self.profile_box.setEnabled(manual)
        self.target_edit.setEnabled(manual)

    # --- choosing ---------------------------------------------------------------------------

    def choose_printer(self, name: str) -> None:
        """Select the named printer (configured ones by name)."""
        self.printer_box.setCurrentIndex(self.printer_box.findData(f"named:{name}"))

    def choose_address(self, profile_id: str, target: str) -> None:
        """Select a printer model at an address."""
        self.printer_box.setCurrentIndex(self.printer_box.findData(MANUAL))
        self.profile_box.setCurrentIndex(self.profile_box.findData(profile_id))
        self.target_edit.setText(target)

    def problem(self) -> str | None:
        """What is missing before printing (the address of a printer model), or None."""
        kind = str(self.printer_box.currentData() or MANUAL).partition(":")[0]
        if kind == "target" and not self.target_edit.text().strip():
            return self.tr("Enter the printer's address first.")
        return None

    def resolver(self) -> Callable[[], printing.Printer]:
        """The current choice, taken now, as a function that resolves the printer; call it
        on the worker thread (it may read the database)."""
        kind, _, name = str(self.printer_box.currentData() or MANUAL).partition(":")
        profile_id, target = self.profile_box.currentData(), self.target_edit.text().strip()
        store = self._store

        def resolve() -> printing.Printer:
            if kind == "named":
                return printing.resolve_printer(store, name=name)
            if kind == "system":
                return printing.resolve_printer(None, to=f"system://{name}", language="pdf")
            return printing.resolve_printer(store, to=target, profile_id=profile_id)

        return resolve
