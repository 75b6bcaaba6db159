"""Amazon's SP-API notifications, read from the seller's SQS queue with the AWS SDK.

Amazon delivers `ORDER_CHANGE` into an SQS standard queue the seller owns: no body signature
(authenticity is the queue's IAM policy), at least once, unordered. Each message body is the
notification envelope; `NotificationMetadata.NotificationId` is the event's id on every
duplicate. A message is deleted from the queue only after the caller has stored it, so a
crash between the two re-delivers it (and the id makes the second copy a duplicate).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import boto3
import orjson

from channels.webhooks import (
    OrderLine,
    OrderUpdate,
    UnreadableEventError,
    VerifiedDelivery,
    WebhookRejectedError,
    iso_seconds,
    utc,
)

CHANNEL = "amazon"
TOPICS = ("ORDER_CHANGE",)
MAX_MESSAGES = 10  # SQS's largest batch
WAIT_S = 1  # long polling: answers as soon as a message is there, at most this late


@dataclass(frozen=True)
class QueueMessage:
    body: bytes
    receipt_handle: str


@dataclass(frozen=True)
class AmazonNotifications:
    queue_url: str
    seller_id: str
    endpoint_url: str | None = None  # None: AWS itself
    region: str = "us-east-1"
    aws_access_key_id: str | None = None
    aws_secret_access_key: str | None = None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> AmazonNotifications:
        queue = settings.get("notifications") or {}
        if not queue.get("queue_url"):
            raise KeyError("amazon.notifications.queue_url")
        return cls(
            queue_url=str(queue["queue_url"]),
            seller_id=str(settings["seller_id"]),
            endpoint_url=queue.get("sqs_endpoint_url"),
            region=str(queue.get("region", "us-east-1")),
            aws_access_key_id=queue.get("aws_access_key_id"),
            aws_secret_access_key=queue.get("aws_secret_access_key"),
        )

    def client(self) -> Any:
        return boto3.client(
            "sqs",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.aws_access_key_id,
            aws_secret_access_key=self.aws_secret_access_key,
        )

    def verify(self, body: bytes) -> VerifiedDelivery:
        """The envelope's id, type and marketplace, once it is shown to be this seller's."""
        try:
            envelope = orjson.loads(body)
            topic = str(envelope["NotificationType"])
            event_id = str(envelope["NotificationMetadata"]["NotificationId"])
            change = envelope["Payload"]["OrderChangeNotification"]
            seller = str(change["SellerId"])
            marketplace = str(change["Summary"]["MarketplaceId"])
            published = envelope["NotificationMetadata"].get("PublishTime")
        except (orjson.JSONDecodeError, KeyError, TypeError) as error:
            raise WebhookRejectedError(f"not an ORDER_CHANGE envelope: lacks {error}") from error
        if topic not in TOPICS:
            raise WebhookRejectedError(f"notification type {topic[:60]!r} is not read")
        if seller != self.seller_id:
            raise WebhookRejectedError(f"seller {seller[:40]!r} is not the configured seller")
        signed_at = iso_seconds(str(published)) if published else None
        return VerifiedDelivery(CHANNEL, event_id, topic, marketplace, signed_at)

    def receive(self, client: Any) -> list[QueueMessage]:
        answer = client.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=MAX_MESSAGES, WaitTimeSeconds=WAIT_S
        )
        return [
            QueueMessage(message["Body"].encode(), message["ReceiptHandle"])
            for message in answer.get("Messages", [])
        ]

    def delete(self, client: Any, messages: list[QueueMessage]) -> None:
        if not messages:
            return
        client.delete_message_batch(
            QueueUrl=self.queue_url,
            Entries=[
                {"Id": str(index), "ReceiptHandle": message.receipt_handle}
                for index, message in enumerate(messages)
            ],
        )


def order_update(body: bytes) -> OrderUpdate:
    """An ORDER_CHANGE envelope (item level) as the fast path reads it."""
    try:
        change = orjson.loads(body)["Payload"]["OrderChangeNotification"]
        summary = change["Summary"]
        lines = tuple(
            OrderLine(
                seller_sku=str(item["SellerSKU"]), variant_id=None, quantity=int(item["Quantity"])
            )
            for item in summary.get("OrderItems") or []
        )
        return OrderUpdate(
            channel=CHANNEL,
            store_id=str(summary["MarketplaceId"]),
            order_id=str(change["AmazonOrderId"]),
            updated_at=utc(str(change["OrderChangeTrigger"]["TimeOfOrderChange"])),
            status_fields={"order_status": str(summary["OrderStatus"])},
            fulfilled_by="marketplace" if summary.get("FulfillmentType") == "AFN" else "merchant",
            # An order-level notification, or an item-level one without items, says nothing of
            # the lines: unknown, never "holds nothing".
            lines=lines if change.get("NotificationLevel") == "OrderItemLevel" and lines else None,
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise UnreadableEventError(f"Amazon ORDER_CHANGE: {error!r}") from error
