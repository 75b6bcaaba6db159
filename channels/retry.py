"""How long to wait before trying again: Retry-After when the server says, backoff otherwise.

Shopify sends `Retry-After: 2.0`, others send integer seconds or an HTTP date; all three are
understood. Backoff is exponential with full jitter so that many workers sharing a shop do not
retry in lockstep.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (`2`, `2.0` or an HTTP date), or None."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts and backoff for transient failures (throttles, 5xx, timeouts, broken bodies)."""

    max_attempts: int = 8
    base_delay_s: float = 0.25
    max_delay_s: float = 30.0
    malformed_attempts: int = 6

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Full-jitter exponential backoff for the given (1-based) failed attempt."""
        ceiling = min(self.max_delay_s, self.base_delay_s * (2 ** (attempt - 1)))
        return (rng or random).uniform(ceiling / 2, ceiling)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """The server's Retry-After wins when it asks for longer than our own backoff."""
        own = self.backoff(attempt)
        return max(own, retry_after) if retry_after is not None else own
