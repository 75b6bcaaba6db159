"""TikTok Shop's order status change notification (type 1).

Body `{"type": 1, "tts_notification_id", "shop_id", "timestamp", "data": {"order_id",
"order_status", "update_time"}}`: no line items, so a receiver fetches the order. Sent when an
order is created and whenever its status changes. `timestamp` is when TikTok sent it (the real
clock, which a receiver can judge staleness by); `update_time` is the order's own update time,
as the Order API states it (world time). Header `Authorization` = lowercase hex
HMAC-SHA256(key = app_secret, message = app_key + raw body).

The ~3 s answer deadline is documented; TikTok publishes no retry schedule, so the retries
here (3, at 1, 5 and 15 world minutes after the first attempt) are *unconfirmed*.
"""

from __future__ import annotations

import numpy as np
import orjson

from sandbox.server.context import SandboxContext
from sandbox.tiktok_shop.auth import auth_state
from sandbox.tiktok_shop.orders import STATUSES, statuses
from sandbox.tiktok_shop.shop import TikTokShop
from sandbox.webhooks.channel import ChannelWebhooks
from sandbox.webhooks.ids import IdSource
from sandbox.webhooks.model import Delivery, DeliveryPolicy, Draft, Event, Subscription
from sandbox.webhooks.signing import tiktok_authorization

ORDER_STATUS_CHANGE = "ORDER_STATUS_CHANGE"
ORDER_STATUS_CHANGE_TYPE = 1
RETRY_DELAYS_S = (60.0, 240.0, 600.0)  # unconfirmed: TikTok does not publish its schedule


class TikTokShopWebhooks(ChannelWebhooks):
    channel = "tiktok_shop"
    topics = (ORDER_STATUS_CHANGE,)
    policy = DeliveryPolicy(1.0, 3.0, RETRY_DELAYS_S)

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        world = context.world
        self.shop = TikTokShop(world, world.storefront_index("tiktok_shop"))
        auth = auth_state(context)
        self.app_key, self.app_secret, self.shop_id = auth.app_key, auth.app_secret, auth.shop_id
        self.forged_secret = context.secret("tiktok-forged-app-secret", 40)

    def event_id(self, ids: IdSource, sequence: int) -> str:
        return ids.digits(19, self.channel, "notification", sequence)

    def order_created(self, order: int, at: int, wanted: frozenset[str]) -> list[Draft]:
        if ORDER_STATUS_CHANGE not in wanted:
            return []
        return [self._draft(order, self._status(order, at), at)]

    def order_changed(
        self, order: int, at: int, cancelled: bool, wanted: frozenset[str]
    ) -> list[Draft]:
        if ORDER_STATUS_CHANGE not in wanted:
            return []
        status = self._status(order, at)
        if status == self._status(order, at - 1):
            return []  # a change TikTok's status does not show (a refund, a second parcel)
        return [self._draft(order, status, at)]

    def _status(self, order: int, at: int) -> str:
        return STATUSES[int(statuses(self.shop, np.array([order]), at)[0])]

    def _draft(self, order: int, status: str, at: int) -> Draft:
        order_id = self.shop.order_id(int(self.shop.world.orders["seq"][order]))
        data = {"order_id": order_id, "order_status": status, "update_time": at}
        return Draft(ORDER_STATUS_CHANGE, f"order:{order_id}", at, data)

    def body(self, event: Event, subscription: Subscription, stamped_real: float) -> bytes:
        return orjson.dumps(
            {
                "type": ORDER_STATUS_CHANGE_TYPE,
                "tts_notification_id": event.event_id,
                "shop_id": self.shop_id,
                "timestamp": int(stamped_real),
                "data": event.data,
            }
        )

    def headers(self, delivery: Delivery, attempt_id: str, real_now: float) -> dict[str, str]:
        secret = self.forged_secret if delivery.forged else self.app_secret
        return {
            "Content-Type": "application/json",
            "Authorization": tiktok_authorization(self.app_key, secret, delivery.body),
        }
