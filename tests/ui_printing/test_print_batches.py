"""The batch-print service behind the page: print order, "not printed yet", and two
stations printing "everything not printed yet" at the same moment."""

from __future__ import annotations

import threading

from ecerp_desktop.services import print_batches, printing
from ecerp_desktop.services.print_batches import BatchRequest
from ecerp_desktop.store.schema import ParcelRow
from sqlalchemy import update


def _printer(store, target):  # type: ignore[no-untyped-def]
    return printing.resolve_printer(store, to=target, profile_id="zebra-zd421")


def _order_of(labels: list[bytes], parcels: list[tuple[int, str]]) -> list[int]:
    """The parcel ids in the order their labels came out."""
    return [next(pid for pid, poid in parcels if poid.encode() in lb) for lb in labels]


def test_batches_print_by_station_and_by_sku(store, shop, printer, clerk) -> None:  # type: ignore[no-untyped-def]
    tea = shop.orders(2, "TEA-1")
    cup = shop.orders(2, "CUP-1")
    parcels = tea + cup
    p = _printer(store, printer.target)
    by_sku = print_batches.print_batch(
        store, clerk, p, BatchRequest(parcel_ids=tuple(pid for pid, _ in parcels), by="sku"))
    assert len(by_sku.run.sent) == 4
    assert _order_of(printer.labels(), parcels) == [pid for pid, _ in cup + tea]  # CUP < TEA

    stations = {tea[0][0]: "B", tea[1][0]: None, cup[0][0]: "A", cup[1][0]: "B"}
    with store.write() as s:
        for pid, st in stations.items():
            s.execute(update(ParcelRow).where(ParcelRow.id == pid).values(station=st))
    print_batches.print_batch(store, clerk, p, BatchRequest(
        order_refs=tuple(poid for _, poid in parcels), by="station"))
    assert _order_of(printer.labels()[4:], parcels) == [cup[0][0], tea[0][0], cup[1][0],
                                                        tea[1][0]]


def test_unprinted_skips_what_is_printed_and_nothing_left_is_no_error(
        store, shop, printer, clerk) -> None:  # type: ignore[no-untyped-def]
    parcels = shop.orders(3)
    p = _printer(store, printer.target)
    print_batches.print_batch(store, clerk, p, BatchRequest(parcel_ids=(parcels[1][0],)))
    rest = print_batches.print_batch(store, clerk, p, BatchRequest(unprinted=True))
    assert len(rest.run.sent) == 2
    assert sorted(_order_of(printer.labels(), parcels)) == sorted(pid for pid, _ in parcels)
    again = print_batches.print_batch(store, clerk, p, BatchRequest(unprinted=True))
    assert again.job_ids == [] and len(printer.labels()) == 3


def test_two_stations_printing_everything_unprinted_at_once_print_each_parcel_once(
        store, shop, printer, clerk) -> None:  # type: ignore[no-untyped-def]
    parcels = shop.orders(30)
    p = _printer(store, printer.target)
    start = threading.Barrier(2)
    results, errors = [], []

    def station() -> None:
        try:
            start.wait()
            results.append(print_batches.print_batch(store, clerk, p,
                                                     BatchRequest(unprinted=True)))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=station) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(len(r.run.sent) for r in results) == 30
    printed = _order_of(printer.labels(), parcels)
    assert sorted(printed) == sorted(pid for pid, _ in parcels)  # each exactly once


def test_batches_print_by_courier(store, shop, printer, clerk) -> None:  # type: ignore[no-untyped-def]
    from ecerp_desktop.store import catalog as cat

    parcels = shop.orders(3)
    with store.write() as s:
        yto = cat.upsert_courier(s, code="YTO", name="圆通")
        s.execute(update(ParcelRow).where(ParcelRow.id == parcels[2][0]).values(courier_id=yto))
    print_batches.print_batch(store, clerk, _printer(store, printer.target),
                              BatchRequest(unprinted=True, by="courier"))
    assert _order_of(printer.labels(), parcels) == [parcels[2][0], parcels[0][0],
                                                    parcels[1][0]]  # YTO before ZTO


def test_a_batch_numbers_parcels_before_printing_their_waybills(
        store, shop, printer, clerk) -> None:  # type: ignore[no-untyped-def]
    from ecerp_desktop.domain.timeutil import utcnow
    from ecerp_desktop.store import waybills as ws
    from ecerp_desktop.store.schema import CourierRow, OrderRow, WaybillRow
    from sqlalchemy import select

    with store.write() as s:
        zto = s.scalar(select(CourierRow.id).where(CourierRow.code == "ZTO"))
        ws.add_range(s, zto, "ZT00000001", "ZT00000099", utcnow())
    parcels = shop.orders(2)
    result = print_batches.print_batch(
        store, clerk, _printer(store, printer.target),
        BatchRequest(parcel_ids=tuple(pid for pid, _ in parcels)))
    assert len(result.run.sent) == 2 and result.without_waybill == []
    with store.read() as s:
        numbers = sorted(s.scalars(select(WaybillRow.number)))
        statuses = set(s.scalars(select(OrderRow.status)))
    assert numbers == ["ZT00000001", "ZT00000002"] and statuses == {"waybilled"}
    labels = b"".join(printer.labels())
    assert b"ZT00000001" in labels and b"ZT00000002" in labels
