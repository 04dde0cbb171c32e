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
