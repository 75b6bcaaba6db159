"""Feeds API 2021-06-30 with JSON_LISTINGS_FEED: Amazon's bulk path for listing updates.

The flow a seller follows: createFeedDocument (a document id and a presigned upload URL) ->
PUT the feed JSON to that URL -> createFeed (0.0083/s, burst 15) -> poll getFeed until DONE
-> getFeedDocument on resultFeedDocumentId -> GET its presigned URL: the processing report
(`header`, `issues`, `summary`). Amazon processes a feed minutes after it is created; here
the queue takes QUEUED_S and processing PROCESSING_S of world time, and the messages are
applied when processing ends. Presigned URLs stand in for S3 under /_sandbox/s3/ on the
same host (no SP-API token, as with S3).

Messages update `fulfillment_availability` either as `PATCH` (the Listings Items patch body)
or `PARTIAL_UPDATE` (attributes); a message on an unknown SKU, an Amazon-fulfilled listing or
an invalid quantity is reported as an issue and changes nothing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from sandbox.amazon.auth import auth_state, error_response
from sandbox.amazon.listings import requested_quantity
from sandbox.amazon.marketplace import Marketplace, iso
from sandbox.amazon.orders import SERVED, reply
from sandbox.server.keys import CONTEXT, METRICS

FEEDS = web.AppKey("amazon_feeds", dict)
QUEUED_S = 60
PROCESSING_S = 120
MAX_MESSAGES = 25_000
S3_PREFIX = "/_sandbox/s3/feed-documents"


@dataclass
class Document:
    content_type: str
    content: bytes | None = None


@dataclass
class Feed:
    feed_id: str
    feed_type: str
    marketplace_ids: list[str]
    input_document: str
    created: int
    result_document: str | None = None
    applied: bool = False


@dataclass
class FeedStore:
    documents: dict[str, Document] = field(default_factory=dict)
    feeds: dict[str, Feed] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(50_000_000_001))


def _store(request: web.Request) -> FeedStore:
    store: FeedStore = request.app[FEEDS].setdefault("store", FeedStore())
    return store


def _url(request: web.Request, document_id: str) -> str:
    return f"{request.url.origin()}{S3_PREFIX}/{document_id}"


async def create_feed_document(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except ValueError:
        return error_response(400, "InvalidInput", "The request body is not valid JSON.")
    content_type = body.get("contentType") if isinstance(body, dict) else None
    if not content_type:
        return error_response(400, "InvalidInput", "contentType is required.")
    store = _store(request)
    document_id = f"amzn1.tortuga.4.na.{next(store.ids)}"
    store.documents[document_id] = Document(str(content_type))
    return web.Response(
        status=201,
        body=orjson.dumps({"feedDocumentId": document_id, "url": _url(request, document_id)}),
        content_type="application/json",
    )


async def upload(request: web.Request) -> web.Response:
    document = _store(request).documents.get(request.match_info["document_id"])
    if document is None or document.content is not None:
        return web.Response(status=403, text="<Error><Code>AccessDenied</Code></Error>")
    document.content = await request.read()
    return web.Response(status=200)


async def download(request: web.Request) -> web.Response:
    document = _store(request).documents.get(request.match_info["document_id"])
    if document is None or document.content is None:
        return web.Response(status=404, text="<Error><Code>NoSuchKey</Code></Error>")
    return web.Response(body=document.content, content_type=document.content_type)


async def create_feed(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    now = context.sync()
    try:
        body = await request.json()
    except ValueError:
        return error_response(400, "InvalidInput", "The request body is not valid JSON.")
    store = _store(request)
    feed_type = body.get("feedType")
    marketplace_ids = body.get("marketplaceIds") or []
    document = store.documents.get(str(body.get("inputFeedDocumentId")))
    served: dict[str, Marketplace] = request.app[SERVED]
    if feed_type != "JSON_LISTINGS_FEED":
        return error_response(400, "InvalidInput", f"Unsupported feedType {feed_type!r}.")
    if not marketplace_ids or any(m not in served for m in marketplace_ids):
        return error_response(400, "InvalidInput", "marketplaceIds must name this region's.")
    if document is None or document.content is None:
        return error_response(400, "InvalidInput", "inputFeedDocumentId has no uploaded content.")
    feed_id = str(next(store.ids))
    store.feeds[feed_id] = Feed(
        feed_id, feed_type, list(marketplace_ids), str(body["inputFeedDocumentId"]), now
    )
    return web.Response(
        status=202, body=orjson.dumps({"feedId": feed_id}), content_type="application/json"
    )


@web.middleware
async def process_due_feeds(request: web.Request, handler: Any) -> web.StreamResponse:
    """Amazon applies a feed when processing ends, whether or not anyone polls it: every
    request to the region first applies the feeds whose processing has ended."""
    store = request.app[FEEDS].get("store")
    if store is not None and any(not feed.applied for feed in store.feeds.values()):
        now = request.app[CONTEXT].sync()
        for feed in store.feeds.values():
            if not feed.applied and now >= feed.created + QUEUED_S + PROCESSING_S:
                _process(request, store, feed, feed.created + QUEUED_S + PROCESSING_S)
    return await handler(request)


async def get_feed(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    now = context.sync()
    store = _store(request)
    feed = store.feeds.get(request.match_info["feed_id"])
    if feed is None:
        return error_response(404, "NotFound", "The requested feed does not exist.")
    status = "IN_QUEUE"
    if now >= feed.created + QUEUED_S:
        status = "IN_PROGRESS"
    if now >= feed.created + QUEUED_S + PROCESSING_S:
        status = "DONE"
    payload: dict[str, Any] = {
        "feedId": feed.feed_id,
        "feedType": feed.feed_type,
        "marketplaceIds": feed.marketplace_ids,
        "createdTime": iso(feed.created),
        "processingStatus": status,
    }
    if status != "IN_QUEUE":
        payload["processingStartTime"] = iso(feed.created + QUEUED_S)
    if status == "DONE":
        payload["processingEndTime"] = iso(feed.created + QUEUED_S + PROCESSING_S)
        payload["resultFeedDocumentId"] = feed.result_document
    return reply(payload)


async def get_feed_document(request: web.Request) -> web.Response:
    document_id = request.match_info["document_id"]
    if document_id not in _store(request).documents:
        return error_response(404, "NotFound", "The requested feed document does not exist.")
    return reply({"feedDocumentId": document_id, "url": _url(request, document_id)})


def _process(request: web.Request, store: FeedStore, feed: Feed, at: int) -> None:
    """Apply the feed's messages once, and write its processing report."""
    if feed.applied:
        return
    feed.applied = True
    content = store.documents[feed.input_document].content or b""
    issues: list[dict[str, Any]] = []
    processed = accepted = 0
    try:
        document = orjson.loads(content)
        messages = document["messages"]
        if not isinstance(messages, list) or len(messages) > MAX_MESSAGES:
            raise ValueError(f"messages must be a list of at most {MAX_MESSAGES}")
    except (ValueError, KeyError, TypeError) as error:
        issues.append(
            _issue(None, None, "100001", f"The feed is not valid JSON_LISTINGS_FEED: {error}")
        )
        messages = []
    served: dict[str, Marketplace] = request.app[SERVED]
    marketplaces = [served[m] for m in feed.marketplace_ids]
    for message in messages:
        processed += 1
        problem = _apply(request, marketplaces, message, at)
        if problem is None:
            accepted += 1
        else:
            issues.append(problem)
    report = {
        "header": {
            "sellerId": auth_state(request.app[CONTEXT]).credentials.seller_id,
            "version": "2.0",
            "feedId": feed.feed_id,
        },
        "issues": issues,
        "summary": {
            "errors": len(issues),
            "warnings": 0,
            "messagesProcessed": processed,
            "messagesAccepted": accepted,
            "messagesInvalid": processed - accepted,
        },
    }
    result_id = f"amzn1.tortuga.4.na.{next(store.ids)}"
    store.documents[result_id] = Document("application/json", orjson.dumps(report))
    feed.result_document = result_id


def _apply(
    request: web.Request, marketplaces: list[Marketplace], message: dict[str, Any], at: int
) -> dict[str, Any] | None:
    message_id, sku = message.get("messageId"), message.get("sku")
    operation = message.get("operationType")
    if operation == "PATCH":
        quantity, problems = requested_quantity(message)
    elif operation == "PARTIAL_UPDATE":
        values = (message.get("attributes") or {}).get("fulfillment_availability")
        patch = {"op": "replace", "path": "/attributes/fulfillment_availability", "value": values}
        quantity, problems = requested_quantity({"patches": [patch]})
    else:
        return _issue(message_id, sku, "4000002", f"Unsupported operationType {operation!r}.")
    if problems:
        return _issue(message_id, sku, problems[0]["code"], problems[0]["message"])
    if "productType" not in message:
        return _issue(message_id, sku, "4000006", "productType is required.")
    for marketplace in marketplaces:
        listing = marketplace.listing_of_seller_sku.get(str(sku))
        if listing is None:
            return _issue(message_id, sku, "18", f"SKU '{sku}' not found.")
        if marketplace.is_fba(listing):
            return _issue(
                message_id, sku, "90220", "A DEFAULT quantity cannot be set on an AFN listing."
            )
    for marketplace in marketplaces:
        listing = marketplace.listing_of_seller_sku[str(sku)]
        applied = quantity is not None and marketplace.world.set_displayed(
            listing, int(quantity or 0), at
        )
        if applied and METRICS in request:
            request[METRICS].writes_applied += 1
    return None


def _issue(message_id: Any, sku: Any, code: str, message: str) -> dict[str, Any]:
    issue: dict[str, Any] = {"code": code, "severity": "ERROR", "message": message}
    if message_id is not None:
        issue["messageId"] = message_id
    if sku is not None:
        issue["sku"] = sku
    return issue


def routes() -> list[web.RouteDef]:
    return [
        web.post("/feeds/2021-06-30/documents", create_feed_document, name="createFeedDocument"),
        web.get(
            "/feeds/2021-06-30/documents/{document_id}",
            get_feed_document,
            name="getFeedDocument",
        ),
        web.post("/feeds/2021-06-30/feeds", create_feed, name="createFeed"),
        web.get("/feeds/2021-06-30/feeds/{feed_id}", get_feed, name="getFeed"),
        web.put(S3_PREFIX + "/{document_id}", upload),
        web.get(S3_PREFIX + "/{document_id}", download),
    ]
