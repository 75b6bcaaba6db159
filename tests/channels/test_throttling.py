"""Against the sandbox enforcing the real limits: the budget paces, 429s stay exceptional, and
both Retry-After forms are honoured when a throttle does come."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
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
    # A 40-request bucket leaking 2/s, time-scaled x20 (40/s of wall time). Four workers share
    # the shop's budget, as every caller in a process does, and ask for 200 pages between
    # them, far faster than it leaks: the budget must hold them back, not Shopify's 429s.
    manifest = sandbox(scale="small", rate_limits=True, time_scale=20)
    clients = [shopify_client(manifest) for _ in range(4)]

    def page_through(client: ShopifyClient) -> list[dict[str, Any]]:
        pages = client.rest_pages("orders.json", "orders", {"status": "any", "limit": 18})
        return [order for page in pages for order in page]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(page_through, clients))
    assert [len(orders) for orders in results] == [900] * 4
    throttled = sum(client.transport.throttled for client in clients)
    # Exceptional, not none: on a loaded machine four requests sent in turn can reach the
    # server bunched up, one over the bucket (seen once in CI: 1 of 201). Unpaced, the same
    # 200 pages meet some 150 429s.
    assert throttled <= 2
    assert sum(client.transport.requests for client in clients) == 200 + throttled
    assert clients[0].rest_budget is clients[1].rest_budget, "one budget per shop"
    assert clients[0].rest_budget.stats.waited_s > 0  # the budget did the pacing


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
