"""The brand's 3PL/WMS API: item master, stock per location, shipments, receipts.

Modelled on common 3PL APIs: bearer API key, cursor pagination (`next_cursor`, null at the
end), ISO timestamps in UTC, `X-RateLimit-*` headers and a 429 with an integer `Retry-After`.
The inventory endpoint states `as_of`, the moment its snapshot describes, so a consumer can
refuse to act on a stale read.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
from aiohttp import web

from sandbox.server.app import Handler, channel_app
from sandbox.server.context import SandboxContext
from sandbox.server.keys import CONTEXT, METRICS
from sandbox.server.ratelimit import TokenBucket
from sandbox.warehouse.shipments import ShipmentIndex, shipment_index
from sandbox.world.state import World

CHANNEL = "warehouse"
RATE_PER_S = 10.0
BURST = 20
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
BUCKETS = web.AppKey("warehouse_buckets", dict)
SHIPMENTS = web.AppKey("warehouse_shipments", list)


def api_key(context: SandboxContext) -> str:
    return f"wms_live_{context.secret('warehouse-api-key', 40)}"


def webhook_secret(context: SandboxContext) -> str:
    """The secret the warehouse signs its webhooks with (shown once when they are set up)."""
    return context.secret("warehouse-webhook-secret")


def iso(ts: int) -> str:
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def error(status: int, code: str, message: str) -> web.Response:
    return web.Response(
        status=status,
        body=orjson.dumps({"error": {"code": code, "message": message}}),
        content_type="application/json",
    )


def reply(payload: dict[str, Any]) -> web.Response:
    return web.Response(body=orjson.dumps(payload), content_type="application/json")


class WarehouseErrors:
    def __init__(self, context: SandboxContext) -> None:
        self.context = context

    def throttled(self, request: web.Request, retry_after_world_s: float) -> web.Response:
        wait = self.context.retry_after(retry_after_world_s)
        seconds = str(max(1, int(-(-float(wait) // 1))))
        response = error(
            429, "rate_limited", f"Rate limit exceeded. Retry after {seconds} seconds."
        )
        response.headers["Retry-After"] = seconds
        return response

    def server_error(self, request: web.Request, status: int) -> web.Response:
        return error(status, "internal_error", "The warehouse system is temporarily unavailable.")


@web.middleware
async def authenticate_and_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/_sandbox"):
        return await handler(request)
    context = request.app[CONTEXT]
    header = request.headers.get("Authorization", "")
    if header != f"Bearer {api_key(context)}":
        return error(401, "unauthorized", "Missing or invalid API key.")
    buckets: dict[str, TokenBucket] = request.app[BUCKETS]
    bucket = buckets.setdefault(header, TokenBucket(context.clock, RATE_PER_S, BURST))
    if context.options.rate_limits:
        decision = bucket.take()
        if not decision.allowed:
            request[METRICS].throttled += 1
            refusal = WarehouseErrors(context).throttled(
                request, decision.retry_after_s * context.clock.time_scale
            )
            _rate_headers(refusal, bucket)
            return refusal
    response = await handler(request)
    _rate_headers(response, bucket)
    return response


def _rate_headers(response: web.StreamResponse, bucket: TokenBucket) -> None:
    response.headers["X-RateLimit-Limit"] = str(BURST)
    response.headers["X-RateLimit-Remaining"] = str(int(bucket.tokens))
    response.headers["X-RateLimit-Reset"] = str(int(-(-bucket.seconds_until_full() // 1)))


def encode_cursor(values: list[int]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(values)).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[int]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, orjson.JSONDecodeError, ValueError) as failure:
        raise ValueError(f"invalid cursor {cursor!r}") from failure
    if not isinstance(values, list) or not all(isinstance(v, int) for v in values):
        raise ValueError(f"invalid cursor {cursor!r}")
    return values


def page_params(request: web.Request) -> tuple[int, list[int] | None, int | None]:
    """(limit, decoded cursor, updated_since) with 400-worthy ValueErrors."""
    limit = int(request.query.get("limit", DEFAULT_LIMIT))
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    cursor = decode_cursor(request.query["cursor"]) if "cursor" in request.query else None
    since = request.query.get("updated_since")
    since_ts = None
    if since is not None:
        moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            raise ValueError("updated_since must carry a timezone, e.g. 2026-09-01T00:00:00Z")
        since_ts = int(moment.timestamp())
    return limit, cursor, since_ts


async def locations(request: web.Request) -> web.Response:
    world = request.app[CONTEXT].world
    return reply(
        {
            "data": [
                {"code": loc.code, "name": loc.name, "country": loc.country}
                for loc in world.locations
            ]
        }
    )


def sku_page(
    request: web.Request, skus: np.ndarray, render: Callable[[int], dict[str, Any]]
) -> web.Response:
    """One page of catalog rows over ascending SKU indexes; the cursor is the last index."""
    try:
        limit, cursor, _ = page_params(request)
    except ValueError as failure:
        return error(400, "invalid_request", str(failure))
    start = int(np.searchsorted(skus, cursor[0], side="right")) if cursor else 0
    chosen = skus[start : start + limit].tolist()
    data = [render(sku) for sku in chosen]
    more = start + limit < len(skus)
    request[METRICS].records_served += len(data)
    return reply(
        {"data": data, "next_cursor": encode_cursor([chosen[-1]]) if more and chosen else None}
    )


async def items(request: web.Request) -> web.Response:
    catalog = request.app[CONTEXT].world.catalog

    def render(sku: int) -> dict[str, Any]:
        return {
            "sku": catalog.sku_code[sku],
            "barcode": catalog.sku_barcode[sku],
            "description": " ".join(
                (catalog.product_title[int(catalog.sku_product[sku])], catalog.sku_option1[sku])
            ),
            "weight_grams": int(catalog.sku_grams[sku]),
        }

    return sku_page(request, np.flatnonzero(~catalog.sku_is_bundle), render)


async def kits(request: web.Request) -> web.Response:
    """Kit (bundle) definitions: the WMS picks a kit's components, so it knows them."""
    world = request.app[CONTEXT].world
    catalog = world.catalog

    def render(sku: int) -> dict[str, Any]:
        return {
            "sku": catalog.sku_code[sku],
            "barcode": catalog.sku_barcode[sku],
            "description": catalog.product_title[int(catalog.sku_product[sku])],
            "components": [
                {"sku": catalog.sku_code[part], "quantity": units}
                for part, units in world.components.of(sku)
            ],
        }

    return sku_page(request, np.flatnonzero(catalog.sku_is_bundle), render)


def inventory_row(world: World, sku: int, location: int, zero: bool = False) -> dict[str, Any]:
    """One `/v1/inventory` row: a SKU's physical stock at one location (webhooks send it too)."""
    return {
        "sku": world.catalog.sku_code[sku],
        "location": world.locations[location].code,
        "on_hand": 0 if zero else int(world.on_hand[sku, location]),
        "updated_at": iso(int(world.stock_updated[sku, location])),
    }


async def inventory(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    world = context.world
    now = context.sync()
    try:
        limit, cursor, since = page_params(request)
        codes = [loc.code for loc in world.locations]
        wanted_location = request.query.get("location")
        if wanted_location is not None and wanted_location not in codes:
            raise ValueError(f"unknown location {wanted_location!r}; have {codes}")
    except ValueError as failure:
        return error(400, "invalid_request", str(failure))
    physical = np.flatnonzero(~world.catalog.sku_is_bundle)
    cells = (physical[:, None] * len(codes) + np.arange(len(codes))[None, :]).reshape(-1)
    if wanted_location is not None:
        cells = cells[cells % len(codes) == codes.index(wanted_location)]
    updated = world.stock_updated.reshape(-1)[cells]
    if since is not None:
        cells = cells[updated >= since]
    start = int(np.searchsorted(cells, cursor[0], side="right")) if cursor else 0
    chosen = cells[start : start + limit].tolist()
    zero = context.faults_of(CHANNEL).settings.zero_stock
    data = context.faults_of(CHANNEL).shape_all(
        [inventory_row(world, cell // len(codes), cell % len(codes), zero) for cell in chosen]
    )
    more = start + limit < len(cells)
    request[METRICS].records_served += len(data)
    return reply(
        {
            "as_of": iso(now),
            "data": data,
            "next_cursor": encode_cursor([chosen[-1]]) if more and chosen else None,
        }
    )


async def shipments(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    world = context.world
    now = context.sync()
    try:
        limit, cursor, since = page_params(request)
    except ValueError as failure:
        return error(400, "invalid_request", str(failure))
    cache: list[ShipmentIndex] = request.app[SHIPMENTS]
    index = shipment_index(world, cache[0] if cache else None, now)
    cache[:] = [index]
    after: tuple[int, int] | None = None
    if cursor:
        after = (cursor[0], cursor[1])
    elif since is not None:
        after = (since - 1, 2**62)
    overlap = context.faults_of(CHANNEL).overlap(request.path) if cursor else 0
    groups = index.page(world, after, now, limit, repeat=overlap)
    data = context.faults_of(CHANNEL).shape_all([_shipment(context, group) for group in groups])
    last = groups[-1][-1] if groups else None
    resume = (int(world.lines["shipped"][last]), last) if last is not None else None
    more = resume is not None and len(index.page(world, resume, now, 1)) > 0
    request[METRICS].records_served += len(data)
    next_cursor = (
        encode_cursor([int(world.lines["shipped"][last]), last])
        if more and last is not None
        else None
    )
    return reply({"data": data, "next_cursor": next_cursor})


def _shipment(context: SandboxContext, lines: list[int]) -> dict[str, Any]:
    world = context.world
    first = lines[0]
    order = int(world.lines["order"][first])
    storefront = world.storefronts[int(world.orders["storefront"][order])]
    simulator = context.simulators[storefront.channel]
    units: dict[int, int] = {}
    for line in lines:
        sku = world.listing_sku(int(world.lines["listing"][line]))
        for component, per_unit in world.components.of(sku):
            units[component] = units.get(component, 0) + per_unit * int(
                world.lines["quantity"][line]
            )
    shipped = int(world.lines["shipped"][first])
    return {
        "id": f"SHP-{first:09d}",
        "order_ref": {
            "channel": storefront.channel,
            "store_id": storefront.store_id,
            "order_id": simulator.order_id(world, order),
        },
        "location": world.locations[int(world.lines["location"][first])].code,
        "shipped_at": iso(shipped),
        "updated_at": iso(shipped),
        "lines": [
            {"sku": world.catalog.sku_code[c], "quantity": q} for c, q in sorted(units.items())
        ],
    }


async def receipts(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    world = context.world
    now = context.sync()
    try:
        limit, cursor, since = page_params(request)
    except ValueError as failure:
        return error(400, "invalid_request", str(failure))
    restocks = world.restocks
    arrived = np.flatnonzero(restocks["arrives"] <= now)
    arrived = arrived[np.lexsort((arrived, restocks["arrives"][arrived]))]
    keys = restocks["arrives"][arrived].astype(np.int64) * (1 << 24) + arrived
    if since is not None:
        keep = restocks["arrives"][arrived] >= since
        arrived, keys = arrived[keep], keys[keep]
    start = int(np.searchsorted(keys, cursor[0], side="right")) if cursor else 0
    chosen = arrived[start : start + limit].tolist()
    data = [
        {
            "id": f"RCV-{row:08d}",
            "sku": world.catalog.sku_code[int(restocks["sku"][row])],
            "location": world.locations[int(restocks["location"][row])].code,
            "quantity": int(restocks["quantity"][row]),
            "received_at": iso(int(restocks["arrives"][row])),
        }
        for row in chosen
    ]
    more = start + limit < len(arrived)
    next_cursor = encode_cursor([int(keys[start + len(chosen) - 1])]) if more and chosen else None
    return reply({"data": data, "next_cursor": next_cursor})


def build_app(context: SandboxContext) -> web.Application:
    app = channel_app(
        context,
        CHANNEL,
        WarehouseErrors(context),
        [
            web.get("/v1/locations", locations),
            web.get("/v1/items", items),
            web.get("/v1/kits", kits),
            web.get("/v1/inventory", inventory),
            web.get("/v1/shipments", shipments),
            web.get("/v1/receipts", receipts),
        ],
        middlewares=[authenticate_and_limit],
    )
    app[BUCKETS] = {}
    app[SHIPMENTS] = []
    return app
