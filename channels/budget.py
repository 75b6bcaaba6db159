"""A rate budget per shop and per operation, shared by every caller in the process.

Each channel states its limits differently (Shopify's `X-Shopify-Shop-Api-Call-Limit: 32/40`
leaky bucket, GraphQL's `throttleStatus` points, Amazon's per-operation token buckets with
`x-amzn-RateLimit-Limit`, TikTok's unpublished QPS, `X-RateLimit-*` elsewhere), but all of
them are a bucket with a capacity that refills at a rate. So one `TokenBucket` serves all;
each client translates its channel's headers into `sync()` calls.

The budget is proactive: callers `acquire()` before sending and wait while the bucket is
empty, so a 429 is the exception rather than the pacing method. When a 429 does arrive,
`throttled()` empties the bucket and holds every caller until the server's Retry-After has
passed. Ingestion and stock pushes for the same shop get the same object from
`shared_budget()`, so they never overrun the shop between them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]


@dataclass
class BudgetStats:
    acquired: float = 0.0
    waited_s: float = 0.0
    throttled: int = 0


class TokenBucket:
    """Thread-safe token bucket: `capacity` tokens, refilled at `rate` per second.

    The local estimate is only ever lowered by what the server reports (other processes
    may be spending the same budget), never raised above what elapsed time has refilled, so
    requests still in flight are not counted twice.
    """

    def __init__(
        self,
        capacity: float,
        rate: float,
        *,
        initial: float | None = None,
        reserve: float = 0.0,
        clock: Clock = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if capacity <= 0 or rate <= 0:
            raise ValueError(f"a budget needs a positive capacity and rate, got {capacity}/{rate}")
        self.capacity = float(capacity)
        self.rate = float(rate)
        self.reserve = reserve
        self._tokens = float(capacity if initial is None else initial)
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._blocked_until = 0.0
        self._lock = threading.Lock()
        self.stats = BudgetStats()

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
        self._updated = now

    def acquire(self, cost: float = 1.0, *, until: float | None = None) -> float:
        """Take `cost` tokens, waiting as long as needed; returns the seconds waited.

        `until` (on this bucket's clock) bounds the wait: when the tokens would only come
        later, `TimeoutError` is raised at once instead of sleeping past it."""
        cost = min(float(cost), self.capacity)
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._refill(now)
                pause = self._blocked_until - now
                if pause <= 0:
                    available = self._tokens - self.reserve
                    if available >= cost:
                        self._tokens -= cost
                        self.stats.acquired += cost
                        self.stats.waited_s += waited
                        return waited
                    pause = (cost - available) / self.rate
                if until is not None and now + pause > until:
                    raise TimeoutError(f"the budget frees {cost:g} tokens only in {pause:.1f} s")
            self._sleep(pause)
            waited += pause

    def sync(
        self,
        *,
        tokens: float | None = None,
        capacity: float | None = None,
        rate: float | None = None,
        exact: bool = False,
    ) -> None:
        """Fold in what the server just said about this budget.

        `tokens` normally only lowers the local estimate; `exact=True` takes the server's
        figure as it is, for budgets the server refunds (Shopify GraphQL returns the
        difference between a query's requested and actual cost).
        """
        with self._lock:
            self._refill(self._clock())
            if capacity is not None and capacity > 0:
                self.capacity = float(capacity)
            if rate is not None and rate > 0:
                self.rate = float(rate)
            if tokens is not None:
                ceiling = self.capacity if exact else min(self._tokens, self.capacity)
                self._tokens = min(float(tokens), ceiling)

    def throttled(self, retry_after: float | None) -> None:
        """The server refused a request: empty the bucket and hold everyone back."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            self._tokens = 0.0
            wait = retry_after if retry_after is not None else 1.0 / self.rate
            self._blocked_until = max(self._blocked_until, now + wait)
            self.stats.throttled += 1

    @property
    def tokens(self) -> float:
        with self._lock:
            self._refill(self._clock())
            return self._tokens


BudgetKey = tuple[str, ...]

_budgets: dict[BudgetKey, TokenBucket] = {}
_registry_lock = threading.Lock()


def shared_budget(key: BudgetKey, factory: Callable[[], TokenBucket]) -> TokenBucket:
    """The one budget for `key` (channel, shop, operation) in this process, made on first use."""
    with _registry_lock:
        budget = _budgets.get(key)
        if budget is None:
            budget = _budgets[key] = factory()
        return budget


def forget_budgets() -> None:
    """Drop every shared budget (a new process, in effect): for tests and benchmarks."""
    with _registry_lock:
        _budgets.clear()
