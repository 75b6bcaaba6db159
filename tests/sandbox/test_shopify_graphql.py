"""Shopify Admin GraphQL: validation, cost, throttling, pagination, bulk export, stock writes."""

from __future__ import annotations

import json
import time
import uuid

import httpx

from tests.helpers.clients import Control, Shopify

ORDERS_PAGE = """
query Orders($after: String) {
  orders(first: 250, after: $after) {
    edges { cursor node { id legacyResourceId name displayFinancialStatus updatedAt
      totalPriceSet { shopMoney { amount currencyCode } } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

SET_QUANTITIES = """
mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { reason changes { name delta item { id } } }
    userErrors { code field message }
  }
}
"""


def test_every_response_reports_its_cost(shopify: Shopify) -> None:
    query = "{ orders(first: 5) { nodes { id lineItems(first: 10) { nodes { sku quantity } } } } }"
    body = shopify.graphql(query)
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 5 * (1 + 2 + 10 * 1)
    assert 0 < cost["actualQueryCost"] <= cost["requestedQueryCost"]
    assert set(cost["throttleStatus"]) == {"maximumAvailable", "currentlyAvailable", "restoreRate"}


def test_orders_page_through_cursors_exactly_once(shopify: Shopify, control: Control) -> None:
    seen: list[str] = []
    after = None
    while True:
        data = shopify.graphql(ORDERS_PAGE, {"after": after})["data"]["orders"]
        seen.extend(edge["node"]["legacyResourceId"] for edge in data["edges"])
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen))
    assert sorted(map(str, seen)) == sorted(control.order_ids("shopify"))


def test_search_query_returns_the_changes(sandbox) -> None:
    manifest = sandbox()
    shopify, control = Shopify(manifest), Control(manifest)
    before = control.truth()["now"]
    control.advance(2 * 86_400)
    query = """query($q: String, $after: String) { orders(first: 100, after: $after, query: $q) {
      nodes { legacyResourceId updatedAt } pageInfo { hasNextPage endCursor } } }"""
    found, after = [], None
    while True:
        page = shopify.graphql(query, {"q": f"updated_at:>='{before}'", "after": after})
        orders = page["data"]["orders"]
        found.extend(str(node["legacyResourceId"]) for node in orders["nodes"])
        if not orders["pageInfo"]["hasNextPage"]:
            break
        after = orders["pageInfo"]["endCursor"]
    expected = control.order_ids("shopify", updated_after=before)
    assert expected
    assert sorted(found) == sorted(expected)


def test_graphql_and_rest_agree(shopify: Shopify) -> None:
    rest = shopify.get("orders.json", status="any", limit=20).json()["orders"]
    query = """query($id: ID!) { order(id: $id) { name totalPriceSet { shopMoney { amount } }
      lineItems(first: 20) { nodes { sku quantity } } } }"""
    for order in rest:
        node = shopify.graphql(query, {"id": order["admin_graphql_api_id"]})["data"]["order"]
        assert node["name"] == order["name"]
        assert node["totalPriceSet"]["shopMoney"]["amount"] == order["total_price"]
        assert [(n["sku"], n["quantity"]) for n in node["lineItems"]["nodes"]] == [
            (li["sku"], li["quantity"]) for li in order["line_items"]
        ]


def test_invalid_queries_fail_validation_with_http_200(shopify: Shopify) -> None:
    body = shopify.graphql("{ orders(first: 1) { nodes { notAField } } }")
    assert "data" not in body
    assert "notAField" in body["errors"][0]["message"]
    missing = shopify.graphql("{ orders { nodes { id } } }")
    assert missing["data"] is None or missing["errors"]
    assert "first or last" in json.dumps(missing["errors"])
    syntax = shopify.http.post(f"{shopify.base}/graphql.json", json={"query": "{ orders("})
    assert syntax.status_code == 200
    assert syntax.json()["errors"]


def test_queries_above_the_single_query_limit_are_refused(shopify: Shopify) -> None:
    query = "{ orders(first: 250) { nodes { id lineItems(first: 250) { nodes { id } } } } }"
    error = shopify.graphql(query)["errors"][0]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert error["extensions"]["cost"] > 1000
    assert "exceeds the single query max cost limit (1000)" in error["message"]


def test_a_drained_bucket_answers_throttled(sandbox) -> None:
    shopify = Shopify(sandbox(scale="tiny", rate_limits=True))
    query = (
        "{ orders(first: 240) { nodes { id lineItems(first: 1) { nodes { id } } } } }"  # 962 points
    )
    throttled = None
    for _ in range(30):
        body = shopify.graphql(query)
        if body.get("errors"):
            throttled = body
            break
    assert throttled is not None, "a 2000-point bucket cannot pay for 30 queries of ~960 points"
    assert throttled["errors"] == [
        {
            "message": "Throttled",
            "extensions": {
                "code": "THROTTLED",
                "documentation": "https://shopify.dev/api/usage/rate-limits",
            },
        }
    ]
    status = throttled["extensions"]["cost"]["throttleStatus"]
    assert status["currentlyAvailable"] < throttled["extensions"]["cost"]["requestedQueryCost"]
    assert status["maximumAvailable"] == 2000.0
    assert status["restoreRate"] == 100.0


def _wait_for_bulk(shopify: Shopify) -> dict:
    query = (
        "{ currentBulkOperation { id status errorCode objectCount rootObjectCount url fileSize } }"
    )
    for _ in range(300):
        operation = shopify.graphql(query)["data"]["currentBulkOperation"]
        if operation["status"] in ("COMPLETED", "FAILED", "CANCELED"):
            return operation
        time.sleep(0.05)
    raise AssertionError("bulk operation did not finish")


def test_bulk_export_writes_every_order_and_line_as_jsonl(sandbox) -> None:
    manifest = sandbox()
    shopify, control = Shopify(manifest), Control(manifest)
    inner = (
        "{ orders { edges { node { id name lineItems { edges { node { id sku quantity } } } } } } }"
    )
    mutation = """mutation($q: String!) { bulkOperationRunQuery(query: $q) {
      bulkOperation { id status } userErrors { code message } } }"""
    started = shopify.graphql(mutation, {"q": inner})["data"]["bulkOperationRunQuery"]
    assert started["userErrors"] == []
    assert started["bulkOperation"]["status"] in (
        "CREATED",
        "RUNNING",
    )
    again = shopify.graphql(mutation, {"q": inner})["data"]["bulkOperationRunQuery"]
    if again["userErrors"]:
        assert again["userErrors"][0]["code"] == "OPERATION_IN_PROGRESS"
    operation = _wait_for_bulk(shopify)
    assert operation["status"] == "COMPLETED"
    content = httpx.get(operation["url"]).content  # a signed URL: no access token needed
    records = [json.loads(line) for line in content.splitlines()]
    assert operation["objectCount"] == str(len(records)) or operation["objectCount"] == len(records)
    orders = [r for r in records if "__parentId" not in r]
    lines = [r for r in records if "__parentId" in r]
    truth = control.storefront_truth("shopify")
    assert len(orders) == truth["orders"]
    assert len(lines) == truth["lines"]
    order_ids = {o["id"] for o in orders}
    assert all(line["__parentId"] in order_ids for line in lines)
    assert sum(line["quantity"] for line in lines) == truth["units"]


def test_bulk_query_must_be_one_connection(shopify: Shopify) -> None:
    mutation = """mutation($q: String!) { bulkOperationRunQuery(query: $q) {
      bulkOperation { id } userErrors { code message } } }"""
    errors = shopify.graphql(mutation, {"q": "{ shop { name } }"})["data"]["bulkOperationRunQuery"][
        "userErrors"
    ]
    assert errors
    assert errors[0]["code"] == "INVALID"


def _inventory(shopify: Shopify, control: Control) -> tuple[str, str, int]:
    row = next(r for r in control.get("/truth/listings", channel="shopify")["listings"])
    item = f"gid://shopify/InventoryItem/{row['key']['inventory_item_id']}"
    return item, f"gid://shopify/Location/{shopify.location_id}", row["displayed_quantity"]


def _set(
    shopify: Shopify, item: str, location: str, quantity: int, change_from: object, key: str
) -> dict:
    entry: dict = {"inventoryItemId": item, "locationId": location, "quantity": quantity}
    if change_from != "omit":
        entry["changeFromQuantity"] = change_from
    variables = {
        "input": {"name": "available", "reason": "correction", "quantities": [entry]},
        "key": key,
    }
    return shopify.graphql(SET_QUANTITIES, variables)


def _displayed(shopify: Shopify, item: str) -> int:
    query = """query($id: ID!, $loc: ID!) { inventoryItem(id: $id) {
      inventoryLevel(locationId: $loc) { quantities(names: ["available"]) { quantity } } } }"""
    data = shopify.graphql(
        query, {"id": item, "loc": f"gid://shopify/Location/{shopify.location_id}"}
    )["data"]
    return data["inventoryItem"]["inventoryLevel"]["quantities"][0]["quantity"]


def test_inventory_set_quantities_compares_and_sets(sandbox) -> None:
    manifest = sandbox()
    shopify, control = Shopify(manifest), Control(manifest)
    item, location, shown = _inventory(shopify, control)

    stale = _set(shopify, item, location, 50, shown + 7, str(uuid.uuid4()))["data"][
        "inventorySetQuantities"
    ]
    assert stale["userErrors"][0]["code"] == "CHANGE_FROM_QUANTITY_STALE"
    assert stale["inventoryAdjustmentGroup"] is None
    assert _displayed(shopify, item) == shown

    omitted = _set(shopify, item, location, 50, "omit", str(uuid.uuid4()))["data"][
        "inventorySetQuantities"
    ]
    assert omitted["userErrors"]
    assert "changeFromQuantity" in omitted["userErrors"][0]["message"]

    key = str(uuid.uuid4())
    done = _set(shopify, item, location, 50, shown, key)["data"]["inventorySetQuantities"]
    assert done["userErrors"] == []
    assert done["inventoryAdjustmentGroup"]["changes"][0]["delta"] == 50 - shown
    assert _displayed(shopify, item) == 50

    unchecked = _set(shopify, item, location, 9, None, str(uuid.uuid4()))["data"][
        "inventorySetQuantities"
    ]
    assert unchecked["userErrors"] == []
    assert _displayed(shopify, item) == 9

    replay = _set(shopify, item, location, 50, shown, key)["data"]["inventorySetQuantities"]
    assert replay == done, "a replayed idempotency key returns the first answer"
    assert _displayed(shopify, item) == 9, "and does not apply the write again"
    mismatch = _set(shopify, item, location, 51, shown, key)["data"]["inventorySetQuantities"]
    assert mismatch["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"
    assert control.metrics()["shopify"]["total"]["writes_applied"] == 2


def test_inventory_set_quantities_requires_an_idempotency_key(
    shopify: Shopify, control: Control
) -> None:
    item, location, shown = _inventory(shopify, control)
    mutation = SET_QUANTITIES.replace(", $key: String!", "").replace(" @idempotent(key: $key)", "")
    variables = {
        "input": {
            "name": "available",
            "reason": "correction",
            "quantities": [
                {
                    "inventoryItemId": item,
                    "locationId": location,
                    "quantity": 1,
                    "changeFromQuantity": shown,
                }
            ],
        }
    }
    body = shopify.graphql(mutation, variables)
    assert "@idempotent" in body["errors"][0]["message"]
    assert _displayed(shopify, item) == shown
