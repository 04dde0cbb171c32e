"""``ecerp couriers add|list`` and ``ecerp waybills assign|show|cancel-stopped``.

``couriers add --code ZTO --name 中通 --range 7700000001-7700009999`` gives a courier a
block of its own numbers; ``--cainiao --endpoint URL --app-key K --app-secret S --session T``
makes it ask the Cainiao e-waybill service instead (secret and session go to the OS
credential store). Buyer-typed text is never printed: ids, numbers and counts only.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.cli.main import CommandError
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.errors import DomainError
from ecerp_desktop.domain.money import money
from ecerp_desktop.services import waybills as svc
from ecerp_desktop.store import waybills as ws


def register(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("couriers", help="couriers and their e-waybill numbering")
    cs = c.add_subparsers(dest="couriers_command", metavar="ACTION", required=True)
    add = cs.add_parser("add", help="add a courier (or a number block to one)")
    add.add_argument("--code", required=True, help="courier code, e.g. ZTO, YTO, SF")
    add.add_argument("--name", required=True)
    src = add.add_mutually_exclusive_group(required=True)
    src.add_argument("--range", metavar="FIRST-LAST",
                     help="a pre-assigned block of waybill numbers")
    src.add_argument("--cainiao", action="store_true",
                     help="get numbers from the Cainiao e-waybill service (菜鸟电子面单)")
    add.add_argument("--endpoint", default="", help="TOP gateway URL (with --cainiao)")
    add.add_argument("--app-key", default="")
    add.add_argument("--app-secret", default="")
    add.add_argument("--session", default="")
    add.add_argument("--sign-method", default="md5", choices=("md5", "hmac", "hmac-sha256"))
    add.add_argument("--cp-code", default="", help="Cainiao cp_code (default: --code)")
    add.add_argument("--product-code", default="")
    add.add_argument("--rate", metavar="FIRST[,STEP]",
                     help="default price: first kg, each further kg (e.g. 5,2); without it a "
                          "new courier gets a zero rate so the pipeline can choose it")
    add.set_defaults(func=_add)
    ls = cs.add_parser("list", help="couriers, their numbering and numbers left")
    ls.set_defaults(func=_list)

    w = sub.add_parser("waybills", help="e-waybill numbers (电子面单) for parcels")
    wsub = w.add_subparsers(dest="waybills_command", metavar="ACTION", required=True)
    asg = wsub.add_parser("assign", help="get numbers for approved parcels")
    which = asg.add_mutually_exclusive_group(required=True)
    which.add_argument("--order", type=int, metavar="ID", help="the parcels of this order")
    which.add_argument("--all-approved", action="store_true",
                       help="every open parcel of an approved order")
    asg.add_argument("--quiet", action="store_true", help="no progress on stderr")
    asg.set_defaults(func=_assign)
    show = wsub.add_parser("show", help="the waybills of an order")
    show.add_argument("--order", type=int, metavar="ID", required=True)
    show.set_defaults(func=_show)
    cst = wsub.add_parser("cancel-stopped",
                          help="queue cancels for numbers of intercepted/cancelled parcels")
    cst.set_defaults(func=_cancel_stopped)


def _range(text: str) -> tuple[str, str]:
    first, sep, last = text.partition("-")
    if not sep or not first.strip() or not last.strip():
        raise CommandError(f"--range needs FIRST-LAST, got {text!r}")
    return first.strip(), last.strip()


def _rate(text: str | None) -> tuple[Decimal, Decimal] | None:
    if not text:
        return None
    first, _, step = text.partition(",")
    try:
        return money(first.strip()), money(step.strip() or "0")
    except DomainError as exc:
        raise CommandError(f"--rate needs FIRST[,STEP] amounts, got {text!r}") from exc


def _add(args: argparse.Namespace) -> int:
    rate = _rate(args.rate)
    store = store_from(args)
    courier, block = svc.add_courier(
        store, SYSTEM, code=args.code, name=args.name,
        number_range=_range(args.range) if args.range else None, cainiao=args.cainiao,
        endpoint=args.endpoint, app_key=args.app_key, app_secret=args.app_secret,
        session=args.session, sign_method=args.sign_method, cp_code=args.cp_code,
        product_code=args.product_code, rate=rate)
    what = (f"numbers {block.first}-{block.last} ({block.remaining} numbers)" if block
            else "numbers from Cainiao")
    print(f"courier {courier.code} (id {courier.id}): {what}")
    return 0


def _list(args: argparse.Namespace) -> int:
    for courier, blocks in svc.list_couriers(store_from(args)):
        left = sum(b.remaining for b in blocks)
        extra = (f"{left} numbers left in {len(blocks)} block(s)"
                 if courier.waybill_source == svc.RANGE else
                 f"cp_code {courier.settings.get('cp_code', courier.code)}")
        print(f"{courier.id:>4}  {courier.code:<8} {courier.waybill_source:<8} {extra}")
    return 0


def _assign(args: argparse.Namespace) -> int:
    store = store_from(args)

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    res = svc.assign_waybills(store, SYSTEM, order_ids=[args.order] if args.order else None,
                              progress=progress)
    if not args.quiet and (res.assigned or res.failed):
        print(file=sys.stderr)
    for pid, number in sorted(res.assigned.items()):
        print(f"parcel {pid}: {number}")
    print(f"assigned {len(res.assigned)}; recovered after an interruption "
          f"{len(res.recovered)}; orders now waybilled {len(res.waybilled_orders)}")
    for pid, why in sorted(res.skipped.items()):
        print(f"parcel {pid}: skipped ({why})")
    for pid, why in sorted(res.failed.items()):
        print(f"parcel {pid}: failed ({why})")
    return 1 if res.failed else 0


def _show(args: argparse.Namespace) -> int:
    store = store_from(args)
    with store.read() as s:
        rows = ws.waybills_of_orders(s, [args.order])
    if not rows:
        print(f"order {args.order} has no waybill")
    for w in rows:
        print(f"parcel {w.parcel_id}: {w.number} {w.status} sort {w.sort_code or '-'}")
    return 0


def _cancel_stopped(args: argparse.Namespace) -> int:
    n = svc.cancel_stopped(store_from(args), SYSTEM)
    print(f"waybill cancels queued: {n}")
    return 0
