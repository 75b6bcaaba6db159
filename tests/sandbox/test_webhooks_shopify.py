"""Shopify webhooks, checked as a receiver checks them: the HMAC over the raw bytes, the
headers, and the payload against what the REST API serves for the same order or level."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

from tests.helpers.clients import Control, Shopify
from tests.helpers.receiver import Received, Receiver
from tests.helpers.webhooks import deliveries, sell, subscribe

LEVEL_FIELDS = {
    "inventory_item_id",
    "location_id",
    "available",
    "updated_at",
    "admin_graphql_api_id",
}
SET_QUANTITIES = """
mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) { userErrors { code message } }
}
"""


def shopify_hmac(secret: str, body: bytes) -> str:
    """The documented formula: base64(HMAC-SHA256(app client secret, raw body))."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def moment(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def check_envelope(received: Received, manifest: dict[str, Any]) -> None:
    config = manifest["channels"]["shopify"]
    store = config["stores"][0]
    assert received.header("X-Shopify-Hmac-Sha256") == shopify_hmac(
        config["webhook_secret"], received.body
    )
    assert received.header("Content-Type") == "application/json"
    assert received.header("X-Shopify-Shop-Domain") == store["shop_domain"]
    assert received.header("X-Shopify-API-Version") == store["api_version"]
    uuid.UUID(received.header("X-Shopify-Event-Id"))
    uuid.UUID(received.header("X-Shopify-Webhook-Id"))
    triggered = moment(received.header("X-Shopify-Triggered-At"))
    assert abs(triggered - received.at) < 30, "Triggered-At is on the real clock"


def test_a_live_sale_sends_orders_and_levels_as_rest_serves_them(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    control, shopify = Control(manifest), Shopify(manifest)
    start = control.get("/clock")["now"]
    with Receiver() as hooks:
        subscribe(control, "shopify", f"{hooks.url}/shopify")
        sell(control, "shopify", 120, 3_600)
        received = hooks.settle()
    by_topic: dict[str, list[Received]] = defaultdict(list)
    for delivery in received:
        check_envelope(delivery, manifest)
        by_topic[delivery.header("X-Shopify-Topic")].append(delivery)
    event_ids = [r.header("X-Shopify-Event-Id") for r in received]
    assert len(set(event_ids)) == len(event_ids), "no duplicates without faults"

    new = [
        o
        for o in control.get("/truth/orders", storefront="shopify")["orders"]
        if o["created_at"] > start
    ]
    assert len(new) > 20
    created = [r.json()["id"] for r in by_topic["orders/create"]]
    assert sorted(created) == sorted(int(o["id"]) for o in new), "one orders/create per order"
    assert by_topic["orders/updated"], "payments update orders within the hour"

    latest: dict[int, dict[str, Any]] = {}
    for delivery in by_topic["orders/create"] + by_topic["orders/updated"]:
        order = delivery.json()
        known = latest.get(order["id"])
        if known is None or moment(order["updated_at"]) >= moment(known["updated_at"]):
            latest[order["id"]] = order
    for order_id, order in latest.items():
        served = shopify.get(f"orders/{order_id}.json").json()["order"]
        # The embedded customer is as of the event (a later order of theirs changes it).
        assert served.pop("customer")["id"] == order.pop("customer")["id"]
        assert served == order, "the order's last notification is the order as REST serves it"

    levels: dict[int, dict[str, Any]] = {}
    for delivery in by_topic["inventory_levels/update"]:
        level = delivery.json()
        assert set(level) == LEVEL_FIELDS
        known = levels.get(level["inventory_item_id"])
        newer = (moment(level["updated_at"]), -level["available"])
        if known is None or newer >= (moment(known["updated_at"]), -known["available"]):
            levels[level["inventory_item_id"]] = level
    assert levels, "every sale takes units off a level"
    served_levels = shopify.get(
        "inventory_levels.json", inventory_item_ids=",".join(str(i) for i in levels)
    ).json()["inventory_levels"]
    assert {row["inventory_item_id"]: row for row in served_levels} == levels


def _listing(control: Control) -> dict[str, Any]:
    return control.get("/truth/listings", channel="shopify")["listings"][0]


def test_our_own_stock_writes_come_back_as_inventory_level_updates(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    control, shopify = Control(manifest), Shopify(manifest)
    listing = _listing(control)
    item = listing["key"]["inventory_item_id"]
    shown = listing["displayed_quantity"]
    with Receiver() as hooks:
        subscribe(control, "shopify", hooks.url, topics=["inventory_levels/update"])
        shopify.http.post(
            f"{shopify.base}/inventory_levels/set.json",
            json={
                "location_id": shopify.location_id,
                "inventory_item_id": item,
                "available": shown + 5,
            },
        ).raise_for_status()
        rest_echo = hooks.wait_for(lambda seen: len(seen) == 1)[0]
        variables = {
            "input": {
                "name": "available",
                "reason": "correction",
                "quantities": [
                    {
                        "inventoryItemId": f"gid://shopify/InventoryItem/{item}",
                        "locationId": f"gid://shopify/Location/{shopify.location_id}",
                        "quantity": shown + 9,
                        "changeFromQuantity": shown + 5,
                    }
                ],
            },
            "key": str(uuid.uuid4()),
        }
        answer = shopify.graphql(SET_QUANTITIES, variables)
        assert answer["data"]["inventorySetQuantities"]["userErrors"] == []
        graphql_echo = hooks.wait_for(lambda seen: len(seen) == 2)[1]
        shopify.http.post(
            f"{shopify.base}/inventory_levels/set.json",
            json={
                "location_id": shopify.location_id,
                "inventory_item_id": item,
                "available": shown + 9,
            },
        ).raise_for_status()
        time.sleep(0.5)
        assert len(hooks.received()) == 2, "a write that changes nothing is not an update"
    for echo, available in ((rest_echo, shown + 5), (graphql_echo, shown + 9)):
        check_envelope(echo, manifest)
        assert echo.header("X-Shopify-Topic") == "inventory_levels/update"
        level = echo.json()
        assert set(level) == LEVEL_FIELDS
        assert (level["inventory_item_id"], level["location_id"]) == (item, shopify.location_id)
        assert level["available"] == available
    served = shopify.get("inventory_levels.json", inventory_item_ids=str(item)).json()
    assert served["inventory_levels"] == [graphql_echo.json()]


def test_a_refused_delivery_is_retried_with_the_same_event_on_the_world_clock(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    control, shopify = Control(manifest), Shopify(manifest)
    listing = _listing(control)

    def refuse_first(received: Received, count: int) -> tuple[int, float]:
        return (500, 0.0) if count == 1 else (200, 0.0)

    with Receiver(refuse_first) as hooks:
        subscribe(control, "shopify", hooks.url, topics=["inventory_levels/update"])
        shopify.http.post(
            f"{shopify.base}/inventory_levels/set.json",
            json={
                "location_id": shopify.location_id,
                "inventory_item_id": listing["key"]["inventory_item_id"],
                "available": listing["displayed_quantity"] + 3,
            },
        ).raise_for_status()
        first = hooks.wait_for(lambda seen: len(seen) == 1)[0]
        control.advance(50)
        time.sleep(0.5)
        assert len(hooks.received()) == 1, "the first retry comes a world minute later"
        control.advance(15)
        retry = hooks.wait_for(lambda seen: len(seen) == 2)[1]
        time.sleep(0.3)
    for name in (
        "X-Shopify-Event-Id",
        "X-Shopify-Topic",
        "X-Shopify-Hmac-Sha256",
        "X-Shopify-Triggered-At",
    ):
        assert retry.header(name) == first.header(name), name
    assert retry.header("X-Shopify-Webhook-Id") != first.header("X-Shopify-Webhook-Id")
    assert retry.body == first.body, "retries carry the original payload"
    log = deliveries(control, channel="shopify")
    assert [(d["attempt"], d["status"], d["outcome"]) for d in log] == [
        (1, 500, "failed"),
        (2, 200, "delivered"),
    ]
    assert log[0]["event_id"] == log[1]["event_id"] == first.header("X-Shopify-Event-Id")
    assert [d["delivery_id"] for d in log] == [
        first.header("X-Shopify-Webhook-Id"),
        retry.header("X-Shopify-Webhook-Id"),
    ]
