""""PDF to the system printer": a PDF job printed through the OS printer driver by Qt.

printing/transports.py has no Qt; its ``system://QUEUE`` transport calls the function the
desktop app installs here (:func:`install`). Each PDF page is rasterised (print_raster) at
the printer's resolution, capped at 600 dpi, and painted on a QPrinter page of the PDF
page's size. A queue the OS does not know counts as "printer off": the job stays queued.

Threads: the installed function runs on the print op's worker thread; QPrinter and QImage
are paint devices that may be used off the GUI thread (no widget is touched).
"""

from __future__ import annotations

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from ecerp_desktop.printing import transports
from ecerp_desktop.ui.print_raster import NoPdfRasteriser, pdf_pages

MAX_DPI = 600


def queue_names() -> list[str]:
    """The printers the OS offers (for the batch panel's printer list)."""
    return [str(n) for n in QPrinterInfo.availablePrinterNames()]


def paint_pdf(printer: QPrinter, data: bytes) -> int:
    """Print every page of the PDF *data* on *printer*; the number of pages printed."""
    dpi = min(max(printer.resolution(), 150), MAX_DPI)
    try:
        pages = pdf_pages(data, dpi)
    except NoPdfRasteriser as exc:
        raise transports.PrinterUnreachable(printer.printerName() or "system", str(exc)) \
            from None
    if not pages:
        return 0
    painter: QPainter | None = None
    try:
        for n, img in enumerate(pages):
            size_mm = QSizeF(img.width() * 25.4 / dpi, img.height() * 25.4 / dpi)
            layout = QPageLayout(QPageSize(size_mm, QPageSize.Unit.Millimeter),
                                 QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
            printer.setPageLayout(layout)
            if painter is None:
                painter = QPainter()
                if not painter.begin(printer):
                    raise transports.PrinterUnreachable(
                        printer.printerName() or "system", "the printer driver refused the job")
            elif n and not printer.newPage():
                raise transports.SendInterrupted(printer.printerName() or "system",
                                                 "the printer driver stopped the job")
            target = painter.viewport()
            painter.drawImage(QRectF(0, 0, target.width(), target.height()), img)
    finally:
        if painter is not None:
            painter.end()
    return len(pages)


def print_pdf(queue: str, data: bytes, job_name: str) -> None:
    """The transport hook: *data* to the OS printer *queue*."""
    if queue not in queue_names():
        raise transports.PrinterUnreachable(f"system://{queue}",
                                            "no printer of this name on this computer")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(queue)
    printer.setDocName(job_name)
    printer.setFullPage(True)
    if not printer.isValid():
        raise transports.PrinterUnreachable(f"system://{queue}", "the printer is not ready")
    paint_pdf(printer, data)


def install() -> None:
    """Let ``system://QUEUE`` printer targets print (the desktop app calls this once)."""
    transports.set_system_pdf_printer(print_pdf)
