"""Print the waybills (or packing lists) of chosen orders from anywhere in the app.

The order review screen (and any page holding order numbers) opens it with the selected
orders::

    PrintOrdersDialog(ctx, ["3719055060544802021", ...], parent=self).open()

It is the batch panel preset to those orders: the same printer choice, progress, cancel,
and the same "printer off: the jobs stay queued" message; the jobs appear on the printing
page, where they can be retried.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.print_batch_panel import BatchPrintPanel


class PrintOrdersDialog(QDialog):
    """A batch panel for *order_refs* (our order ids or the platforms' order ids)."""

    def __init__(self, ctx: PageContext, order_refs: list[str], kind: str = "waybill",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Print orders"))
        layout = QVBoxLayout(self)
        self.panel = BatchPrintPanel(ctx)
        self.panel.preset(order_refs, kind)
        layout.addWidget(self.panel)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 560)

    def reject(self) -> None:
        self.panel.cancel()  # closing stops a running batch after the labels being sent
        super().reject()
