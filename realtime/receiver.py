"""The webhook receiver: verify, store durably, then answer; nothing else on the request path.

A channel judges a webhook endpoint by its answers: Shopify waits 5 s, TikTok about 3 s, and
a slow or failing endpoint gets retries and, at worst, its subscription removed. So a
request does the least that makes the answer true: check the signature over the raw bytes,
hand the event to the group committer, answer 200 once it is on disk. Parsing, fetching
orders and pushing stock happen in the reactor, later, at its own pace. A forged, unsigned or
stale request is refused with 401 and stored only as a refusal.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from channels.webhooks import WebhookRejectedError
from realtime.batcher import GroupCommitter
from realtime.store import Delivery
from realtime.verifiers import WebhookVerifier

MAX_BODY_BYTES = 2 * 1024 * 1024
# Answer before the strictest channel (TikTok, ~3 s) gives up; a 503 gets the delivery retried.
COMMIT_DEADLINE_S = 2.5
# Headers never stored: credentials and transport details.
UNSTORED_HEADERS = ("authorization", "cookie", "host", "content-length", "connection")


def kept_headers(request: Request) -> dict[str, str]:
    return {name: value for name, value in request.headers.items() if name not in UNSTORED_HEADERS}


async def read_capped(request: Request) -> bytes | None:
    """The raw body, or None once it passes MAX_BODY_BYTES: an oversized request is refused
    as soon as it says or shows its size, never held whole in memory first."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def receiver_app(verifiers: Mapping[str, WebhookVerifier], committer: GroupCommitter) -> Starlette:
    async def webhook(request: Request) -> JSONResponse:
        channel = request.path_params["channel"]
        verifier = verifiers.get(channel)
        if verifier is None:
            return JSONResponse({"error": f"no webhooks configured for {channel!r}"}, 404)
        body = await read_capped(request)
        received_at = time.time()
        if body is None:
            return JSONResponse({"error": f"body larger than {MAX_BODY_BYTES} bytes"}, 413)
        try:
            verified = verifier.verify(request.headers, body)
        except WebhookRejectedError as error:
            committer.note(Delivery(channel, received_at, rejected_because=str(error)))
            return JSONResponse({"error": str(error)}, 401)
        delivery = Delivery(
            channel=channel,
            received_at=received_at,
            event_id=verified.event_id,
            topic=verified.topic,
            store_id=verified.store_id,
            signed_at=verified.signed_at,
            headers=kept_headers(request),
            body=body,
        )
        try:
            async with asyncio.timeout(COMMIT_DEADLINE_S):  # keeps a shutdown's cancellation
                outcome = await committer.submit(delivery)
        except TimeoutError:
            return JSONResponse({"error": "event store is slow; deliver again"}, 503)
        return JSONResponse({"outcome": outcome, "event_id": verified.event_id})

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "channels": sorted(verifiers)})

    return Starlette(
        routes=[
            Route("/webhooks/{channel}", webhook, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ]
    )
