"""`tributary realtime serve`: the receiver's HTTP server and Amazon's queue reader, together.

One process, so one writer of the event store; uvicorn serves the ASGI app on its event loop
while the SQS consumer runs in a thread beside it. Stopping it (SIGTERM, Ctrl-C) lets queued
commits finish; a kill -9 loses nothing that was acknowledged (see realtime.store).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from realtime.amazon_queue import AmazonQueueConsumer
from realtime.batcher import GroupCommitter
from realtime.receiver import receiver_app
from realtime.store import EventStore
from realtime.verifiers import amazon_queue, webhook_verifiers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReceiverSettings:
    store: Path
    host: str = "127.0.0.1"
    port: int = 8787


def serve(settings: ReceiverSettings, channels: Mapping[str, Mapping[str, Any]]) -> None:
    store = EventStore(settings.store)
    committer = GroupCommitter(store)
    verifiers = webhook_verifiers(channels)
    queue = amazon_queue(channels)
    consumer = AmazonQueueConsumer(queue, committer) if queue else None
    listening = sorted(verifiers) + (["amazon (SQS)"] if consumer else [])
    log.warning(
        "realtime receiver on http://%s:%d/webhooks/<channel>; store %s; listening to %s",
        settings.host,
        settings.port,
        settings.store,
        ", ".join(listening) or "nothing (no webhook secret or queue configured)",
    )
    if consumer:
        consumer.start()
    try:
        uvicorn.run(
            receiver_app(verifiers, committer),
            host=settings.host,
            port=settings.port,
            log_level="warning",
            access_log=False,
        )
    finally:
        if consumer:
            consumer.stop()
        committer.close()
        store.close()
