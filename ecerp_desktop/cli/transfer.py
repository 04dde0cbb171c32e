"""``ecerp transfer create|ship|receive|cancel|list|show``: transfers between warehouses."""

from __future__ import annotations

import argparse

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.transfers import parse_line
from ecerp_desktop.services import transfers
from ecerp_desktop.store.stock_documents import TransferRecord


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("transfer", help="transfers between warehouses (调拨)")
    ss = p.add_subparsers(dest="transfer_command", metavar="ACTION", required=True)
    c = ss.add_parser("create", help="a draft transfer; nothing moves until it is shipped")
    c.add_argument("--from", dest="source", required=True, metavar="WAREHOUSE",
                   help="code or name of the warehouse the goods leave")
    c.add_argument("--to", dest="target", required=True, metavar="WAREHOUSE")
    c.add_argument("--line", action="append", required=True, metavar="SKU:QTY",
                   help="a SKU code or barcode and its quantity (repeat per SKU)")
    c.add_argument("--note", default="")
    c.set_defaults(func=_create)
    s = ss.add_parser("ship", help="调拨出库: off the source's available stock, in transit at "
                                   "the destination")
    s.add_argument("number")
    s.set_defaults(func=_ship)
    r = ss.add_parser("receive", help=(
        "调拨入库: everything in transit, or what --line says arrived; the rest stays in "
        "transit, or is lost with --write-off --reason"))
    r.add_argument("number")
    r.add_argument("--line", action="append", metavar="SKU:QTY")
    r.add_argument("--write-off", action="store_true",
                   help="write the shortfall off as lost in transit (needs --reason)")
    r.add_argument("--reason", default="")
    r.set_defaults(func=_receive)
    x = ss.add_parser("cancel", help="cancel a draft, or a shipped transfer (stock goes back)")
    x.add_argument("number")
    x.add_argument("--reason", default="")
    x.set_defaults(func=_cancel)
    ls = ss.add_parser("list", help="transfers, newest first")
    ls.add_argument("--status", choices=["draft", "shipped", "partial", "received",
                                         "cancelled"])
    ls.add_argument("--warehouse")
    ls.add_argument("--limit", type=int, default=50)
    ls.set_defaults(func=_list)
    sh = ss.add_parser("show", help="one transfer with its lines")
    sh.add_argument("number")
    sh.set_defaults(func=_show)


def _print(t: TransferRecord) -> None:
    print(f"{t.number}\t{t.status}\t{t.from_name} -> {t.to_name}\t{t.line_count} lines\t"
          f"{t.total_qty} units")
    if t.lines:
        print("sku\tqty\treceived\tlost\tin_transit")
        moving = t.status in ("shipped", "partial")
        for ln in t.lines:
            print(f"{ln.code}\t{ln.qty}\t{ln.received}\t{ln.lost}\t"
                  f"{ln.outstanding if moving else 0}")


def _create(args: argparse.Namespace) -> int:
    store = store_from(args)
    t = transfers.create(store, SYSTEM, args.source, args.target,
                         [parse_line(x) for x in args.line], args.note)
    _print(t)
    return 0


def _ship(args: argparse.Namespace) -> int:
    _print(transfers.ship(store_from(args), SYSTEM, args.number))
    return 0


def _receive(args: argparse.Namespace) -> int:
    counted: dict[str, int] | None = None
    if args.line:
        counted = {}
        for code, qty in (parse_line(x) for x in args.line):
            counted[code] = counted.get(code, 0) + qty
    res = transfers.receive(store_from(args), SYSTEM, args.number, counted,
                            write_off=args.write_off, reason=args.reason)
    _print(res.transfer)
    return 0


def _cancel(args: argparse.Namespace) -> int:
    _print(transfers.cancel(store_from(args), SYSTEM, args.number, args.reason))
    return 0


def _list(args: argparse.Namespace) -> int:
    rows = transfers.list_transfers(store_from(args), SYSTEM, status=args.status,
                                    warehouse=args.warehouse, limit=args.limit)
    for t in rows:
        _print(t)
    print(f"{len(rows)} transfers")
    return 0


def _show(args: argparse.Namespace) -> int:
    _print(transfers.get(store_from(args), SYSTEM, args.number))
    return 0
