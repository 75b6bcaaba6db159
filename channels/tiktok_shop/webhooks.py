"""TikTok Shop's webhook check: hex HMAC-SHA256(app secret, app key + raw body).

TikTok signs the app key followed by the exact body bytes and sends the lowercase hex digest
in `Authorization`; no header carries a timestamp, so the body's `timestamp` (unix seconds,
inside what is signed) dates it for the replay check. `tts_notification_id` is the event's
id on every retry. The body names the shop; a shop other than the configured one is refused.
Only order status changes (type 1) are read: the body carries no line items, so the reactor
fetches the order.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from channels.webhooks import (
    DEFAULT_MAX_AGE_S,
    OrderUpdate,
    UnreadableEventError,
    VerifiedDelivery,
    WebhookRejectedError,
    check_age,
)
from channels.webhooks import header as header_of

CHANNEL = "tiktok_shop"
ORDER_STATUS_CHANGE = 1
TOPICS = {ORDER_STATUS_CHANGE: "order_status_change"}


def signature(app_key: str, app_secret: str, body: bytes) -> str:
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class TikTokWebhooks:
    app_key: str
    app_secret: str
    shop_id: str | None  # None: whichever shop the app is authorised for
    max_age_s: float = DEFAULT_MAX_AGE_S

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> TikTokWebhooks:
        shop = settings.get("shop_id")
        return cls(
            app_key=str(settings["app_key"]),
            app_secret=str(settings["app_secret"]),
            shop_id=None if shop is None else str(shop),
            max_age_s=float(settings.get("webhook_max_age_s", DEFAULT_MAX_AGE_S)),
        )

    def verify(
        self, headers: Mapping[str, str], body: bytes, now: float | None = None
    ) -> VerifiedDelivery:
        given = header_of(headers, "Authorization").strip().lower()
        if not given:
            raise WebhookRejectedError("unsigned: no Authorization header")
        if not hmac.compare_digest(
            given.encode(), signature(self.app_key, self.app_secret, body).encode()
        ):
            raise WebhookRejectedError("signature does not match the body")
        try:
            document = orjson.loads(body)
            kind = int(document["type"])
            event_id = str(document["tts_notification_id"])
            shop_id = str(document["shop_id"])
            signed_at = float(document["timestamp"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise WebhookRejectedError(f"signed body lacks {error}") from error
        if self.shop_id is not None and shop_id != self.shop_id:
            raise WebhookRejectedError(f"shop {shop_id[:40]!r} is not the configured shop")
        if kind not in TOPICS:
            raise WebhookRejectedError(f"notification type {kind} is not one the fast path reads")
        check_age(signed_at, now, self.max_age_s)
        return VerifiedDelivery(CHANNEL, event_id, TOPICS[kind], shop_id, signed_at)


def order_update(body: bytes) -> OrderUpdate:
    """A status change as the fast path reads it: no lines (TikTok sends none)."""
    try:
        document = orjson.loads(body)
        data = document["data"]
        return OrderUpdate(
            channel=CHANNEL,
            store_id=str(document["shop_id"]),
            order_id=str(data["order_id"]),
            updated_at=datetime.fromtimestamp(int(data["update_time"]), UTC),
            status_fields={"order_status": str(data["order_status"])},
            fulfilled_by="merchant",
            lines=None,
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise UnreadableEventError(f"TikTok order status change: {error!r}") from error
