"""The print queue end to end on SQLite and PostgreSQL, with a real TCP 9100 listener:
printer off, retry, no double print, reprint with audit, crash recovery, batch and cancel."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.auth import SYSTEM, Role, actor_for
from ecerp_desktop.domain.errors import DomainError, ErrorCode, PermissionDenied
from ecerp_desktop.domain.text import storable
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.printing.profiles import get_profile
from ecerp_desktop.services import printing
from ecerp_desktop.store import audit
from ecerp_desktop.store import printing as q
from printing_checks import HOSTILE, check_zpl
from printing_support import RawPrinter, make_order

PACKER = actor_for(None, "packer1", Role.PACKER)


def zebra(target: str) -> printing.Printer:
    return printing.Printer("station-1", get_profile("zebra-zd421"), target)


def states(store, ids) -> list[str]:
    return [j.state for j in printing.jobs(store, ids)]


def test_order_with_two_parcels_prints_two_labels(store, raw_printer) -> None:
    make_order(store, parcels=2)
    batch = printing.enqueue_waybills(store, PACKER, zebra(raw_printer.target),
                                      order_refs=["3719055060544802021"])
    assert len(batch.job_ids) == 2 and batch.without_waybill == []
    result = printing.run_jobs(store, batch.job_ids)
    assert result.ok and result.sent == batch.job_ids
    labels, fields = check_zpl(raw_printer.wait_jobs(1)[0])
    assert labels == 2
    assert "1/2" in fields and "2/2" in fields and "310-01 杭州西湖" in fields
    assert states(store, batch.job_ids) == ["sent", "sent"]
    with store.read() as s:
        rows = [r for r in audit.recent(s) if r.action == "print.enqueue"]
    assert rows[0].username == "packer1" and rows[0].detail["jobs"] == 2


def test_printer_off_leaves_jobs_queued_then_retry_prints_once(store, dead_port) -> None:
    make_order(store)
    target = f"tcp://127.0.0.1:{dead_port}"
    batch = printing.enqueue_waybills(store, PACKER, zebra(target), order_refs=["1"])
    result = printing.run_jobs(store, batch.job_ids, connect_timeout=1)
    assert result.queued == batch.job_ids and not result.sent
    err = result.errors[0]
    assert err.code is ErrorCode.PRINTER_UNREACHABLE
    from ecerp_desktop.cli.messages import describe
    assert "is off or unreachable (connection refused)" in describe(err)
    job = printing.jobs(store, batch.job_ids)[0]
    assert (job.state, job.attempts) == ("queued", 1) and "connection refused" in job.error
    printer = RawPrinter(dead_port)  # the printer is switched on
    try:
        assert printing.retry(store, PACKER, batch.job_ids[0]).sent == batch.job_ids
        assert check_zpl(printer.wait_jobs(1)[0])[0] == 1
        # running the queue again, or retrying, never prints it a second time
        assert printing.run_queue(store).sent == []
        with pytest.raises(DomainError) as e:
            printing.retry(store, PACKER, batch.job_ids[0])
        assert e.value.code is ErrorCode.PRINT_ALREADY_SENT
        assert len(printer.jobs) == 1
    finally:
        printer.close()


def test_reprint_needs_a_reason_and_is_audited(store, raw_printer) -> None:
    make_order(store)
    batch = printing.enqueue_waybills(store, PACKER, zebra(raw_printer.target),
                                      order_refs=["1"])
    printing.run_jobs(store, batch.job_ids)
    with pytest.raises(DomainError) as e:
        printing.reprint(store, PACKER, batch.job_ids[0], "   ")
    assert e.value.code is ErrorCode.PRINT_REASON_REQUIRED
    again = printing.reprint(store, PACKER, batch.job_ids[0], "label torn by the printer")
    assert printing.run_jobs(store, again.job_ids).sent == again.job_ids
    assert len(raw_printer.wait_jobs(2)) == 2
    job = printing.jobs(store, again.job_ids)[0]
    assert job.reprint_of == batch.job_ids[0] and job.reason == "label torn by the printer"
    with store.read() as s:
        row = next(r for r in audit.recent(s) if r.action == "print.reprint")
        assert audit.verify_chain(s) is None
    assert row.username == "packer1"
    assert row.detail["reason"] == "label torn by the printer"
    assert row.entity_id == str(batch.job_ids[0])


def test_a_crash_while_sending_is_never_resent_by_itself(store, raw_printer) -> None:
    make_order(store)
    batch = printing.enqueue_waybills(store, PACKER, zebra(raw_printer.target),
                                      order_refs=["1"])
    with store.write() as s:  # the worker claimed the job, then the process died
        assert q.claim(s, batch.job_ids, utcnow()) == batch.job_ids
    assert printing.recover(store) == batch.job_ids
    job = printing.jobs(store, batch.job_ids)[0]
    assert job.state == "failed" and job.maybe_printed and "may have printed" in job.error
    assert printing.run_queue(store).sent == []
    with pytest.raises(DomainError) as e:
        printing.retry(store, PACKER, job.id)
    assert e.value.code is ErrorCode.PRINT_ALREADY_SENT
    assert raw_printer.jobs == []


def test_batch_in_the_chosen_order_with_progress_and_cancel(store, raw_printer) -> None:
    oids = [make_order(store, platform_order_id=f"P{i:03d}") for i in range(60)]
    order = list(reversed(oids))
    batch = printing.enqueue_waybills(store, PACKER, zebra(raw_printer.target),
                                      order_refs=[str(o) for o in order])
    seen: list[tuple[int, int]] = []
    result = printing.run_jobs(store, batch.job_ids, progress=lambda d, t: seen.append((d, t)),
                               cancelled=lambda: len(seen) >= 1)
    chunk = printing.STREAM_CHUNK
    assert seen == [(chunk, 60)]
    assert result.sent == batch.job_ids[:chunk]
    assert result.cancelled == batch.job_ids[chunk:]
    assert set(states(store, batch.job_ids[chunk:])) == {"cancelled"}
    labels, fields = check_zpl(raw_printer.wait_jobs(1)[0])
    assert labels == chunk
    printed = [f.removeprefix("订单: ") for f in fields if f.startswith("订单: ")]
    assert [p.split()[0] for p in printed] == [f"P{i:03d}" for i in range(59, 59 - chunk, -1)]


def test_order_without_waybill_prints_an_empty_waybill_area_or_is_refused(store, tmp_path
                                                                           ) -> None:
    make_order(store, parcels=0, waybills=False)
    out = tmp_path / "w.zpl"
    with pytest.raises(DomainError):
        printing.enqueue_waybills(store, PACKER, zebra(str(out)), order_refs=["1"],
                                  require_waybill=True)
    batch = printing.enqueue_waybills(store, PACKER, zebra(str(out)), order_refs=["1"])
    assert batch.without_waybill == [1]
    assert printing.run_jobs(store, batch.job_ids).ok
    data = out.read_bytes()
    labels, fields = check_zpl(data)
    assert labels == 1 and b"^BC" not in data and b"^BQ" not in data
    assert "张三  138****5678" in fields


def test_hostile_buyer_text_from_the_database_gives_one_label_per_parcel(store, raw_printer
                                                                        ) -> None:
    for i, raw in enumerate(HOSTILE):
        text = storable(raw)  # as ingest stores it (NUL → U+FFFD)
        make_order(store, platform_order_id=f"H{i}", receiver_name=text[:128], address=text,
                   message=text)
    batch = printing.enqueue_waybills(store, PACKER, zebra(raw_printer.target),
                                      order_refs=[f"H{i}" for i in range(len(HOSTILE))])
    assert printing.run_jobs(store, batch.job_ids).ok
    labels, fields = check_zpl(b"".join(raw_printer.wait_jobs(1)))
    assert labels == len(HOSTILE) and "PWNED" not in fields


def test_pdf_to_a_file_is_one_document_and_sku_labels_repeat(store, tmp_path) -> None:
    make_order(store, parcels=3)
    pdf = tmp_path / "out.pdf"
    printer = printing.resolve_printer(store, to=str(pdf))
    assert printer.profile.language == "pdf"
    batch = printing.enqueue_waybills(store, PACKER, printer, order_refs=["1"], size="100x150")
    assert printing.run_jobs(store, batch.job_ids).ok
    import pypdfium2
    doc = pypdfium2.PdfDocument(pdf.read_bytes())
    assert len(doc) == 3
    doc.close()
    labels = tmp_path / "sku.tspl"
    p = printing.resolve_printer(store, to=str(labels), profile_id="tsc-ttp-244")
    b = printing.enqueue_sku_labels(store, PACKER, p, "TS-WHITE-XL", copies=3)
    assert printing.run_jobs(store, b.job_ids).ok
    assert labels.read_bytes().decode("gb18030").endswith("PRINT 1,3\r\n")


def test_printing_needs_the_print_permission(store, raw_printer) -> None:
    make_order(store)
    finance = actor_for(None, "fin", Role.FINANCE)
    with pytest.raises(PermissionDenied):
        printing.enqueue_waybills(store, finance, zebra(raw_printer.target), order_refs=["1"])


def test_named_printers_are_saved_and_resolved(store, raw_printer) -> None:
    printing.save_printer(store, SYSTEM, "station-2", "tsc-ttp-244", raw_printer.target)
    p = printing.resolve_printer(store, name="station-2")
    assert (p.profile.id, p.target) == ("tsc-ttp-244", raw_printer.target)
    with pytest.raises(DomainError):
        printing.resolve_printer(store, name="nope")


def test_sort_code_falls_back_to_cainiao_routing_info(store, tmp_path) -> None:
    from ecerp_desktop.store.schema import WaybillRow
    from sqlalchemy import update

    make_order(store)
    with store.write() as s:
        s.execute(update(WaybillRow).values(sort_code="", print_data={
            "data": {"routingInfo": {"sortation": {"name": "浙A-西湖 02"}}}}))
    out = tmp_path / "w.zpl"
    batch = printing.enqueue_waybills(store, PACKER, zebra(str(out)), order_refs=["1"])
    assert printing.run_jobs(store, batch.job_ids).ok
    assert "浙A-西湖 02" in check_zpl(out.read_bytes())[1]


def test_worker_sends_queued_jobs_once_the_printer_is_back(sqlite_store, dead_port) -> None:
    make_order(sqlite_store)
    target = f"tcp://127.0.0.1:{dead_port}"
    batch = printing.enqueue_waybills(sqlite_store, PACKER, zebra(target), order_refs=["1"])
    results: list[printing.RunResult] = []
    worker = printing.QueueWorker(sqlite_store, retry_s=0.1, max_retry_s=0.2,
                                  on_result=results.append, connect_timeout=1).start()
    printer = None
    try:
        import time
        deadline = time.monotonic() + 10
        while not any(r.queued for r in results):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert states(sqlite_store, batch.job_ids) == ["queued"]
        printer = RawPrinter(dead_port)  # switched on: the worker's next round sends it
        assert check_zpl(printer.wait_jobs(1)[0])[0] == 1
        while states(sqlite_store, batch.job_ids) != ["sent"]:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.5)  # several more rounds: still exactly one label
        assert len(printer.jobs) == 1
    finally:
        worker.stop()
        if printer is not None:
            printer.close()


def test_two_stations_running_the_same_jobs_print_each_once(store, raw_printer) -> None:
    import threading

    for i in range(4):
        make_order(store, platform_order_id=f"S{i}", parcels=10)
    batch = printing.enqueue_waybills(store, PACKER, zebra(raw_printer.target),
                                      order_refs=[f"S{i}" for i in range(4)])
    results: list[printing.RunResult] = []
    threads = [threading.Thread(target=lambda: results.append(
        printing.run_jobs(store, batch.job_ids))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = sorted(results[0].sent + results[1].sent)
    assert sent == sorted(batch.job_ids)  # every job sent by exactly one of them
    import time
    time.sleep(0.2)
    _, fields = check_zpl(raw_printer.data)
    numbers = [f for f in fields if f.isdigit() and len(f) == 12]
    assert len(set(numbers)) == 40
    # each label shows its number four times (two barcodes, two text lines): no duplicate
    assert all(numbers.count(n) == 4 for n in set(numbers))


def test_a_parcel_that_cannot_be_printed_fails_alone(store, raw_printer) -> None:
    from ecerp_desktop.store.schema import WaybillRow
    from sqlalchemy import update

    for i in range(3):
        make_order(store, platform_order_id=f"B{i}")
    with store.write() as s:  # a courier answered with a number no barcode can carry
        s.execute(update(WaybillRow).where(WaybillRow.parcel_id == 2)
                  .values(number="7000^FS~JR"))
    batch = printing.enqueue_waybills(store, PACKER, zebra(raw_printer.target),
                                      order_refs=["B0", "B1", "B2"])
    result = printing.run_jobs(store, batch.job_ids)
    assert result.sent == [batch.job_ids[0], batch.job_ids[2]]
    assert result.failed == [batch.job_ids[1]]
    assert result.errors[0].code is ErrorCode.BARCODE_INVALID
    bad = printing.jobs(store, [batch.job_ids[1]])[0]
    assert bad.state == "failed" and not bad.maybe_printed
    assert check_zpl(raw_printer.wait_jobs(1)[0])[0] == 2
