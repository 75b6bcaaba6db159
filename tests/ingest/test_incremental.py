"""After the world moves on in live mode, an incremental ingest loads exactly what changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.helpers.clients import Control
from tests.ingest.raw import Ingest, truth_facts

AMAZON_LAG = timedelta(minutes=2)  # Amazon's window always ends two minutes before now
LOADED_IDS = {
    "shopify": "select legacy_resource_id from raw_shopify.orders where _dlt_load_id = '{load}'",
    "amazon": "select amazon_order_id from raw_amazon.orders where _dlt_load_id = '{load}' "
    "and store_id = '{store}'",
    "tiktok_shop": "select id from raw_tiktok_shop.orders where _dlt_load_id = '{load}'",
}


def world_now(control: Control) -> datetime:
    return datetime.fromisoformat(control.get("/clock")["now"].replace("Z", "+00:00"))


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_incremental_ingest_loads_exactly_the_new_and_changed_orders(
    ingest_world: Callable[..., tuple[dict[str, Any], Control, Ingest]],
) -> None:
    _, control, ingest = ingest_world(scale="small")
    ingest.run("shopify", "amazon", "tiktok_shop")
    first_cover = world_now(control)

    rates = {"shopify": 30, "amazon_us": 20, "amazon_de": 8, "tiktok_shop": 15}
    control.post("/live", {"enabled": True, "orders_per_hour": rates})
    control.advance(4 * 3600)
    control.post("/live", {"enabled": False})
    control.advance(130)
    second_cover = world_now(control)
    control.reset_metrics()

    reports = ingest.run("shopify", "amazon", "tiktok_shop")

    changed_amazon_orders = 0
    for row in control.truth()["orders"]:
        channel, storefront = row["channel"], row["storefront"]
        start, end = first_cover, second_cover
        if channel == "amazon":
            start, end = first_cover - AMAZON_LAG, second_cover - AMAZON_LAG
        expected = {
            order["id"]
            for order in control.get(
                "/truth/orders",
                storefront=storefront,
                updated_after=stamp(start + timedelta(seconds=1)),
                updated_before=stamp(end),
            )["orders"]
        }
        query = LOADED_IDS[channel].format(load=reports[channel].load_id, store=row["store_id"])
        loaded = {str(value) for (value,) in ingest.sql(query)}
        assert expected, f"the live world produced no change on {storefront}"
        assert loaded == expected, storefront
        if channel == "amazon":
            changed_amazon_orders += len(expected)

    # Order items are fetched for new or changed orders only: one getOrderItems call each.
    endpoints = control.metrics()["amazon"]["endpoints"]
    assert endpoints["GET /orders/v0/orders/{order_id}/orderItems"]["requests"] == (
        changed_amazon_orders
    )
    # Shopify's small increment paged through GraphQL; no bulk export was needed.
    assert "GET /_bulk/{name}" not in control.metrics()["shopify"]["endpoints"]

    # And the warehouse as a whole still equals the truth, now including the live orders.
    assert ingest.order_facts() == truth_facts(control.truth())
