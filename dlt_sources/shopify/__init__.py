"""The Shopify source: orders and line items (GraphQL, bulk for history), products, variants,
inventory items, locations, inventory levels and customers (REST), for every configured store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
from dlt.sources import DltResource

from channels.deadline import Deadline
from channels.retry import RetryPolicy
from channels.shopify import ShopifyClient, ShopifyStore
from channels.transport import RequestTally
from dlt_sources.common.lazy import lazily
from dlt_sources.common.quarantine import Screening, Sorter
from dlt_sources.common.tables import FROZEN
from dlt_sources.common.window import UpdateWindow
from dlt_sources.shopify.catalog import catalog_batches, customer_batches, stock_batches
from dlt_sources.shopify.orders import order_batches

CHANNEL = "shopify"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def stores(settings: dict[str, Any]) -> list[ShopifyStore]:
    return [ShopifyStore.from_mapping(store, settings) for store in settings["stores"]]


def _window(store_id: str, lookback: timedelta) -> UpdateWindow:
    state = dlt.current.resource_state().setdefault("stores", {}).setdefault(store_id, {})
    return UpdateWindow(state, lookback, EPOCH)


@dlt.source(name=CHANNEL, max_table_nesting=2, schema_contract=FROZEN)
def shopify_source(
    settings: dict[str, Any],
    lookback_minutes: float = 15.0,
    bulk_above_orders: int = 2_000,
    policy: RetryPolicy | None = None,
    tally: RequestTally | None = None,
    deadline: Deadline | None = None,
) -> list[DltResource]:
    """`settings` is the channel's configuration (see `dlt_sources.common.config`)."""
    clients = lazily(
        lambda: [
            ShopifyClient(store, policy=policy, tally=tally, deadline=deadline)
            for store in stores(settings)
        ]
    )
    lookback = timedelta(minutes=lookback_minutes)
    screening = Screening.from_settings(settings)

    def sorter_for(client: ShopifyClient, window: UpdateWindow | None = None) -> Sorter:
        return Sorter(CHANNEL, client.store.store_id, screening, window)

    @dlt.resource(name="orders", write_disposition="merge", primary_key=("store_id", "id"))
    def orders() -> Iterator[Any]:
        for client in clients():
            window = _window(client.store.store_id, lookback)
            sorter = sorter_for(client, window)
            yield from order_batches(client, window, sorter, bulk_above=bulk_above_orders)
            sorter.judge()

    @dlt.resource(name="catalog", write_disposition="replace")
    def catalog() -> Iterator[Any]:
        for client in clients():
            sorter = sorter_for(client)
            yield from catalog_batches(client, sorter)
            sorter.judge(snapshot=True)

    @dlt.resource(name="stock", write_disposition="replace")
    def stock() -> Iterator[Any]:
        for client in clients():
            sorter = sorter_for(client)
            yield from stock_batches(client, sorter)
            sorter.judge(snapshot=True)

    @dlt.resource(name="customers", write_disposition="merge", primary_key=("store_id", "id"))
    def customers() -> Iterator[Any]:
        for client in clients():
            window = _window(client.store.store_id, lookback)
            sorter = sorter_for(client, window)
            yield from customer_batches(client, window, sorter)
            sorter.judge()

    return [orders, catalog, stock, customers]
