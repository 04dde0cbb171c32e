"""``ecerp shop add|list``: the shops whose orders are pulled. Secrets go to the OS
credential store, never to the database or a file."""

from __future__ import annotations

import argparse
import os

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.cli.main import CommandError
from ecerp_desktop.connectors.registry import PLATFORMS
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import shops


def register(sub: argparse._SubParsersAction) -> None:
    shop = sub.add_parser("shop", help="shops on the platforms")
    ss = shop.add_subparsers(dest="shop_command", metavar="ACTION", required=True)
    add = ss.add_parser("add", help="add a shop (secrets go to the OS credential store)")
    add.add_argument("--platform", required=True, choices=PLATFORMS)
    add.add_argument("--name", required=True)
    add.add_argument("--endpoint", required=True, help="API URL (the platform's gateway)")
    add.add_argument("--app-key", required=True)
    add.add_argument("--app-secret", help="app secret (or --app-secret-env VAR)")
    add.add_argument("--app-secret-env", metavar="VAR",
                     help="read the app secret from this environment variable")
    add.add_argument("--session", default="", help="session / access token")
    add.add_argument("--backfill-days", type=int, default=3,
                     help="days a new shop pulls back on its first run (default 3)")
    add.set_defaults(func=_add)
    ss.add_parser("list", help="list shops").set_defaults(func=_list)


def _add(args: argparse.Namespace) -> int:
    secret = args.app_secret
    if args.app_secret_env:
        secret = os.environ.get(args.app_secret_env)
        if secret is None:
            raise CommandError(f"environment variable {args.app_secret_env} is not set")
    if not secret:
        raise CommandError("--app-secret (or --app-secret-env) is required")
    if args.backfill_days < 0:
        raise CommandError("--backfill-days cannot be negative")
    store = store_from(args)
    shop = shops.add_shop(store, SYSTEM, platform=args.platform, name=args.name,
                          endpoint=args.endpoint, app_key=args.app_key, app_secret=secret,
                          session=args.session, backfill_days=args.backfill_days)
    print(f"shop {shop.name} ({shop.platform}) added as #{shop.id}")
    return 0


def _list(args: argparse.Namespace) -> int:
    store = store_from(args)
    for s in shops.list_shops(store):
        state = "active" if s.active else "inactive"
        print(f"{s.id}\t{s.name}\t{s.platform}\t{s.endpoint}\t{state}")
    return 0
