"""Amazon's ORDER_CHANGE notifications, read from the sandbox's SQS queue with plain boto3."""

from __future__ import annotations

import itertools
import time
import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

import boto3
import orjson

from tests.helpers.clients import Amazon, Control
from tests.helpers.webhooks import sell, subscribe

ENVELOPE = {
    "NotificationVersion",
    "NotificationType",
    "PayloadVersion",
    "EventTime",
    "Payload",
    "NotificationMetadata",
}


def sqs_client(notifications: dict[str, str]) -> Any:
    return boto3.client(
        "sqs",
        endpoint_url=notifications["sqs_endpoint_url"],
        region_name=notifications["region"],
        aws_access_key_id=notifications["aws_access_key_id"],
        aws_secret_access_key=notifications["aws_secret_access_key"],
    )


def drain(sqs: Any, queue_url: str, quiet_polls: int = 2) -> list[dict[str, Any]]:
    """Every message until the queue stays empty for `quiet_polls` long polls."""
    bodies: list[dict[str, Any]] = []
    quiet = 0
    while quiet < quiet_polls:
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        messages = answer.get("Messages", [])
        quiet = 0 if messages else quiet + 1
        for message in messages:
            bodies.append(orjson.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def moment(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def test_order_changes_arrive_in_the_queue_as_the_orders_api_describes_them(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    control, amazon = Control(manifest), Amazon(manifest)
    config = manifest["channels"]["amazon"]
    notifications = config["notifications"]
    assert notifications["region"] == "us-east-1"
    sqs = sqs_client(notifications)
    subscription = subscribe(control, "amazon", notifications["queue_url"])
    start = control.get("/clock")["now"]
    sell(control, "amazon_us", 120, 3_600)
    bodies = drain(sqs, notifications["queue_url"])
    published_by = time.time()

    by_order: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for body in bodies:
        assert set(body) == ENVELOPE
        assert (body["NotificationVersion"], body["PayloadVersion"]) == ("1.0", "1.0")
        assert body["NotificationType"] == "ORDER_CHANGE"
        meta = body["NotificationMetadata"]
        assert meta["SubscriptionId"] == subscription["id"]
        assert meta["ApplicationId"].startswith("amzn1.sellerapps.app.")
        uuid.UUID(meta["NotificationId"])
        assert abs(moment(meta["PublishTime"]) - published_by) < 60, "published on the real clock"
        change = body["Payload"]["OrderChangeNotification"]
        assert change["NotificationLevel"] == "OrderItemLevel"
        assert change["SellerId"] == config["seller_id"]
        assert change["OrderChangeType"] == "OrderStatusChange"
        assert change["OrderChangeTrigger"]["ChangeReason"] == "OrderStatusChange"
        assert change["OrderChangeTrigger"]["TimeOfOrderChange"] == body["EventTime"]
        assert change["Summary"]["MarketplaceId"] == "ATVPDKIKX0DER"
        by_order[change["AmazonOrderId"]].append(body)
    ids = [b["NotificationMetadata"]["NotificationId"] for b in bodies]
    assert len(set(ids)) == len(ids)

    new = {
        o["id"]
        for o in control.get("/truth/orders", storefront="amazon_us")["orders"]
        if o["created_at"] > start
    }
    assert len(new) > 20
    assert new <= set(by_order), "every new order is notified (older ones as they change)"
    for order_id, changes in by_order.items():
        changes.sort(key=lambda b: moment(b["EventTime"]))
        summaries = [b["Payload"]["OrderChangeNotification"]["Summary"] for b in changes]
        if order_id in new:
            assert summaries[0]["OrderStatus"] == "Pending", "a new order is notified as Pending"
        statuses = [s["OrderStatus"] for s in summaries]
        assert all(a != b for a, b in itertools.pairwise(statuses)), "only changes are sent"
        order = amazon.get("na", f"/orders/v0/orders/{order_id}").json()["payload"]
        latest = summaries[-1]
        assert latest["OrderStatus"] == order["OrderStatus"]
        assert latest["FulfillmentType"] == order["FulfillmentChannel"]
        assert moment(latest["PurchaseDate"]) == moment(order["PurchaseDate"])
        assert moment(changes[-1]["EventTime"]) == moment(order["LastUpdateDate"])
        items = amazon.get("na", f"/orders/v0/orders/{order_id}/orderItems").json()
        assert [
            {
                "OrderItemId": i["OrderItemId"],
                "SellerSKU": i["SellerSKU"],
                "Quantity": i["QuantityOrdered"],
                "QuantityShipped": i["QuantityShipped"],
            }
            for i in items["payload"]["OrderItems"]
        ] == [{k: v for k, v in i.items() if k != "OrderItemStatus"} for i in latest["OrderItems"]]
        for item in latest["OrderItems"]:
            if latest["OrderStatus"] in ("Pending", "Canceled"):
                assert item["OrderItemStatus"] == latest["OrderStatus"]
            else:
                shipped = item["QuantityShipped"] == item["Quantity"]
                assert item["OrderItemStatus"] == ("Shipped" if shipped else "Unshipped")


def test_nothing_is_published_until_amazon_is_subscribed(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    control = Control(manifest)
    notifications = manifest["channels"]["amazon"]["notifications"]
    sqs = sqs_client(notifications)
    sell(control, "amazon_us", 240, 1_800)
    assert drain(sqs, notifications["queue_url"], quiet_polls=1) == []
