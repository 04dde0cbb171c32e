"""``ecerp version``."""

from __future__ import annotations

import argparse
import platform

import ecerp_desktop


def register(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("version", help="print the version").set_defaults(func=_version)


def _version(args: argparse.Namespace) -> int:
    print(f"ecerp {ecerp_desktop.__version__} (Python {platform.python_version()})")
    return 0
