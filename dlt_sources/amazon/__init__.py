"""The Amazon source: orders and order items (per region, items only for new or changed
orders, inside getOrderItems' budget), FBA inventory summaries and listings per marketplace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import dlt
from dlt.sources import DltResource

from channels.amazon import AmazonAccount, AmazonClient
from channels.deadline import Deadline
from channels.retry import RetryPolicy
from channels.transport import RequestTally
from dlt_sources.amazon import checks
from dlt_sources.common.checks import Check
from dlt_sources.common.dedupe import Once
from dlt_sources.common.lazy import lazily
from dlt_sources.common.quarantine import Screening, Sorter
from dlt_sources.common.tables import FROZEN, stamp, to_table
from dlt_sources.common.window import UpdateWindow, iso, parse_time

CHANNEL = "amazon"


@dlt.source(name=CHANNEL, max_table_nesting=1, schema_contract=FROZEN)
def amazon_source(
    settings: dict[str, Any],
    lookback_minutes: float = 15.0,
    history_days: float = 730.0,
    policy: RetryPolicy | None = None,
    tally: RequestTally | None = None,
    deadline: Deadline | None = None,
) -> list[DltResource]:
    client = lazily(
        lambda: AmazonClient(
            AmazonAccount.from_mapping(settings), policy=policy, tally=tally, deadline=deadline
        )
    )
    screening = Screening.from_settings(settings)
    lookback = timedelta(minutes=lookback_minutes)
    initial = datetime.now(UTC) - timedelta(days=history_days)

    @dlt.resource(name="orders", write_disposition="merge", primary_key=("AmazonOrderId",))
    def orders() -> Iterator[Any]:
        for region in client().account.regions:
            state = dlt.current.resource_state().setdefault("regions", {})
            window = UpdateWindow(state.setdefault(region.name, {}), lookback, initial)
            yield from _orders(
                client(), region.name, list(region.marketplace_ids), window, screening
            )

    @dlt.resource(name="fba_inventory", write_disposition="replace")
    def fba_inventory() -> Iterator[Any]:
        yield from _snapshot(
            client(),
            client().inventory_summaries,
            checks.INVENTORY,
            "fba_inventory",
            "getInventorySummaries",
            "sellerSku",
            screening,
        )

    @dlt.resource(name="listings", write_disposition="replace")
    def listings() -> Iterator[Any]:
        yield from _snapshot(
            client(),
            client().listings,
            checks.LISTING,
            "listings",
            "searchListingsItems",
            "sku",
            screening,
        )

    return [orders, fba_inventory, listings]


def _snapshot(
    client: AmazonClient,
    pages_of: Callable[[str, str], Iterator[list[dict[str, Any]]]],
    rules: list[Check],
    table: str,
    endpoint: str,
    key: str,
    screening: Screening,
) -> Iterator[Any]:
    """Every marketplace's current state of one kind (stock, listings), checked, once each."""
    for region in client.account.regions:
        for marketplace in region.marketplace_ids:
            sorter, once = Sorter(CHANNEL, marketplace, screening), Once(lambda r: r.get(key))
            for page in pages_of(region.name, marketplace):
                yield from _checked(
                    sorter, once.fresh(page), rules, table, endpoint, key, marketplace
                )
            sorter.judge(snapshot=True)


def _checked(
    sorter: Sorter,
    page: list[dict[str, Any]],
    rules: list[Check],
    table: str,
    endpoint: str,
    id_field: str,
    marketplace: str,
) -> Iterator[Any]:
    good, bad = sorter.split(page, rules, resource=table, endpoint=endpoint, id_field=id_field)
    for row in good:
        row["marketplace_id"] = marketplace
    if good:
        yield to_table(table, stamp(good, CHANNEL, marketplace), write_disposition="replace")
    if bad:
        yield sorter.rows(bad)


def _orders(
    client: AmazonClient,
    region: str,
    marketplaces: list[str],
    window: UpdateWindow,
    screening: Screening,
) -> Iterator[Any]:
    """New or changed orders of one region, each with its items; advances the window."""
    window_end: str | None = None
    sorters: dict[str, Sorter] = {}  # one per marketplace, judged on the whole increment
    for page in client.orders(region, marketplaces, iso(window.start)):
        window_end = window_end or page.last_updated_before
        fresh = [
            order
            for order in page.orders
            if window.is_new(str(order.get("AmazonOrderId")), order.get("LastUpdateDate") or 0)
        ]
        for order in fresh:
            market = str(order.get("MarketplaceId") or marketplaces[0])
            sorter = sorters.setdefault(market, Sorter(CHANNEL, market, screening, window))
            good, bad = sorter.split(
                [order],
                checks.ORDER,
                resource="orders",
                endpoint="getOrders",
                id_field="AmazonOrderId",
            )
            if bad:
                yield sorter.rows(bad)
            if not good:  # quarantined now, or earlier at this update and still failing
                continue
            items = client.order_items(region, order["AmazonOrderId"])
            good_items, bad_items = sorter.split(
                items,
                checks.ORDER_ITEM,
                resource="order_items",
                endpoint="getOrderItems",
                id_field="OrderItemId",
            )
            if bad_items:
                # An order is loaded whole or not at all: a partial set of lines would
                # understate units and revenue without anyone noticing.
                order["OrderItems"] = items
                _, quarantined = sorter.split(
                    [order],
                    [partial(_fixed_reason, f"{len(bad_items)} bad order items")],
                    resource="orders",
                    endpoint="getOrderItems",
                    id_field="AmazonOrderId",
                )
                if quarantined:  # else quarantined at this update by an earlier run
                    yield sorter.rows(bad_items + quarantined)
                continue
            for item in good_items:
                item["AmazonOrderId"] = order["AmazonOrderId"]
            yield to_table("orders", stamp(good, CHANNEL, market), primary_key=("AmazonOrderId",))
            if good_items:
                yield to_table(
                    "order_items",
                    stamp(good_items, CHANNEL, market),
                    primary_key=("AmazonOrderId", "OrderItemId"),
                )
    for sorter in sorters.values():
        sorter.judge()
    window.advance(parse_time(window_end) if window_end else None)


def _fixed_reason(reason: str, _record: dict[str, Any]) -> str:
    return reason
