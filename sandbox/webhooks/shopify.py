"""Shopify's webhooks: order topics carry the REST order, `inventory_levels/update` the level.

Order topics carry the order exactly as REST `orders/{id}.json` renders it at the moment of the
event; `inventory_levels/update` the REST inventory level whenever `available` changes at the
shop's location, whether a sale took units or a stock write set them (our own pushes come back
as this "echo"). A cancellation sends `orders/cancelled` and `orders/updated`, as Shopify does.

Headers: `X-Shopify-Topic`, `X-Shopify-Hmac-Sha256` (base64 HMAC-SHA256 of the raw body with the
app's client secret), `X-Shopify-Shop-Domain`, `X-Shopify-API-Version`, `X-Shopify-Webhook-Id`
(new on every attempt), `X-Shopify-Event-Id` (the same on every retry and duplicate of one
event), `X-Shopify-Triggered-At` (when the event was triggered, on the real clock, nanosecond
precision as Shopify prints it). Deadline: connect 1 s, answer 5 s; 8 retries over 4 hours with
exponential backoff and the original payload and headers (but the webhook id).
"""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from sandbox.server.context import SandboxContext
from sandbox.shopify import API_VERSION, ids
from sandbox.shopify.host import webhook_secret
from sandbox.shopify.render_catalog import render_inventory_level
from sandbox.shopify.render_orders import render_order
from sandbox.shopify.shop import Shop
from sandbox.webhooks.channel import ChannelWebhooks
from sandbox.webhooks.model import Delivery, DeliveryPolicy, Draft, Event, Subscription
from sandbox.webhooks.signing import shopify_hmac

ORDERS_CREATE = "orders/create"
ORDERS_UPDATED = "orders/updated"
ORDERS_CANCELLED = "orders/cancelled"
INVENTORY_LEVELS_UPDATE = "inventory_levels/update"
# Exponential backoff: attempts 1, 3, 7, 15, 31, 63, 127 and 240 minutes after the first.
RETRY_DELAYS_S = (60.0, 120.0, 240.0, 480.0, 960.0, 1_920.0, 3_840.0, 6_780.0)


class ShopifyWebhooks(ChannelWebhooks):
    channel = "shopify"
    topics = (ORDERS_CREATE, ORDERS_UPDATED, ORDERS_CANCELLED, INVENTORY_LEVELS_UPDATE)
    policy = DeliveryPolicy(1.0, 5.0, RETRY_DELAYS_S)

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        world = context.world
        self.storefront = world.storefront_index("shopify")
        # A shop view of its own: rendering at past moments must not evict the REST caches.
        self.shop = Shop(world, self.storefront)
        self.secret = webhook_secret(context)
        self.forged_secret = context.secret("shopify-forged-client-secret")
        self.domain = f"{self.shop.spec.store_id}.myshopify.com"

    def order_created(self, order: int, at: int, wanted: frozenset[str]) -> list[Draft]:
        if ORDERS_CREATE not in wanted:
            return []
        return [Draft(ORDERS_CREATE, self._key(order), at, self._order_json(order, at))]

    def order_changed(
        self, order: int, at: int, cancelled: bool, wanted: frozenset[str]
    ) -> list[Draft]:
        topics = [ORDERS_CANCELLED] if cancelled else []
        topics = [topic for topic in (*topics, ORDERS_UPDATED) if topic in wanted]
        if not topics:
            return []
        body = self._order_json(order, at)
        return [Draft(topic, self._key(order), at, body) for topic in topics]

    def listing_changed(self, listing: int, at: int, wanted: frozenset[str]) -> list[Draft]:
        world = self.shop.world
        if INVENTORY_LEVELS_UPDATE not in wanted:
            return []
        if int(world.listings.storefront[listing]) != self.storefront:
            return []
        sku = world.listing_sku(listing)
        level = render_inventory_level(self.shop, sku)
        key = f"inventory_item:{ids.inventory_item_id(sku)}@{ids.LOCATION_ID}"
        return [Draft(INVENTORY_LEVELS_UPDATE, key, at, orjson.dumps(level))]

    def _key(self, order: int) -> str:
        return f"order:{ids.order_id(int(self.shop.world.orders['seq'][order]))}"

    def _order_json(self, order: int, at: int) -> bytes:
        record = render_order(self.shop, order, at)
        # The renderer reads `updated_at` from the world's column, which is right for "now";
        # the world may already have run past `at`, and the order's last change at `at` is `at`.
        record["updated_at"] = self.shop.time(at)
        return orjson.dumps(record)

    def body(self, event: Event, subscription: Subscription, stamped_real: float) -> bytes:
        data: bytes = event.data
        return data

    def headers(self, delivery: Delivery, attempt_id: str, real_now: float) -> dict[str, str]:
        secret = self.forged_secret if delivery.forged else self.secret
        return {
            "Content-Type": "application/json",
            "User-Agent": "Shopify-Captain-Hook",
            "X-Shopify-Topic": delivery.event.topic,
            "X-Shopify-Hmac-Sha256": shopify_hmac(secret, delivery.body),
            "X-Shopify-Shop-Domain": self.domain,
            "X-Shopify-API-Version": API_VERSION,
            "X-Shopify-Webhook-Id": attempt_id,
            "X-Shopify-Event-Id": delivery.event.event_id,
            "X-Shopify-Triggered-At": triggered_at(delivery.stamped_real),
        }


def triggered_at(real: float) -> str:
    """`2026-12-01T02:18:07.877041743Z`: Shopify prints nanoseconds."""
    seconds = int(real)
    nanos = round((real - seconds) * 1e9) % 1_000_000_000
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos:09d}Z"
