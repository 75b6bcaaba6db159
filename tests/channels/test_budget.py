"""The rate budget and Retry-After parsing, on a fake clock (no sleeping, no timing)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from channels.budget import TokenBucket, forget_budgets, shared_budget
from channels.retry import RetryPolicy, parse_retry_after


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def bucket(capacity: float, rate: float, **kwargs: float) -> tuple[TokenBucket, FakeClock]:
    clock = FakeClock()
    return TokenBucket(capacity, rate, clock=clock, sleep=clock.sleep, **kwargs), clock


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        ("2.0", 2.0),
        (" 0.25 ", 0.25),
        ("-3", 0.0),
        ("", None),
        ("soon", None),
        (None, None),
        ("Wed, 21 Oct 2026 07:28:00 GMT", 30.0),
    ],
)
def test_retry_after_integer_decimal_and_date(header: str | None, seconds: float | None) -> None:
    now = datetime(2026, 10, 21, 7, 27, 30, tzinfo=UTC)
    assert parse_retry_after(header, now) == seconds


def test_backoff_waits_at_least_what_the_server_asks() -> None:
    policy = RetryPolicy(base_delay_s=0.1, max_delay_s=1.0)
    assert policy.delay(1, 5.0) == 5.0
    assert 0.05 <= policy.delay(1, None) <= 0.1
    assert all(policy.delay(20, None) <= 1.0 for _ in range(50))


def test_burst_then_paced_at_the_refill_rate() -> None:
    budget, clock = bucket(capacity=40, rate=2)
    for _ in range(40):
        budget.acquire()
    assert clock.now == 0.0  # the burst is free
    for _ in range(10):
        budget.acquire()
    assert clock.now == pytest.approx(5.0)  # then 2 per second, exactly


def test_server_figures_lower_the_estimate_but_never_raise_it() -> None:
    budget, _ = bucket(capacity=40, rate=2)
    budget.sync(tokens=8, capacity=40)  # "32/40": someone else spent most of it
    assert budget.tokens == pytest.approx(8)
    budget.sync(tokens=30)  # a stale, higher figure does not refill us
    assert budget.tokens == pytest.approx(8)
    budget.sync(tokens=1000, exact=True)  # refunded points (GraphQL) are taken as stated
    assert budget.tokens == pytest.approx(40)


def test_header_rate_replaces_the_configured_rate() -> None:
    budget, clock = bucket(capacity=1, rate=0.0167)
    budget.acquire()
    budget.sync(rate=1.67)  # x-amzn-RateLimit-Limit on a time-scaled host
    budget.acquire()
    assert clock.now == pytest.approx(1 / 1.67)


def test_a_throttle_holds_every_caller_for_retry_after() -> None:
    budget, clock = bucket(capacity=10, rate=10)
    budget.throttled(3.0)
    budget.acquire()
    assert clock.now >= 3.0
    assert budget.stats.throttled == 1


def test_one_budget_per_shop_is_shared_in_the_process() -> None:
    forget_budgets()
    first = shared_budget(("shopify", "shop-a", "rest"), lambda: TokenBucket(40, 2))
    second = shared_budget(("shopify", "shop-a", "rest"), lambda: TokenBucket(1, 1))
    other = shared_budget(("shopify", "shop-b", "rest"), lambda: TokenBucket(40, 2))
    assert first is second
    assert other is not first
    forget_budgets()
