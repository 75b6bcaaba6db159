"""The 3PL's stock-changed webhook check (our own API: sandbox/warehouse/API.md).

`X-WMS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(webhook secret, "<t>." + raw body)>`:
the timestamp is inside what is signed, so a captured delivery cannot be replayed later with
a fresh date. `X-WMS-Event-Id` stays the same on retries and duplicates.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from channels.webhooks import (
    DEFAULT_MAX_AGE_S,
    StockUpdate,
    UnreadableEventError,
    VerifiedDelivery,
    WebhookRejectedError,
    check_age,
    header,
    utc,
)

CHANNEL = "warehouse"
TOPIC = "stock_changed"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_parts(value: str) -> dict[str, str]:
    parts = {}
    for item in value.split(","):
        name, _, given = item.strip().partition("=")
        parts[name] = given
    return parts


@dataclass(frozen=True)
class WarehouseWebhooks:
    secret: str
    store_id: str = "3pl"
    max_age_s: float = DEFAULT_MAX_AGE_S

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> WarehouseWebhooks:
        return cls(
            secret=str(settings["webhook_secret"]),
            store_id=str(settings.get("store_id", "3pl")),
            max_age_s=float(settings.get("webhook_max_age_s", DEFAULT_MAX_AGE_S)),
        )

    def verify(
        self, headers: Mapping[str, str], body: bytes, now: float | None = None
    ) -> VerifiedDelivery:
        parts = signature_parts(header(headers, "X-WMS-Signature"))
        timestamp, given = parts.get("t", ""), parts.get("v1", "")
        if not timestamp or not given:
            raise WebhookRejectedError("unsigned: no t= and v1= in X-WMS-Signature")
        expected = signature(self.secret, timestamp, body)
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise WebhookRejectedError("signature does not match the body")
        try:
            signed_at = float(timestamp)
        except ValueError as error:
            reason = f"signature time {timestamp[:20]!r} is not a number"
            raise WebhookRejectedError(reason) from error
        check_age(signed_at, now, self.max_age_s)
        event_id = header(headers, "X-WMS-Event-Id")
        if not event_id:
            raise WebhookRejectedError("no X-WMS-Event-Id to recognise duplicates by")
        return VerifiedDelivery(CHANNEL, event_id, TOPIC, self.store_id, signed_at)


def stock_update(body: bytes) -> StockUpdate:
    """A stock_changed body: the inventory row as the 3PL served it when it sent."""
    try:
        row = orjson.loads(body)
        return StockUpdate(
            sku=str(row["sku"]),
            location_code=str(row["location"]),
            on_hand=int(row["on_hand"]),
            updated_at=utc(str(row["updated_at"])),
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise UnreadableEventError(f"3PL stock_changed: {error!r}") from error
