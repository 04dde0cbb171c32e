"""``ecerp``: subcommands for set-up, imports, sync, printing, stock and benchmarks.

Each module in this package that defines ``register(subparsers)`` adds its commands; a
command is a function ``run(args) -> int``. A user mistake is one line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence

import ecerp_desktop
from ecerp_desktop.cli.messages import describe
from ecerp_desktop.domain.errors import DomainError

EXIT_USER_ERROR = 2


class CommandError(Exception):
    """A user-facing failure of a command, already in words."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecerp", description=(
        "ecerp e-commerce ERP (电商ERP), headless commands"))
    parser.add_argument("--db", metavar="URL", help=(
        "database URL (default: ECERP_DATABASE_URL, else SQLite in the user data folder)"))
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    package = importlib.import_module("ecerp_desktop.cli")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name in {"main", "messages", "common"}:
            continue
        module = importlib.import_module(f"ecerp_desktop.cli.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except DomainError as exc:
        print(f"ecerp: error: {describe(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except CommandError as exc:
        print(f"ecerp: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("ecerp: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

__all__ = ["CommandError", "build_parser", "ecerp_desktop", "main"]
