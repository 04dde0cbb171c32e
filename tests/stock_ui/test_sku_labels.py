"""SKU labels from the SKUs tab: selected SKUs, copies and symbology go through the print
queue to a real TCP 9100 listener, and the ZPL that arrives carries each SKU's barcode; an
SKU without a valid EAN-13 is refused with a clear message before anything is queued."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from ecerp_desktop.domain.auth import Role, actor_for
from ecerp_desktop.services import print_batches
from ecerp_desktop.services.print_batches import JobFilter
from PySide6.QtCore import QItemSelectionModel

from ui_printing.conftest import TcpPrinter

from .conftest import BAD_EAN, EAN, Seeded, code


@pytest.fixture
def printer() -> Iterator[TcpPrinter]:
    p = TcpPrinter().start()
    yield p
    p.close()


def sku_tab(qtbot, page, printer: TcpPrinter):  # type: ignore[no-untyped-def]
    page.show()
    tab = page.open_tab("ecerp_desktop.ui.sku_labels_tab:SkuLabelsTab")
    qtbot.waitUntil(lambda: not tab.model.loading and tab.model.rowCount() > 0)
    qtbot.waitUntil(lambda: tab.printer.printer_box.count() > 0)
    tab.choose_address("zebra-zd421", printer.target)
    return tab


def select(tab, codes: list[str]) -> None:  # type: ignore[no-untyped-def]
    sel = tab.table.selectionModel()
    sel.clearSelection()
    for r in range(tab.model.rowCount()):
        if tab.model.row_at(r).code in codes:
            sel.select(tab.model.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                       | QItemSelectionModel.SelectionFlag.Rows)


def printed(qtbot, tab) -> object:  # type: ignore[no-untyped-def]
    tab.last_result = None
    tab.print_selected()
    qtbot.waitUntil(lambda: tab.last_result is not None, timeout=20_000)
    return tab.last_result


def test_code128_labels_reach_the_printer(qtbot, stock_page, seeded: Seeded,
                                          printer: TcpPrinter) -> None:  # type: ignore[no-untyped-def]
    tab = sku_tab(qtbot, stock_page, printer)
    select(tab, [code(3), code(4)])
    assert tab.selected_codes() == [code(3), code(4)]
    tab.copies_spin.setValue(2)
    result = printed(qtbot, tab)
    assert len(result.run.sent) == 2 and result.run.ok
    labels = printer.labels()
    assert len(labels) == 2
    for label, sku in zip(labels, (code(3), code(4)), strict=True):
        barcode = re.search(rb"\^BC[^\^]*\^FH\^FD(.*?)\^FS", label)
        assert barcode is not None and barcode.group(1).decode() == sku  # Code 128 of the code
        assert b"^PQ2" in label  # two copies, repeated by the printer
    jobs = print_batches.job_page(seeded.store, JobFilter()).jobs
    assert {(j.kind, j.sku_code, j.state) for j in jobs} == {("sku", code(3), "sent"),
                                                            ("sku", code(4), "sent")}


def test_ean13_labels_print_the_product_barcode(qtbot, stock_page, printer: TcpPrinter) -> None:  # type: ignore[no-untyped-def]
    tab = sku_tab(qtbot, stock_page, printer)
    select(tab, [code(1)])
    tab.symbology_box.setCurrentIndex(tab.symbology_box.findData("ean13"))
    result = printed(qtbot, tab)
    assert len(result.run.sent) == 1
    (label,) = printer.labels()
    ean = re.search(rb"\^BE[^\^]*\^FD(\d+)\^FS", label)
    assert ean is not None and ean.group(1).decode() == EAN[:12]  # the printer adds the check


def test_ean13_is_refused_for_an_sku_without_a_valid_one(qtbot, stock_page, seeded: Seeded,
                                                         printer: TcpPrinter) -> None:  # type: ignore[no-untyped-def]
    tab = sku_tab(qtbot, stock_page, printer)
    tab.symbology_box.setCurrentIndex(tab.symbology_box.findData("ean13"))
    for sku in (code(2), code(5)):  # a wrong check digit; no barcode at all
        select(tab, [code(1), sku])
        error = printed(qtbot, tab)
        assert getattr(error, "code", None) is not None and error.params == {"sku": sku}
        assert sku in tab.status.text() and "EAN-13" in tab.status.text()
    assert BAD_EAN.startswith(EAN[:12])
    assert print_batches.job_page(seeded.store, JobFilter()).jobs == []  # nothing queued
    assert printer.data == b""


def test_printing_needs_the_print_right(qtbot, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    from ecerp_desktop.ui.areas import PageContext
    from ecerp_desktop.ui.sku_labels_tab import SkuLabelsTab

    tab = SkuLabelsTab(PageContext(seeded.store, actor_for(None, "fin", Role.FINANCE)))
    qtbot.addWidget(tab)
    assert not tab.print_button.isEnabled()


def test_the_preview_follows_the_barcode_choice(qtbot, stock_page, printer: TcpPrinter) -> None:  # type: ignore[no-untyped-def]
    tab = sku_tab(qtbot, stock_page, printer)
    box = tab.preview.template_box
    qtbot.waitUntil(lambda: box.count() > 0, timeout=10_000)
    assert box.currentData() == "sku-40x30"  # Code 128 of the SKU code
    tab.symbology_box.setCurrentIndex(tab.symbology_box.findData("ean13"))
    assert box.currentData() == "sku-60x40"
    qtbot.waitUntil(lambda: tab.preview.shown == "sku-60x40", timeout=20_000)
