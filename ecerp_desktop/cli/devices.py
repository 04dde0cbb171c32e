"""``ecerp devices``: list device profiles and ports, watch a scale or a serial scanner.

``ecerp devices list`` shows every scale/scanner/printer profile (and the broken ones with
their reason), the serial ports of this PC and the driver table.
``ecerp devices test-scale --profile generic-st-gs --port COM3`` prints each reading with
its stable flag until Ctrl+C (or ``--seconds``/``--count``); ``test-scanner`` prints codes.
"""

from __future__ import annotations

import argparse
import queue
import time

from ecerp_desktop.cli.main import CommandError
from ecerp_desktop.devices.events import (
    CodeScanned,
    Connected,
    DeviceEvent,
    Disconnected,
    Silent,
    WeightRead,
)
from ecerp_desktop.devices.profiles import load_profiles
from ecerp_desktop.devices.registry import DRIVERS
from ecerp_desktop.devices.serial_worker import available_ports, scale_worker, scanner_worker


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("devices", help="scales, scanners and printers: profiles and live tests")
    dsub = p.add_subparsers(dest="devices_command", metavar="ACTION", required=True)
    dsub.add_parser("list", help="profiles, broken profiles, serial ports, drivers"
                    ).set_defaults(func=_list)
    for name, helptext, func in (("test-scale", "print a scale's readings", _test_scale),
                                 ("test-scanner", "print a serial scanner's codes",
                                  _test_scanner)):
        t = dsub.add_parser(name, help=helptext)
        t.add_argument("--profile", required=True, help="profile slug (see: ecerp devices list)")
        t.add_argument("--port", required=True,
                       help="COM3, /dev/ttyUSB0, or a pyserial URL such as socket://host:port")
        t.add_argument("--seconds", type=float, default=0.0, help="stop after this long")
        t.add_argument("--count", type=int, default=0, help="stop after this many readings/codes")
        t.set_defaults(func=func)


def _list(args: argparse.Namespace) -> int:
    ps = load_profiles()
    print("Scale profiles:")
    for slug, p in sorted(ps.scales.items()):
        poll = f", polls {p.poll!r}" if p.poll else ""
        print(f"  {slug:32} {p.driver:16} {p.serial.describe():12} {p.name}{poll}")
    print("Scanner profiles:")
    for slug, sp in sorted(ps.scanners.items()):
        how = sp.serial.describe() if sp.serial else (
            f"wedge {sp.wedge.max_gap_ms:g} ms" if sp.wedge else "")
        print(f"  {slug:32} {sp.driver:16} {how:12} {sp.name}")
    print("Printer profiles:")
    for slug, name in sorted(ps.printers.items()):
        print(f"  {slug:32} {name}")
    if ps.errors:
        print("Broken profiles (not used):")
        for err in ps.errors:
            print(f"  {err.path}: {err.message}")
    print("Serial ports:")
    for device, description in available_ports() or [("(none found)", "")]:
        print(f"  {device:32} {description}")
    print("Drivers:")
    for d in DRIVERS.values():
        print(f"  {d.slug:20} {d.kind.value:8} {d.name}")
    return 0


def _watch(worker_factory, args: argparse.Namespace, show) -> int:  # type: ignore[no-untyped-def]
    events: queue.Queue[DeviceEvent] = queue.Queue()
    worker = worker_factory(events.put).start()
    deadline = time.monotonic() + args.seconds if args.seconds > 0 else None
    shown = 0
    try:
        while deadline is None or time.monotonic() < deadline:
            try:
                ev = events.get(timeout=0.1)
            except queue.Empty:
                continue
            if isinstance(ev, Connected):
                print(f"connected: {ev.port}", flush=True)
            elif isinstance(ev, Disconnected):
                print(f"not connected: {ev.reason} (retrying)", flush=True)
            elif isinstance(ev, Silent):
                print(f"nothing received for {ev.seconds} s (baud rate, cable, scale mode?)",
                      flush=True)
            elif show(ev):
                shown += 1
                if args.count and shown >= args.count:
                    break
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()
    return 0


def _test_scale(args: argparse.Namespace) -> int:
    profile = load_profiles().scales.get(args.profile)
    if profile is None:
        raise CommandError(f"no scale profile {args.profile!r} (see: ecerp devices list)")

    def show(ev: DeviceEvent) -> bool:
        if not isinstance(ev, WeightRead):
            return False
        r = ev.reading
        weight = "-" if r.grams is None else f"{r.grams_int} g"
        flag = "STABLE" if r.usable else ("moving" if r.status.value == "ok" else r.status.value)
        print(f"{weight:>10}  {flag:9} {r.raw!r}", flush=True)
        return True

    return _watch(lambda sink: scale_worker(profile, args.port, sink), args, show)


def _test_scanner(args: argparse.Namespace) -> int:
    profile = load_profiles().scanners.get(args.profile)
    if profile is None or profile.serial is None:
        raise CommandError(f"no serial scanner profile {args.profile!r} (wedge scanners type "
                           "into the app: test them on the devices page)")

    def show(ev: DeviceEvent) -> bool:
        if isinstance(ev, CodeScanned):
            print(ev.code, flush=True)
            return True
        return False

    return _watch(lambda sink: scanner_worker(profile, args.port, sink), args, show)
