"""The printing page as a packing-room clerk uses it: batch print, a printer that is off,
reprint with a reason, cancel a long batch. Real SQLite/PostgreSQL, real pipeline, a real
TCP listener as the printer."""

from __future__ import annotations

from ecerp_desktop.store import printing as q


def _jobs(store):  # type: ignore[no-untyped-def]
    with store.read() as s:
        return q.list_jobs(s, limit=10_000)


def _states(page) -> dict[int, str]:  # type: ignore[no-untyped-def]
    return {j.id: j.state for j in page.model.jobs}


def _print_to(qtbot, page, target: str) -> None:  # type: ignore[no-untyped-def]
    page.batch.choose_address("zebra-zd421", target)
    with qtbot.waitSignal(page.batch.finished, timeout=20_000):
        page.batch.print_button.click()


def test_batch_print_sends_one_label_per_parcel_and_shows_them_sent(
        qtbot, page, shop, printer, store) -> None:  # type: ignore[no-untyped-def]
    parcels = shop.orders(4)
    _print_to(qtbot, page, printer.target)

    labels = printer.labels()
    assert len(labels) == 4
    for (_pid, poid), label in zip(parcels, labels, strict=True):
        assert poid.encode() in label  # each parcel's own label, in parcel order (one courier)
    qtbot.waitUntil(lambda: len(page.model.jobs) == 4 and set(_states(page).values())
                    == {"sent"})
    assert {j.parcel_id for j in page.model.jobs} == {pid for pid, _ in parcels}
    texts = {page.model.index(r, 1).data() for r in range(4)}
    assert texts == {"已发送"}
    assert page.batch.progress.value() == 4
    # printed parcels are no longer "not printed yet": a second run prints nothing more
    page.batch.print_button.click()
    qtbot.waitUntil(lambda: not page.batch.running)
    assert len(printer.labels()) == 4
    assert len(_jobs(store)) == 4


def test_printer_off_keeps_jobs_queued_with_a_message_and_retry_sends_them_once(
        qtbot, page, shop, off_printer) -> None:  # type: ignore[no-untyped-def]
    parcels = shop.orders(3)
    _print_to(qtbot, page, off_printer.target)

    qtbot.waitUntil(lambda: len(page.model.jobs) == 3)
    assert set(_states(page).values()) == {"queued"}
    assert not page.banner.isHidden()
    text = page.banner_text.text()
    assert "未开机或无法连接" in text and "3 个任务在队列中等待" in text
    assert {page.model.index(r, 1).data() for r in range(3)} == {"排队中"}
    assert all("未开机或无法连接" in page.model.index(r, 5).data() for r in range(3))

    off_printer.start()  # the printer is switched on
    page.banner_retry.click()
    qtbot.waitUntil(lambda: set(_states(page).values()) == {"sent"}, timeout=10_000)
    labels = off_printer.labels()
    assert len(labels) == 3
    assert all(poid.encode() in lb for (_p, poid), lb in zip(parcels, labels, strict=True))
    assert page.banner.isHidden()

    # Retry on jobs that were sent prints nothing again: that needs a reprint
    page.select_jobs([j.id for j in page.model.jobs])
    page.retry_button.click()
    qtbot.waitUntil(lambda: "重打" in page.message.text())
    assert len(off_printer.labels()) == 3


def test_reprint_asks_for_a_reason_and_is_audited(qtbot, page, shop, printer, store
                                                  ) -> None:  # type: ignore[no-untyped-def]
    from ecerp_desktop.store.schema import AuditRow
    from sqlalchemy import select

    (_pid, poid), _second = shop.orders(2)
    _print_to(qtbot, page, printer.target)
    qtbot.waitUntil(lambda: len(page.model.jobs) == 2)
    first = min(j.id for j in page.model.jobs)
    page.select_jobs([first])
    page.reprint_button.click()
    dialog = page.reprint_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()
    dialog.reason_edit.setText("   ")
    assert not dialog.ok_button.isEnabled()  # blanks are no reason
    dialog.reason_edit.setText("标签卡纸")
    dialog.ok_button.click()

    qtbot.waitUntil(lambda: len(page.model.jobs) == 3 and all(
        j.state == "sent" for j in page.model.jobs), timeout=10_000)
    labels = printer.labels()
    assert len(labels) == 3 and poid.encode() in labels[-1]  # the same parcel, once more
    copy = max(page.model.jobs, key=lambda j: j.id)
    assert copy.reprint_of == first and copy.reason == "标签卡纸"
    assert "重打任务" in page.model.index(0, 2).data()
    with store.read() as s:
        rows = [(r.username, r.entity_id, r.detail["reason"], r.detail["new_job"])
                for r in s.scalars(select(AuditRow).where(AuditRow.action == "print.reprint"))]
    assert rows == [("clerk1", str(first), "标签卡纸", copy.id)]


def test_cancel_during_a_large_batch_stops_it(qtbot, page, shop, printer, store
                                              ) -> None:  # type: ignore[no-untyped-def]
    shop.orders(150)  # six chunks of 25 labels
    page.batch.choose_address("zebra-zd421", printer.target)
    page.batch.job.relay.changed.connect(lambda _done, _total: page.batch.cancel_button.click())
    with qtbot.waitSignal(page.batch.finished, timeout=30_000) as got:
        page.batch.print_button.click()
    run = got.args[0].run
    assert run.cancelled and run.sent
    assert len(run.sent) + len(run.cancelled) == 150
    assert len(printer.labels()) == len(run.sent)  # nothing cancelled reached the printer
    jobs = _jobs(store)
    assert {j.state for j in jobs} == {"sent", "cancelled"}
    assert sum(j.state == "sent" for j in jobs) == len(run.sent)
    assert page.batch.print_button.isEnabled() and not page.batch.cancel_button.isEnabled()
    # the cancelled parcels are "not printed yet" again: the next batch prints exactly them
    page.batch.job.relay.changed.disconnect()
    page.batch.job.relay.changed.connect(page.batch.job.progressed)
    with qtbot.waitSignal(page.batch.finished, timeout=30_000):
        page.batch.print_button.click()
    assert len(printer.labels()) == 150


def test_pasted_orders_filters_and_paging(qtbot, page, shop, printer, off_printer
                                          ) -> None:  # type: ignore[no-untyped-def]
    parcels = shop.orders(4)
    page.batch.list_radio.setChecked(True)
    page.batch.refs_edit.setPlainText(f"{parcels[2][1]}\n{parcels[0][1]}，")
    page.batch.order_box.setCurrentIndex(page.batch.order_box.findData("id"))
    _print_to(qtbot, page, printer.target)
    assert len(printer.labels()) == 2
    assert parcels[0][1].encode() in printer.labels()[0]  # oldest parcel first
    page.batch.unprinted_radio.setChecked(True)
    _print_to(qtbot, page, off_printer.target)  # the other two wait for a printer

    page.state_box.setCurrentIndex(page.state_box.findData("queued"))
    qtbot.waitUntil(lambda: len(page.model.jobs) == 2 and set(_states(page).values())
                    == {"queued"})
    assert {j.parcel_id for j in page.model.jobs} == {parcels[1][0], parcels[3][0]}
    page.state_box.setCurrentIndex(0)
    page.printer_filter.setCurrentIndex(page.printer_filter.findData(printer.target))
    qtbot.waitUntil(lambda: {j.printer for j in page.model.jobs} == {printer.target}
                    and len(page.model.jobs) == 2)

    page.printer_filter.setCurrentIndex(0)
    page.page_size = 1
    page.reload()
    qtbot.waitUntil(lambda: page.model.total == 4 and len(page.model.jobs) == 1)
    # the next pages come as the table scrolls (the view, or we, ask for more)
    qtbot.waitUntil(lambda: (page.model.fetchMore(), len(page.model.jobs) == 4)[1])
    assert not page.model.canFetchMore()
    assert [j.id for j in page.model.jobs] == sorted((j.id for j in page.model.jobs),
                                                     reverse=True)
    assert len({j.id for j in page.model.jobs}) == 4


def test_cancel_queued_jobs_from_the_list(qtbot, page, shop, off_printer, store
                                          ) -> None:  # type: ignore[no-untyped-def]
    shop.orders(2)
    _print_to(qtbot, page, off_printer.target)
    qtbot.waitUntil(lambda: len(page.model.jobs) == 2)
    page.select_jobs([j.id for j in page.model.jobs])
    page.cancel_button.click()
    qtbot.waitUntil(lambda: set(_states(page).values()) == {"cancelled"})
    assert "已取消 2 个排队任务" in page.message.text()
    assert page.banner.isHidden()  # nothing waits for the printer any more
    off_printer.start()
    page.retry_waiting()  # the banner's Retry no longer sends cancelled jobs
    qtbot.waitUntil(lambda: "已发送 0" in page.message.text())
    assert off_printer.labels() == []


def test_sku_labels_from_pasted_codes_with_copies(qtbot, page, shop, printer
                                                  ) -> None:  # type: ignore[no-untyped-def]
    page.batch.kind_box.setCurrentIndex(page.batch.kind_box.findData("sku"))
    assert page.batch.list_radio.isChecked() and not page.batch.unprinted_radio.isEnabled()
    page.batch.refs_edit.setPlainText("TEA-1\nCUP-1")
    page.batch.copies_spin.setValue(3)
    _print_to(qtbot, page, printer.target)
    labels = printer.labels()
    assert len(labels) == 2  # one label each, the printer repeats it
    assert b"TEA-1" in labels[0] and b"CUP-1" in labels[1]
    assert all(b"^PQ3" in lb for lb in labels)
    qtbot.waitUntil(lambda: len(page.model.jobs) == 2)
    assert {page.model.index(r, 2).data() for r in range(2)} == {"商品条码标签 · TEA-1 ×3",
                                                                  "商品条码标签 · CUP-1 ×3"}


def test_print_orders_dialog_from_another_screen_on_a_named_printer(
        qtbot, store, shop, printer, off_printer, clerk) -> None:  # type: ignore[no-untyped-def]
    from ecerp_desktop.domain.auth import Role, actor_for
    from ecerp_desktop.services import printing
    from ecerp_desktop.ui.areas import PageContext
    from ecerp_desktop.ui.print_orders_dialog import PrintOrdersDialog

    admin = actor_for(None, "admin", Role.ADMIN)
    printing.save_printer(store, admin, "打包台1", "zebra-zd421", printer.target)
    printing.save_printer(store, admin, "打包台2", "zebra-zd421", off_printer.target)
    (_pid, poid), _other = shop.orders(2)

    dialog = PrintOrdersDialog(PageContext(store, clerk), [poid])
    qtbot.addWidget(dialog)
    panel = dialog.panel
    assert panel.list_radio.isChecked() and panel.refs_edit.toPlainText() == poid
    qtbot.waitUntil(lambda: panel.printer.printer_box.findData("named:打包台2") >= 0)
    panel.choose_printer("打包台2")
    assert not panel.printer.target_edit.isEnabled()  # a named printer needs no address
    with qtbot.waitSignal(panel.finished, timeout=20_000):
        panel.print_button.click()
    assert "未开机或无法连接" in panel.status.text()

    panel.choose_printer("打包台1")
    with qtbot.waitSignal(panel.finished, timeout=20_000) as got:
        panel.print_button.click()
    assert len(got.args[0].run.sent) == 1
    labels = printer.labels()
    assert len(labels) == 1 and poid.encode() in labels[0]  # only the order asked for
    with store.read() as s:
        printers = {j.printer for j in q.list_jobs(s)}
    assert printers == {"打包台1", "打包台2"}


def test_mark_sent_jobs_as_printed(qtbot, page, shop, printer) -> None:  # type: ignore[no-untyped-def]
    shop.orders(2)
    _print_to(qtbot, page, printer.target)
    qtbot.waitUntil(lambda: len(page.model.jobs) == 2)
    page.select_jobs([j.id for j in page.model.jobs])
    page.confirm_button.click()
    qtbot.waitUntil(lambda: set(_states(page).values()) == {"confirmed"})
    assert {page.model.index(r, 1).data() for r in range(2)} == {"已确认"}


def test_a_job_that_printed_nothing_yet_is_retried_not_reprinted(
        qtbot, page, shop, off_printer) -> None:  # type: ignore[no-untyped-def]
    shop.orders(1)
    _print_to(qtbot, page, off_printer.target)
    qtbot.waitUntil(lambda: len(page.model.jobs) == 1)
    page.select_jobs([page.model.jobs[0].id])
    page.reprint_button.click()
    assert page.reprint_dialog is None  # a copy would print twice once the printer is on
    assert "请使用“重试”" in page.message.text()
