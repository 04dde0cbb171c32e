"""Start simulators for ``ecerp sim serve``, the demo and the benchmarks.

:func:`make_sim` builds one simulator by platform name, :func:`start_all` starts several
(consecutive ports from a base port, or ephemeral ports), optionally pre-generating orders
over the last hours and feeding new ones at N per minute; :func:`credentials` gives what a
shop needs to connect (endpoint, app key, secret, session/token); :func:`serve` runs them in
the foreground until Ctrl-C.
"""

from __future__ import annotations

import importlib
import inspect
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from ecerp_desktop.sim.server import SimServer

# platform → (module, class, extra constructor arguments)
SIMULATORS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "taobao": ("ecerp_desktop.sim.taobao", "TaobaoSim", {}),
    "tmall": ("ecerp_desktop.sim.taobao", "TaobaoSim", {"platform": "tmall"}),
    "jd": ("ecerp_desktop.sim.jd", "JdSim", {}),
    "pdd": ("ecerp_desktop.sim.pdd", "PddSim", {}),
    "woocommerce": ("ecerp_desktop.sim.woocommerce", "WooCommerceSim", {}),
    "shopify": ("ecerp_desktop.sim.shopify", "ShopifySim", {}),
}


def make_sim(platform: str, *, port: int = 0, host: str = "127.0.0.1",
             faults: str | None = None, seed: int = 0,
             sku_codes: Sequence[str] | None = None,
             bundle_codes: Sequence[str] = ()) -> SimServer:
    """A (not yet started) simulator for *platform*; options a simulator does not take
    are left out."""
    if platform not in SIMULATORS:
        raise ValueError(f"no simulator for {platform!r} (known: {', '.join(SIMULATORS)})")
    module, name, extra = SIMULATORS[platform]
    cls = getattr(importlib.import_module(module), name)
    offered: dict[str, Any] = {"port": port, "host": host, "faults": faults, "seed": seed,
                               "sku_codes": sku_codes, "bundle_codes": bundle_codes, **extra}
    params = inspect.signature(cls).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    kwargs = {k: v for k, v in offered.items()
              if (k in params or takes_any) and not (k == "sku_codes" and v is None)}
    return cls(**kwargs)  # type: ignore[no-any-return]


def credentials(sim: SimServer) -> dict[str, str]:
    """What ``ecerp shop add`` needs to reach *sim*."""
    endpoint = getattr(sim, "endpoint", None) or sim.url
    secret = getattr(sim, "app_secret", "") or ""
    session = getattr(sim, "session", "") or getattr(sim, "access_token", "") or ""
    return {"platform": getattr(sim, "platform", "") or "", "endpoint": str(endpoint),
            "app_key": str(getattr(sim, "app_key", "") or ""), "app_secret": str(secret),
            "session": str(session)}


def start_all(platforms: Sequence[str], *, port: int = 0, host: str = "127.0.0.1",
              orders_per_minute: float = 0, faults: str | None = None, seed: int = 0,
              backfill: int = 0, backfill_hours: float = 24,
              sku_codes: Sequence[str] | None = None,
              bundle_codes: Sequence[str] = ()) -> list[SimServer]:
    """Start one simulator per platform (ports *port*, *port*+1, … or ephemeral when 0),
    each with *backfill* orders spread over the last *backfill_hours* and a feed of
    *orders_per_minute*. On any failure the ones already started are stopped."""
    sims: list[SimServer] = []
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        for i, platform in enumerate(platforms):
            sim = make_sim(platform, port=port + i if port else 0, host=host, faults=faults,
                           seed=seed + i, sku_codes=sku_codes, bundle_codes=bundle_codes)
            book = getattr(sim, "book", None)
            if book is not None and backfill > 0:
                book.pregenerate(backfill, now - timedelta(hours=backfill_hours), now)
            sim.start()
            sims.append(sim)
            if book is not None and orders_per_minute > 0:
                book.start_feed(orders_per_minute)
    except BaseException:
        stop_all(sims)
        raise
    return sims


def stop_all(sims: Sequence[SimServer]) -> None:
    for sim in sims:
        book = getattr(sim, "book", None)
        if book is not None:
            book.stop_feed()
        sim.stop()


def serve(platforms: Sequence[str], *, out: Callable[[str], None] = print,
          stop: threading.Event | None = None, **options: Any) -> int:
    """Run simulators in the foreground until Ctrl-C (or *stop* is set)."""
    sims = start_all(platforms, **options)
    try:
        for sim in sims:
            c = credentials(sim)
            out(f"{c['platform']:<12} {c['endpoint']}")
            out(f"  ecerp shop add --platform {c['platform']} --name sim-{c['platform']} "
                f"--endpoint {c['endpoint']} --app-key {c['app_key']} "
                f"--app-secret {c['app_secret']}"
                + (f" --session {c['session']}" if c["session"] else ""))
        out("simulators running; Ctrl-C to stop")
        event = stop or threading.Event()
        while not event.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        stop_all(sims)
    return 0
