"""``ecerp stock import|show|check|adjust|sync``."""

from __future__ import annotations

import argparse

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.cli.skus import print_report
from ecerp_desktop.cli.stock_sync import add_subcommand as add_sync
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import imports
from ecerp_desktop.services import stock as stock_service


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stock", help="stock (库存)")
    ss = p.add_subparsers(dest="stock_command", metavar="ACTION", required=True)
    imp = ss.add_parser("import", help=(
        "set on-hand quantities from CSV or XLSX with a header row: warehouse, sku, "
        "quantity (importing the same file twice changes nothing)"))
    imp.add_argument("file")
    imp.set_defaults(func=_import)
    show = ss.add_parser("show", help="stock of one SKU (code or barcode) per warehouse")
    show.add_argument("sku")
    show.set_defaults(func=_show)
    ss.add_parser("check", help=(
        "rebuild every balance from the ledger and report drifts (exit 1 if any)")
    ).set_defaults(func=_check)
    adj = ss.add_parser("adjust", help="change on hand by a quantity (+/-) with a reason")
    adj.add_argument("warehouse")
    adj.add_argument("sku")
    adj.add_argument("delta", type=int)
    adj.add_argument("--reason", required=True)
    adj.set_defaults(func=_adjust)
    add_sync(ss)


def _import(args: argparse.Namespace) -> int:
    store = store_from(args)
    return print_report(imports.import_stock(store, SYSTEM, args.file))


def _show(args: argparse.Namespace) -> int:
    store = store_from(args)
    found = stock_service.show(store, SYSTEM, args.sku)
    print(f"{found.sku.code} {found.sku.name}")
    print("warehouse\ton_hand\treserved\tavailable\tin_transit")
    for wh, b in found.rows:
        print(f"{wh.name}\t{b.on_hand}\t{b.reserved}\t{b.available}\t{b.in_transit}")
    return 0


def _check(args: argparse.Namespace) -> int:
    store = store_from(args)
    drifts = stock_service.check(store, SYSTEM)
    for d in drifts:
        print(f"drift warehouse={d.warehouse_id} sku={d.sku_id}: stored "
              f"{d.stored.on_hand}/{d.stored.reserved}/{d.stored.in_transit}, ledger "
              f"{d.ledger.on_hand}/{d.ledger.reserved}/{d.ledger.in_transit} "
              "(on hand/reserved/in transit)")
    print(f"{len(drifts)} drifts")
    return 1 if drifts else 0


def _adjust(args: argparse.Namespace) -> int:
    store = store_from(args)
    b = stock_service.adjust(store, SYSTEM, args.warehouse, args.sku, args.delta,
                             args.reason)
    print(f"on hand {b.on_hand}, reserved {b.reserved}, available {b.available}")
    return 0
