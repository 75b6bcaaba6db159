"""The 3PL's stock-changed webhook (our own API; the contract is `sandbox/warehouse/API.md`).

Sent whenever a SKU's on hand changes at a location: a shipment leaves, a receipt arrives, a
cycle count books a difference. The body is the `/v1/inventory` row for that SKU and location
as the API serves it when the webhook is sent, plus `event_id` and `changed_at` (world time of
the change). Signed Stripe-style over the timestamp and the body, so a captured delivery cannot
be replayed later under a fresh date: `X-WMS-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret,
"<t>." + body)>`; each attempt is signed afresh with the real time it is sent at.
"""

from __future__ import annotations

import orjson

from sandbox.server.context import SandboxContext
from sandbox.warehouse.api import inventory_row, webhook_secret
from sandbox.webhooks.channel import ChannelWebhooks, iso_utc
from sandbox.webhooks.faults import STALE_S
from sandbox.webhooks.ids import IdSource
from sandbox.webhooks.model import Delivery, DeliveryPolicy, Draft, Event, Subscription
from sandbox.webhooks.signing import warehouse_signature

STOCK_CHANGED = "stock_changed"
# Exponential backoff: attempts 2, 6, 14, 30 and 60 minutes after the first.
RETRY_DELAYS_S = (120.0, 240.0, 480.0, 960.0, 1_800.0)


class WarehouseWebhooks(ChannelWebhooks):
    channel = "warehouse"
    topics = (STOCK_CHANGED,)
    policy = DeliveryPolicy(1.0, 5.0, RETRY_DELAYS_S)

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        self.world = context.world
        self.secret = webhook_secret(context)
        self.forged_secret = context.secret("warehouse-forged-webhook-secret")

    def event_id(self, ids: IdSource, sequence: int) -> str:
        return "evt_" + ids.hex(24, self.channel, "event", sequence)

    def attempt_id(self, ids: IdSource, sequence: int) -> str:
        return "dlv_" + ids.hex(24, self.channel, "delivery", sequence)

    def stock_changed(
        self, sku: int, location: int, at: int, wanted: frozenset[str]
    ) -> list[Draft]:
        if STOCK_CHANGED not in wanted:
            return []
        row = inventory_row(self.world, sku, location)
        return [Draft(STOCK_CHANGED, f"{row['sku']}@{row['location']}", at, row)]

    def body(self, event: Event, subscription: Subscription, stamped_real: float) -> bytes:
        return orjson.dumps(
            {**event.data, "event_id": event.event_id, "changed_at": iso_utc(event.at)}
        )

    def headers(self, delivery: Delivery, attempt_id: str, real_now: float) -> dict[str, str]:
        secret = self.forged_secret if delivery.forged else self.secret
        signed_at = int(real_now - STALE_S if delivery.stale else real_now)
        return {
            "Content-Type": "application/json",
            "User-Agent": "Tributary-WMS-Webhooks/1.0",
            "X-WMS-Topic": STOCK_CHANGED,
            "X-WMS-Event-Id": delivery.event.event_id,
            "X-WMS-Delivery-Id": attempt_id,
            "X-WMS-Signature": warehouse_signature(secret, signed_at, delivery.body),
        }
