"""`/_sandbox/webhooks`: register subscriptions as a merchant would, read the delivery log,
configure delivery faults. Served on every host, like the other control routes.

- `POST /_sandbox/webhooks` `{"channel", "url" | "queue_url", "topics"?}` -> the subscription
- `GET /_sandbox/webhooks?channel=&limit=` -> subscriptions, faults, pending, delivery log
- `DELETE /_sandbox/webhooks` (all) or `DELETE /_sandbox/webhooks/{id}`
- `GET|PUT|DELETE /_sandbox/webhooks/faults` (`PUT {"channel", "duplicate", ...}`)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.server.control import bad_request, context_of, reply

if TYPE_CHECKING:
    from sandbox.webhooks.hub import WebhookHub


def hub_of(request: web.Request) -> WebhookHub:
    hub = context_of(request).webhooks
    if hub is None:
        raise web.HTTPNotFound(text="this sandbox sends no webhooks")
    return hub


async def _json(request: web.Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


async def post_subscription(request: web.Request) -> web.Response:
    hub = hub_of(request)
    body = await _json(request)
    # Changes up to now happened before the subscription: bring the world up to date first.
    context_of(request).sync()
    try:
        subscription = hub.subscribe(body)
    except ValueError as error:
        return bad_request(str(error))
    return reply(subscription.as_dict(), 201)


async def get_subscriptions(request: web.Request) -> web.Response:
    hub = hub_of(request)
    context_of(request).sync()
    try:
        limit = int(request.query["limit"]) if "limit" in request.query else None
    except ValueError:
        return bad_request("limit must be an integer")
    return reply(hub.state(request.query.get("channel"), limit))


async def delete_subscriptions(request: web.Request) -> web.Response:
    removed = hub_of(request).unsubscribe()
    return reply({"removed": [s.id for s in removed]})


async def delete_subscription(request: web.Request) -> web.Response:
    removed = hub_of(request).unsubscribe(request.match_info["id"])
    if not removed:
        return reply({"error": "no such subscription"}, 404)
    return reply({"removed": [s.id for s in removed]})


async def get_faults(request: web.Request) -> web.Response:
    return reply(hub_of(request).state(limit=1)["faults"])


async def put_faults(request: web.Request) -> web.Response:
    hub = hub_of(request)
    body = await _json(request)
    if not isinstance(body, dict) or "channel" not in body:
        return bad_request('send {"channel": ..., "duplicate": 0.2, ...}')
    channel = str(body.pop("channel"))
    try:
        settings = hub.configure_faults(channel, body)
    except (TypeError, ValueError) as error:
        return bad_request(str(error))
    return reply({channel: settings.as_dict()})


async def delete_faults(request: web.Request) -> web.Response:
    hub = hub_of(request)
    hub.clear_faults()
    return reply({"cleared": sorted(hub.faults)})


def routes() -> list[web.RouteDef]:
    return [
        web.post("/_sandbox/webhooks", post_subscription),
        web.get("/_sandbox/webhooks", get_subscriptions),
        web.delete("/_sandbox/webhooks", delete_subscriptions),
        web.get("/_sandbox/webhooks/faults", get_faults),
        web.put("/_sandbox/webhooks/faults", put_faults),
        web.delete("/_sandbox/webhooks/faults", delete_faults),
        web.delete("/_sandbox/webhooks/{id}", delete_subscription),
    ]
