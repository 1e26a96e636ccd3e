"""When to try again: exponential backoff with jitter, as a pure function.

The schedule is persisted per outbox row (`next_attempt_at`) and survives restarts, so it is
computed here rather than kept in an in-memory retry decorator. "Equal jitter" (half fixed,
half random) spreads a class of devices that lost the server at the same moment, while never
retrying at once. After the fast tries the delay stays at `cap`: keep trying slowly while
online; a change of connectivity or "Sync now" retries at once regardless.
"""

from __future__ import annotations

import random

BASE_SECONDS = 2.0
CAP_SECONDS = 15 * 60.0


def backoff_delay(
    failures: int, *, base: float = BASE_SECONDS, cap: float = CAP_SECONDS, rng: random.Random | None = None
) -> float:
    """Seconds to wait after `failures` consecutive failures (1 = the first failure)."""
    if failures <= 0:
        return 0.0
    ceiling = min(cap, base * 2 ** min(failures - 1, 32))
    r = (rng or random).random()
    return ceiling / 2 + r * ceiling / 2
