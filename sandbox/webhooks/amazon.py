"""Amazon SP-API `ORDER_CHANGE` notifications, into the seller's SQS standard queue.

The message body is Amazon's notification envelope; the order summary uses the same ids, seller
SKUs and statuses as the sandbox's Orders API for that order at that moment. Sent when an order
is created (Pending) and whenever its `OrderStatus` changes. Amazon signs nothing (the queue's
policy is the authentication). `EventTime` and the order's times are world time;
`PublishTime` is when the notification was published, on the real clock (the one a consumer
shares, and can judge a notification's age by). `NotificationId` is the event's id, the same on
every duplicate.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson

from sandbox.amazon.auth import auth_state
from sandbox.amazon.marketplace import MARKETPLACES, Marketplace
from sandbox.amazon.orders import STATUSES, order_statuses, render_items
from sandbox.server.context import SandboxContext
from sandbox.webhooks.channel import ChannelWebhooks, iso_millis
from sandbox.webhooks.ids import IdSource
from sandbox.webhooks.model import DeliveryPolicy, Draft, Event, Subscription
from sandbox.world.listings import MARKETPLACE

ORDER_CHANGE = "ORDER_CHANGE"
# Sending into the queue is the sandbox's own step; these retries cover a queue endpoint that
# fails, not an Amazon behaviour (Amazon's delivery into SQS is not observable).
RETRY_DELAYS_S = (5.0, 30.0, 120.0)


class AmazonWebhooks(ChannelWebhooks):
    channel = "amazon"
    topics = (ORDER_CHANGE,)
    policy = DeliveryPolicy(1.0, 5.0, RETRY_DELAYS_S)
    transport = "sqs"

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        world = context.world
        self.world = world
        self.marketplaces = {
            world.storefront_index(spec.storefront): Marketplace(world, spec)
            for spec in MARKETPLACES
        }
        self.seller_id = auth_state(context).credentials.seller_id
        self.application_id = "amzn1.sellerapps.app." + IdSource(world.seed).uuid("application")

    def event_id(self, ids: IdSource, sequence: int) -> str:
        return ids.uuid(self.channel, "notification", sequence)

    def order_created(self, order: int, at: int, wanted: frozenset[str]) -> list[Draft]:
        if ORDER_CHANGE not in wanted:
            return []
        marketplace = self._marketplace(order)
        return [self._draft(marketplace, order, self._status(marketplace, order, at), at)]

    def order_changed(
        self, order: int, at: int, cancelled: bool, wanted: frozenset[str]
    ) -> list[Draft]:
        if ORDER_CHANGE not in wanted:
            return []
        marketplace = self._marketplace(order)
        status = self._status(marketplace, order, at)
        if status == self._status(marketplace, order, at - 1):
            return []  # delivered, completed, refunded: Amazon's OrderStatus stays Shipped
        return [self._draft(marketplace, order, status, at)]

    def _marketplace(self, order: int) -> Marketplace:
        return self.marketplaces[int(self.world.orders["storefront"][order])]

    @staticmethod
    def _status(marketplace: Marketplace, order: int, at: int) -> str:
        return STATUSES[int(order_statuses(marketplace, np.array([order]), at)[0])]

    def _draft(self, marketplace: Marketplace, order: int, status: str, at: int) -> Draft:
        columns = self.world.orders
        amazon_order_id = marketplace.order_id(int(columns["seq"][order]))
        afn = int(columns["fulfilled_by"][order]) == MARKETPLACE
        items = [
            {
                "OrderItemId": item["OrderItemId"],
                "SellerSKU": item["SellerSKU"],
                "OrderItemStatus": _item_status(status, item),
                "Quantity": item["QuantityOrdered"],
                "QuantityShipped": item["QuantityShipped"],
            }
            for item in render_items(marketplace, order, at)
        ]
        change = {
            "NotificationLevel": "OrderItemLevel",
            "SellerId": self.seller_id,
            "AmazonOrderId": amazon_order_id,
            "OrderChangeType": "OrderStatusChange",
            "OrderChangeTrigger": {
                "TimeOfOrderChange": iso_millis(at),
                "ChangeReason": "OrderStatusChange",
            },
            "Summary": {
                "MarketplaceId": marketplace.spec.marketplace_id,
                "OrderStatus": status,
                "PurchaseDate": iso_millis(int(columns["created"][order])),
                "FulfillmentType": "AFN" if afn else "MFN",
                "OrderItems": items,
            },
        }
        return Draft(ORDER_CHANGE, f"order:{amazon_order_id}", at, change)

    def body(self, event: Event, subscription: Subscription, stamped_real: float) -> bytes:
        envelope: dict[str, Any] = {
            "NotificationVersion": "1.0",
            "NotificationType": ORDER_CHANGE,
            "PayloadVersion": "1.0",
            "EventTime": iso_millis(event.at),
            "Payload": {"OrderChangeNotification": event.data},
            "NotificationMetadata": {
                "ApplicationId": self.application_id,
                "SubscriptionId": subscription.id,
                "PublishTime": iso_millis(stamped_real),
                "NotificationId": event.event_id,
            },
        }
        return orjson.dumps(envelope)


def _item_status(order_status: str, item: dict[str, Any]) -> str:
    """An item's status: the order's while pending or cancelled, then shipped or not."""
    if order_status in ("Pending", "Canceled"):
        return order_status
    return "Shipped" if item["QuantityShipped"] else "Unshipped"
