"""``ecerp station simulate --scans FILE``: replay scans and scale readings through the
packing station's logic (services only, no Qt), for tests and benchmarks.

The file has one event per line (``#`` starts a comment):

    P0001234            a scan: opens a parcel, or counts an item of the open one
    3 x 6901234567892   a scan counting 3 units at once (the quantity prompt)
    weigh 1.234kg       a stable weight from the scale (g, kg; bare numbers are grams)
    scale ST,GS,+  1.234kg   a raw scale frame, decoded with --scale-protocol
    supervisor 2468     a supervisor code accepting a weight outside the tolerance
    abandon             put the open parcel back

``ecerp station release CODE`` frees a parcel that a crashed station still holds.

Once a parcel is verified and weighed it is printed (with --printer/--to) and shipped, as
on the screen. Each event prints one line; the summary counts parcels shipped and errors.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.devices.scale_protocols import PROTOCOLS, decode_all, to_grams
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.packing import Stage
from ecerp_desktop.services import packing, printing
from ecerp_desktop.services.devices import default_station_name
from ecerp_desktop.store import Store

_QTY = re.compile(r"^(\d{1,5})\s*[xX*]\s*(\S+)$")
_WEIGHT = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*(g|kg)?$", re.IGNORECASE)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("station", help="the packing station (打包台)")
    ss = p.add_subparsers(dest="station_command", metavar="ACTION", required=True)
    sim = ss.add_parser("simulate", help="replay a file of scans and scale readings")
    sim.add_argument("--scans", required=True, help="the file of events (see the module doc)")
    sim.add_argument("--station", default=None, help="station name (default: this PC's)")
    sim.add_argument("--printer", default=None, help="a configured printer name")
    sim.add_argument("--to", default=None, help="a printer target (tcp://host:9100, a file)")
    sim.add_argument("--scale-protocol", default="st_gs", choices=sorted(PROTOCOLS))
    sim.add_argument("--json", action="store_true", help="one JSON object per event")
    sim.set_defaults(func=_simulate)
    rel = ss.add_parser("release", help=(
        "free a parcel that a station (crashed, switched off) still holds"))
    rel.add_argument("code", help="its pick slip / order number / waybill number")
    rel.set_defaults(func=_release)


def parse_weight(text: str) -> int:
    m = _WEIGHT.match(text.strip())
    if not m:
        raise DomainError(ErrorCode.INVALID_QUANTITY, value=text)
    return int(to_grams(Decimal(m.group(1)), m.group(2) or "g").to_integral_value())


class Replay:
    """Feeds events to a :class:`packing.Station`, finishing parcels as the screen does."""

    def __init__(self, store: Store, station: packing.Station, protocol: str = "st_gs") -> None:
        self.store, self.station, self.protocol = store, station, protocol
        self.shipped = 0
        self.refused = 0
        self.times_ms: list[float] = []

    def event(self, line: str) -> dict[str, object]:
        st = self.station
        word, _, rest = line.partition(" ")
        t0 = time.perf_counter()
        out: dict[str, object]
        if word == "weigh" or word == "scale":
            grams = self._grams(word, rest.strip())
            if grams is None:
                out = {"event": word, "result": "unstable"}
            elif st.verification is None or st.verification.stage not in (
                    Stage.WEIGHING, Stage.WEIGHT_REJECTED, Stage.READY):
                out = {"event": word, "result": "not_weighing"}
            else:
                check = st.weigh(grams)
                out = {"event": word, "grams": grams, "expected": check.expected_g,
                       "result": "ok" if check.ok else "out_of_tolerance"}
        elif word == "supervisor":
            out = {"event": word, "result": "accepted" if st.accept_weight(rest.strip())
                   else "refused"}
        elif word == "abandon":
            st.abandon()
            out = {"event": word, "result": "abandoned"}
        else:
            m = _QTY.match(line)
            qty, code = (int(m.group(1)), m.group(2)) if m else (1, line)
            res = st.handle(code, qty)
            if isinstance(res, packing.OpenOutcome):
                out = {"event": "open", "code": code, "result": res.kind.value}
                if res.kind is packing.OpenKind.TAKEN:
                    out["station"] = res.station
                elif res.kind is packing.OpenKind.STOPPED:
                    out["status"] = res.status
                if res.kind is not packing.OpenKind.OPENED:
                    self.refused += 1
            else:
                out = {"event": "scan", "code": code, "qty": qty, "result": res.result.value}
        v = st.verification
        if v is not None and v.stage is Stage.READY:
            printed, shipped = st.finish()
            if printed is not None:
                out["printed"] = printed.ok
            out["shipped"] = shipped.ok
            if shipped.ok:
                self.shipped += 1
            else:
                out["why"] = shipped.stopped or shipped.message
        self.times_ms.append((time.perf_counter() - t0) * 1000)
        out.update(packing.describe_stage(st.verification))
        return out

    def _grams(self, word: str, text: str) -> int | None:
        if word == "weigh":
            return parse_weight(text)
        readings = decode_all(self.protocol, [text.encode() + b"\r\n"])
        usable = [r for r in readings if r.usable]
        return usable[-1].grams_int if usable else None


def _simulate(args: argparse.Namespace) -> int:
    store = store_from(args)
    name = args.station or default_station_name()
    printer = None
    if args.printer or args.to:
        printer = printing.resolve_printer(store, name=args.printer, to=args.to)
    else:
        printer = packing.station_printer(store, name)
    station = packing.Station(store, SYSTEM, name, printer=printer)
    replay = Replay(store, station, args.scale_protocol)
    try:
        lines = Path(args.scans).read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise DomainError(ErrorCode.IMPORT_BAD_FILE, path=args.scans, error=str(exc)) from None
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            out = replay.event(line)
        except (DomainError, InvalidOperation) as exc:
            out = {"event": line.split(" ", 1)[0], "result": "error", "error": str(exc)}
        if args.json:
            print(json.dumps(out, ensure_ascii=False, default=str))
        else:
            print(" ".join(f"{k}={v}" for k, v in out.items()))
    station.abandon()
    errors = station.session_errors
    print(f"shipped={replay.shipped} errors={errors} refused_opens={replay.refused}",
          file=sys.stdout)
    return 0


def _release(args: argparse.Namespace) -> int:
    store = store_from(args)
    station = packing.Station(store, SYSTEM, default_station_name())
    out = station.force_release(args.code)
    if out.kind is packing.OpenKind.NOT_FOUND:
        raise DomainError(ErrorCode.NOT_FOUND, what="parcel", key=args.code)
    assert out.view is not None
    print(f"parcel {out.view.id} released (was held by {out.station or 'nobody'})")
    return 0
