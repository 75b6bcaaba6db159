"""Shopify's webhook check: HMAC-SHA256 of the raw body with the app's client secret.

Shopify signs the exact bytes it sends (`X-Shopify-Hmac-Sha256`, base64), so the check runs on
the body as received: parsing and re-serialising the JSON first would break it. The same
event keeps its `X-Shopify-Event-Id` on every retry and duplicate (`X-Shopify-Webhook-Id`
names one delivery), which is what the receiver stores it under. `X-Shopify-Triggered-At`
dates the event for the replay check. The shop is named by `X-Shopify-Shop-Domain`; each
store's secret comes from its `webhook_secret`, else the channel's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from channels.webhooks import (
    DEFAULT_MAX_AGE_S,
    OrderLine,
    OrderUpdate,
    ShownQuantity,
    UnreadableEventError,
    VerifiedDelivery,
    WebhookRejectedError,
    check_age,
    header,
    iso_seconds,
    utc,
)

CHANNEL = "shopify"
TOPICS = ("orders/create", "orders/updated", "orders/cancelled", "inventory_levels/update")


def signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class ShopifyWebhooks:
    """The secrets and store ids of every configured shop, by shop domain."""

    secrets_by_domain: Mapping[str, str]
    store_by_domain: Mapping[str, str]
    max_age_s: float = DEFAULT_MAX_AGE_S

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> ShopifyWebhooks:
        secrets, stores = {}, {}
        for store in settings.get("stores", []):
            domain = str(store.get("shop_domain", "")).lower()
            secret = store.get("webhook_secret") or settings.get("webhook_secret")
            if domain and secret:
                secrets[domain] = str(secret)
                stores[domain] = str(store["store_id"])
        return cls(secrets, stores, float(settings.get("webhook_max_age_s", DEFAULT_MAX_AGE_S)))

    def verify(
        self, headers: Mapping[str, str], body: bytes, now: float | None = None
    ) -> VerifiedDelivery:
        domain = header(headers, "X-Shopify-Shop-Domain").lower()
        secret = self.secrets_by_domain.get(domain)
        if secret is None:
            raise WebhookRejectedError(f"unknown shop {domain[:80]!r}")
        given = header(headers, "X-Shopify-Hmac-Sha256")
        if not given:
            raise WebhookRejectedError("unsigned: no X-Shopify-Hmac-Sha256")
        if not hmac.compare_digest(given.encode(), signature(secret, body).encode()):
            raise WebhookRejectedError("signature does not match the body")
        topic = header(headers, "X-Shopify-Topic")
        if topic not in TOPICS:
            raise WebhookRejectedError(f"topic {topic[:60]!r} is not one the fast path reads")
        triggered = header(headers, "X-Shopify-Triggered-At")
        signed_at = iso_seconds(triggered) if triggered else None
        if signed_at is not None:
            check_age(signed_at, now, self.max_age_s)
        event_id = header(headers, "X-Shopify-Event-Id") or header(headers, "X-Shopify-Webhook-Id")
        if not event_id:
            raise WebhookRejectedError("no X-Shopify-Event-Id to recognise duplicates by")
        return VerifiedDelivery(CHANNEL, event_id, topic, self.store_by_domain[domain], signed_at)


# REST order fields as the GraphQL names the ingest reads (the seed maps the latter).
REST_FULFILLMENT_STATUS = {
    None: "UNFULFILLED",
    "partial": "PARTIALLY_FULFILLED",
    "fulfilled": "FULFILLED",
    "restocked": "RESTOCKED",
}
ORDER_TOPICS = ("orders/create", "orders/updated", "orders/cancelled")


def order_update(store_id: str, body: bytes) -> OrderUpdate:
    """An order topic's REST order JSON as the fast path reads it."""
    try:
        order = orjson.loads(body)
        fulfillment = order.get("fulfillment_status")
        lines = tuple(
            OrderLine(
                seller_sku=line.get("sku") or None,
                variant_id=None if line.get("variant_id") is None else str(line["variant_id"]),
                quantity=int(line["quantity"]),
            )
            for line in order["line_items"]
        )
        return OrderUpdate(
            channel=CHANNEL,
            store_id=store_id,
            order_id=str(order["id"]),
            updated_at=utc(str(order["updated_at"])),
            status_fields={
                "cancelled": "true" if order.get("cancelled_at") else "false",
                "financial_status": str(order["financial_status"]).upper(),
                "fulfillment_status": REST_FULFILLMENT_STATUS.get(fulfillment, str(fulfillment)),
            },
            fulfilled_by="merchant",
            lines=lines,
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise UnreadableEventError(f"Shopify order webhook: {error!r}") from error


def inventory_level(store_id: str, body: bytes) -> ShownQuantity:
    """An inventory_levels/update body: what one item shows at one location now."""
    try:
        level = orjson.loads(body)
        return ShownQuantity(
            channel=CHANNEL,
            store_id=store_id,
            inventory_item_id=str(level["inventory_item_id"]),
            location_id=str(level["location_id"]),
            available=int(level["available"]),
            updated_at=utc(str(level["updated_at"])),
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise UnreadableEventError(f"Shopify inventory_levels/update: {error!r}") from error
