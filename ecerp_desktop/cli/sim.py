"""``ecerp sim serve``: run the platform simulators in the foreground."""

from __future__ import annotations

import argparse
from pathlib import Path

from ecerp_desktop.cli.main import CommandError
from ecerp_desktop.sim.faults import FaultSpec
from ecerp_desktop.sim.serve import SIMULATORS, serve


def register(sub: argparse._SubParsersAction) -> None:
    sim = sub.add_parser("sim", help="platform simulators (local test servers)")
    ss = sim.add_subparsers(dest="sim_command", metavar="SUBCOMMAND", required=True)
    p = ss.add_parser("serve", help="serve simulated platforms on 127.0.0.1 until Ctrl-C")
    p.add_argument("--platform", action="append", choices=sorted(SIMULATORS),
                   help="platform to simulate (repeatable; default: all)")
    p.add_argument("--port", type=int, default=0,
                   help="first port (the next platforms take the following ports; "
                        "default: free ports)")
    p.add_argument("--orders-per-minute", type=float, default=30.0,
                   help="new orders per minute per platform (default 30)")
    p.add_argument("--backfill", type=int, default=500,
                   help="orders pre-generated over the last 24 hours (default 500)")
    p.add_argument("--faults", metavar="SPEC", default=None,
                   help="misbehaviour, e.g. latency=0.2,rate429=0.1,code7=0.05,"
                        "http500=0.05,html200=0.02,truncated=0.02,repeat=0.05,"
                        "endless_paging,poison=1")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sku-codes", metavar="FILE", type=Path,
                   help="sell these merchant codes (one per line), e.g. your own SKU codes, "
                        "so pulled order lines map to SKUs")
    p.add_argument("--bundle-codes", metavar="FILE", type=Path,
                   help="bundle codes (one per line) sold now and then")
    p.set_defaults(func=_serve)


def _codes(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    codes = list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
    if not codes:
        raise CommandError(f"{path} holds no codes")
    return codes


def _serve(args: argparse.Namespace) -> int:
    try:
        FaultSpec.parse(args.faults)
    except ValueError as exc:
        raise CommandError(f"--faults: {exc}") from None
    if not 0 <= args.port <= 65535:
        raise CommandError("--port must be between 0 and 65535")
    platforms = args.platform or list(SIMULATORS)
    sku_codes = _codes(args.sku_codes) or None
    bundle_codes = _codes(args.bundle_codes)
    try:
        return serve(platforms, out=lambda line: print(line, flush=True), port=args.port,
                     orders_per_minute=args.orders_per_minute, faults=args.faults,
                     seed=args.seed, backfill=max(0, args.backfill), sku_codes=sku_codes,
                     bundle_codes=bundle_codes)
    except OSError as exc:
        raise CommandError(f"cannot start the simulators: {exc}") from None
