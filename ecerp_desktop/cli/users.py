"""``ecerp users add|list|passwd``."""

from __future__ import annotations

import argparse
import getpass
import os

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.cli.main import CommandError
from ecerp_desktop.domain.auth import SYSTEM, Role
from ecerp_desktop.services import auth


def register(sub: argparse._SubParsersAction) -> None:
    users = sub.add_parser("users", help="users and roles")
    us = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = us.add_parser("add", help="add a user")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--name", default="", help="display name")
    add.add_argument("--password-env", metavar="VAR", help=(
        "read the password from this environment variable instead of asking"))
    add.set_defaults(func=_add)
    us.add_parser("list", help="list users").set_defaults(func=_list)


def _password(args: argparse.Namespace) -> str:
    if args.password_env:
        value = os.environ.get(args.password_env)
        if value is None:
            raise CommandError(f"environment variable {args.password_env} is not set")
        return value
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise CommandError("the passwords differ")
    return first


def _add(args: argparse.Namespace) -> int:
    store = store_from(args)
    # The command line runs with the machine owner's rights, like `ecerp db upgrade`.
    user = auth.create_user(store, SYSTEM, args.username, _password(args), args.role,
                            args.name)
    print(f"user {user.username} ({user.role}) added")
    return 0


def _list(args: argparse.Namespace) -> int:
    store = store_from(args)
    for u in auth.list_users(store, SYSTEM):
        print(f"{u.username}\t{u.role}\t{'active' if u.active else 'disabled'}\t{u.display_name}")
    return 0
