"""Assemble one host's aiohttp application: observation, fault injection, control routes.

The outer middleware counts every request and injects the channel's faults; channel-specific
middlewares (auth, rate limits, headers) run inside it, then the handler. `/_sandbox/` routes
bypass both, so a test can always read the truth and turn faults off.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from sandbox.channel import ChannelErrors
from sandbox.server import control
from sandbox.server.context import SandboxContext
from sandbox.server.keys import CHANNEL, CONTEXT, ERRORS, METRICS
from sandbox.webhooks import control as webhook_control

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def route_name(request: web.Request) -> str:
    resource = request.match_info.route.resource
    path = resource.canonical if resource is not None else request.path
    return f"{request.method} {path}"


@web.middleware
async def observe_and_inject(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/_sandbox"):
        return await handler(request)
    context, channel = request.app[CONTEXT], request.app[CHANNEL]
    metrics = context.metrics.endpoint(channel, route_name(request))
    request[METRICS] = metrics
    metrics.requests += 1
    faults = context.faults_of(channel)
    verdict = faults.decide(request.path, request.method)
    if verdict.delay_s and not verdict.hang:
        metrics.faults["slow"] += 1
    await faults.wait(verdict)
    if verdict.hang:
        metrics.faults["timeout"] += 1
        if request.transport is not None:
            request.transport.abort()
        raise ConnectionResetError("sandbox fault: connection dropped after a timeout")
    errors = request.app[ERRORS]
    if verdict.throttle:
        metrics.faults["throttle"] += 1
        response: web.StreamResponse = errors.throttled(request, 2.0)
    elif verdict.server_error:
        metrics.faults["server_error"] += 1
        response = errors.server_error(request, verdict.server_error)
    else:
        response = await handler(request)
    if (
        200 <= response.status < 300
        and (verdict.truncate or verdict.malform)
        and isinstance(response, web.Response)
        and response.body
    ):
        metrics.faults["truncated" if verdict.truncate else "malformed"] += 1
        response.body = faults.corrupt(bytes(response.body), verdict)  # type: ignore[arg-type]
    metrics.statuses[response.status] += 1
    return response


def channel_app(
    context: SandboxContext,
    channel: str,
    errors: ChannelErrors,
    routes: list[web.RouteDef],
    middlewares: list[Middleware] | None = None,
) -> web.Application:
    app = web.Application(
        middlewares=[observe_and_inject, *(middlewares or [])],
        client_max_size=32 * 1024 * 1024,
    )
    app[CONTEXT] = context
    app[CHANNEL] = channel
    app[ERRORS] = errors
    app.add_routes(routes)
    app.add_routes(control.routes())
    app.add_routes(webhook_control.routes())
    return app
