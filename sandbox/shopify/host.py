"""The Shopify Admin host: access-token auth, REST call limits, GraphQL, bulk downloads.

REST: a leaky bucket per app and shop (40 calls, leaking 2/s on the standard plan), reported on
every response in `X-Shopify-Shop-Api-Call-Limit`; over the limit a 429 with `Retry-After` and
Shopify's own message. GraphQL has its own cost bucket (see `graphql.endpoint`).
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import orjson
from aiohttp import web

from sandbox.server.app import Handler, channel_app
from sandbox.server.context import SandboxContext
from sandbox.server.keys import CONTEXT, METRICS
from sandbox.server.ratelimit import LeakyBucket
from sandbox.shopify import rest
from sandbox.shopify.graphql import endpoint
from sandbox.shopify.graphql.bulk import BulkOperations
from sandbox.shopify.shop import Shop

CHANNEL = "shopify"
INVALID_TOKEN = {
    "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
}


@dataclass(frozen=True)
class Plan:
    """Rate limits of a Shopify plan. Plus bucket sizes are not published: configurable."""

    rest_bucket: int
    rest_leak_per_s: float
    graphql_bucket: float
    graphql_restore_per_s: float


PLANS = {
    "standard": Plan(40, 2.0, 2_000.0, 100.0),
    "advanced": Plan(40, 4.0, 4_000.0, 200.0),
    "plus": Plan(400, 20.0, 20_000.0, 1_000.0),
}
SERVICE = web.AppKey("shopify_graphql", endpoint.GraphQLService)
BUCKETS = web.AppKey("shopify_rest_buckets", dict)
PLAN = web.AppKey("shopify_plan", Plan)


def access_token(context: SandboxContext) -> str:
    return f"shpat_{context.secret('shopify-admin-access-token')}"


def webhook_secret(context: SandboxContext) -> str:
    """The app's client secret: Shopify signs every webhook of the app's shops with it."""
    return context.secret("shopify-client-secret")


def _json(payload: object, status: int) -> web.Response:
    return web.Response(body=orjson.dumps(payload), status=status, content_type="application/json")


class ShopifyErrors:
    def __init__(self, context: SandboxContext, plan: Plan) -> None:
        self.context = context
        self.plan = plan

    def throttled(self, request: web.Request, retry_after_world_s: float) -> web.Response:
        message = (
            f"Exceeded {self.plan.rest_leak_per_s:g} calls per second for api client. "
            "Reduce request rates to resume uninterrupted service."
        )
        response = _json({"errors": message}, 429)
        response.headers["Retry-After"] = self.context.retry_after(retry_after_world_s)
        return response

    def server_error(self, request: web.Request, status: int) -> web.Response:
        if status == 503:
            return web.Response(
                status=503,
                text="<html><body><h1>503 Service Unavailable</h1></body></html>",
                content_type="text/html",
            )
        return _json(
            {"errors": "Internal Server Error" if status == 500 else "Bad Gateway"}, status
        )


@web.middleware
async def authenticate_and_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    path = request.path
    if path.startswith(("/_sandbox", "/_bulk")):
        return await handler(request)
    context = request.app[CONTEXT]
    token = request.headers.get("X-Shopify-Access-Token", "")
    if token != access_token(context):
        return _json(INVALID_TOKEN, 401)
    if path.endswith("/graphql.json"):
        return await handler(request)
    plan = request.app[PLAN]
    buckets: dict[str, LeakyBucket] = request.app[BUCKETS]
    bucket = buckets.setdefault(
        token, LeakyBucket(context.clock, plan.rest_bucket, plan.rest_leak_per_s)
    )
    if context.options.rate_limits:
        decision = bucket.take()
        if not decision.allowed:
            request[METRICS].throttled += 1
            refusal = ShopifyErrors(context, plan).throttled(request, 2.0)
            refusal.headers["X-Shopify-Shop-Api-Call-Limit"] = (
                f"{plan.rest_bucket}/{plan.rest_bucket}"
            )
            return refusal
    response = await handler(request)
    response.headers["X-Shopify-Shop-Api-Call-Limit"] = f"{round(bucket.level)}/{plan.rest_bucket}"
    response.headers["X-Request-Id"] = context.request_id()
    response.headers["X-Shopify-API-Version"] = request.match_info.get("version", "")
    return response


async def graphql(request: web.Request) -> web.Response:
    return await endpoint.handle(
        request,
        request.app[SERVICE],
        request.app[rest.SHOP],
        request.headers.get("X-Shopify-Access-Token", ""),
    )


async def bulk_file(request: web.Request) -> web.StreamResponse:
    path = request.app[SERVICE].bulk.file_for(request.match_info["name"])
    if path is None:
        return web.Response(status=404, text="NoSuchKey: The specified key does not exist.")
    faults = request.app[CONTEXT].faults_of(CHANNEL)
    if (faults.settings.truncated or faults.settings.malformed) and faults.applies_to(request.path):
        # The fault middleware can only cut or garble a body it holds, not a streamed file; a
        # download cut short is exactly what a backfill must notice, so hold it when it may be.
        body = await asyncio.to_thread(path.read_bytes)
        return web.Response(body=body, headers={"Content-Type": "application/jsonl"})
    return web.FileResponse(path, headers={"Content-Type": "application/jsonl"})


def build_app(context: SandboxContext, storefront: int) -> web.Application:
    plan_name = context.channel_option(CHANNEL, "plan", "standard")
    plan = PLANS[plan_name]
    shop = Shop(context.world, storefront)
    bulk_dir = Path(tempfile.mkdtemp(prefix="tributary-shopify-bulk-"))
    service = endpoint.GraphQLService(
        endpoint.load_schema(),
        BulkOperations(endpoint.load_schema(), bulk_dir, first_number=4_100_000_000 + storefront),
        plan.graphql_bucket,
        plan.graphql_restore_per_s,
    )
    app = channel_app(
        context,
        CHANNEL,
        ShopifyErrors(context, plan),
        [
            *rest.routes(),
            web.post(r"/admin/api/{version:\d{4}-\d{2}}/graphql.json", graphql),
            web.get("/_bulk/{name}", bulk_file),
        ],
        middlewares=[authenticate_and_limit],
    )
    app[rest.SHOP] = shop
    app[SERVICE] = service
    app[BUCKETS] = {}
    app[PLAN] = plan

    async def remove_bulk_files(_: web.Application) -> None:
        shutil.rmtree(bulk_dir, ignore_errors=True)

    app.on_cleanup.append(remove_bulk_files)
    return app
