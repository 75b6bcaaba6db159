"""Throttling as each real channel does it: the status, the headers and the body.

Request rates here are far above every limit, so who gets refused is decided by bucket sizes,
not by how fast the machine is.
"""

from __future__ import annotations

import time

from tests.helpers.clients import Amazon, Control, Shopify, TikTok, Warehouse

SHOPIFY_THROTTLED = {
    "errors": "Exceeded 2 calls per second for api client. "
    "Reduce request rates to resume uninterrupted service."
}


def test_shopify_rest_leaky_bucket(sandbox) -> None:
    shopify = Shopify(sandbox(scale="tiny", rate_limits=True))
    responses = [shopify.get("locations.json") for _ in range(70)]
    statuses = [r.status_code for r in responses]
    assert statuses[:40] == [200] * 40, "a 40-call bucket takes a burst of 40"
    assert 429 in statuses[40:]
    levels = [int(r.headers["X-Shopify-Shop-Api-Call-Limit"].split("/")[0]) for r in responses[:40]]
    assert levels[0] == 1
    assert max(levels) >= 38
    assert all(r.headers["X-Shopify-Shop-Api-Call-Limit"].endswith("/40") for r in responses)
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.json() == SHOPIFY_THROTTLED
    assert refused.headers["Retry-After"] == "2.0"
    time.sleep(1.0)  # the bucket leaks 2 calls per second
    assert shopify.get("locations.json").status_code == 200


def test_time_scale_speeds_every_bucket_up_alike(sandbox) -> None:
    manifest = sandbox(scale="tiny", rate_limits=True, time_scale=50)
    rates = manifest["channels"]["shopify"]["rate_limits"]
    assert rates["rest_leak_per_second"] == 100.0
    assert rates["graphql_restore_per_second"] == 5_000.0
    assert manifest["channels"]["amazon"]["rate_limits"]["getOrders"]["rate"] == 0.0167 * 50
    Control(manifest).faults("shopify", throttle=1.0)
    refused = Shopify(manifest).get("locations.json")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "0.04", "2 s of world time is 40 ms at x50"


def test_integer_retry_after_when_configured(sandbox) -> None:
    shopify = Shopify(sandbox(scale="tiny", rate_limits=True, retry_after_format="integer"))
    refused = next(
        r for r in (shopify.get("locations.json") for _ in range(60)) if r.status_code == 429
    )
    assert refused.headers["Retry-After"] == "2"


def test_amazon_usage_plan_per_operation(sandbox) -> None:
    amazon = Amazon(sandbox(scale="tiny", rate_limits=True))
    params = {
        "MarketplaceIds": "ATVPDKIKX0DER",
        "CreatedAfter": "2020-01-01T00:00:00Z",
        "MaxResultsPerPage": 1,
    }
    responses = [amazon.get("na", "/orders/v0/orders", **params) for _ in range(22)]
    statuses = [r.status_code for r in responses]
    assert statuses[:20] == [200] * 20, "getOrders bursts 20"
    assert statuses[20:] == [429, 429]
    refused = responses[20]
    assert refused.json() == {
        "errors": [
            {
                "code": "QuotaExceeded",
                "message": "You exceeded your quota for the requested resource.",
                "details": "",
            }
        ]
    }
    assert refused.headers["x-amzn-RequestId"]
    assert responses[0].headers["x-amzn-RateLimit-Limit"] == "0.0167"
    order_id = responses[0].json()["payload"]["Orders"][0]["AmazonOrderId"]
    items = amazon.get("na", f"/orders/v0/orders/{order_id}/orderItems")
    assert items.status_code == 200, "each operation has its own bucket"
    assert items.headers["x-amzn-RateLimit-Limit"] == "0.5"


def test_tiktok_per_shop_qps(sandbox) -> None:
    manifest = sandbox(scale="tiny", rate_limits=True, channel_options={"tiktok_shop": {"qps": 4}})
    assert manifest["channels"]["tiktok_shop"]["rate_limits"]["requests_per_second"] == 4
    tiktok = TikTok(manifest)
    tiktok.cipher  # noqa: B018 - spends one request on the shop lookup
    search = "/order/202309/orders/search"
    bodies = [tiktok.call("POST", search, {}, page_size=1) for _ in range(40)]
    refused = [r for r in bodies if r.status_code == 429]
    assert len(refused) >= 10, "4 queries per second cannot admit 40 in a burst"
    payload = refused[0].json()
    assert payload["code"] != 0
    assert payload["data"] is None
    assert payload["request_id"]


def test_warehouse_limits_with_integer_retry_after(sandbox) -> None:
    warehouse = Warehouse(sandbox(scale="tiny", rate_limits=True))
    responses = [warehouse.get("/v1/locations") for _ in range(80)]
    assert [r.status_code for r in responses[:20]] == [200] * 20
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.headers["Retry-After"].isdigit()
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.json()["error"]["code"] == "rate_limited"
    assert responses[0].headers["X-RateLimit-Limit"] == "20"
