"""Misbehaviour on demand for the simulators, from a SPEC string.

A SPEC is a comma list of ``name=value`` (or bare ``name`` for flags)::

    latency=0.2,rate429=0.1,code7=0.05,http500=0.05,html200=0.02,truncated=0.02,
    repeat=0.05,endless_paging,poison=1,qps=20,ban=2,seed=7

=============== =====================================================================
latency         seconds added to every response
rate429         probability of HTTP 429 with ``Retry-After: <ban>``
code7           probability of the platform's own rate-limit error (Taobao code 7 with
                "This ban will last for <ban> more seconds"; 429 where the platform has none)
http500         probability of HTTP 500 (or 502/503, chosen by the seed)
html200         probability of an HTML error page with status 200
truncated       probability that a JSON body is cut in half (the request *was* applied)
repeat          probability that a page also carries an order from a neighbouring page
endless_paging  paging never ends: ``has_next`` stays true, totals are inflated
poison          ``N >= 1``: N orders are malformed on the wire (the 4th generated, then
                every 101st); ``0 < p < 1``: each order with probability p
qps             a real rate limit: more requests per second than this are refused
ban             seconds announced by 429/code 7 (default 1)
seed            seed of the deterministic random source (default 0)
=============== =====================================================================

Transport faults (429, code 7, 5xx, HTML) are drawn before the request is handled, so a
refused push changes nothing; ``truncated`` is applied after, like a reply lost on the way
back. The injector is thread-safe and can be changed while a server runs (``set``).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, fields, replace

TRANSPORT_FAULTS = ("rate429", "code7", "http500", "html200")


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """The parsed SPEC; every probability is 0..1."""

    latency: float = 0.0
    rate429: float = 0.0
    code7: float = 0.0
    http500: float = 0.0
    html200: float = 0.0
    truncated: float = 0.0
    repeat: float = 0.0
    endless_paging: bool = False
    poison: float = 0.0
    qps: float = 0.0
    ban: int = 1
    seed: int = 0

    @classmethod
    def parse(cls, spec: str | None) -> FaultSpec:
        """Parse a SPEC string; raise ValueError naming the bad part."""
        values: dict[str, object] = {}
        known = {f.name: f for f in fields(cls)}
        for part in (spec or "").split(","):
            part = part.strip()
            if not part:
                continue
            name, sep, raw = part.partition("=")
            name = name.strip().replace("-", "_")
            if name not in known:
                raise ValueError(f"unknown fault {name!r} (known: {', '.join(known)})")
            default = known[name].default
            try:
                if isinstance(default, bool):
                    values[name] = (raw.strip().lower() not in ("0", "false", "no", "off")
                                    if sep else True)
                elif isinstance(default, int):
                    values[name] = int(raw)
                else:
                    values[name] = float(raw)
            except ValueError:
                raise ValueError(f"fault {name!r} needs a number, got {raw!r}") from None
            if name in ("rate429", "code7", "http500", "html200", "truncated", "repeat") and \
                    not 0.0 <= float(values[name]) <= 1.0:  # type: ignore[arg-type]
                raise ValueError(f"fault {name!r} is a probability between 0 and 1")
        return cls(**values)  # type: ignore[arg-type]

    def __str__(self) -> str:
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value != f.default:
                parts.append(f.name if value is True else f"{f.name}={value}")
        return ",".join(parts)


class FaultInjector:
    """Deterministic fault decisions for one simulator.

    ``counts`` records every fault actually injected (tests read it to know a fault fired).
    """

    def __init__(self, spec: FaultSpec | str | None = None) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self._window_start = 0.0
        self._window_count = 0
        self.set(spec)

    def set(self, spec: FaultSpec | str | None) -> None:
        """Replace the SPEC (and reseed) while the server runs."""
        parsed = spec if isinstance(spec, FaultSpec) else FaultSpec.parse(spec)
        with self._lock:
            self.spec = parsed
            self._rng = random.Random(parsed.seed)

    def clear(self) -> None:
        """Behave again."""
        self.set(replace(self.spec, latency=0.0, rate429=0.0, code7=0.0, http500=0.0,
                         html200=0.0, truncated=0.0, repeat=0.0, endless_paging=False,
                         poison=0.0, qps=0.0))

    def roll(self, name: str) -> bool:
        """True with the probability the SPEC gives *name*; counted when true."""
        p = float(getattr(self.spec, name))
        if p <= 0.0:
            return False
        with self._lock:
            hit = p >= 1.0 or self._rng.random() < p
            if hit:
                self.counts[name] += 1
        return hit

    def choice(self, options: list[int] | tuple[int, ...]) -> int:
        with self._lock:
            return self._rng.choice(options)

    def transport_fault(self) -> str | None:
        """The fault to answer this request with instead of handling it, or None.

        The QPS limit counts as ``code7`` (the platform's own rate-limit answer)."""
        for name in TRANSPORT_FAULTS:
            if self.roll(name):
                return name
        if self.spec.qps > 0 and self._over_qps():
            self.counts["qps"] += 1
            return "code7"
        return None

    def _over_qps(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._window_start >= 1.0:
                self._window_start, self._window_count = now, 0
            self._window_count += 1
            return self._window_count > self.spec.qps

    def is_poison(self, index: int) -> bool:
        """Whether the *index*-th generated order (0-based) is served malformed; decided at
        serve time, the same way every time for a given SPEC."""
        p = self.spec.poison
        if p <= 0:
            return False
        if p >= 1:
            n = int(p)
            return index >= 3 and (index - 3) % 101 == 0 and (index - 3) // 101 < n
        # hashed from the index, so the same order is poison on every page that shows it
        return random.Random(self.spec.seed * 1_000_003 + index).random() < p

    @property
    def latency(self) -> float:
        return self.spec.latency

    @property
    def ban_seconds(self) -> int:
        return max(1, self.spec.ban)

    @property
    def endless_paging(self) -> bool:
        return self.spec.endless_paging
