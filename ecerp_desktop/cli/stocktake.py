"""``ecerp stocktake create|scan|variances|post|list|reset|assign|cancel`` (盘点)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.cli.main import CommandError
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.stocktake import Uncounted, parse_scans
from ecerp_desktop.services import stocktake as svc

MAX_SCANS_FILE = 20 * 1024 * 1024


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stocktake", help="stocktake: count stock by scanning, post differences "
                                         "(盘点)")
    ss = p.add_subparsers(dest="stocktake_command", metavar="ACTION", required=True)
    c = ss.add_parser("create", help="open a count of a warehouse (all SKUs, some, or a "
                                     "location)")
    c.add_argument("--warehouse", required=True, help="warehouse code or name")
    c.add_argument("--sku", action="append", default=[], metavar="SKU",
                   help="count only these SKUs (code or barcode; repeat)")
    c.add_argument("--location", default="", help="count one location (its SKUs join the "
                                                  "count as they are scanned there)")
    c.add_argument("--blind", action="store_true", help="hide book quantities from counters")
    c.add_argument("--freeze", action="store_true",
                   help="take every SKU's book now (default: when it is first counted)")
    c.add_argument("--note", default="")
    c.set_defaults(func=_create)
    s = ss.add_parser("scan", help="add a file of scans: one barcode per line, optionally "
                                   "',QTY' (the whole file or nothing)")
    s.add_argument("count", help="the count's number (ST…)")
    s.add_argument("--scans", required=True, metavar="FILE")
    s.add_argument("--station", default="cli")
    s.add_argument("--zone", default="", help="the location or zone counted")
    s.set_defaults(func=_scan)
    v = ss.add_parser("variances", help="book vs counted per SKU, with the value at cost")
    v.add_argument("count")
    v.add_argument("--all", action="store_true", help="also the SKUs without a difference")
    v.add_argument("--exclude-uncounted", action="store_true",
                   help="show uncounted SKUs unchanged instead of counted as zero")
    v.add_argument("--csv", metavar="FILE", help="also write the rows to a CSV file")
    v.set_defaults(func=_variances)
    po = ss.add_parser("post", help="post the differences as COUNT moves (once)")
    po.add_argument("count")
    po.add_argument("--exclude-uncounted", action="store_true",
                    help="leave SKUs nobody counted alone (default: they are counted as zero)")
    po.set_defaults(func=_post)
    ls = ss.add_parser("list", help="the counts, newest first")
    ls.add_argument("--limit", type=int, default=50)
    ls.set_defaults(func=_list)
    r = ss.add_parser("reset", help="recount a SKU: void its scans (of one station, or all)")
    r.add_argument("count")
    r.add_argument("sku")
    r.add_argument("--station", default=None)
    r.set_defaults(func=_reset)
    a = ss.add_parser("assign", help="count scans kept aside: an unknown barcode as a SKU, or "
                                     "take an out-of-scope SKU into the count")
    a.add_argument("count")
    a.add_argument("barcode", help="the code as it was scanned")
    a.add_argument("sku", nargs="?", default="", help="the SKU it is (for an unknown barcode)")
    a.set_defaults(func=_assign)
    x = ss.add_parser("cancel", help="abandon an open count (nothing is posted)")
    x.add_argument("count")
    x.set_defaults(func=_cancel)


def _policy(args: argparse.Namespace) -> Uncounted:
    return Uncounted.EXCLUDE if args.exclude_uncounted else Uncounted.ZERO


def _create(args: argparse.Namespace) -> int:
    count = svc.create(store_from(args), SYSTEM, args.warehouse, skus=args.sku,
                       location=args.location, blind=args.blind, freeze=args.freeze,
                       note=args.note)
    print(f"{count.number} open: {count.warehouse}, scope {count.scope.value}"
          f"{' ' + count.location if count.location else ''}, {count.skus_in_scope} SKUs"
          f"{', blind' if count.blind else ''}{', book frozen' if count.frozen else ''}")
    return 0


def _read_scans(path: str) -> list[tuple[str, int]]:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_SCANS_FILE:
            raise CommandError(f"{path}: larger than {MAX_SCANS_FILE // 1024 // 1024} MB")
        data = p.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    return parse_scans(text, path)


def _scan(args: argparse.Namespace) -> int:
    scans = _read_scans(args.scans)
    results = svc.scan_many(store_from(args), SYSTEM, args.count, scans,
                            station=args.station, zone=args.zone)
    flagged = [r for r in results if not r.ok]
    units = sum(r.qty for r in results if r.ok)
    print(f"{len(results)} scans, {units} units counted, {len(flagged)} flagged")
    for r in flagged:
        what = "unknown barcode" if r.flag.value == "unknown" else f"{r.sku_code} not in count"
        print(f"  flagged {r.code} x{r.qty}: {what}")
    return 1 if flagged else 0


def _variances(args: argparse.Namespace) -> int:
    report = svc.variances(store_from(args), SYSTEM, args.count,
                           only_differences=not args.all, uncounted=_policy(args))
    u = report.uncounted
    print("sku\tname\tbook\tcounted\ton_hand\treserved\tdifference\tvalue\tnote")
    for ln in report.lines:
        note = "BELOW RESERVED" if ln.below_reserved(u) else (
            "uncounted" if not ln.is_counted else "")
        print(f"{ln.code}\t{ln.name}\t{'' if ln.book is None else ln.book}\t"
              f"{'' if ln.counted is None else ln.counted}\t{ln.on_hand}\t{ln.reserved}\t"
              f"{ln.delta(u):+d}\t{ln.value(u)}\t{note}".rstrip())
    t = report.totals
    print(f"{t.in_scope} SKUs in scope, {t.counted} counted, {t.differing} differ: "
          f"+{t.units_over} / -{t.units_short} units, value {t.value}")
    for f in svc.flagged(store_from(args), SYSTEM, args.count):
        print(f"flagged {f.barcode} x{f.qty} ({f.flag.value}) at {f.stations or '-'}")
    if args.csv:
        try:
            rows = svc.export_variances_csv(store_from(args), SYSTEM, args.count, args.csv,
                                            only_differences=not args.all,
                                            uncounted=_policy(args))
        except OSError as exc:
            raise CommandError(f"cannot write {args.csv}: {exc.strerror or exc}") from exc
        print(f"{rows} rows written to {args.csv}")
    return 0


def _post(args: argparse.Namespace) -> int:
    result = svc.post(store_from(args), SYSTEM, args.count, uncounted=_policy(args))
    print(f"{result.number} posted: {result.moves} SKUs changed, +{result.units_over} / "
          f"-{result.units_short} units, value {result.value}")
    return 0


def _list(args: argparse.Namespace) -> int:
    print("number\twarehouse\tscope\tstatus\tcounted/in scope\tcreated\tby")
    for c in svc.list_counts(store_from(args), SYSTEM, limit=args.limit):
        print(f"{c.number}\t{c.warehouse}\t{c.scope.value}{' blind' if c.blind else ''}\t"
              f"{c.status.value}\t{c.skus_counted}/{c.skus_in_scope}\t"
              f"{c.created_at:%Y-%m-%d %H:%M}\t{c.created_by}")
    return 0


def _reset(args: argparse.Namespace) -> int:
    units = svc.reset(store_from(args), SYSTEM, args.count, args.sku, station=args.station)
    print(f"{units} units voided; count {args.sku} again")
    return 0


def _assign(args: argparse.Namespace) -> int:
    r = svc.assign(store_from(args), SYSTEM, args.count, args.barcode, args.sku)
    print(f"{r.qty} units of {args.barcode} counted as {r.sku_code}; {r.sku_code} counted "
          f"{r.counted}")
    return 0


def _cancel(args: argparse.Namespace) -> int:
    count = svc.cancel(store_from(args), SYSTEM, args.count)
    print(f"{count.number} {count.status.value}")
    return 0
