"""Fault injection: every kind of bad weather, in the channel's own shape, counted."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.helpers.clients import Amazon, Control, Shopify, TikTok, Warehouse


@pytest.fixture
def tiny(sandbox) -> dict:
    return sandbox(scale="tiny")


def test_injected_throttles_look_like_the_channels_own(tiny: dict) -> None:
    control = Control(tiny)
    control.faults("shopify", throttle=1.0)
    control.faults("amazon", throttle=1.0, paths=["/orders/"])
    refused = Shopify(tiny).get("orders.json")
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert refused.json()["errors"].startswith("Exceeded 2 calls per second")
    amazon = Amazon(tiny)
    token = amazon.exchange("na")
    assert token.status_code == 200, "paths limit the fault to the orders endpoints"
    orders = amazon.get(
        "na",
        "/orders/v0/orders",
        MarketplaceIds="ATVPDKIKX0DER",
        CreatedAfter="2020-01-01T00:00:00Z",
    )
    assert orders.status_code == 429
    assert orders.json()["errors"][0]["code"] == "QuotaExceeded"
    faults = control.metrics()["shopify"]["total"]["faults"]
    assert faults == {"throttle": 1}


def test_server_errors_use_the_channel_error_envelope(tiny: dict) -> None:
    control = Control(tiny)
    control.faults("amazon", server_error=1.0)
    control.faults("tiktok_shop", server_error=1.0, paths=["/order/"])
    amazon = Amazon(tiny)
    response = amazon.http.post(amazon.config["lwa_url"], data={})
    assert response.status_code in (500, 502, 503)
    assert response.json()["errors"][0]["code"] in ("InternalFailure", "ServiceUnavailable")
    tiktok = TikTok(tiny)
    failed = tiktok.call("POST", "/order/202309/orders/search", {}, page_size=5)
    assert failed.status_code in (500, 502, 503)
    assert failed.json()["code"] != 0


def test_slow_responses_arrive_late(tiny: dict) -> None:
    Control(tiny).faults("warehouse", slow=1.0, slow_seconds=0.4)
    started = time.perf_counter()
    response = Warehouse(tiny).get("/v1/locations")
    assert response.status_code == 200
    assert time.perf_counter() - started >= 0.4


def test_timeouts_drop_the_connection(tiny: dict) -> None:
    Control(tiny).faults("warehouse", timeout=1.0, timeout_seconds=0.3)
    with pytest.raises(httpx.TransportError):
        Warehouse(tiny).get("/v1/locations")
    impatient = Warehouse(tiny)
    Control(tiny).faults("warehouse", timeout=1.0, timeout_seconds=1.5)
    with pytest.raises(httpx.TimeoutException):
        impatient.http.get(f"{impatient.base}/v1/locations", timeout=0.5)


def test_truncated_and_malformed_bodies_are_not_json(tiny: dict) -> None:
    control = Control(tiny)
    shopify = Shopify(tiny)
    whole = shopify.get("orders.json", status="any", limit=5).content
    control.faults("shopify", truncated=1.0)
    cut = shopify.get("orders.json", status="any", limit=5)
    assert cut.status_code == 200
    assert len(cut.content) < len(whole)
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)
    control.faults("shopify", malformed=1.0)
    for _ in range(4):
        broken = shopify.get("orders.json", status="any", limit=5)
        assert broken.status_code == 200
        with pytest.raises(json.JSONDecodeError):
            json.loads(broken.content)
    assert control.metrics()["shopify"]["total"]["faults"]["malformed"] == 4


def test_duplicated_records_across_pages(tiny: dict) -> None:
    control = Control(tiny)
    control.faults("shopify", duplicate=1.0, duplicate_count=2)
    control.faults("warehouse", duplicate=1.0, duplicate_count=2)
    pages = list(Shopify(tiny).pages("orders.json", "orders", status="any", limit=20))
    assert [o["id"] for o in pages[1][:2]] == [o["id"] for o in pages[0][-2:]]
    warehouse = Warehouse(tiny)
    first = warehouse.get("/v1/shipments", limit=10).json()
    second = warehouse.get("/v1/shipments", limit=10, cursor=first["next_cursor"]).json()
    assert [s["id"] for s in second["data"][:2]] == [s["id"] for s in first["data"][-2:]]


def test_schema_changes_add_and_rename_fields(tiny: dict) -> None:
    control = Control(tiny)
    control.faults("shopify", renamed_field={"from": "total_price", "to": "total_price_amount"})
    orders = Shopify(tiny).get("orders.json", status="any", limit=5).json()["orders"]
    assert all("total_price" not in o and "total_price_amount" in o for o in orders)
    control.faults("tiktok_shop", added_field="fulfillment_priority")
    found = TikTok(tiny).call("POST", "/order/202309/orders/search", {}, page_size=5).json()
    assert all(o["fulfillment_priority"] == "unexpected" for o in found["data"]["orders"])


def test_a_bad_stock_read_reports_zero_everywhere(tiny: dict) -> None:
    Control(tiny).faults("warehouse", zero_stock=True)
    rows = Warehouse(tiny).all("/v1/inventory", limit=500)
    assert rows
    assert all(row["on_hand"] == 0 for row in rows)
    Control(tiny).clear_faults()
    assert any(row["on_hand"] for row in Warehouse(tiny).all("/v1/inventory", limit=500))


def test_faults_are_deterministic_per_seed(sandbox) -> None:
    outcomes = []
    for _ in range(2):
        manifest = sandbox(scale="tiny")
        Control(manifest).faults("warehouse", throttle=0.3, server_error=0.2)
        warehouse = Warehouse(manifest)
        outcomes.append([warehouse.get("/v1/locations").status_code for _ in range(40)])
    assert outcomes[0] == outcomes[1]
    assert {200, 429} <= set(outcomes[0])


def test_unknown_fault_settings_are_refused(tiny: dict) -> None:
    control = Control(tiny)
    response = control.http.put(f"{control.url}/faults/shopify", json={"explode": 1})
    assert response.status_code == 400
    assert "explode" in response.json()["error"]
    response = control.http.put(f"{control.url}/faults/shopify", json={"throttle": 2})
    assert response.status_code == 400
    response = control.http.put(f"{control.url}/faults/nowhere", json={})
    assert response.status_code == 400
