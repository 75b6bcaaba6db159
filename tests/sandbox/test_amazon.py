"""Amazon SP-API: LWA, token expiry, Orders v0, FBA inventory and Listings Items."""

from __future__ import annotations

from decimal import Decimal

from tests.helpers.clients import Amazon, Control
from tests.helpers.shapes import assert_amazon_shape

US, DE = "ATVPDKIKX0DER", "A1PA6795UKMFR9"
DENIED = "Access to requested resource is denied."
SINCE = "2020-01-01T00:00:00Z"


def test_lwa_exchanges_a_refresh_token_and_refuses_bad_clients(amazon: Amazon) -> None:
    good = amazon.exchange("na")
    assert good.status_code == 200
    body = good.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"].startswith("Atza|")
    bad_client = amazon.exchange("na", client_secret="wrong")
    assert bad_client.status_code == 401
    assert bad_client.json() == {
        "error_description": "Client authentication failed",
        "error": "invalid_client",
    }
    bad_grant = amazon.exchange("na", refresh_token="Atzr|nope")
    assert bad_grant.status_code == 400
    assert bad_grant.json()["error"] == "invalid_grant"
    wrong_type = amazon.exchange("na", grant_type="client_credentials")
    assert wrong_type.status_code == 400
    assert wrong_type.json()["error"] == "unsupported_grant_type"


def test_calls_without_a_valid_token_are_denied_with_403(amazon: Amazon) -> None:
    missing = amazon.get("na", "/orders/v0/orders", token="", MarketplaceIds=US, CreatedAfter=SINCE)
    assert missing.status_code == 403
    assert missing.json()["errors"][0]["code"] == "Unauthorized"
    forged = amazon.get(
        "na", "/orders/v0/orders", token="Atza|forged", MarketplaceIds=US, CreatedAfter=SINCE
    )
    assert forged.status_code == 403
    assert forged.json() == {
        "errors": [
            {
                "code": "Unauthorized",
                "message": DENIED,
                "details": "The access token you provided is revoked, malformed or invalid.",
            }
        ]
    }
    assert_amazon_shape("ordersV0.json", "GetOrdersResponse", forged.json())
    other_region = amazon.get(
        "eu", "/orders/v0/orders", token=amazon.token("na"), MarketplaceIds=DE, CreatedAfter=SINCE
    )
    assert other_region.status_code == 403


def test_an_expired_token_is_refused_until_refreshed(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    amazon, control = Amazon(manifest), Control(manifest)
    token = amazon.token("na")
    assert (
        amazon.get(
            "na", "/orders/v0/orders", token=token, MarketplaceIds=US, CreatedAfter=SINCE
        ).status_code
        == 200
    )
    control.advance(3_601)
    expired = amazon.get(
        "na", "/orders/v0/orders", token=token, MarketplaceIds=US, CreatedAfter=SINCE
    )
    assert expired.status_code == 403
    assert expired.json()["errors"][0]["details"] == "The access token you provided has expired."
    fresh = amazon.token("na", fresh=True)
    assert (
        amazon.get(
            "na", "/orders/v0/orders", token=fresh, MarketplaceIds=US, CreatedAfter=SINCE
        ).status_code
        == 200
    )


def test_get_orders_pages_every_order_exactly_once(amazon: Amazon, control: Control) -> None:
    for region, marketplace, storefront in (("na", US, "amazon_us"), ("eu", DE, "amazon_de")):
        orders = amazon.orders(
            region, MarketplaceIds=marketplace, LastUpdatedAfter=SINCE, MaxResultsPerPage=37
        )
        ids = [o["AmazonOrderId"] for o in orders]
        assert len(ids) == len(set(ids))
        assert sorted(ids) == sorted(control.order_ids(storefront))


def test_orders_and_items_match_the_official_models(amazon: Amazon, control: Control) -> None:
    response = amazon.get(
        "eu", "/orders/v0/orders", MarketplaceIds=DE, CreatedAfter=SINCE, MaxResultsPerPage=100
    )
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.0167"
    assert response.headers["x-amzn-RequestId"]
    assert_amazon_shape("ordersV0.json", "GetOrdersResponse", response.json())
    gross = Decimal(0)
    for order in amazon.orders("eu", MarketplaceIds=DE, CreatedAfter=SINCE):
        items = amazon.get("eu", f"/orders/v0/orders/{order['AmazonOrderId']}/orderItems")
        assert_amazon_shape("ordersV0.json", "GetOrderItemsResponse", items.json())
        gross += sum(
            Decimal(i["ItemPrice"]["Amount"]) for i in items.json()["payload"]["OrderItems"]
        )
    truth = control.storefront_truth("amazon_de")
    assert truth["currency"] == "EUR"
    assert gross == Decimal(truth["gross"]), "ItemPrice is the line total: price x quantity"
    single = amazon.get("eu", f"/orders/v0/orders/{order['AmazonOrderId']}")
    assert_amazon_shape("ordersV0.json", "GetOrderResponse", single.json())


def test_relay_emails_hide_the_buyer(amazon: Amazon) -> None:
    orders = amazon.orders("na", MarketplaceIds=US, CreatedAfter=SINCE)
    emails = [o["BuyerInfo"]["BuyerEmail"] for o in orders if "BuyerInfo" in o]
    assert emails
    assert all(e.endswith("@marketplace.amazon.com") for e in emails)
    assert all("Name" not in o["ShippingAddress"] for o in orders)


def test_get_orders_validates_its_time_window(amazon: Amazon) -> None:
    both = amazon.get(
        "na", "/orders/v0/orders", MarketplaceIds=US, CreatedAfter=SINCE, LastUpdatedAfter=SINCE
    )
    neither = amazon.get("na", "/orders/v0/orders", MarketplaceIds=US)
    too_recent = amazon.get(
        "na",
        "/orders/v0/orders",
        MarketplaceIds=US,
        LastUpdatedAfter=SINCE,
        LastUpdatedBefore="2030-01-01T00:00:00Z",
    )
    no_marketplace = amazon.get("na", "/orders/v0/orders", CreatedAfter=SINCE)
    foreign = amazon.get("na", "/orders/v0/orders", MarketplaceIds=DE, CreatedAfter=SINCE)
    for response in (both, neither, too_recent, no_marketplace, foreign):
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "InvalidInput"
        assert_amazon_shape("ordersV0.json", "GetOrdersResponse", response.json())


def test_incremental_sync_resumes_from_last_updated_before(sandbox) -> None:
    manifest = sandbox()
    amazon, control = Amazon(manifest), Control(manifest)
    first = amazon.get("na", "/orders/v0/orders", MarketplaceIds=US, LastUpdatedAfter=SINCE).json()[
        "payload"
    ]
    cursor = first["LastUpdatedBefore"]
    control.advance(86_400)
    changed = amazon.orders("na", MarketplaceIds=US, LastUpdatedAfter=cursor)
    latest = amazon.get(
        "na", "/orders/v0/orders", MarketplaceIds=US, LastUpdatedAfter=cursor
    ).json()["payload"]
    expected = control.order_ids(
        "amazon_us", updated_after=cursor, updated_before=latest["LastUpdatedBefore"]
    )
    assert expected
    assert sorted(o["AmazonOrderId"] for o in changed) == sorted(expected)


def test_fba_inventory_summaries(amazon: Amazon, control: Control) -> None:
    params = {
        "granularityType": "Marketplace",
        "granularityId": US,
        "marketplaceIds": US,
        "details": "true",
    }
    summaries = []
    query = dict(params)
    while True:
        response = amazon.get("na", "/fba/inventory/v1/summaries", **query)
        assert response.headers["x-amzn-RateLimit-Limit"] == "2"
        body = response.json()
        assert_amazon_shape("fbaInventory.json", "GetInventorySummariesResponse", body)
        summaries.extend(body["payload"]["inventorySummaries"])
        if "pagination" not in body:
            break
        query = {**params, "nextToken": body["pagination"]["nextToken"]}
    assert len({s["sellerSku"] for s in summaries}) == len(summaries)
    fba = {
        row["key"]["seller_sku"]: row["displayed_quantity"]
        for row in control.get("/truth/listings", channel="amazon")["listings"]
        if row["store_id"] == US and row["fulfilled_by"] == "marketplace"
    }
    assert {s["sellerSku"]: s["inventoryDetails"]["fulfillableQuantity"] for s in summaries} == fba


def test_listings_search_get_and_patch(sandbox) -> None:
    manifest = sandbox()
    amazon, control = Amazon(manifest), Control(manifest)
    seller = manifest["channels"]["amazon"]["seller_id"]
    found, token = [], None
    while True:
        params = {
            "marketplaceIds": US,
            "includedData": "summaries,fulfillmentAvailability",
            "pageSize": 20,
        }
        if token:
            params["pageToken"] = token
        body = amazon.get("na", f"/listings/2021-08-01/items/{seller}", **params).json()
        assert_amazon_shape("listingsItems_2021-08-01.json", "ItemSearchResults", body)
        found.extend(body["items"])
        token = body.get("pagination", {}).get("nextToken")
        if not token:
            break
    truth = [
        r
        for r in control.get("/truth/listings", channel="amazon")["listings"]
        if r["store_id"] == US
    ]
    assert sorted(i["sku"] for i in found) == sorted(r["key"]["seller_sku"] for r in truth)

    merchant = next(r for r in truth if r["fulfilled_by"] == "merchant")["key"]["seller_sku"]
    patch = {
        "productType": "PRODUCT",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 17}],
            }
        ],
    }
    path = f"/listings/2021-08-01/items/{seller}/{merchant}"
    preview = amazon.patch("na", path, patch, marketplaceIds=US, mode="VALIDATION_PREVIEW").json()
    assert preview["status"] == "VALID"
    accepted = amazon.patch("na", path, patch, marketplaceIds=US).json()
    assert_amazon_shape("listingsItems_2021-08-01.json", "ListingsItemSubmissionResponse", accepted)
    assert accepted["status"] == "ACCEPTED"
    item = amazon.get("na", path, marketplaceIds=US, includedData="fulfillmentAvailability").json()
    assert_amazon_shape("listingsItems_2021-08-01.json", "Item", item)
    assert item["fulfillmentAvailability"] == [
        {"fulfillmentChannelCode": "DEFAULT", "quantity": 17}
    ]

    fba = next(r for r in truth if r["fulfilled_by"] == "marketplace")
    refused = amazon.patch(
        "na",
        f"/listings/2021-08-01/items/{seller}/{fba['key']['seller_sku']}",
        patch,
        marketplaceIds=US,
    )
    assert refused.json()["status"] == "INVALID"
    assert refused.json()["issues"][0]["severity"] == "ERROR"
    after = next(
        r
        for r in control.get("/truth/listings", channel="amazon")["listings"]
        if r["key"] == fba["key"]
    )
    assert after["displayed_quantity"] == fba["displayed_quantity"], (
        "Amazon's stock is never overwritten"
    )
    assert (
        amazon.get("na", f"/listings/2021-08-01/items/{seller}/NOPE", marketplaceIds=US).status_code
        == 404
    )
