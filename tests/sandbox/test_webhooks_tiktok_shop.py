"""TikTok Shop's order status notifications, checked as a receiver checks them."""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from datetime import datetime
from typing import Any

from tests.helpers.clients import Control, TikTok
from tests.helpers.receiver import Received, Receiver
from tests.helpers.webhooks import deliveries, sell, subscribe


def tiktok_authorization(app_key: str, app_secret: str, body: bytes) -> str:
    """The documented formula: hex(HMAC-SHA256(key=app_secret, message=app_key + raw body))."""
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def check(received: Received, config: dict[str, Any]) -> dict[str, Any]:
    assert received.header("Authorization") == tiktok_authorization(
        config["app_key"], config["app_secret"], received.body
    )
    body = received.json()
    assert set(body) == {"type", "tts_notification_id", "shop_id", "timestamp", "data"}
    assert body["type"] == 1
    assert body["shop_id"] == config["shop_id"]
    assert body["tts_notification_id"].isdigit()
    assert abs(body["timestamp"] - received.at) < 30, "timestamp is on the real clock"
    assert set(body["data"]) == {"order_id", "order_status", "update_time"}, "no line items"
    return body


def test_a_live_sale_notifies_creation_and_each_status_change(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    control, tiktok = Control(manifest), TikTok(manifest)
    config = manifest["channels"]["tiktok_shop"]
    start = control.get("/clock")["now"]
    with Receiver() as hooks:
        subscribe(control, "tiktok_shop", hooks.url)
        sell(control, "tiktok_shop", 120, 3_600)
        received = hooks.settle()
    statuses: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for delivery in received:
        data = check(delivery, config)["data"]
        statuses[data["order_id"]].append((data["update_time"], data["order_status"]))
    ids = [r.json()["tts_notification_id"] for r in received]
    assert len(set(ids)) == len(ids)

    start_s = int(datetime.fromisoformat(start).timestamp())
    new = {o["id"] for o in tiktok.orders({"create_time_ge": start_s})}
    assert len(new) > 20
    assert new <= set(statuses), "every new order is notified (older ones as they change)"
    served = {o["id"]: o for o in tiktok.orders({"update_time_ge": start_s})}
    for order_id, changes in statuses.items():
        changes.sort()
        if order_id in new:
            assert changes[0] == (served[order_id]["create_time"], "UNPAID"), "created unpaid"
        assert len({status for _, status in changes}) == len(changes), "only changes are sent"
        last_change, last_status = changes[-1]
        assert last_status == served[order_id]["status"], "the last one sent is the status now"
        # A refund moves update_time without changing the status, so nothing is sent for it.
        assert last_change <= served[order_id]["update_time"]
        if order_id in new:
            assert last_change == served[order_id]["update_time"]


def test_an_answer_slower_than_three_seconds_is_retried_with_the_same_id(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    control = Control(manifest)
    config = manifest["channels"]["tiktok_shop"]

    def slow_first(received: Received, count: int) -> tuple[int, float]:
        return 200, (3.6 if count == 1 else 0.0)

    with Receiver(slow_first) as hooks:
        subscribe(control, "tiktok_shop", hooks.url)
        sell(control, "tiktok_shop", 600, 120)
        slow = hooks.wait_for(lambda seen: len(seen) >= 1)[0]
        first_id = slow.json()["tts_notification_id"]

        def timed_out(log: list[dict[str, Any]]) -> bool:
            return any(d["event_id"] == first_id and d["outcome"] == "failed" for d in log)

        hooks.wait_for(lambda _: timed_out(deliveries(control)), timeout=10)
        control.post("/live", {"enabled": False})
        control.advance(61)
        hooks.wait_for(
            lambda seen: sum(r.json()["tts_notification_id"] == first_id for r in seen) == 2
        )
        hooks.settle()
    again = [r for r in hooks.received() if r.json()["tts_notification_id"] == first_id]
    assert again[1].body == again[0].body, "the retry repeats the notification byte for byte"
    check(again[1], config)
    attempts = [d for d in deliveries(control) if d["event_id"] == first_id]
    assert [(d["attempt"], d["outcome"]) for d in attempts] == [(1, "failed"), (2, "delivered")]
    assert attempts[0]["error"] == "no answer within 3 s"
    assert 2_900 < attempts[0]["answered_in_ms"] < 3_600
