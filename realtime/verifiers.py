"""Which channels the receiver listens to, each with its own authenticity check.

A channel is listened to when its settings carry what its check needs (a webhook secret, or
Amazon's notification queue); the others get 404, so a forgotten secret is a visible gap in
`realtime status`, never an unsigned door.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from channels.amazon.notifications import AmazonNotifications
from channels.shopify.webhooks import ShopifyWebhooks
from channels.tiktok_shop.webhooks import TikTokWebhooks
from channels.warehouse.webhooks import WarehouseWebhooks
from channels.webhooks import VerifiedDelivery

Settings = Mapping[str, Any]


class WebhookVerifier(Protocol):
    def verify(
        self, headers: Mapping[str, str], body: bytes, now: float | None = None
    ) -> VerifiedDelivery: ...


def _shopify(settings: Settings) -> WebhookVerifier | None:
    verifier = ShopifyWebhooks.from_settings(settings)
    return verifier if verifier.secrets_by_domain else None


def _tiktok(settings: Settings) -> WebhookVerifier | None:
    return TikTokWebhooks.from_settings(settings) if settings.get("app_secret") else None


def _warehouse(settings: Settings) -> WebhookVerifier | None:
    return WarehouseWebhooks.from_settings(settings) if settings.get("webhook_secret") else None


WEBHOOK_CHANNELS: dict[str, Callable[[Settings], WebhookVerifier | None]] = {
    "shopify": _shopify,
    "tiktok_shop": _tiktok,
    "warehouse": _warehouse,
}

# Every channel with a sale signal the receiver reads: the webhook channels and Amazon's queue.
LISTENED_CHANNELS = (*WEBHOOK_CHANNELS, "amazon")


def webhook_verifiers(channels: Mapping[str, Settings]) -> dict[str, WebhookVerifier]:
    """A verifier per configured webhook channel (by slug)."""
    verifiers = {}
    for slug, build in WEBHOOK_CHANNELS.items():
        if slug in channels:
            verifier = build(channels[slug])
            if verifier is not None:
                verifiers[slug] = verifier
    return verifiers


def amazon_queue(channels: Mapping[str, Settings]) -> AmazonNotifications | None:
    settings = channels.get("amazon") or {}
    if not (settings.get("notifications") or {}).get("queue_url"):
        return None
    return AmazonNotifications.from_settings(settings)
