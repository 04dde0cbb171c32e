"""``ecerp pipeline run|intercept|release|unmerge`` (and ``ecerp orders process`` once the
orders command wires :func:`register_process`): the order pipeline from the command line.

Buyer-typed text is never printed here: counts, ids, reasons and rule names only.
"""

from __future__ import annotations

import argparse
import sys

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import pipeline as svc


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pipeline", help="order pipeline: review, merge, split, reserve")
    ps = p.add_subparsers(dest="pipeline_command", metavar="ACTION", required=True)
    register_process(ps, name="run")
    ic = ps.add_parser("intercept", help="stop an order that is not shipped yet (截单)")
    ic.add_argument("order_id", type=int)
    ic.add_argument("--reason", default="refund requested")
    ic.add_argument("--line", type=int, action="append", dest="lines", metavar="LINE_ID",
                    help="only the parcel(s) of this order line (partial refund); repeatable")
    ic.set_defaults(func=_intercept)
    rl = ps.add_parser("release", help="release a held order back to review")
    rl.add_argument("order_id", type=int)
    rl.add_argument("--note", default="")
    rl.set_defaults(func=_release)
    um = ps.add_parser("unmerge", help="undo the merge (合单) an order is part of")
    um.add_argument("order_id", type=int)
    um.set_defaults(func=_unmerge)


def register_process(orders_sub: argparse._SubParsersAction, name: str = "process") -> None:
    """Add ``process`` under ``ecerp orders`` (call from cli/orders.py's register)."""
    pr = orders_sub.add_parser(name, help="run pending orders through the pipeline "
                                          "(map, gifts, rules, merge, split, reserve)")
    pr.add_argument("--limit", type=int, help="at most this many orders")
    pr.add_argument("--chunk", type=int, default=svc.CHUNK, help="orders per transaction")
    pr.add_argument("--quiet", action="store_true", help="no progress on stderr")
    pr.set_defaults(func=_process)


def _process(args: argparse.Namespace) -> int:
    store = store_from(args)

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    res = svc.process_pending(store, SYSTEM, progress, chunk_size=args.chunk,
                              limit=args.limit)
    if not args.quiet and res.processed:
        print(file=sys.stderr)
    print(f"processed {res.processed} in {res.seconds:.1f} s")
    print(f"approved  {res.approved}")
    print(f"held      {res.held_total}")
    for reason, n in sorted(res.held.items()):
        print(f"  {reason:<20} {n}")
    print(f"merged    {res.merged}")
    print(f"split     {res.split}")
    print(f"parcels   {res.parcels}")
    if res.unchanged:
        print(f"unchanged {res.unchanged} (still held for the same reason)")
    return 0


def _intercept(args: argparse.Namespace) -> int:
    res = svc.intercept(store_from(args), args.order_id, args.reason, args.lines, SYSTEM)
    print(f"order {res.order_id}: {res.status}; parcels stopped: "
          f"{', '.join(map(str, res.parcels)) or 'none'}; waybill cancels queued: "
          f"{res.waybill_cancels}")
    if res.back_to_review:
        print("back to review (shared a merged parcel): "
              + ", ".join(map(str, res.back_to_review)))
    return 0


def _release(args: argparse.Namespace) -> int:
    svc.release_hold(store_from(args), args.order_id, SYSTEM, args.note)
    print(f"order {args.order_id}: back to review")
    return 0


def _unmerge(args: argparse.Namespace) -> int:
    members = svc.unmerge(store_from(args), args.order_id, SYSTEM)
    print("split off: " + (", ".join(map(str, members)) if members else "nothing (not merged)"))
    return 0
