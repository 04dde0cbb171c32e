"""``ecerp demo seed``: the demo database, headless (the desktop app's --demo seeds the same).

The demo never touches the working database: it uses ``--db`` when given, otherwise its own
file ``demo.sqlite3`` in the user data folder (ECERP_DATABASE_URL is ignored on purpose).
"""

from __future__ import annotations

import argparse
import time

from ecerp_desktop.services import demo
from ecerp_desktop.services.setup import open_store
from ecerp_desktop.store import default_sqlite_url

DEMO_FILE = "demo.sqlite3"


def demo_url(explicit: str | None) -> str:
    return explicit or default_sqlite_url(DEMO_FILE)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="demo data")
    ds = p.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    seed = ds.add_parser("seed", help=(
        "create the demo database (users admin, clerk, packer, warehouse, finance with "
        f"password {demo.DEMO_PASSWORD}; SKUs, warehouses, shops, couriers, "
        f"{demo.ORDER_COUNT} orders); does nothing if it is already seeded"))
    seed.set_defaults(func=_seed)


def _seed(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    store = open_store(demo_url(args.db))
    try:
        already = demo.is_seeded(store)
        demo.ensure_demo(store)
    finally:
        store.dispose()
    took = time.perf_counter() - started
    state = "already seeded" if already else f"seeded in {took:.1f} s"
    print(f"demo database {store.describe()}: {state}")
    print("users: " + ", ".join(f"{u} ({r})" for u, _, r in demo.DEMO_USERS)
          + f"; password {demo.DEMO_PASSWORD}")
    return 0
