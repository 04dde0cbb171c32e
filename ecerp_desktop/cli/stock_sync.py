"""``ecerp stock sync``: queue stock pushes to the shops and deliver them (按比例同步).

Hooked into ``ecerp stock`` by :mod:`ecerp_desktop.cli.stock` (no top-level command here).
"""

from __future__ import annotations

import argparse
import sys

from ecerp_desktop.cli.common import store_from


def add_subcommand(ss: argparse._SubParsersAction) -> None:
    p = ss.add_parser("sync", help=(
        "compute each shop listing's share of available stock, queue the changed "
        "quantities and push them through the sync engine"))
    p.add_argument("--once", action="store_true",
                   help="one pass, then exit (the default; the app runs it continuously)")
    p.add_argument("--full", action="store_true",
                   help="push every listing's quantity, changed or not (repairs a shop)")
    p.add_argument("--no-push", action="store_true",
                   help="only queue the pushes; the next sync run delivers them")
    p.set_defaults(func=_sync)


def _sync(args: argparse.Namespace) -> int:
    from ecerp_desktop.services import sync as sync_service
    from ecerp_desktop.services.stock_sync import plan_and_enqueue

    store = store_from(args)
    queued = plan_and_enqueue(store, full=args.full)
    print(f"{queued} listings queued")
    if args.no_push:
        return 0
    runs = sync_service.run_once(store, engine=sync_service.make_engine(
        store, process_orders=False))
    delivered = sum(r.outbox.delivered for r in runs if r.outbox is not None)
    failed = [r for r in runs if r.error]
    print(f"{delivered} pushes delivered")
    for r in failed:
        print(f"ecerp: error: sync of shop {r.shop_name} failed: {r.error}", file=sys.stderr)
    return 1 if failed else 0
