"""``ecerp sync run [--once] | status | outbox | retry | quarantine | pause | resume |
backfill``: pulling every shop's orders and pushing shipments and stock back."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.cli.main import CommandError
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.timeutil import iso
from ecerp_desktop.services import sync as sync_service
from ecerp_desktop.sync.pull import Progress

EXIT_SHOP_FAILED = 1


def register(sub: argparse._SubParsersAction) -> None:
    sync = sub.add_parser("sync", help="pull orders, push shipments and stock")
    ss = sync.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    run = ss.add_parser("run", help="run the sync engine (until Ctrl-C, or --once)")
    run.add_argument("--once", action="store_true", help=(
        "pull every shop up to now, drain the outbox once, then exit (non-zero if a shop "
        "failed)"))
    run.add_argument("--outbox-wait", type=float, default=0.0, metavar="SECONDS", help=(
        "with --once: keep retrying failed pushes that fall due within this many seconds"))
    run.add_argument("--max-attempts", type=int, default=None, metavar="N",
                     help="park a push after N failed attempts (default 8)")
    run.add_argument("--interval", type=float, default=60.0, metavar="SECONDS",
                     help="without --once: seconds between two rounds of a shop")
    run.add_argument("--backoff", type=float, default=None, metavar="SECONDS", help=(
        "first retry delay after a failure (doubles each time; default 1 for pulls, 2 for "
        "pushes)"))
    run.add_argument("--progress", action="store_true", help="show back-fill progress")
    run.set_defaults(func=_run)
    st = ss.add_parser("status", help="health of each shop")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=_status)
    ob = ss.add_parser("outbox", help="list queued, parked or done pushes")
    ob.add_argument("--status", choices=["pending", "parked", "done"])
    ob.add_argument("--json", action="store_true")
    ob.set_defaults(func=_outbox)
    rt = ss.add_parser("retry", help="queue parked pushes again")
    rt.add_argument("entry", nargs="?", type=int, help="outbox entry id")
    rt.add_argument("--all", action="store_true", help="every parked push")
    rt.set_defaults(func=_retry)
    qu = ss.add_parser("quarantine", help="payloads that could not be taken in")
    qu.add_argument("--shop")
    qu.add_argument("--json", action="store_true")
    qu.add_argument("--resolve", type=int, metavar="ID", help="mark an entry as handled")
    qu.set_defaults(func=_quarantine)
    for name, fn in (("pause", _pause), ("resume", _resume)):
        p = ss.add_parser(name, help=f"{name} pulling a shop")
        p.add_argument("shop")
        p.set_defaults(func=fn)
    bf = ss.add_parser("backfill", help="pull the last N days of a shop again")
    bf.add_argument("shop")
    bf.add_argument("--days", type=float, default=7.0)
    bf.set_defaults(func=_backfill)


def _progress_printer(enabled: bool):  # type: ignore[no-untyped-def]
    if not enabled:
        return None

    def show(p: Progress) -> None:
        print(f"\r{p.shop_name}: {p.fraction * 100:5.1f}% {p.orders} orders",
              end="", file=sys.stderr, flush=True)

    return show


def _run(args: argparse.Namespace) -> int:
    store = store_from(args)
    from dataclasses import replace

    from ecerp_desktop.sync.engine import SyncSettings

    settings = replace(SyncSettings(), interval=args.interval)
    if args.backoff is not None:
        from ecerp_desktop.sync.backoff import Backoff

        settings = replace(settings, pull=replace(settings.pull, backoff=Backoff(
            base=args.backoff, cap=max(args.backoff * 8, 1.0))),
            outbox_backoff=Backoff(base=args.backoff, cap=max(args.backoff * 8, 1.0)))
    engine = sync_service.make_engine(store, settings=settings,
                                      max_attempts=args.max_attempts)
    progress = _progress_printer(args.progress)
    if args.once:
        cancel = threading.Event()
        # SIGTERM ends the round cleanly (the open window is simply pulled again next time)
        signal.signal(signal.SIGTERM, lambda *_: cancel.set())
        runs = sync_service.run_once(store, engine=engine, outbox_wait=args.outbox_wait,
                                     cancel=cancel, progress=progress)
        if progress is not None:
            print(file=sys.stderr)
        failed = [r for r in runs if r.error]
        for r in runs:
            print(sync_service.summary(r))
        for r in failed:
            print(f"ecerp: error: sync of shop {r.shop_name} failed: {r.error}",
                  file=sys.stderr)
        if not runs:
            print("no active shops (add one with `ecerp shop add`)")
        return EXIT_SHOP_FAILED if failed else 0
    engine.on_progress = progress
    engine.start()
    print("sync running; press Ctrl-C to stop", file=sys.stderr)
    try:
        engine.wait()
    except KeyboardInterrupt:
        print("\nstopping…", file=sys.stderr)
    finally:
        engine.stop()
    return 0


def _status(args: argparse.Namespace) -> int:
    store = store_from(args)
    rows = sync_service.health(store)
    for h in rows:
        if args.json:
            print(json.dumps({
                "shop": h.name, "platform": h.platform, "state": h.state, "paused": h.paused,
                "last_success_at": iso(h.last_success_at), "cursor_at": iso(h.cursor_at),
                "lag_seconds": h.lag_seconds, "orders_pulled_today": h.orders_pulled_today,
                "queue_depth": h.queue_depth, "quarantined": h.quarantined,
                "last_error": h.last_error,
                "parked": [{"id": p.id, "kind": p.kind, "error": p.last_error}
                           for p in h.parked]}, ensure_ascii=False))
            continue
        lag = "-" if h.lag_seconds is None else f"{h.lag_seconds / 60:.0f} min"
        print(f"{h.name}\t{h.platform}\t{h.state}\tlast ok "
              f"{sync_service.describe_time(h.last_success_at)}\tlag {lag}\t"
              f"today {h.orders_pulled_today}\tqueue {h.queue_depth}\t"
              f"parked {len(h.parked)}\tquarantined {h.quarantined}"
              + (f"\terror: {h.last_error}" if h.last_error else ""))
        for p in h.parked:
            print(f"  parked #{p.id} {p.kind}: {p.last_error}")
    return 0


def _entry_json(e: Any) -> dict[str, Any]:
    return {"id": e.id, "kind": e.kind, "target": e.target, "key": e.idempotency_key,
            "status": e.status, "attempts": e.attempts, "next_attempt_at": iso(e.next_attempt_at),
            "last_error": e.last_error, "payload": e.payload}


def _outbox(args: argparse.Namespace) -> int:
    store = store_from(args)
    for e in sync_service.outbox(store, status=args.status):
        if args.json:
            print(json.dumps(_entry_json(e), ensure_ascii=False))
        else:
            print(f"{e.id}\t{e.kind}\t{e.target}\t{e.status}\t{e.attempts}\t{e.last_error}")
    return 0


def _retry(args: argparse.Namespace) -> int:
    if args.entry is None and not args.all:
        raise CommandError("name an outbox entry id, or --all")
    store = store_from(args)
    n = sync_service.retry_parked(store, SYSTEM, entry_id=None if args.all else args.entry)
    print(f"{n} push(es) queued again")
    return 0


def _quarantine(args: argparse.Namespace) -> int:
    store = store_from(args)
    if args.resolve is not None:
        if not sync_service.resolve_quarantine(store, SYSTEM, args.resolve):
            raise CommandError(f"no open quarantine entry {args.resolve}")
        print(f"quarantine entry {args.resolve} resolved")
        return 0
    for q in sync_service.quarantine(store, shop_name=args.shop):
        if args.json:
            print(json.dumps({"id": q.id, "shop_id": q.shop_id, "stream": q.stream,
                              "platform_order_id": q.platform_order_id, "reason": q.reason,
                              "created_at": iso(q.created_at), "raw": q.raw[:2000]},
                             ensure_ascii=False))
        else:
            print(f"{q.id}\t{q.platform_order_id}\t{q.reason}")
    return 0


def _pause(args: argparse.Namespace) -> int:
    sync_service.pause(store_from(args), SYSTEM, args.shop)
    print(f"{args.shop} paused")
    return 0


def _resume(args: argparse.Namespace) -> int:
    sync_service.resume(store_from(args), SYSTEM, args.shop)
    print(f"{args.shop} resumed")
    return 0


def _backfill(args: argparse.Namespace) -> int:
    store = store_from(args)
    run = sync_service.backfill(store, SYSTEM, args.shop, args.days,
                                progress=_progress_printer(True))
    print(file=sys.stderr)
    print(sync_service.summary(run))
    if run.error:
        print(f"ecerp: error: sync of shop {run.shop_name} failed: {run.error}",
              file=sys.stderr)
        return EXIT_SHOP_FAILED
    return 0
