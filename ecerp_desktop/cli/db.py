"""``ecerp db upgrade``: bring any database to the newest schema."""

from __future__ import annotations

import argparse

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.services.setup import upgrade_database
from ecerp_desktop.store import migrate


def register(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="database schema")
    dbsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dbsub.add_parser("upgrade", help="upgrade the schema to the newest revision")
    up.set_defaults(func=_upgrade)
    cur = dbsub.add_parser("current", help="print the schema revision")
    cur.set_defaults(func=_current)


def _upgrade(args: argparse.Namespace) -> int:
    store = store_from(args, upgrade=False)
    changed = upgrade_database(store)
    rev = migrate.current_revision(store)
    print(f"{store.describe()}: schema {'upgraded to' if changed else 'already at'} {rev}")
    return 0


def _current(args: argparse.Namespace) -> int:
    store = store_from(args, upgrade=False)
    print(migrate.current_revision(store) or "empty")
    return 0
