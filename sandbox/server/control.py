"""`/_sandbox/`: ground truth, metrics, and control of clock, demand and faults.

Served on every host so a test or a benchmark can reach it through whichever base URL it has.
Nothing here exists on the real APIs; clients must never depend on it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from aiohttp import web

from sandbox.server.context import SandboxContext
from sandbox.server.faults import FaultSettings
from sandbox.server.keys import CHANNEL, CONTEXT
from sandbox.world import truth
from sandbox.world.state import World
from sandbox.world.truth import UNIFIED_STATUSES, unified_status


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> int:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {value!r} has no timezone")
    return int(moment.timestamp())


def reply(payload: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(payload), status=status, content_type="application/json")


def bad_request(message: str) -> web.Response:
    return reply({"error": message}, 400)


def context_of(request: web.Request) -> SandboxContext:
    return request.app[CONTEXT]


async def health(request: web.Request) -> web.Response:
    return reply({"ok": True, "channel": request.app[CHANNEL]})


async def manifest(request: web.Request) -> web.Response:
    return reply(context_of(request).manifest)


def clock_state(context: SandboxContext) -> dict[str, Any]:
    clock = context.clock
    return {
        "now": iso(context.sync()),
        "world_start": iso(context.world.world_start),
        "running": clock.running,
        "time_scale": clock.time_scale,
    }


async def get_clock(request: web.Request) -> web.Response:
    return reply(clock_state(context_of(request)))


async def post_clock(request: web.Request) -> web.Response:
    context = context_of(request)
    body = await request.json()
    if "advance_seconds" in body:
        seconds = float(body["advance_seconds"])
        if seconds < 0:
            return bad_request("advance_seconds must not be negative")
        context.sync()
        context.clock.advance(seconds)
    if "running" in body:
        context.sync()
        context.clock.set_running(bool(body["running"]))
    return reply(clock_state(context))


def live_state(context: SandboxContext) -> dict[str, Any]:
    world = context.world
    return {
        "enabled": world.live.enabled,
        "orders_per_hour": {
            world.storefronts[i].key: rate for i, rate in sorted(world.live.orders_per_hour.items())
        },
        "boost": {
            world.storefronts[i].key: {world.catalog.sku_code[s]: f for s, f in boost.items()}
            for i, boost in world.live.sku_boost.items()
        },
        "inventory_cancel_delay_s": world.live.inventory_cancel_delay_s,
        "rejected_units": context.engine.counters.rejected_units,
        "rejected_units_in_stock": context.engine.counters.rejected_units_in_stock,
        "rejected_lines": context.engine.counters.rejected_lines,
        "accepted_orders": context.engine.counters.accepted_orders,
        "accepted_units": context.engine.counters.accepted_units,
    }


async def get_live(request: web.Request) -> web.Response:
    return reply(live_state(context_of(request)))


async def post_live(request: web.Request) -> web.Response:
    context = context_of(request)
    world = context.world
    body = await request.json()
    context.sync()
    sku_index = {code: i for i, code in enumerate(world.catalog.sku_code)}
    try:
        if "enabled" in body:
            world.live.enabled = bool(body["enabled"])
        for key, rate in body.get("orders_per_hour", {}).items():
            if float(rate) < 0:
                return bad_request(f"orders_per_hour for {key} must not be negative")
            world.live.orders_per_hour[world.storefront_index(key)] = float(rate)
        for key, boost in body.get("boost", {}).items():
            unknown = [s for s in boost.get("skus", []) if s not in sku_index]
            if unknown:
                return bad_request(f"unknown SKUs in boost for {key}: {unknown[:5]}")
            factor = float(boost.get("factor", 1.0))
            world.set_sku_boost(
                world.storefront_index(key),
                {sku_index[s]: factor for s in boost.get("skus", [])},
                keep_other_demand=bool(boost.get("keep_other_demand", False)),
            )
        if "inventory_cancel_delay_s" in body:
            world.live.inventory_cancel_delay_s = int(body["inventory_cancel_delay_s"])
    except KeyError as error:
        return bad_request(str(error))
    world.touch()
    return reply(live_state(context))


async def get_faults(request: web.Request) -> web.Response:
    context = context_of(request)
    return reply(
        {name: faults.settings.as_dict() for name, faults in sorted(context.faults.items())}
    )


async def put_faults(request: web.Request) -> web.Response:
    context = context_of(request)
    channel = request.match_info["channel"]
    if channel not in context.simulators:
        return bad_request(f"unknown channel {channel!r}; have {sorted(context.simulators)}")
    try:
        settings = FaultSettings.parse(await request.json())
    except (TypeError, ValueError) as error:
        return bad_request(str(error))
    context.faults_of(channel).configure(settings)
    return reply({channel: settings.as_dict()})


async def delete_faults(request: web.Request) -> web.Response:
    context = context_of(request)
    for faults in context.faults.values():
        faults.configure(FaultSettings())
    return reply({"cleared": sorted(context.faults)})


async def get_metrics(request: web.Request) -> web.Response:
    return reply(context_of(request).metrics.as_dict())


async def delete_metrics(request: web.Request) -> web.Response:
    context_of(request).metrics.reset()
    return reply({"cleared": True})


async def get_truth(request: web.Request) -> web.Response:
    context = context_of(request)
    now = context.sync()
    return reply(
        {
            "now": iso(now),
            "orders": truth.order_summary(context.world, now),
            "oversells": truth.oversell_summary(context.world),
            "demand": live_state(context),
        }
    )


async def get_truth_orders(request: web.Request) -> web.Response:
    """Every order of one storefront as the channel identifies it, optionally by update window."""
    context = context_of(request)
    world = context.world
    now = context.sync()
    try:
        storefront = world.storefront_index(request.query["storefront"])
        after = (
            parse_iso(request.query["updated_after"]) if "updated_after" in request.query else None
        )
        before = (
            parse_iso(request.query["updated_before"]) if "updated_before" in request.query else now
        )
    except (KeyError, ValueError) as error:
        return bad_request(f"need storefront, optional updated_after/updated_before: {error}")
    simulator = context.simulators[world.storefronts[storefront].channel]
    orders = world.orders_of(storefront)
    updated = world.orders["updated"][orders]
    keep = (world.orders["created"][orders] <= now) & (updated <= before)
    if after is not None:
        keep &= updated >= after
    orders = orders[keep]
    status = unified_status(world, orders, now)
    return reply(
        {
            "storefront": world.storefronts[storefront].key,
            "orders": [
                {
                    "id": simulator.order_id(world, int(order)),
                    "status": UNIFIED_STATUSES[int(code)],
                    "created_at": iso(int(world.orders["created"][order])),
                    "updated_at": iso(int(world.orders["updated"][order])),
                }
                for order, code in zip(orders.tolist(), status.tolist(), strict=True)
            ],
        }
    )


async def get_truth_listings(request: web.Request) -> web.Response:
    context = context_of(request)
    world = context.world
    context.sync()
    channel = request.query.get("channel")
    rows = []
    for index, row in enumerate(truth.listing_rows(world)):
        if channel and row["channel"] != channel:
            continue
        row["key"] = context.simulators[row["channel"]].listing_key(world, index)
        rows.append(row)
    return reply({"listings": rows})


async def get_truth_stock_writes(request: web.Request) -> web.Response:
    """Every quantity set through a channel's stock-write API, per listing, in order."""
    context = context_of(request)
    world = context.world
    context.sync()
    by_listing: dict[int, list[dict[str, Any]]] = {}
    for listing, quantity, at in world.stock_writes:
        by_listing.setdefault(listing, []).append({"quantity": quantity, "at": iso(at)})
    rows = []
    for listing, writes in sorted(by_listing.items()):
        storefront = world.storefronts[int(world.listings.storefront[listing])]
        rows.append(
            {
                "channel": storefront.channel,
                "store_id": storefront.store_id,
                "key": context.simulators[storefront.channel].listing_key(world, listing),
                "writes": writes,
            }
        )
    return reply({"listings": rows})


async def get_truth_stock(request: web.Request) -> web.Response:
    context = context_of(request)
    now = context.sync()
    return reply(
        {
            "now": iso(now),
            "locations": [loc.code for loc in context.world.locations],
            "skus": truth.stock_rows(context.world),
        }
    )


async def get_truth_oversells(request: web.Request) -> web.Response:
    context = context_of(request)
    world = context.world
    context.sync()
    oversells = world.oversells
    events = [
        {
            "at": iso(int(oversells["time"][i])),
            "storefront": world.storefronts[int(oversells["storefront"][i])].key,
            "order_id": context.simulators[
                world.storefronts[int(oversells["storefront"][i])].channel
            ].order_id(world, int(oversells["order"][i])),
            "sku": world.catalog.sku_code[int(oversells["sku"][i])],
            "units": int(oversells["units"][i]),
        }
        for i in range(len(oversells))
    ]
    return reply({**truth.oversell_summary(world), "list": events})


def stock_cell(world: World, body: dict[str, Any]) -> tuple[int, int]:
    """The (SKU, location) indices a warehouse control request names; KeyError/ValueError."""
    sku = world.catalog.sku_code.index(body["sku"])
    location = [loc.code for loc in world.locations].index(body["location"])
    return sku, location


async def post_restock(request: web.Request) -> web.Response:
    context = context_of(request)
    world = context.world
    body = await request.json()
    now = context.sync()
    try:
        sku, location = stock_cell(world, body)
        quantity = int(body["quantity"])
        arrives = now + int(body.get("in_seconds", 0))
    except (KeyError, ValueError) as error:
        return bad_request(f"need sku, location, quantity and optional in_seconds: {error}")
    if world.catalog.sku_is_bundle[sku] or quantity <= 0:
        return bad_request("restock a plain SKU with a positive quantity")
    row = context.engine.restock(sku, location, quantity, max(arrives, now + 1))
    return reply({"restock": row, "arrives": iso(max(arrives, now + 1))})


async def post_stock_count(request: web.Request) -> web.Response:
    """A cycle count at the warehouse: set a plain SKU's on hand at one location, now."""
    context = context_of(request)
    world = context.world
    body = await request.json()
    now = context.sync()
    try:
        sku, location = stock_cell(world, body)
        on_hand = int(body["on_hand"])
    except (KeyError, ValueError) as error:
        return bad_request(f"need sku, location and on_hand: {error}")
    if world.catalog.sku_is_bundle[sku] or on_hand < 0:
        return bad_request("count a plain SKU, with on_hand of 0 or more")
    change = context.engine.count_stock(sku, location, on_hand, now)
    return reply({"sku": body["sku"], "location": body["location"], "change": change})


async def post_expire_tokens(request: web.Request) -> web.Response:
    """Expire every access token issued so far, on every channel that issues them.

    Tokens die before their stated lifetime in real life too (revocation, skewed clocks); a
    client must refresh on the refusal and carry on where it was.
    """
    context = context_of(request)
    now = context.clock.wall_now()
    expired = {
        channel: state.expire_all(now)
        for channel, state in context.channel_state.items()
        if hasattr(state, "expire_all")
    }
    return reply({"expired": expired})


def routes() -> list[web.RouteDef]:
    return [
        web.get("/_sandbox/health", health),
        web.get("/_sandbox/manifest", manifest),
        web.get("/_sandbox/clock", get_clock),
        web.post("/_sandbox/clock", post_clock),
        web.get("/_sandbox/live", get_live),
        web.post("/_sandbox/live", post_live),
        web.get("/_sandbox/faults", get_faults),
        web.put("/_sandbox/faults/{channel}", put_faults),
        web.delete("/_sandbox/faults", delete_faults),
        web.get("/_sandbox/metrics", get_metrics),
        web.delete("/_sandbox/metrics", delete_metrics),
        web.get("/_sandbox/truth", get_truth),
        web.get("/_sandbox/truth/orders", get_truth_orders),
        web.get("/_sandbox/truth/listings", get_truth_listings),
        web.get("/_sandbox/truth/stock-writes", get_truth_stock_writes),
        web.get("/_sandbox/truth/stock", get_truth_stock),
        web.get("/_sandbox/truth/oversells", get_truth_oversells),
        web.post("/_sandbox/restock", post_restock),
        web.post("/_sandbox/stock-count", post_stock_count),
        web.post("/_sandbox/tokens/expire", post_expire_tokens),
    ]
