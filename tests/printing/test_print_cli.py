"""`ecerp print …` and `ecerp printers …` as a user runs them."""

from __future__ import annotations

import pypdfium2
from ecerp_desktop.cli.main import main
from printing_checks import check_tspl, check_zpl
from printing_support import RawPrinter, make_order


def run(store, *argv: str) -> int:
    return main(["--db", store.url, *argv])


def test_print_waybill_by_platform_order_id_to_a_tcp_printer(sqlite_store, raw_printer,
                                                             capsys) -> None:
    make_order(sqlite_store, parcels=2)
    assert run(sqlite_store, "print", "waybill", "--order", "3719055060544802021", "--to",
               raw_printer.target) == 0
    assert check_zpl(raw_printer.wait_jobs(1)[0])[0] == 2
    assert "sent 2 waybill(s)" in capsys.readouterr().out


def test_print_waybill_to_files_language_from_extension(sqlite_store, tmp_path, capsys) -> None:
    make_order(sqlite_store, parcels=1, waybills=False)
    pdf = tmp_path / "w.pdf"
    assert run(sqlite_store, "print", "waybill", "--order", "1", "--to", str(pdf),
               "--size", "76x130") == 0
    doc = pypdfium2.PdfDocument(pdf.read_bytes())
    w, h = doc[0].get_size()
    assert (round(w / 72 * 25.4), round(h / 72 * 25.4)) == (76, 130)
    doc.close()
    assert "has no waybill number yet" in capsys.readouterr().err
    tspl = tmp_path / "w.tspl"
    assert run(sqlite_store, "print", "waybill", "--order", "1", "--to", str(tspl),
               "--profile", "xprinter-xp-420b") == 0
    assert check_tspl(tspl.read_bytes())[0] == 1
    assert run(sqlite_store, "print", "waybill", "--order", "1", "--to", str(tspl),
               "--require-waybill") == 2


def test_printer_off_exit_code_queue_and_run_later(sqlite_store, dead_port, capsys) -> None:
    make_order(sqlite_store)
    assert run(sqlite_store, "printers", "add", "station-1", "--profile", "zebra-gk888t",
               "--target", f"tcp://127.0.0.1:{dead_port}") == 0
    assert run(sqlite_store, "print", "waybill", "--order", "1", "--printer", "station-1") == 2
    err = capsys.readouterr().err
    assert "is off or unreachable" in err and "stay queued" in err
    assert run(sqlite_store, "print", "jobs", "--state", "queued") == 0
    assert "\tqueued\twaybill\torder 1 parcel 1\tstation-1\t1\t" in capsys.readouterr().out
    printer = RawPrinter(dead_port)
    try:
        assert run(sqlite_store, "print", "run") == 0
        assert check_zpl(printer.wait_jobs(1)[0])[0] == 1
        assert run(sqlite_store, "print", "retry", "1") == 2  # already sent
        assert "reprint" in capsys.readouterr().err
        assert run(sqlite_store, "print", "reprint", "1", "--reason", "smudged") == 0
        assert len(printer.wait_jobs(2)) == 2
    finally:
        printer.close()


def test_sku_labels_and_printers_list(sqlite_store, tmp_path, capsys) -> None:
    make_order(sqlite_store)
    out = tmp_path / "sku.zpl"
    assert run(sqlite_store, "print", "labels", "--sku", "MUG-01", "--copies", "4", "--to",
               str(out)) == 0
    data = out.read_bytes()
    assert check_zpl(data)[0] == 1 and b"^PQ4" in data and b"^FDMUG-01^FS" in data
    assert run(sqlite_store, "print", "labels", "--sku", "NOPE", "--to", str(out)) == 2
    assert run(sqlite_store, "printers", "list") == 0
    listing = capsys.readouterr().out
    assert "tsc-ttp-244" in listing and "TSS24.BF2" in listing and "Discovered:" in listing
