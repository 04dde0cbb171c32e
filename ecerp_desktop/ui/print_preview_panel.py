"""The template preview: a label template filled with sample values, drawn exactly as the
PDF renderer draws it (rasterised by print_raster), so the user sees what prints."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QComboBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from ecerp_desktop.printing import templates
from ecerp_desktop.printing.preview import preview_pdf
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import lane, run_op
from ecerp_desktop.ui.print_raster import NoPdfRasteriser, pdf_pages

PREVIEW_DPI = 120  # on screen: big enough to read, small enough to render in a blink


def _render(name: str) -> QImage:  # worker thread: no widgets
    pages = pdf_pages(preview_pdf(templates.get_template(name)), PREVIEW_DPI, max_pages=1)
    return pages[0]


class TemplatePreviewPanel(QWidget):
    """A template list and the first page of the chosen template with sample data."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.template_box = QComboBox()
        self.template_box.currentIndexChanged.connect(self._show_selected)
        layout.addWidget(self.template_box)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.note)
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.image)
        layout.addWidget(scroll, 1)
        self.shown: str = ""  # the template whose image is on screen
        run_op(templates.list_templates, owner=self, on_success=self._fill,
               on_failure=self._failed)

    def _fill(self, found: tuple[list[templates.Template], list[Exception]]) -> None:
        good, broken = found
        self.template_box.blockSignals(True)
        self.template_box.clear()
        for t in good:
            self.template_box.addItem(f"{t.title} ({t.name})", t.name)
        self.template_box.blockSignals(False)
        if broken:  # a user's edited template that does not load: say so, never crash
            self.note.setText("\n".join(describe(e) for e in broken))
        if good:
            self._show_selected()

    def _show_selected(self) -> None:
        name = self.template_box.currentData()
        if not name:
            return
        run_op(lambda: _render(name), owner=self, pool=lane("cpu", 2),
               on_success=lambda img: self._show(name, img), on_failure=self._failed)

    def _show(self, name: str, img: QImage) -> None:
        self.image.setPixmap(QPixmap.fromImage(img))
        self.shown = name

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, NoPdfRasteriser):
            self.note.setText(self.tr("The preview needs pypdfium2 (or PySide6 with QtPdf); "
                                      "printing works without it."))
        else:
            self.note.setText(describe(error))
