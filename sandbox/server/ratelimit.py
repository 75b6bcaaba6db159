"""Rate limiters as the real channels run them, measured on the sandbox's wire clock.

- `LeakyBucket`: Shopify REST. Each request adds one to a bucket that leaks at a fixed rate;
  a request that would overflow it is refused.
- `TokenBucket`: Amazon usage plans, TikTok, Bol, the warehouse. Tokens refill at `rate` up to
  `burst`; a request takes one or is refused.
- `PointsBucket`: Shopify GraphQL. A query reserves its requested cost up front and is refunded
  the difference once its actual cost is known.

Rates and capacities are stated in world units; the clock's `time_scale` turns them into wire
rates, so a faster world refills faster and the ratios between channels stay real.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.clock import SimClock


@dataclass
class Decision:
    allowed: bool
    retry_after_s: float  # wire seconds until the request would be allowed
    level: float  # bucket level (leaky) or tokens left (token) after the decision


class LeakyBucket:
    def __init__(self, clock: SimClock, capacity: int, leak_per_s: float) -> None:
        self.clock = clock
        self.capacity = capacity
        self.leak_per_s = leak_per_s
        self._level = 0.0
        self._at = clock.monotonic()

    def _drain(self) -> None:
        now = self.clock.monotonic()
        self._level = max(
            0.0, self._level - (now - self._at) * self.clock.wire_rate(self.leak_per_s)
        )
        self._at = now

    def take(self) -> Decision:
        self._drain()
        if self._level + 1 > self.capacity:
            wait = (self._level + 1 - self.capacity) / self.clock.wire_rate(self.leak_per_s)
            return Decision(False, wait, self._level)
        self._level += 1
        return Decision(True, 0.0, self._level)

    @property
    def level(self) -> float:
        self._drain()
        return self._level


class TokenBucket:
    def __init__(self, clock: SimClock, rate_per_s: float, burst: float) -> None:
        self.clock = clock
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._tokens = float(burst)
        self._at = clock.monotonic()

    def _refill(self) -> None:
        now = self.clock.monotonic()
        rate = self.clock.wire_rate(self.rate_per_s)
        self._tokens = min(float(self.burst), self._tokens + (now - self._at) * rate)
        self._at = now

    def take(self, cost: float = 1.0) -> Decision:
        self._refill()
        if self._tokens < cost:
            wait = (cost - self._tokens) / self.clock.wire_rate(self.rate_per_s)
            return Decision(False, wait, self._tokens)
        self._tokens -= cost
        return Decision(True, 0.0, self._tokens)

    @property
    def tokens(self) -> float:
        self._refill()
        return self._tokens

    def seconds_until_full(self) -> float:
        self._refill()
        return (self.burst - self._tokens) / self.clock.wire_rate(self.rate_per_s)


class PointsBucket(TokenBucket):
    """Cost-based bucket: reserve the requested cost, refund what the query did not use."""

    def refund(self, points: float) -> None:
        self._refill()
        self._tokens = min(float(self.burst), self._tokens + points)
