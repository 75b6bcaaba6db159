"""Signed deliveries as each channel sends them, built from the channels' documented formulas
(CHANNELS.md, sandbox/warehouse/API.md), never from the code under test."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

SHOP_DOMAIN = "brand.myshopify.com"
SHOPIFY_SECRET = "shopify-client-secret-for-tests"
TIKTOK_APP_KEY = "6a1b2c3d4e5f6"
TIKTOK_APP_SECRET = "tiktok-app-secret-for-tests"
TIKTOK_SHOP_ID = "7494572830159012345"
WAREHOUSE_SECRET = "warehouse-webhook-secret-for-tests"
SELLER_ID = "A2SELLER0TEST"


def channels_settings(amazon_queue: dict[str, Any] | None = None) -> dict[str, Any]:
    """A channels file whose webhook secrets match the deliveries below."""
    channels: dict[str, Any] = {
        "shopify": {
            "stores": [
                {
                    "store_id": "brand",
                    "shop_domain": SHOP_DOMAIN,
                    "base_url": "http://127.0.0.1:9",
                    "access_token": "shpat_unused",
                }
            ],
            "webhook_secret": SHOPIFY_SECRET,
        },
        "tiktok_shop": {
            "app_key": TIKTOK_APP_KEY,
            "app_secret": TIKTOK_APP_SECRET,
            "shop_id": TIKTOK_SHOP_ID,
        },
        "warehouse": {
            "base_url": "http://127.0.0.1:9",
            "api_key": "k",
            "webhook_secret": WAREHOUSE_SECRET,
        },
        "amazon": {"seller_id": SELLER_ID},
    }
    if amazon_queue:
        channels["amazon"]["notifications"] = amazon_queue
    return {"channels": channels}


@dataclass(frozen=True)
class Signed:
    channel: str
    event_id: str
    headers: dict[str, str]
    body: bytes


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


def shopify_order(
    event_id: str | None = None,
    *,
    secret: str = SHOPIFY_SECRET,
    signed_at: float | None = None,
    topic: str = "orders/create",
) -> Signed:
    event = event_id or str(uuid.uuid4())
    body = json.dumps(
        {"id": 820982911946154508, "line_items": [{"id": 1, "sku": "TRB-1", "quantity": 2}]},
        indent=2,
    ).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    headers = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
        "X-Shopify-Shop-Domain": SHOP_DOMAIN,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Event-Id": event,
        "X-Shopify-Triggered-At": iso(time.time() if signed_at is None else signed_at),
        "Content-Type": "application/json",
    }
    return Signed("shopify", event, headers, body)


def tiktok_status_change(
    event_id: str | None = None, *, secret: str = TIKTOK_APP_SECRET, signed_at: float | None = None
) -> Signed:
    event = event_id or str(uuid.uuid4().int)[:19]
    body = json.dumps(
        {
            "type": 1,
            "tts_notification_id": event,
            "shop_id": TIKTOK_SHOP_ID,
            "timestamp": int(time.time() if signed_at is None else signed_at),
            "data": {
                "order_id": "576461413038785752",
                "order_status": "AWAITING_SHIPMENT",
                "update_time": 1727000000,
            },
        }
    ).encode()
    sign = hmac.new(secret.encode(), TIKTOK_APP_KEY.encode() + body, hashlib.sha256).hexdigest()
    headers = {"Authorization": sign, "Content-Type": "application/json"}
    return Signed("tiktok_shop", event, headers, body)


def warehouse_stock(
    event_id: str | None = None, *, secret: str = WAREHOUSE_SECRET, signed_at: float | None = None
) -> Signed:
    event = event_id or str(uuid.uuid4())
    body = json.dumps({"event_id": event, "sku": "TRB-1", "location": "NJ1", "on_hand": 7}).encode()
    stamp = str(int(time.time() if signed_at is None else signed_at))
    sign = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    headers = {
        "X-WMS-Event-Id": event,
        "X-WMS-Delivery-Id": str(uuid.uuid4()),
        "X-WMS-Signature": f"t={stamp},v1={sign}",
        "Content-Type": "application/json",
    }
    return Signed("warehouse", event, headers, body)


SIGNERS = {
    "shopify": shopify_order,
    "tiktok_shop": tiktok_status_change,
    "warehouse": warehouse_stock,
}


def reserialised(delivery: Signed) -> Signed:
    """The same JSON, re-serialised the way a framework would: a different byte string."""
    body = json.dumps(json.loads(delivery.body), separators=(",", ":"), sort_keys=True).encode()
    assert body != delivery.body
    return Signed(delivery.channel, delivery.event_id, delivery.headers, body)


def unsigned(delivery: Signed) -> Signed:
    dropped = ("authorization", "x-shopify-hmac-sha256", "x-wms-signature")
    headers = {k: v for k, v in delivery.headers.items() if k.lower() not in dropped}
    return Signed(delivery.channel, delivery.event_id, headers, delivery.body)


def amazon_order_change(event_id: str | None = None, *, seller_id: str = SELLER_ID) -> bytes:
    event = event_id or str(uuid.uuid4())
    now = iso(time.time())
    return json.dumps(
        {
            "NotificationVersion": "1.0",
            "NotificationType": "ORDER_CHANGE",
            "PayloadVersion": "1.0",
            "EventTime": now,
            "Payload": {
                "OrderChangeNotification": {
                    "NotificationLevel": "OrderItemLevel",
                    "SellerId": seller_id,
                    "AmazonOrderId": "113-1234567-1234567",
                    "OrderChangeType": "OrderStatusChange",
                    "OrderChangeTrigger": {
                        "TimeOfOrderChange": now,
                        "ChangeReason": "OrderStatusChange",
                    },
                    "Summary": {
                        "MarketplaceId": "ATVPDKIKX0DER",
                        "OrderStatus": "Unshipped",
                        "PurchaseDate": now,
                        "FulfillmentType": "MFN",
                        "OrderItems": [
                            {
                                "OrderItemId": "1",
                                "SellerSKU": "AMZ-1",
                                "OrderItemStatus": "Unshipped",
                                "Quantity": 1,
                                "QuantityShipped": 0,
                            }
                        ],
                    },
                }
            },
            "NotificationMetadata": {
                "ApplicationId": "amzn1.sp.solution.test",
                "SubscriptionId": "sub-1",
                "PublishTime": now,
                "NotificationId": event,
            },
        }
    ).encode()
