"""Bad weather: throttles, 5xx, dropped connections, broken bodies, dead tokens, renamed
fields and bad records. The ingest ends with exactly the truth, or fails loudly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest

from channels.amazon import AmazonAccount, AmazonClient
from channels.errors import MalformedResponseError
from channels.shopify import ShopifyClient, ShopifyStore
from dlt_sources.common.pipeline import IngestError
from tests.helpers.clients import Control
from tests.helpers.webhooks import QUIET
from tests.ingest.conftest import FAST_RETRIES
from tests.ingest.raw import CHANNELS, Ingest, check_listings_and_stock, truth_facts

World = Callable[..., tuple[dict[str, Any], Control, Ingest]]
STORMY = {"throttle": 0.2, "server_error": 0.07, "timeout": 0.03, "timeout_seconds": 1.5}
BUSY = {"shopify": 120, "tiktok_shop": 60}  # orders an hour


def test_ingest_ends_with_the_truth_through_throttles_errors_and_timeouts(
    ingest_world: World,
) -> None:
    # time_scale shortens the channels' own Retry-After so the storm passes quickly.
    _, control, ingest = ingest_world(scale="small", time_scale=50, client_timeout_s=0.5)
    for channel in CHANNELS:
        control.faults(channel, **STORMY, duplicate=0.1)
    ingest.run()
    assert ingest.order_facts() == truth_facts(control.truth())
    check_listings_and_stock(control, ingest)
    faults = {channel: control.metrics()[channel]["total"]["faults"] for channel in CHANNELS}
    assert sum(f.get("throttle", 0) for f in faults.values()) > 50, faults
    assert sum(f.get("server_error", 0) for f in faults.values()) > 10, faults
    assert sum(f.get("timeout", 0) for f in faults.values()) > 2, faults


def test_broken_bodies_are_retried_until_whole(ingest_world: World) -> None:
    _, control, ingest = ingest_world(scale="small")
    for channel in CHANNELS:
        control.faults(channel, truncated=0.1, malformed=0.05)
    ingest.run()
    assert ingest.order_facts() == truth_facts(control.truth())
    check_listings_and_stock(control, ingest)


def test_a_page_that_stays_malformed_fails_naming_endpoint_and_cursor(
    ingest_world: World,
) -> None:
    manifest, control, _ = ingest_world(scale="small")
    channel = manifest["channels"]["shopify"]
    client = ShopifyClient(
        ShopifyStore.from_mapping(channel["stores"][0], channel), policy=FAST_RETRIES
    )
    pages = client.rest_pages("orders.json", "orders", {"status": "any", "limit": 50})
    first = next(pages)
    assert len(first) == 50
    control.faults("shopify", malformed=1.0)
    with pytest.raises(MalformedResponseError) as failure:
        next(pages)
    assert "GET orders.json" in str(failure.value)
    assert failure.value.cursor
    assert failure.value.cursor in str(failure.value)


def test_a_malformed_source_fails_the_run_and_loads_nothing(ingest_world: World) -> None:
    _, control, ingest = ingest_world(scale="small")
    control.faults("tiktok_shop", malformed=1.0, paths=["/order/"])
    with pytest.raises(IngestError, match=r"tiktok_shop.*orders/search"):
        ingest.run("tiktok_shop")
    control.clear_faults()
    ingest.run("tiktok_shop")  # nothing half-done was left behind
    assert (
        ingest.order_facts()["7494572830159012345"]
        == truth_facts(control.truth())["7494572830159012345"]
    )


def test_amazon_token_dying_mid_pagination_is_refreshed_without_losing_a_page(
    ingest_world: World,
) -> None:
    manifest, control, _ = ingest_world(scale="small")
    client = AmazonClient(
        AmazonAccount.from_mapping(manifest["channels"]["amazon"]), policy=FAST_RETRIES
    )
    pages = client.orders("na", ["ATVPDKIKX0DER"], "2020-01-01T00:00:00Z")
    first = next(pages)
    assert client.tokens.exchanges == 1
    expired = control.post("/tokens/expire", {})["expired"]
    assert expired["amazon"] >= 1
    rest = list(pages)
    assert client.tokens.exchanges == 2
    loaded = [order["AmazonOrderId"] for page in [first, *rest] for order in page.orders]
    assert len(loaded) == len(set(loaded))
    truth = control.order_ids("amazon_us", updated_before=first.last_updated_before or "")
    assert set(loaded) == set(truth)
    statuses = control.metrics()["amazon"]["endpoints"]["GET /orders/v0/orders"]["statuses"]
    assert statuses.get("403") == 1  # refused once, then refreshed and resumed


def test_a_renamed_upstream_field_stops_the_load_with_a_contract_error(
    ingest_world: World,
) -> None:
    _, control, ingest = ingest_world(scale="small")
    control.faults("tiktok_shop", renamed_field={"from": "buyer_email", "to": "buyer_mail"})
    with pytest.raises(IngestError) as failure:
        ingest.run("tiktok_shop")
    message = str(failure.value)
    assert "schema contract" in message
    assert "buyer_mail" in message
    assert "--evolve-schema" in message
    tables = ingest.sql(
        "select count(*) from information_schema.tables where table_schema = 'raw_tiktok_shop' "
        "and table_name = 'orders'"
    )
    assert tables[0][0] == 0  # nothing of the failed load reached the warehouse


def test_quarantined_orders_load_once_they_pass_and_are_reported_once(
    ingest_world: World,
) -> None:
    """Seen in the chaos benchmark's fault cases: orders quarantined while a fault spoiled
    their status were never loaded after it cleared (the cursor had moved past them), so
    raw stayed short of the truth for good. As in production: the history is loaded, then
    shoppers buy, and an incremental read meets the fault."""
    _, control, ingest = ingest_world(scale="small")
    channels = ("shopify", "tiktok_shop")
    ingest.run(*channels)
    control.post("/live", {"enabled": True, "orders_per_hour": {**QUIET, **BUSY}})
    control.advance(3600)
    control.post("/live", {"enabled": False})
    control.faults(
        "shopify",
        corrupt_field={"field": "displayFinancialStatus", "value": "TELEPORTED", "share": 0.2},
    )
    control.faults("tiktok_shop", corrupt_field={"field": "status", "value": "X", "share": 0.2})
    first = ingest.run(*channels)
    assert all(first[channel].quarantined > 0 for channel in channels), first
    control.clear_faults()

    ingest.run(*channels)
    assert_loaded_the_truth(control, ingest)
    quarantined = dict(
        ingest.sql(
            "select 'shopify', count(*) from raw_shopify.quarantine union all "
            "select 'tiktok_shop', count(*) from raw_tiktok_shop.quarantine"
        )
    )
    again = ingest.run(*channels)  # released: nothing is read back in as new
    assert all(again[channel].quarantined == 0 for channel in channels), again
    assert_loaded_the_truth(control, ingest)
    assert quarantined == {channel: first[channel].quarantined for channel in channels}


def assert_loaded_the_truth(control: Control, ingest: Ingest) -> None:
    """Every store loaded holds exactly the truth's orders (Amazon's stores are not loaded)."""
    loaded, truth = ingest.order_facts(), truth_facts(control.truth())
    assert len(loaded) == 2, loaded
    assert loaded == {store: truth[store] for store in loaded}


def test_bad_records_are_quarantined_whole_and_the_load_goes_on(ingest_world: World) -> None:
    _, control, ingest = ingest_world(scale="small")
    control.faults(
        "tiktok_shop", corrupt_field={"field": "status", "value": "TELEPORTED", "share": 0.05}
    )
    control.faults(
        "amazon",
        corrupt_field={
            "field": "ItemPrice",
            "share": 0.03,
            "value": {"CurrencyCode": "EUR", "Amount": "12,30"},
        },
    )
    reports = ingest.run("tiktok_shop", "amazon")
    assert reports["tiktok_shop"].quarantined > 0
    assert reports["amazon"].quarantined > 0

    truth = {row["store_id"]: row for row in control.truth()["orders"]}
    loaded = ingest.order_facts()
    for schema in ("raw_tiktok_shop", "raw_amazon"):
        rows = ingest.sql(
            f"select store_id, resource, endpoint, record_id, reason, payload "
            f"from {schema}.quarantine"
        )
        held: dict[str, int] = {}
        for store_id, resource, endpoint, record_id, reason, payload in rows:
            record = orjson.loads(payload)
            assert endpoint
            assert reason
            assert record_id
            if resource == "orders":
                held[store_id] = held.get(store_id, 0) + 1
                assert "TELEPORTED" in reason or "bad order items" in reason
            else:
                assert resource == "order_items"
                assert "malformed money ItemPrice.Amount" in reason
                assert record["ItemPrice"]["Amount"] == "12,30"
        for store_id, count in held.items():
            assert loaded[store_id]["orders"] + count == truth[store_id]["orders"], store_id
