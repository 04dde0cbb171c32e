"""PDF pages as images, for the template preview and for printing a PDF through a Qt
printer driver.

PySide6-Essentials has no QtPdf, so pages are rasterised with Qt's QPdfDocument when the
full PySide6 is installed, and with pdfium (pypdfium2, a runtime dependency) otherwise.
Either way nothing is drawn twice: the preview shows exactly the PDF the printer gets.

Threads: ``pdf_pages`` makes QImages only (no widgets), so it may run on a worker.
"""

from __future__ import annotations

import importlib.util

from PySide6.QtCore import QBuffer, QByteArray, QSize
from PySide6.QtGui import QImage


class NoPdfRasteriser(RuntimeError):
    """Neither QtPdf nor pypdfium2 is installed."""


def backend() -> str:
    """"qtpdf", "pdfium", or "" when PDFs cannot be turned into images here."""
    if importlib.util.find_spec("PySide6.QtPdf") is not None:
        return "qtpdf"
    if importlib.util.find_spec("pypdfium2") is not None:
        return "pdfium"
    return ""


def pdf_pages(data: bytes, dpi: float, *, max_pages: int | None = None) -> list[QImage]:
    """Each page of the PDF *data* as a white-background image at *dpi*."""
    which = backend()
    if which == "qtpdf":
        return _qtpdf_pages(data, dpi, max_pages)
    if which == "pdfium":
        return _pdfium_pages(data, dpi, max_pages)
    raise NoPdfRasteriser("install pypdfium2 (or the full PySide6 with QtPdf)")


def _pdfium_pages(data: bytes, dpi: float, max_pages: int | None) -> list[QImage]:
    import pypdfium2

    doc = pypdfium2.PdfDocument(data)
    try:
        n = len(doc) if max_pages is None else min(len(doc), max_pages)
        out = []
        for i in range(n):
            page = doc[i]
            bitmap = page.render(scale=dpi / 72.0, grayscale=True, fill_color=(255, 255, 255, 255))
            img = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                         QImage.Format.Format_Grayscale8)
            out.append(img.copy())  # own the pixels: pdfium frees its buffer
            bitmap.close()
            page.close()
        return out
    finally:
        doc.close()


def _qtpdf_pages(data: bytes, dpi: float, max_pages: int | None) -> list[QImage]:  # pragma: no cover - full PySide6 only
    from PySide6.QtPdf import QPdfDocument

    buf = QBuffer()
    buf.setData(QByteArray(data))
    buf.open(QBuffer.OpenModeFlag.ReadOnly)
    doc = QPdfDocument()
    doc.load(buf)
    n = doc.pageCount() if max_pages is None else min(doc.pageCount(), max_pages)
    out = []
    for i in range(n):
        pts = doc.pagePointSize(i)
        size = QSize(round(pts.width() * dpi / 72.0), round(pts.height() * dpi / 72.0))
        img = doc.render(i, size)
        white = QImage(img.size(), QImage.Format.Format_RGB32)
        white.fill(0xFFFFFFFF)
        from PySide6.QtGui import QPainter

        p = QPainter(white)
        p.drawImage(0, 0, img)
        p.end()
        out.append(white)
    doc.close()
    return out
