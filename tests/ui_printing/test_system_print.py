"""PDF to the system printer through Qt, and the template preview: the pages a Qt printer
gets are the PDF's pages at the printer's resolution, barcodes still readable."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from ecerp_desktop.domain.errors import ErrorCode
from ecerp_desktop.printing import transports
from ecerp_desktop.printing.fields import sample_waybill, waybill_values
from ecerp_desktop.printing.profiles import generic_profile
from ecerp_desktop.printing.render import render_values
from ecerp_desktop.printing.templates import get_template
from ecerp_desktop.ui import system_print
from PySide6.QtPrintSupport import QPrinter


def _waybills(n: int) -> bytes:
    return render_values(get_template("waybill-100x180"), generic_profile("pdf"),
                         [waybill_values(sample_waybill(i)) for i in range(n)])


def test_each_pdf_page_becomes_a_printed_page_with_a_readable_waybill_barcode(
        qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "spooled.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # stands in for a driver
    printer.setOutputFileName(str(out))
    printer.setResolution(300)
    printer.setFullPage(True)

    assert system_print.paint_pdf(printer, _waybills(3)) == 3

    doc = pypdfium2.PdfDocument(out.read_bytes())
    assert len(doc) == 3
    for i in range(3):
        w_pt, h_pt = doc[i].get_size()
        assert (round(w_pt / 72 * 25.4), round(h_pt / 72 * 25.4)) == (100, 180)
        img = doc[i].render(scale=300 / 72).to_pil()
        found = {r.text for r in zxingcpp.read_barcodes(img)}
        assert sample_waybill(i).waybill_number in found


def test_an_unknown_system_queue_is_a_printer_that_is_off(qapp) -> None:  # type: ignore[no-untyped-def]
    system_print.install()
    try:
        with pytest.raises(transports.PrinterUnreachable) as got:
            transports.open_transport("system://no-such-printer-ecerp").send(_waybills(1))
        assert got.value.code is ErrorCode.PRINTER_UNREACHABLE
        assert "no printer of this name" in str(got.value.params)
    finally:
        transports.set_system_pdf_printer(None)


def test_the_preview_shows_the_chosen_template_at_its_size(qtbot) -> None:  # type: ignore[no-untyped-def]
    from ecerp_desktop.ui.print_preview_panel import TemplatePreviewPanel

    preview = TemplatePreviewPanel()
    qtbot.addWidget(preview)
    qtbot.waitUntil(lambda: preview.shown != "", timeout=10_000)
    preview.template_box.setCurrentIndex(preview.template_box.findData("sku-40x30"))
    qtbot.waitUntil(lambda: preview.shown == "sku-40x30", timeout=10_000)
    pix = preview.image.pixmap()
    assert abs(pix.width() / pix.height() - 40 / 30) < 0.02
    preview.template_box.setCurrentIndex(preview.template_box.findData("waybill-100x180"))
    qtbot.waitUntil(lambda: preview.shown == "waybill-100x180", timeout=10_000)
    pix = preview.image.pixmap()
    assert abs(pix.width() / pix.height() - 100 / 180) < 0.02
    img = pix.toImage()
    grid = [img.pixelColor(x, y).lightness() for x in range(0, img.width(), 7)
            for y in range(0, img.height(), 7)]
    dark = sum(v < 100 for v in grid) / len(grid)
    assert 0.02 < dark < 0.6  # text, bars and rules on white paper, not a blank page
