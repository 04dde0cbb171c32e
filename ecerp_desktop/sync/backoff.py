"""Capped exponential backoff with jitter, honouring the platform's own wait.

Jitter spreads retries of many stations (or many shops of one platform) so they do not hit
a recovering platform at the same instant.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    base: float = 1.0  # seconds before the first retry (before jitter)
    cap: float = 300.0  # never wait longer than this between tries we schedule
    jitter: float = 0.5  # fraction of the delay that is random

    def delay(self, attempt: int, retry_after: float | None = None,
              rng: random.Random | None = None) -> float:
        """Seconds to wait before try number *attempt* + 1 (attempt 0 = first failure).

        A platform's Retry-After / "ban will last N seconds" is a floor: we never come back
        earlier than it asks, even above the cap.
        """
        raw = min(self.cap, self.base * (2 ** min(attempt, 32)))
        r = (rng or random).random()
        wait = raw * (1 - self.jitter) + raw * self.jitter * r
        if retry_after is not None and retry_after > wait:
            wait = float(retry_after)
        return wait
