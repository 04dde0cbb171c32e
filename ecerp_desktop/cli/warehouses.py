"""``ecerp warehouses add|list``."""

from __future__ import annotations

import argparse

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import catalog


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("warehouses", help="warehouses (仓库)")
    ws = p.add_subparsers(dest="warehouses_command", metavar="ACTION", required=True)
    add = ws.add_parser("add", help="add a warehouse (or update the one with this name)")
    add.add_argument("name")
    add.add_argument("--province", default="", help="province, e.g. 浙江省")
    add.add_argument("--code", help="short code (default: WH01, WH02, …)")
    add.set_defaults(func=_add)
    ws.add_parser("list", help="list warehouses").set_defaults(func=_list)


def _add(args: argparse.Namespace) -> int:
    store = store_from(args)
    wh, created = catalog.add_warehouse(store, SYSTEM, args.name, province=args.province,
                                        code=args.code)
    print(f"warehouse {wh.code} {wh.name} {'added' if created else 'already there'}")
    return 0


def _list(args: argparse.Namespace) -> int:
    store = store_from(args)
    for w in catalog.list_warehouses(store, SYSTEM):
        print(f"{w.code}\t{w.name}\t{w.province}")
    return 0
