"""``ecerp rules show|history|export|import|dry-run``: the review and gift rules.

Export writes one readable JSON document (review rules, SKU groups and gift rules);
import reads JSON or TOML and saves it as a new version (every version is kept).
A dry run shows what a rule file would do to recent orders without changing anything.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path
from typing import Any

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.cli.main import CommandError
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.rules import describe
from ecerp_desktop.domain.timeutil import format_local
from ecerp_desktop.services import pipeline as svc


def register(sub: argparse._SubParsersAction) -> None:
    rules = sub.add_parser("rules", help="review rules (智能审单) and gift rules (赠品规则)")
    rs = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    rs.add_parser("show", help="the current rules, one line each").set_defaults(func=_show)
    hi = rs.add_parser("history", help="every saved version")
    hi.add_argument("--gifts", action="store_true", help="gift rules instead")
    hi.set_defaults(func=_history)
    ex = rs.add_parser("export", help="write the current rules to FILE (JSON)")
    ex.add_argument("file", type=Path)
    ex.set_defaults(func=_export)
    im = rs.add_parser("import", help="save FILE (JSON or TOML) as the next version")
    im.add_argument("file", type=Path)
    im.add_argument("--comment", default="")
    im.set_defaults(func=_import)
    dr = rs.add_parser("dry-run", help="what the rules would do to recent orders, no changes")
    dr.add_argument("--days", type=int, default=7, help="orders created in the last N days")
    dr.add_argument("--rules", type=Path, metavar="FILE",
                    help="a draft rule file instead of the saved rules")
    dr.add_argument("--why", action="store_true", help="print every order's why")
    dr.add_argument("--limit", type=int, default=50, help="with --why: at most N orders")
    dr.set_defaults(func=_dry_run)
    rm = rs.add_parser("remote", help="list remote regions (偏远地区), or change one")
    rm.add_argument("region", nargs="?", help="e.g. 新疆 or 四川/甘孜")
    rm.add_argument("--hold", action="store_true", help="hold orders to it")
    rm.add_argument("--courier", help="route orders to it with this courier (code)")
    rm.add_argument("--remove", action="store_true", help="take the region off the list")
    rm.set_defaults(func=_remote)
    pr = rs.add_parser("priority", help="province → warehouse order (list, or set one)")
    pr.add_argument("province", nargs="?", help="a province, or * for everywhere else")
    pr.add_argument("warehouses", nargs="*", metavar="WAREHOUSE_CODE")
    pr.set_defaults(func=_priority)
    op = rs.add_parser("options", help="merge window, parcel weight and volume limits, "
                                       "split settings")
    op.add_argument("--merge", choices=["on", "off"])
    op.add_argument("--merge-window-hours", type=float)
    op.add_argument("--max-parcel-weight-g", type=int, help="0: no limit")
    op.add_argument("--max-parcel-volume-cm3", type=int,
                    help="0: no limit; a SKU without a volume counts as 0 cm³")
    op.add_argument("--split-by-warehouse", choices=["on", "off"])
    op.add_argument("--split-presale", choices=["on", "off"])
    op.set_defaults(func=_options)


def read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DomainError(ErrorCode.IMPORT_BAD_FILE, path=str(path), error=str(exc)) from exc
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise DomainError(ErrorCode.RULES_INVALID, where=str(path), error=str(exc)) from exc
    if not isinstance(data, dict):
        raise DomainError(ErrorCode.RULES_INVALID, where=str(path), error="not an object")
    return data


def _show(args: argparse.Namespace) -> int:
    rules, gifts = svc.current_rules(store_from(args))
    print(f"review rules, version {rules.version or '-'} (default: {rules.default})")
    for r in rules.rules:
        print(f"  {r.id:>3} {'on ' if r.enabled else 'off'} {r.name}: {describe(r)}")
    print(f"gift rules: {len(gifts)}")
    for g in gifts:
        gifts_text = ", ".join(f"{q} × {c}" for c, q in g.gifts)
        print(f"  {g.id:>3} {'on ' if g.enabled else 'off'} {g.name}: {gifts_text}")
    return 0


def _history(args: argparse.Namespace) -> int:
    for v in svc.rule_history(store_from(args), args.gifts):
        print(f"{v.version}\t{format_local(v.created_at)}\t{v.created_by}\t"
              f"{len(v.document.get('rules', []))} rules\t{v.comment}")
    return 0


def _export(args: argparse.Namespace) -> int:
    doc = svc.export_document(store_from(args))
    try:
        args.file.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {args.file}: {exc}") from exc
    print(f"rules version {doc['version']} written to {args.file}")
    return 0


def _import(args: argparse.Namespace) -> int:
    doc = read_file(args.file)
    v, g = svc.import_document(store_from(args), SYSTEM, doc,
                               args.comment or f"imported from {args.file.name}")
    print(f"saved as review rules version {v}"
          + (f", gift rules version {g}" if g is not None else ""))
    return 0


def _dry_run(args: argparse.Namespace) -> int:
    store = store_from(args)
    rules = gifts = None
    if args.rules is not None:
        rules, gifts = svc.read_document(read_file(args.rules))
    res = svc.dry_run(store, SYSTEM, rules, gifts, days=args.days, keep_why=args.why)
    print(f"dry run over {res.processed} orders of the last {args.days} days "
          f"({res.seconds:.1f} s), nothing changed")
    print(f"would approve  {res.approved}")
    print(f"would hold     {res.held_total}")
    for reason, n in sorted(res.held.items()):
        print(f"  {reason:<20} {n}")
    print(f"re-routed      {res.rerouted} (other warehouse or courier than now)")
    print(f"merged {res.merged}, split {res.split}, parcels {res.parcels}")
    if args.why:
        for oid in sorted(res.why)[: args.limit]:
            print(f"order {oid}: {res.outcome[oid]}")
            for w in res.why[oid]:
                print("    " + "".join(ch for ch in w if ch.isprintable()))
    return 0


def _remote(args: argparse.Namespace) -> int:
    store = store_from(args)
    if args.region:
        if args.remove:
            if not svc.remove_remote_region(store, SYSTEM, args.region):
                raise CommandError(f"{args.region} is not on the list")
        else:
            svc.set_remote_region(store, SYSTEM, args.region, args.hold, args.courier)
    for r in svc.remote_regions(store):
        what = "hold" if r.hold else (f"courier {r.courier_code}" if r.courier_code
                                      else "mark only")
        print(f"{r.region}\t{what}")
    return 0


def _priority(args: argparse.Namespace) -> int:
    store = store_from(args)
    if args.province:
        svc.set_province_priority(store, SYSTEM, args.province, args.warehouses)
    for province, codes in sorted(svc.province_priority(store).items()):
        print(f"{province}\t{' '.join(codes)}")
    return 0


def _options(args: argparse.Namespace) -> int:
    from dataclasses import replace

    store = store_from(args)
    opts = svc.options(store)
    changes: dict[str, Any] = {}
    if args.merge:
        changes["merge"] = args.merge == "on"
    if args.merge_window_hours is not None:
        changes["merge_window_hours"] = args.merge_window_hours
    if args.max_parcel_weight_g is not None:
        changes["max_parcel_weight_g"] = args.max_parcel_weight_g or None
    if args.max_parcel_volume_cm3 is not None:
        changes["max_parcel_volume_cm3"] = args.max_parcel_volume_cm3 or None
    if args.split_by_warehouse:
        changes["split_by_warehouse"] = args.split_by_warehouse == "on"
    if args.split_presale:
        changes["split_presale"] = args.split_presale == "on"
    if changes:
        opts = replace(opts, **changes)
        svc.set_options(store, SYSTEM, opts)
    for k, v in opts.to_dict().items():
        print(f"{k}\t{v}")
    return 0
