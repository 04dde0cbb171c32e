"""``ecerp return receive|unknown|match|list|show``: buyer returns (退货入库)."""

from __future__ import annotations

import argparse

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.returns import parse_line
from ecerp_desktop.services import returns
from ecerp_desktop.store.stock_documents import ReturnRecord


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("return", help="buyer returns (退货入库)")
    ss = p.add_subparsers(dest="return_command", metavar="ACTION", required=True)
    r = ss.add_parser("receive", help=(
        "take back items of a shipped order found by its order number, platform order id "
        "or waybill number"))
    r.add_argument("code", metavar="ORDER_OR_WAYBILL")
    r.add_argument("--line", action="append", required=True, metavar="SKU:QTY[:damaged]",
                   help="what came back; condition good (default), damaged or written_off")
    r.add_argument("--tracking", default="", help="the return parcel's tracking number")
    r.add_argument("--warehouse", help="where the goods go (default: where they left from)")
    r.add_argument("--note", default="")
    r.set_defaults(func=_receive)
    u = ss.add_parser("unknown", help="record an unknown parcel (无头件) for later matching")
    u.add_argument("tracking")
    u.add_argument("--warehouse", required=True)
    u.add_argument("--line", action="append", default=[], metavar="SKU:QTY[:damaged]")
    u.add_argument("--note", default="")
    u.set_defaults(func=_unknown)
    m = ss.add_parser("match", help="tie an unknown parcel to its shipped order")
    m.add_argument("number", metavar="RT…")
    m.add_argument("code", metavar="ORDER_OR_WAYBILL")
    m.set_defaults(func=_match)
    ls = ss.add_parser("list", help="returns, newest first")
    ls.add_argument("--status", choices=["received", "unmatched", "matched"])
    ls.add_argument("--limit", type=int, default=50)
    ls.set_defaults(func=_list)
    sh = ss.add_parser("show", help="one return with its lines")
    sh.add_argument("number")
    sh.set_defaults(func=_show)


def _items(lines: list[str]) -> list[returns.ReturnItem]:
    return [returns.ReturnItem(code, qty, cond) for code, qty, cond in map(parse_line, lines)]


def _print(r: ReturnRecord) -> None:
    order = r.platform_order_id or "-"
    print(f"{r.number}\t{r.status}\torder {order}\ttracking {r.tracking_number or '-'}\t"
          f"{r.total_qty} units\trefund {r.refund_state}")
    for ln in r.lines:
        print(f"  {ln.code}\t{ln.qty}\t{ln.condition}\t{ln.warehouse_name or '-'}")


def _receive(args: argparse.Namespace) -> int:
    _print(returns.receive(store_from(args), SYSTEM, args.code, _items(args.line),
                           tracking_number=args.tracking, note=args.note,
                           warehouse=args.warehouse))
    return 0


def _unknown(args: argparse.Namespace) -> int:
    _print(returns.record_unknown(store_from(args), SYSTEM, args.tracking, _items(args.line),
                                  warehouse=args.warehouse, note=args.note))
    return 0


def _match(args: argparse.Namespace) -> int:
    _print(returns.match(store_from(args), SYSTEM, args.number, args.code))
    return 0


def _list(args: argparse.Namespace) -> int:
    rows = returns.list_returns(store_from(args), SYSTEM, status=args.status, limit=args.limit)
    for r in rows:
        _print(r)
    print(f"{len(rows)} returns")
    return 0


def _show(args: argparse.Namespace) -> int:
    _print(returns.get(store_from(args), SYSTEM, args.number))
    return 0
