"""``ecerp orders list [--shop NAME] [--status S] [--json]``: buyer data masked."""

from __future__ import annotations

import argparse
import json
import os
import sys

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.cli.orders_process import register_process
from ecerp_desktop.domain.orders import OrderStatus
from ecerp_desktop.domain.timeutil import format_local
from ecerp_desktop.services import orders_query
from ecerp_desktop.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    orders = sub.add_parser("orders", help="orders of every shop")
    os_ = orders.add_subparsers(dest="orders_command", metavar="ACTION", required=True)
    ls = os_.add_parser("list", help="list orders (buyer name and phone masked)")
    ls.add_argument("--shop", help="only this shop (by name)")
    ls.add_argument("--status", type=str.lower, choices=[s.value for s in OrderStatus])
    ls.add_argument("--json", action="store_true", help="one JSON object per line")
    ls.set_defaults(func=_list)
    register_process(os_)  # `ecerp orders process`: the pipeline's command


def _list(args: argparse.Namespace) -> int:
    store = store_from(args)
    try:
        _print(store, args)
    except BrokenPipeError:  # `ecerp orders list | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _print(store: Store, args: argparse.Namespace) -> None:
    for o in orders_query.iter_orders(store, shop=args.shop, status=args.status):
        if args.json:
            print(json.dumps(orders_query.as_json(o), ensure_ascii=False))
        else:
            # buyer-typed text never carries control characters to the terminal
            where = "".join(ch for ch in f"{o.province}{o.city}{o.district}" if ch.isprintable())
            print(f"{o.id}\t{o.shop}\t{o.platform_order_id}\t{o.status}\t"
                  f"{o.paid_amount:.2f}\t{format_local(o.created_at)}\t{where}\t"
                  f"{','.join(o.hold_reasons)}")
