"""Registering webhooks, what the manifest says about them, and delivery in a running world."""

from __future__ import annotations

import time
from datetime import datetime

from tests.helpers.clients import Control
from tests.helpers.receiver import Receiver
from tests.helpers.webhooks import QUIET, deliveries, sell, subscribe, wait_idle


def test_the_manifest_names_secrets_and_the_notification_queue(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    channels = manifest["channels"]
    assert len(channels["shopify"]["webhook_secret"]) >= 32
    assert len(channels["warehouse"]["webhook_secret"]) >= 32
    assert channels["shopify"]["webhook_secret"] != channels["warehouse"]["webhook_secret"]
    queue = channels["amazon"]["notifications"]
    assert set(queue) == {
        "sqs_endpoint_url",
        "queue_url",
        "region",
        "aws_access_key_id",
        "aws_secret_access_key",
    }
    assert queue["sqs_endpoint_url"].startswith("http://127.0.0.1:")
    assert queue["queue_url"].startswith(queue["sqs_endpoint_url"])
    assert (queue["region"], queue["aws_access_key_id"]) == ("us-east-1", "testing")


def test_registrations_are_validated_listed_and_removed(sandbox) -> None:
    control = Control(sandbox(scale="tiny"))
    post = control.http.post
    for bad in (
        {"channel": "ebay", "url": "http://127.0.0.1:9/x"},
        {"channel": "shopify"},
        {"channel": "shopify", "url": "ftp://127.0.0.1/x"},
        {"channel": "shopify", "url": "http://127.0.0.1:9/x", "topics": ["products/create"]},
        {"channel": "shopify", "url": "http://127.0.0.1:9/x", "topics": "orders/create"},
        {"channel": "amazon", "url": "http://127.0.0.1:9/x"},
    ):
        assert post(f"{control.url}/webhooks", json=bad).status_code == 400, bad
    shop = subscribe(control, "shopify", "http://127.0.0.1:9/x", topics=["orders/create"])
    tiktok = subscribe(control, "tiktok_shop", "http://127.0.0.1:9/y")
    assert tiktok["topics"] == ["ORDER_STATUS_CHANGE"], "topics default to everything"
    listed = control.get("/webhooks")["subscriptions"]
    assert [s["id"] for s in listed] == [shop["id"], tiktok["id"]]
    one = control.http.delete(f"{control.url}/webhooks/{shop['id']}")
    assert one.json() == {"removed": [shop["id"]]}
    assert control.http.delete(f"{control.url}/webhooks/{shop['id']}").status_code == 404
    everything = control.http.delete(f"{control.url}/webhooks")
    assert everything.json() == {"removed": [tiktok["id"]]}
    assert control.get("/webhooks")["subscriptions"] == []


def test_only_changes_after_a_subscription_are_sent_until_it_is_removed(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    control = Control(manifest)
    with Receiver() as hooks:
        sell(control, "shopify", 240, 900)
        control.post("/live", {"enabled": False})
        subscribe(control, "shopify", hooks.url, topics=["orders/create"])
        time.sleep(0.3)
        assert hooks.received() == [], "orders placed before subscribing are not sent"
        since = control.get("/clock")["now"]
        sell(control, "shopify", 240, 900)
        received = hooks.settle()
        assert received
        created = {
            o["id"]
            for o in control.get("/truth/orders", storefront="shopify")["orders"]
            if o["created_at"] > since
        }
        assert {str(r.json()["id"]) for r in received} == created
        control.http.delete(f"{control.url}/webhooks").raise_for_status()
        sell(control, "shopify", 240, 900)
        time.sleep(0.5)
        assert len(hooks.received()) == len(received), "nothing after the subscription is gone"


def test_a_running_world_delivers_within_a_second_of_real_time(sandbox) -> None:
    manifest = sandbox(scale="tiny", live=True, time_scale=60)
    control = Control(manifest)
    with Receiver() as hooks:
        subscribe(control, "shopify", hooks.url, topics=["orders/create"])
        control.post("/live", {"orders_per_hour": {**QUIET, "shopify": 7_200}})
        received = hooks.wait_for(lambda seen: len(seen) >= 5, timeout=20)
        control.post("/live", {"enabled": False})
        wait_idle(control)
        log = {d["event_id"]: d for d in deliveries(control)}
    for delivery in received:
        triggered = datetime.fromisoformat(delivery.header("X-Shopify-Triggered-At"))
        assert 0 <= delivery.at - triggered.timestamp() < 1.0, "sent promptly after the sale"
        entry = log[delivery.header("X-Shopify-Event-Id")]
        assert (entry["attempt"], entry["outcome"]) == (1, "delivered")
