"""``ecerp print``: waybills, packing lists and SKU labels, and the print queue.

    ecerp print waybill --order ID [--printer NAME | --to tcp://HOST:PORT | --to FILE]
                        [--language zpl|tspl|escpos|pdf] [--size 100x180] [--copies N]
    ecerp print packing --order ID --to list.pdf [--size A4|A5]
    ecerp print labels --sku CODE --copies N [--printer NAME | --to ...]
    ecerp print jobs [--state queued]      ecerp print retry JOB
    ecerp print reprint JOB --reason TEXT  ecerp print run   (send everything queued)

ID is our order id or the platform's order id (all its parcels print, in order). With
``--to`` the language and size come from ``--profile``, else from the file's extension
(.zpl .tspl .pdf .escpos), else ZPL. An order that has no waybill number yet prints with
an empty waybill area and a note saying so; ``--require-waybill`` refuses instead.
"""

from __future__ import annotations

import argparse
import sys

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.cli.messages import describe
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import printing
from ecerp_desktop.services.printing import RunResult

LANGUAGES = ("zpl", "tspl", "escpos", "pdf")


def _target_args(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--printer", metavar="NAME",
                       help="a named printer (ecerp printers list) or an OS printer queue")
    where.add_argument("--to", metavar="TARGET",
                       help="tcp://HOST[:PORT], serial:PORT?baud=N, cups://QUEUE, win://QUEUE "
                            "or a file")
    p.add_argument("--profile", metavar="ID", help="printer profile (ecerp printers list)")
    p.add_argument("--language", choices=LANGUAGES, help="printer language")
    p.add_argument("--size", metavar="WxH", help="label size in mm, e.g. 100x180 (or A4)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print", help="print waybills, packing lists, SKU labels; print queue")
    ps = p.add_subparsers(dest="print_command", metavar="WHAT", required=True)
    for name, helptext in (("waybill", "print the waybill of each parcel of an order"),
                           ("packing", "print the packing list of each parcel of an order")):
        w = ps.add_parser(name, help=helptext)
        w.add_argument("--order", required=True, action="append", metavar="ID",
                       help="our order id or the platform's order id (repeatable)")
        _target_args(w)
        w.add_argument("--copies", type=int, default=1)
        w.add_argument("--require-waybill", action="store_true",
                       help="refuse orders without a waybill number")
        w.set_defaults(func=_waybill, kind=name)
    lb = ps.add_parser("labels", help="print SKU barcode labels")
    lb.add_argument("--sku", required=True, metavar="CODE", help="merchant code or barcode")
    lb.add_argument("--copies", type=int, default=1)
    _target_args(lb)
    lb.set_defaults(func=_labels)
    j = ps.add_parser("jobs", help="list print jobs")
    j.add_argument("--state", action="append",
                   choices=["queued", "sending", "sent", "confirmed", "failed", "cancelled"])
    j.add_argument("--limit", type=int, default=50)
    j.set_defaults(func=_jobs)
    r = ps.add_parser("retry", help="send a job that printed nothing (printer was off)")
    r.add_argument("job", type=int)
    r.set_defaults(func=_retry)
    rp = ps.add_parser("reprint", help="print a job again (audited)")
    rp.add_argument("job", type=int)
    rp.add_argument("--reason", required=True, help="why it must print again")
    rp.set_defaults(func=_reprint)
    ps.add_parser("run", help="send every queued job").set_defaults(func=_run)


def _printer(store, args: argparse.Namespace) -> printing.Printer:
    return printing.resolve_printer(store, name=args.printer, to=args.to,
                                    profile_id=args.profile, language=args.language)


def _report(result: RunResult, what: str, printer: str) -> int:
    if result.sent:
        print(f"sent {len(result.sent)} {what} to {printer}")
    for err in result.errors:
        print(f"ecerp: error: {describe(err)}", file=sys.stderr)
    if result.queued:
        print(f"{len(result.queued)} job(s) stay queued; send them later with "
              f"`ecerp print run` or `ecerp print retry JOB`", file=sys.stderr)
    if result.failed:
        print(f"{len(result.failed)} job(s) failed: see `ecerp print jobs --state failed`",
              file=sys.stderr)
    return 0 if result.ok else 2


def _waybill(args: argparse.Namespace) -> int:
    store = store_from(args)
    printer = _printer(store, args)
    batch = printing.enqueue_waybills(store, SYSTEM, printer, order_refs=args.order,
                                      size=args.size, language=args.language,
                                      copies=args.copies, kind=args.kind,
                                      require_waybill=args.require_waybill)
    for oid in batch.without_waybill:
        print(f"note: order {oid} has no waybill number yet: its label has an empty waybill "
              "area (get a number first, or use --require-waybill)", file=sys.stderr)
    what = "waybill(s)" if args.kind == "waybill" else "packing list(s)"
    return _report(printing.run_jobs(store, batch.job_ids), what, printer.name)


def _labels(args: argparse.Namespace) -> int:
    store = store_from(args)
    printer = _printer(store, args)
    batch = printing.enqueue_sku_labels(store, SYSTEM, printer, args.sku, copies=args.copies,
                                        size=args.size, language=args.language)
    return _report(printing.run_jobs(store, batch.job_ids), f"label job ({args.copies} "
                   f"cop{'y' if args.copies == 1 else 'ies'})", printer.name)


def _jobs(args: argparse.Namespace) -> int:
    store = store_from(args)
    for j in printing.list_jobs(store, SYSTEM, states=args.state, limit=args.limit):
        ref = j.sku_code or f"order {j.order_id}" + (f" parcel {j.parcel_id}"
                                                      if j.parcel_id else "")
        flag = " (maybe printed)" if j.maybe_printed else ""
        print(f"{j.id}\t{j.state}{flag}\t{j.kind}\t{ref}\t{j.printer}\t{j.attempts}\t"
              f"{j.error[:80]}")
    return 0


def _retry(args: argparse.Namespace) -> int:
    store = store_from(args)
    return _report(printing.retry(store, SYSTEM, args.job), "job(s)", "the printer")


def _reprint(args: argparse.Namespace) -> int:
    store = store_from(args)
    batch = printing.reprint(store, SYSTEM, args.job, args.reason)
    return _report(printing.run_jobs(store, batch.job_ids), "reprint", "the printer")


def _run(args: argparse.Namespace) -> int:
    store = store_from(args)
    printing.recover(store)
    return _report(printing.run_queue(store), "job(s)", "the printers")
