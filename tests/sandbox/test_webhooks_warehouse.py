"""The 3PL's stock-changed webhook, checked against `sandbox/warehouse/API.md` only."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime
from typing import Any

from tests.helpers.clients import Control, Warehouse
from tests.helpers.receiver import Received, Receiver
from tests.helpers.webhooks import sell, subscribe

ROW = {"sku", "location", "on_hand", "updated_at", "event_id", "changed_at"}


def verify(received: Received, secret: str) -> int:
    """The documented check: t and v1 from X-WMS-Signature, v1 = hex HMAC(secret, "t." + body).

    Returns t, the real time the delivery was signed at.
    """
    parts = dict(item.split("=", 1) for item in received.header("X-WMS-Signature").split(","))
    signed = parts["t"].encode() + b"." + received.body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    return int(parts["t"])


def check(received: Received, secret: str) -> dict[str, Any]:
    signed_at = verify(received, secret)
    assert abs(signed_at - received.at) < 30, "t is the real time of sending"
    body = received.json()
    assert set(body) == ROW
    assert received.header("X-WMS-Event-Id") == body["event_id"]
    assert received.header("X-WMS-Delivery-Id").startswith("dlv_")
    assert received.header("X-WMS-Topic") == "stock_changed"
    return body


def row_of(warehouse: Warehouse, sku: str, location: str) -> dict[str, Any]:
    rows = warehouse.all("/v1/inventory", location=location)
    return next(row for row in rows if row["sku"] == sku)


def _plain_sku(control: Control) -> str:
    return next(r["sku"] for r in control.get("/truth/stock")["skus"] if not r["is_bundle"])


def test_restocks_and_counts_send_the_inventory_row_signed(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    control, warehouse = Control(manifest), Warehouse(manifest)
    secret = manifest["channels"]["warehouse"]["webhook_secret"]
    sku = _plain_sku(control)
    before = row_of(warehouse, sku, "NJ1")["on_hand"]

    def mine(seen: list[Received]) -> list[Received]:
        return [r for r in seen if r.json()["sku"] == sku and r.json()["location"] == "NJ1"]

    with Receiver() as hooks:
        subscribe(control, "warehouse", hooks.url)
        control.post("/restock", {"sku": sku, "location": "NJ1", "quantity": 12, "in_seconds": 60})
        control.advance(60)
        received = mine(hooks.wait_for(lambda seen: len(mine(seen)) == 1))[0]
        restocked = check(received, secret)
        assert restocked["on_hand"] == before + 12
        assert restocked == {**row_of(warehouse, sku, "NJ1"), **restocked}
        assert restocked["changed_at"] == control.get("/clock")["now"]

        control.post("/stock-count", {"sku": sku, "location": "NJ1", "on_hand": 3})
        counted = check(mine(hooks.wait_for(lambda seen: len(mine(seen)) == 2))[1], secret)
        control.post("/stock-count", {"sku": sku, "location": "NJ1", "on_hand": 3})
        time.sleep(0.5)
        assert len(mine(hooks.received())) == 2, "a count that finds no difference changes nothing"
    served = row_of(warehouse, sku, "NJ1")
    assert {k: v for k, v in counted.items() if k not in ("event_id", "changed_at")} == served
    assert served["on_hand"] == 3
    assert counted["event_id"] != restocked["event_id"]


def test_a_live_sale_shipping_sends_what_the_inventory_then_shows(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    control, warehouse = Control(manifest), Warehouse(manifest)
    secret = manifest["channels"]["warehouse"]["webhook_secret"]
    start = control.get("/clock")["now"]
    with Receiver() as hooks:
        subscribe(control, "warehouse", hooks.url)
        sell(control, "shopify", 30, 4 * 3_600)
        control.post("/live", {"enabled": False})
        control.advance(3 * 86_400)
        received = hooks.settle()
    now = control.get("/clock")["now"]
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for delivery in received:
        body = check(delivery, secret)
        assert start < body["changed_at"] <= now
        cell = (body["sku"], body["location"])
        if cell not in latest or body["changed_at"] >= latest[cell]["changed_at"]:
            latest[cell] = body
    changed = {
        (row["sku"], row["location"]): row
        for row in warehouse.all("/v1/inventory", updated_since=start)
        if row["updated_at"] > start
    }
    assert len(changed) > 20, "the orders shipped within three days"
    assert set(latest) == set(changed), "every cell whose stock moved is notified"
    for cell, body in latest.items():
        row = {k: v for k, v in body.items() if k not in ("event_id", "changed_at")}
        assert row == changed[cell], "sent as the API serves it"
        assert datetime.fromisoformat(body["changed_at"]) <= datetime.fromisoformat(
            row["updated_at"]
        )
