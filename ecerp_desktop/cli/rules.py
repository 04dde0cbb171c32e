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
from ecerp_desktop.store import pipeline as ps


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
    store = store_from(args)
    with store.read() as s:
        versions = ps.rule_versions(s, ps.GIFT_RULES if args.gifts else ps.REVIEW_RULES)
    for v in versions:
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
