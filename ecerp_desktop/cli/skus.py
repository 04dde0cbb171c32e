"""``ecerp skus import FILE`` and ``ecerp skus list``."""

from __future__ import annotations

import argparse
import sys

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.cli.messages import describe
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import catalog, imports

EXIT_ROWS_FAILED = 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("skus", help="SKUs (商品)")
    ss = p.add_subparsers(dest="skus_command", metavar="ACTION", required=True)
    imp = ss.add_parser("import", help=(
        "import SKUs from CSV or XLSX with a header row: code, name, barcodes "
        "(separated by ;), weight_g, cost, and optionally volume_cm3"))
    imp.add_argument("file")
    imp.set_defaults(func=_import)
    ls = ss.add_parser("list", help="list SKUs")
    ls.add_argument("--limit", type=int, default=100)
    ls.set_defaults(func=_list)


def print_report(report: imports.ImportReport) -> int:
    """The per-row errors on stderr, a summary on stdout; 1 when any row failed."""
    for e in report.errors:
        print(f"{report.path} row {e.row}, column {e.column}: {describe(e.error)}",
              file=sys.stderr)
    print(f"{report.rows} rows: {report.created} created, {report.changed} changed, "
          f"{report.unchanged} unchanged, {len(report.errors)} failed")
    return EXIT_ROWS_FAILED if report.errors else 0


def _import(args: argparse.Namespace) -> int:
    store = store_from(args)
    return print_report(imports.import_skus(store, SYSTEM, args.file))


def _list(args: argparse.Namespace) -> int:
    store = store_from(args)
    for k in catalog.list_skus(store, SYSTEM, limit=args.limit):
        volume = "" if k.volume_cm3 is None else k.volume_cm3
        print(f"{k.code}\t{k.name}\t{';'.join(k.barcodes)}\t{k.weight_g}\t{k.cost}\t{volume}")
    return 0
