"""Against the sandbox enforcing the real limits: the budget paces, 429s stay exceptional, and
both Retry-After forms are honoured when a throttle does come."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from channels.budget import forget_budgets
from channels.retry import RetryPolicy
from channels.shopify import ShopifyClient, ShopifyStore
from tests.helpers.clients import Control


@pytest.fixture(autouse=True)
def fresh_budgets() -> Iterator[None]:
    forget_budgets()
    yield
    forget_budgets()


def shopify_client(manifest: dict[str, Any]) -> ShopifyClient:
    channel = manifest["channels"]["shopify"]
    return ShopifyClient(
        ShopifyStore.from_mapping(channel["stores"][0], channel),
        policy=RetryPolicy(base_delay_s=0.01, max_attempts=20),
    )


def test_rest_paging_is_paced_by_the_bucket_not_by_429s(
    sandbox: Callable[..., dict[str, Any]],
) -> None:
    # 40-request bucket leaking 2/s, time-scaled x10: 50 pages must drain it and then pace.
    manifest = sandbox(scale="small", rate_limits=True, time_scale=10)
    client = shopify_client(manifest)
    orders = [
        order
        for page in client.rest_pages("orders.json", "orders", {"status": "any", "limit": 18})
        for order in page
    ]
    assert len(orders) == 900
    assert client.transport.requests == 50
    assert client.transport.throttled == 0
    assert client.rest_budget.stats.waited_s > 0  # the budget did the pacing


@pytest.mark.parametrize("form", ["integer", "decimal"])
def test_throttles_are_retried_after_the_stated_wait(
    sandbox: Callable[..., dict[str, Any]], form: str
) -> None:
    manifest = sandbox(scale="small", rate_limits=True, time_scale=20, retry_after_format=form)
    Control(manifest).faults("shopify", throttle=0.3)
    client = shopify_client(manifest)
    orders = [
        order
        for page in client.rest_pages("orders.json", "orders", {"status": "any", "limit": 100})
        for order in page
    ]
    assert len({order["id"] for order in orders}) == 900
    assert client.transport.throttled > 0
    assert client.rest_budget.stats.throttled == client.transport.throttled
