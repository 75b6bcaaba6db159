"""Delivery faults: each kind is observable on the wire, and drawn from the seed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import datetime
from typing import Any

import boto3
import httpx
import orjson

from tests.helpers.clients import Control, Shopify
from tests.helpers.receiver import Received, Receiver
from tests.helpers.webhooks import deliveries, delivery_faults, sell, subscribe, wait_idle

TWO_DAYS = 2 * 86_400


def shopify_hmac(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def tiktok_authorization(app_key: str, app_secret: str, body: bytes) -> str:
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def warehouse_signature(received: Received, secret: str) -> tuple[int, bool]:
    """(t, whether v1 matches) from X-WMS-Signature."""
    parts = dict(item.split("=", 1) for item in received.header("X-WMS-Signature").split(","))
    signed = parts["t"].encode() + b"." + received.body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return int(parts["t"]), hmac.compare_digest(parts["v1"], expected)


class Echo:
    """Shopify stock writes: one `inventory_levels/update` each, whenever we like."""

    def __init__(self, manifest: dict[str, Any]) -> None:
        control = Control(manifest)
        self.shopify = Shopify(manifest)
        listing = control.get("/truth/listings", channel="shopify")["listings"][0]
        self.item = listing["key"]["inventory_item_id"]
        self.shown = listing["displayed_quantity"]
        self.secret = manifest["channels"]["shopify"]["webhook_secret"]

    def write(self) -> None:
        self.shown += 1
        self.shopify.http.post(
            f"{self.shopify.base}/inventory_levels/set.json",
            json={
                "location_id": self.shopify.location_id,
                "inventory_item_id": self.item,
                "available": self.shown,
            },
        ).raise_for_status()

    def signed(self, received: Received) -> bool:
        return received.header("X-Shopify-Hmac-Sha256") == shopify_hmac(self.secret, received.body)


def _shopify(sandbox: Any) -> tuple[Control, Echo]:
    manifest = sandbox(scale="tiny")
    return Control(manifest), Echo(manifest)


def test_a_duplicate_is_the_same_event_delivered_twice(sandbox) -> None:
    control, echo = _shopify(sandbox)
    delivery_faults(control, "shopify", duplicate=1.0)
    with Receiver() as hooks:
        subscribe(control, "shopify", hooks.url, topics=["inventory_levels/update"])
        echo.write()
        first, second = hooks.wait_for(lambda seen: len(seen) == 2)
    assert first.header("X-Shopify-Event-Id") == second.header("X-Shopify-Event-Id")
    assert first.header("X-Shopify-Webhook-Id") != second.header("X-Shopify-Webhook-Id")
    assert first.body == second.body
    assert echo.signed(first)
    assert echo.signed(second)
    wait_idle(control)
    assert sorted(d["faults"] for d in deliveries(control)) == [[], ["duplicate"]]


def test_a_dropped_event_is_never_delivered_nor_retried(sandbox) -> None:
    control, echo = _shopify(sandbox)
    delivery_faults(control, "shopify", drop=1.0)
    with Receiver() as hooks:
        subscribe(control, "shopify", hooks.url, topics=["inventory_levels/update"])
        echo.write()
        control.advance(5 * 3_600)
        time.sleep(0.5)
        assert hooks.received() == []
    [dropped] = deliveries(control)
    assert (dropped["outcome"], dropped["faults"], dropped["status"]) == ("dropped", ["drop"], None)
    assert control.get("/webhooks")["pending"] == 0


def test_a_delay_holds_the_first_attempt_in_world_time(sandbox) -> None:
    control, echo = _shopify(sandbox)
    delivery_faults(control, "shopify", delay_s=[300, 300])
    with Receiver() as hooks:
        subscribe(control, "shopify", hooks.url, topics=["inventory_levels/update"])
        echo.write()
        control.advance(290)
        time.sleep(0.5)
        assert hooks.received() == []
        control.advance(15)
        hooks.wait_for(lambda seen: len(seen) == 1)
    wait_idle(control)
    assert [d["faults"] for d in deliveries(control)] == [["delay"]]


def test_a_reordered_delivery_is_overtaken_by_a_later_event_of_its_key(sandbox) -> None:
    control, echo = _shopify(sandbox)
    delivery_faults(control, "shopify", reorder=1.0)
    with Receiver() as hooks:
        subscribe(control, "shopify", hooks.url, topics=["inventory_levels/update"])
        echo.write()
        held = echo.shown
        time.sleep(0.5)
        assert hooks.received() == [], "held back"
        delivery_faults(control, "shopify", reorder=0.0)
        echo.write()
        later, earlier = hooks.wait_for(lambda seen: len(seen) == 2)
    assert (later.json()["available"], earlier.json()["available"]) == (held + 1, held)
    wait_idle(control)
    log = deliveries(control)
    assert [d["faults"] for d in log] == [[], ["reorder"]]


def test_a_reorder_hold_ends_when_nothing_overtakes(sandbox) -> None:
    control, echo = _shopify(sandbox)
    delivery_faults(control, "shopify", reorder=1.0, reorder_hold_s=120)
    with Receiver() as hooks:
        subscribe(control, "shopify", hooks.url, topics=["inventory_levels/update"])
        echo.write()
        time.sleep(0.3)
        assert hooks.received() == []
        control.advance(121)
        hooks.wait_for(lambda seen: len(seen) == 1)


def test_forged_and_stale_shopify_deliveries(sandbox) -> None:
    control, echo = _shopify(sandbox)
    with Receiver() as hooks:
        subscribe(control, "shopify", hooks.url, topics=["inventory_levels/update"])
        delivery_faults(control, "shopify", forged=1.0)
        echo.write()
        forged = hooks.wait_for(lambda seen: len(seen) == 1)[0]
        delivery_faults(control, "shopify", stale=1.0)
        echo.write()
        stale = hooks.wait_for(lambda seen: len(seen) == 2)[1]
    assert not echo.signed(forged)
    assert base64.b64decode(forged.header("X-Shopify-Hmac-Sha256")), "still looks like an HMAC"
    assert echo.signed(stale)
    triggered = datetime.fromisoformat(stale.header("X-Shopify-Triggered-At")).timestamp()
    assert abs(stale.at - TWO_DAYS - triggered) < 30
    wait_idle(control)
    assert [d["faults"] for d in deliveries(control)][:2] == [["forged"], ["stale"]]


def test_forged_and_stale_tiktok_notifications(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    control = Control(manifest)
    config = manifest["channels"]["tiktok_shop"]
    delivery_faults(control, "tiktok_shop", forged=0.5, stale=0.5)
    with Receiver() as hooks:
        subscribe(control, "tiktok_shop", hooks.url)
        sell(control, "tiktok_shop", 120, 1_800)
        received = hooks.settle()
    wait_idle(control)
    applied = {d["event_id"]: d["faults"] for d in deliveries(control)}
    assert received
    for delivery in received:
        body = delivery.json()
        signed = delivery.header("Authorization") == tiktok_authorization(
            config["app_key"], config["app_secret"], delivery.body
        )
        kinds = applied[body["tts_notification_id"]]
        assert signed == ("forged" not in kinds)
        age = delivery.at - body["timestamp"]
        assert (abs(age - TWO_DAYS) < 30) == ("stale" in kinds)
    seen = {kind for kinds in applied.values() for kind in kinds}
    assert seen == {"forged", "stale"}


def test_forged_and_stale_warehouse_webhooks(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    control = Control(manifest)
    secret = manifest["channels"]["warehouse"]["webhook_secret"]
    sku = next(r["sku"] for r in control.get("/truth/stock")["skus"] if not r["is_bundle"])
    with Receiver() as hooks:
        subscribe(control, "warehouse", hooks.url)
        delivery_faults(control, "warehouse", forged=1.0)
        control.post("/stock-count", {"sku": sku, "location": "NL1", "on_hand": 1})
        forged = hooks.wait_for(lambda seen: len(seen) == 1)[0]
        delivery_faults(control, "warehouse", stale=1.0)
        control.post("/stock-count", {"sku": sku, "location": "NL1", "on_hand": 2})
        stale = hooks.wait_for(lambda seen: len(seen) == 2)[1]
    signed_at, valid = warehouse_signature(forged, secret)
    assert not valid
    assert abs(signed_at - forged.at) < 30
    signed_at, valid = warehouse_signature(stale, secret)
    assert valid, "stale: correctly signed, over a two-day-old t"
    assert abs(stale.at - TWO_DAYS - signed_at) < 30


def test_amazon_can_be_stale_but_not_forged(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    control = Control(manifest)
    refused = control.http.put(
        f"{control.url}/webhooks/faults", json={"channel": "amazon", "forged": 0.5}
    )
    assert refused.status_code == 400
    assert "signs nothing" in refused.json()["error"]
    notifications = manifest["channels"]["amazon"]["notifications"]
    subscribe(control, "amazon", notifications["queue_url"])
    delivery_faults(control, "amazon", stale=1.0)
    sell(control, "amazon_us", 240, 600)
    wait_idle(control)
    sqs = boto3.client(
        "sqs",
        endpoint_url=notifications["sqs_endpoint_url"],
        region_name=notifications["region"],
        aws_access_key_id=notifications["aws_access_key_id"],
        aws_secret_access_key=notifications["aws_secret_access_key"],
    )
    messages = sqs.receive_message(QueueUrl=notifications["queue_url"], MaxNumberOfMessages=10)
    assert messages["Messages"]
    for message in messages["Messages"]:
        published = orjson.loads(message["Body"])["NotificationMetadata"]["PublishTime"]
        age = time.time() - datetime.fromisoformat(published).timestamp()
        assert TWO_DAYS - 60 < age < TWO_DAYS + 60


def _fault_trail(sandbox: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    manifest = sandbox(scale="tiny", seed=7)
    control = Control(manifest)
    sku = next(r["sku"] for r in control.get("/truth/stock")["skus"] if not r["is_bundle"])
    delivery_faults(control, "warehouse", duplicate=0.3, drop=0.3, forged=0.3, stale=0.3)
    with Receiver() as hooks:
        subscribe(control, "warehouse", hooks.url)
        for count in range(16):
            control.post("/stock-count", {"sku": sku, "location": "NJ1", "on_hand": 10 + count % 2})
        hooks.settle()
    wait_idle(control)
    return sorted((d["event_id"], d["outcome"], tuple(d["faults"])) for d in deliveries(control))


def test_faults_are_drawn_from_the_seed(sandbox) -> None:
    first, second = _fault_trail(sandbox), _fault_trail(sandbox)
    assert first == second
    applied = {kind for _, _, kinds in first for kind in kinds}
    assert applied == {"drop", "duplicate", "forged", "stale"}


def test_fault_settings_are_validated(sandbox) -> None:
    control = Control(sandbox(scale="tiny"))
    put = control.http.put
    for bad in (
        {"channel": "ebay", "drop": 0.1},
        {"channel": "shopify", "drop": 1.5},
        {"channel": "shopify", "delay_s": [10, 5]},
        {"channel": "shopify", "typo": 1},
        {"drop": 0.1},
    ):
        assert put(f"{control.url}/webhooks/faults", json=bad).status_code == 400, bad
    delivery_faults(control, "shopify", duplicate=0.2, delay_s=[1, 2])
    shown = httpx.get(f"{control.url}/webhooks/faults").json()["shopify"]
    assert (shown["duplicate"], shown["delay"], shown["delay_s"]) == (0.2, 1.0, [1.0, 2.0])
    control.http.delete(f"{control.url}/webhooks/faults").raise_for_status()
    assert httpx.get(f"{control.url}/webhooks/faults").json()["shopify"]["duplicate"] == 0.0
