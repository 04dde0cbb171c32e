"""``ecerp printers list|add``: printer profiles, named printers, discovered printers."""

from __future__ import annotations

import argparse

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.cli.messages import describe
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.printing.profiles import load_profiles
from ecerp_desktop.printing.transports import discover
from ecerp_desktop.services import printing


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("printers", help="printer profiles, named printers, discovery")
    ps = p.add_subparsers(dest="printers_command", metavar="ACTION", required=True)
    ps.add_parser("list", help="profiles, this station's printers, discovered printers"
                  ).set_defaults(func=_list)
    a = ps.add_parser("add", help="name a printer: its profile and where it is")
    a.add_argument("name")
    a.add_argument("--profile", required=True, help="profile id (see: ecerp printers list)")
    a.add_argument("--target", required=True,
                   help="tcp://HOST[:PORT], serial:PORT?baud=N, cups://QUEUE, win://QUEUE")
    a.set_defaults(func=_add)


def _list(args: argparse.Namespace) -> int:
    profiles, errors = load_profiles()
    print("Printer profiles:")
    for pid, p in sorted(profiles.items()):
        font = f", CJK font {p.cjk_font}" if p.cjk_font else ""
        print(f"  {pid:22} {p.language:6} {p.dpi} dpi  {p.name}  "
              f"[{', '.join(p.sizes)}]{font}")
    for err in errors:
        print(f"  broken: {describe(err)}")
    store = store_from(args)
    named = printing.configured_printers(store)
    print("Named printers:")
    for n in named:
        print(f"  {n['name']:22} {n['profile']:22} {n['target']}")
    if not named:
        print("  (none: add one with `ecerp printers add NAME --profile ID --target ...`)")
    print("Discovered:")
    found = discover()
    for d in found:
        print(f"  {d.name:22} {d.via:8} {d.target}  {d.detail}")
    if not found:
        print("  (none)")
    return 0


def _add(args: argparse.Namespace) -> int:
    store = store_from(args)
    printing.save_printer(store, SYSTEM, args.name, args.profile, args.target)
    print(f"printer {args.name} saved ({args.profile}, {args.target})")
    return 0
