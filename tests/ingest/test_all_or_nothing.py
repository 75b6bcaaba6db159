"""A load is all or nothing per table: broken upstream data fails loudly and keeps what was
there; a few bad records are quarantined and the rest loads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dlt_sources.common.pipeline import IngestError
from tests.helpers.clients import Control
from tests.ingest.raw import Ingest, truth_facts

World = Callable[..., tuple[dict[str, Any], Control, Ingest]]
INVENTORY = "select sku, location, on_hand, _dlt_load_id from raw_warehouse.inventory order by 1, 2"


def test_a_snapshot_whose_records_all_fail_their_checks_fails_and_keeps_the_previous_rows(
    ingest_world: World,
) -> None:
    _, control, ingest = ingest_world(scale="tiny")
    ingest.run("warehouse")
    before = ingest.sql(INVENTORY)
    assert before
    control.faults("warehouse", renamed_field={"from": "on_hand", "to": "on_hand_qty"})
    with pytest.raises(IngestError) as failure:
        ingest.run("warehouse")
    message = str(failure.value)
    assert "inventory" in message
    assert "missing on_hand" in message
    assert "previous rows" in message
    assert ingest.sql(INVENTORY) == before, "the failed snapshot left the table as it was"
    control.clear_faults()
    ingest.run("warehouse")
    assert len(ingest.sql(INVENTORY)) == len(before)


def test_a_snapshot_that_comes_back_empty_keeps_the_previous_rows(ingest_world: World) -> None:
    _, control, ingest = ingest_world(scale="tiny")
    ingest.run("warehouse")
    before = ingest.sql(INVENTORY)
    control.faults("warehouse", dropped_records=1.0, paths=["/v1/inventory"])
    with pytest.raises(IngestError, match=r"`inventory` snapshot .* came back empty"):
        ingest.run("warehouse")
    assert ingest.sql(INVENTORY) == before


def test_a_bad_stock_value_is_quarantined_with_its_reason_and_the_rest_loads(
    ingest_world: World,
) -> None:
    _, control, ingest = ingest_world(scale="tiny")
    control.faults("warehouse", corrupt_field={"field": "on_hand", "share": 0.1, "value": "lots"})
    report = ingest.run("warehouse")["warehouse"]
    reasons = ingest.sql(
        "select record_id, endpoint, reason from raw_warehouse.quarantine "
        "where resource = 'inventory'"
    )
    assert reasons, "some rows were corrupted"
    assert report.quarantined == len(reasons)
    for record_id, endpoint, reason in reasons:
        assert record_id
        assert endpoint == "GET /v1/inventory"
        assert reason == "on_hand must be a whole number of units, got 'lots'"
    truth = sum(
        len(row["on_hand"]) for row in control.get("/truth/stock")["skus"] if not row["is_bundle"]
    )
    assert len(ingest.sql(INVENTORY)) + len(reasons) == truth


def test_a_renamed_amazon_order_status_fails_the_channel_instead_of_reporting_success(
    ingest_world: World,
) -> None:
    _, control, ingest = ingest_world(scale="tiny")
    control.faults("amazon", renamed_field={"from": "OrderStatus", "to": "Status"})
    with pytest.raises(IngestError) as failure:
        ingest.run("amazon")
    assert "missing OrderStatus" in str(failure.value)
    assert "getOrders" in str(failure.value)
    schemas = {name for (name,) in ingest.sql("select schema_name from duckdb_schemas()")}
    if "raw_amazon" in schemas:
        assert ingest.sql("select count(*) from raw_amazon.orders") == [(0,)]
    control.clear_faults()
    ingest.run("amazon")  # nothing was lost: the same window is read again
    expected = {k: v for k, v in truth_facts(control.truth()).items() if k.startswith("A")}
    assert {k: v for k, v in ingest.order_facts().items() if k in expected} == expected


def test_shopify_bulk_download_survives_throttles_and_server_errors(ingest_world: World) -> None:
    manifest, control, ingest = ingest_world(scale="tiny", time_scale=50)
    control.faults("shopify", throttle=0.5, server_error=0.3, paths=["/_bulk/"])
    ingest.run("shopify")
    faults = control.metrics()["shopify"]["total"]["faults"]
    assert faults.get("throttle", 0) + faults.get("server_error", 0) > 0, faults
    store_id = manifest["channels"]["shopify"]["stores"][0]["store_id"]
    assert ingest.order_facts()[store_id] == truth_facts(control.truth())[store_id]
