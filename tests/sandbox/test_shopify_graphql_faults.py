"""Schema and record faults on Shopify GraphQL and bulk export, and transport faults on downloads.

Orders mostly arrive through GraphQL paging and bulk files, so a renamed field must break those
queries as Shopify's validator does, and corrupt values must reach the data and the JSONL.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from tests.helpers.clients import Control, Shopify

ORDERS_PAGE = """
query Orders($after: String) {
  orders(first: 100, after: $after) {
    edges { node { id displayFinancialStatus
      totalPriceSet { shopMoney { amount } presentmentMoney { amount } } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

BULK_RUN = """mutation($q: String!) { bulkOperationRunQuery(query: $q) {
  bulkOperation { id status } userErrors { code field message } } }"""

BULK_ORDERS = "{ orders { edges { node { id totalPriceSet { shopMoney { amount } } %s } } } }"
BULK_LINES = "lineItems { edges { node { id sku %s } } }"


@pytest.fixture
def tiny(sandbox) -> dict[str, Any]:
    return sandbox(scale="tiny")


def _all_orders(shopify: Shopify, query: str = ORDERS_PAGE) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    while True:
        body = shopify.graphql(query, {"after": after})
        assert "errors" not in body, body
        orders = body["data"]["orders"]
        found.extend(edge["node"] for edge in orders["edges"])
        if not orders["pageInfo"]["hasNextPage"]:
            return found
        after = orders["pageInfo"]["endCursor"]


def _bulk(shopify: Shopify, query: str) -> dict[str, Any]:
    """Start a bulk export and wait for it: the finished operation, or the userErrors."""
    started = shopify.graphql(BULK_RUN, {"q": query})["data"]["bulkOperationRunQuery"]
    if started["userErrors"]:
        return started
    poll = "{ currentBulkOperation { id status objectCount url } }"
    for _ in range(300):
        operation = shopify.graphql(poll)["data"]["currentBulkOperation"]
        if operation["status"] in ("COMPLETED", "FAILED", "CANCELED"):
            assert operation["status"] == "COMPLETED"
            return operation
        time.sleep(0.05)
    raise AssertionError("bulk operation did not finish")


def _lines(url: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in httpx.get(url).content.splitlines()]


def _amounts(orders: list[dict[str, Any]]) -> list[str]:
    return [
        order["totalPriceSet"][money]["amount"]
        for order in orders
        for money in ("shopMoney", "presentmentMoney")
    ]


def test_a_renamed_field_breaks_paged_orders_like_shopifys_validator(tiny: dict) -> None:
    shopify, control = Shopify(tiny), Control(tiny)
    before = _all_orders(shopify)
    control.faults(
        "shopify", renamed_field={"from": "displayFinancialStatus", "to": "financialStatus"}
    )

    body = shopify.graphql(ORDERS_PAGE, {"after": None})
    assert "data" not in body
    assert body["errors"] == [
        {
            "message": "Field 'displayFinancialStatus' doesn't exist on type 'Order'",
            "locations": [{"line": 4, "column": 23}],
            "path": ["query Orders", "orders", "edges", "node", "displayFinancialStatus"],
            "extensions": {
                "code": "undefinedField",
                "typeName": "Order",
                "fieldName": "displayFinancialStatus",
            },
        }
    ]

    renamed = _all_orders(shopify, ORDERS_PAGE.replace("displayFinancialStatus", "financialStatus"))
    assert [o["financialStatus"] for o in renamed] == [o["displayFinancialStatus"] for o in before]
    assert all("displayFinancialStatus" not in o for o in renamed)
    aliased = shopify.graphql("{ orders(first: 3) { nodes { status: financialStatus } } }")
    assert [n["status"] for n in aliased["data"]["orders"]["nodes"]] == [
        o["displayFinancialStatus"] for o in before[:3]
    ]
    anonymous = shopify.graphql(
        "query($id: ID!) { order(id: $id) { displayFinancialStatus } }", {"id": before[0]["id"]}
    )
    assert anonymous["errors"][0]["path"] == ["query", "order", "displayFinancialStatus"]


def test_a_renamed_rest_name_leaves_graphql_alone(tiny: dict) -> None:
    shopify = Shopify(tiny)
    Control(tiny).faults("shopify", renamed_field={"from": "total_price", "to": "total_amount"})
    assert _all_orders(shopify)
    rest = shopify.get("orders.json", status="any", limit=3).json()["orders"]
    assert all("total_amount" in o and "total_price" not in o for o in rest)


def test_a_renamed_field_invalidates_the_bulk_query_and_the_new_name_exports(
    tiny: dict,
) -> None:
    shopify, control = Shopify(tiny), Control(tiny)
    control.faults("shopify", renamed_field={"from": "quantity", "to": "units"})

    refused = _bulk(shopify, BULK_ORDERS % (BULK_LINES % "quantity"))
    assert refused["bulkOperation"] is None
    assert refused["userErrors"] == [
        {
            "code": "INVALID",
            "field": ["query"],
            "message": "Invalid bulk query: Field 'quantity' doesn't exist on type 'LineItem'",
        }
    ]

    operation = _bulk(shopify, BULK_ORDERS % (BULK_LINES % "units"))
    lines = [r for r in _lines(operation["url"]) if "__parentId" in r]
    assert lines
    assert all("quantity" not in line for line in lines)
    assert sum(line["units"] for line in lines) == control.storefront_truth("shopify")["units"]


def test_corrupt_field_spoils_graphql_data_at_its_share(tiny: dict) -> None:
    shopify, control = Shopify(tiny), Control(tiny)
    clean = _amounts(_all_orders(shopify))
    control.faults("shopify", corrupt_field={"field": "amount", "share": 0.5, "value": "12,30"})
    spoiled = _amounts(_all_orders(shopify))
    assert len(spoiled) == len(clean) > 100
    hit = [a == "12,30" for a in spoiled]
    assert 0.35 < sum(hit) / len(hit) < 0.65
    assert all(a == c for a, c, h in zip(spoiled, clean, hit, strict=True) if not h)

    control.faults("shopify", corrupt_field={"field": "displayFinancialStatus"})
    orders = _all_orders(shopify)
    assert all(o["displayFinancialStatus"] is None for o in orders), "no value: null, not missing"
    assert _amounts(orders) == clean


def test_corrupt_field_spoils_bulk_lines_at_its_share(tiny: dict) -> None:
    shopify, control = Shopify(tiny), Control(tiny)
    control.faults(
        "shopify",
        corrupt_field={"field": "quantity", "share": 0.3, "value": "lots"},
        paths=["/_bulk/"],
    )
    query = "{ orders(first: 40) { nodes { lineItems(first: 20) { nodes { quantity } } } } }"
    paged = shopify.graphql(query)["data"]["orders"]["nodes"]
    assert all(
        isinstance(item["quantity"], int) for o in paged for item in o["lineItems"]["nodes"]
    ), "paths: only the bulk download's records are spoiled"

    operation = _bulk(shopify, BULK_ORDERS % (BULK_LINES % "quantity"))
    records = _lines(operation["url"])
    lines = [r for r in records if "__parentId" in r]
    hit = [line["quantity"] == "lots" for line in lines]
    assert 0.2 < sum(hit) / len(hit) < 0.4
    assert all(isinstance(line["quantity"], int) for line in lines if line["quantity"] != "lots")
    assert len(records) == operation["objectCount"] or str(len(records)) == operation["objectCount"]
    assert httpx.get(operation["url"]).content == httpx.get(operation["url"]).content


def test_bulk_corruption_is_the_same_for_the_same_seed(sandbox) -> None:
    exports = []
    for _ in range(2):
        manifest = sandbox(scale="tiny")
        Control(manifest).faults("shopify", corrupt_field={"field": "amount", "share": 0.5})
        operation = _bulk(Shopify(manifest), BULK_ORDERS % "")
        exports.append(httpx.get(operation["url"]).content)
    assert exports[0] == exports[1]
    assert b'"amount":null' in exports[0]


def test_clearing_faults_restores_normal_answers(tiny: dict) -> None:
    shopify, control = Shopify(tiny), Control(tiny)
    clean = _all_orders(shopify)
    control.faults(
        "shopify",
        renamed_field={"from": "displayFinancialStatus", "to": "financialStatus"},
        corrupt_field={"field": "amount", "value": "12,30"},
    )
    assert shopify.graphql(ORDERS_PAGE, {"after": None})["errors"]
    control.clear_faults()
    assert _all_orders(shopify) == clean
    assert "errors" in shopify.graphql("{ orders(first: 1) { nodes { financialStatus } } }")
    operation = _bulk(shopify, BULK_ORDERS % "displayFinancialStatus")
    orders = _lines(operation["url"])
    assert [o["totalPriceSet"]["shopMoney"]["amount"] for o in orders] == [
        o["totalPriceSet"]["shopMoney"]["amount"] for o in clean
    ]


def test_bulk_downloads_meet_transport_faults_then_arrive_whole(tiny: dict) -> None:
    shopify, control = Shopify(tiny), Control(tiny)
    operation = _bulk(shopify, BULK_ORDERS % (BULK_LINES % "quantity"))
    whole = httpx.get(operation["url"]).content
    assert whole.count(b"\n") == int(operation["objectCount"])

    control.faults("shopify", throttle=1.0, paths=["/_bulk/"])
    assert shopify.graphql("{ shop { name } }")["data"], "paths: GraphQL itself is untouched"
    refused = httpx.get(operation["url"])
    assert refused.status_code == 429
    assert refused.headers["Retry-After"]
    assert refused.json()["errors"].startswith("Exceeded 2 calls per second")

    control.faults("shopify", server_error=1.0, paths=["/_bulk/"])
    failed = httpx.get(operation["url"])
    assert failed.status_code in (500, 502, 503)

    control.faults("shopify", throttle=0.4, server_error=0.4, paths=["/_bulk/"])
    statuses = []
    for _ in range(20):
        response = httpx.get(operation["url"])
        statuses.append(response.status_code)
        if response.status_code == 200:
            break
        assert response.status_code in (429, 500, 502, 503)
    assert statuses[-1] == 200
    assert len(statuses) > 1, "this seed meets a fault before the download succeeds"
    assert response.content == whole
    faults = control.metrics()["shopify"]["total"]["faults"]
    assert faults["throttle"] + faults["server_error"] == len(statuses) + 1

    control.faults("shopify", truncated=1.0, paths=["/_bulk/"])
    cut = httpx.get(operation["url"])
    assert cut.status_code == 200
    assert 0 < len(cut.content) < len(whole)
    assert whole.startswith(cut.content)
    control.clear_faults()
    assert httpx.get(operation["url"]).content == whole
