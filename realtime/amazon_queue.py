"""Amazon's notifications, pulled from the seller's SQS queue into the event store.

SQS is the one channel that does not call us: a thread long-polls the queue, stores each
message (or its refusal) through the same group commit as the webhooks, and deletes from the
queue only what is on disk. A kill between the commit and the delete re-delivers the message
after its visibility timeout; its NotificationId makes the second copy a duplicate.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from channels.amazon.notifications import CHANNEL, AmazonNotifications, QueueMessage
from channels.webhooks import WebhookRejectedError
from realtime.batcher import GroupCommitter
from realtime.store import Delivery

log = logging.getLogger(__name__)
ERROR_PAUSE_S = 2.0


def delivery_of(queue: AmazonNotifications, message: QueueMessage) -> Delivery:
    received_at = time.time()
    try:
        verified = queue.verify(message.body)
    except WebhookRejectedError as error:
        return Delivery(CHANNEL, received_at, rejected_because=str(error))
    return Delivery(
        channel=CHANNEL,
        received_at=received_at,
        event_id=verified.event_id,
        topic=verified.topic,
        store_id=verified.store_id,
        signed_at=verified.signed_at,
        headers={},
        body=message.body,
    )


class AmazonQueueConsumer:
    def __init__(self, queue: AmazonNotifications, committer: GroupCommitter) -> None:
        self.queue = queue
        self.committer = committer
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="amazon-sqs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        client: Any = self.queue.client()
        while not self._stop.is_set():
            try:
                self.drain_once(client)
            except Exception:  # the queue or the network; say so and keep polling
                log.exception("reading Amazon's notification queue %s", self.queue.queue_url)
                self._stop.wait(ERROR_PAUSE_S)

    def drain_once(self, client: Any) -> int:
        """One long poll: store what arrived, then delete it from the queue."""
        messages = self.queue.receive(client)
        stored = []
        for message in messages:
            self.committer.record(delivery_of(self.queue, message))
            stored.append(message)
        self.queue.delete(client, stored)
        return len(stored)
