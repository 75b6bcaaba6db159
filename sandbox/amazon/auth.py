"""SP-API access control: LWA tokens, usage plans per operation, Amazon's error envelope.

Every call must carry `x-amz-access-token` issued by LWA for the host's region; an expired
token is refused with 403 (not 401), as Amazon does. Each operation has its own token bucket
(rate, burst) from the usage-plan table in the official models, reported back in
`x-amzn-RateLimit-Limit`. SigV4 headers are no longer required and are ignored.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import orjson
from aiohttp import web

from sandbox.server.app import Handler
from sandbox.server.context import SandboxContext
from sandbox.server.keys import CONTEXT, METRICS
from sandbox.server.ratelimit import TokenBucket

CHANNEL = "amazon"
TOKEN_TTL_S = 3600

# Default usage plans (requests per second, burst) from the official API models.
USAGE_PLANS: dict[str, tuple[float, int]] = {
    "getOrders": (0.0167, 20),
    "getOrder": (0.5, 30),
    "getOrderItems": (0.5, 30),
    "getInventorySummaries": (2.0, 2),
    "searchListingsItems": (5.0, 5),
    "getListingsItem": (5.0, 10),
    "patchListingsItem": (5.0, 5),
    "createFeedDocument": (0.5, 15),
    "createFeed": (0.0083, 15),
    "getFeed": (2.0, 15),
    "getFeedDocument": (0.0222, 10),
}
REGION = web.AppKey("amazon_region", str)
BUCKETS = web.AppKey("amazon_buckets", dict)


@dataclass
class Credentials:
    """What the seller's authorization of our app amounts to, per region."""

    client_id: str
    client_secret: str
    seller_id: str
    refresh_tokens: dict[str, str]


@dataclass
class AmazonAuth:
    credentials: Credentials
    issued: dict[str, tuple[str, float]] = field(default_factory=dict)  # token -> (region, expiry)
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    def issue(self, context: SandboxContext, region: str) -> tuple[str, float]:
        ttl = context.clock.wire_seconds(
            context.channel_option(CHANNEL, "token_ttl_s", TOKEN_TTL_S)
        )
        token = f"Atza|IwEB{context.secret(f'lwa-access-{next(self._counter)}', 48)}"
        self.issued[token] = (region, context.clock.wall_now() + ttl)
        return token, ttl

    def expire_all(self, now: float) -> int:
        """Every access token issued so far stops working now (a revocation, clock skew)."""
        for token, (region, _) in list(self.issued.items()):
            self.issued[token] = (region, now)
        return len(self.issued)

    def check(self, context: SandboxContext, token: str, region: str) -> str | None:
        """None if the token may call this region; otherwise the reason it may not."""
        if token not in self.issued:
            return "The access token you provided is revoked, malformed or invalid."
        token_region, expiry = self.issued[token]
        if context.clock.wall_now() >= expiry:
            return "The access token you provided has expired."
        if token_region != region:
            return "The access token you provided is not valid for this region."
        return None


def auth_state(context: SandboxContext) -> AmazonAuth:
    if CHANNEL not in context.channel_state:
        credentials = Credentials(
            client_id=f"amzn1.application-oa2-client.{context.secret('lwa-client-id')}",
            client_secret=f"amzn1.oa2-cs.v1.{context.secret('lwa-client-secret', 64)}",
            seller_id="A" + context.secret("amazon-seller-id", 13).upper(),
            refresh_tokens={
                region: f"Atzr|IwEB{context.secret(f'lwa-refresh-{region}', 64)}"
                for region in ("na", "eu")
            },
        )
        context.channel_state[CHANNEL] = AmazonAuth(credentials)
    return context.channel_state[CHANNEL]


def errors_body(code: str, message: str, details: str = "") -> bytes:
    return orjson.dumps({"errors": [{"code": code, "message": message, "details": details}]})


def error_response(status: int, code: str, message: str, details: str = "") -> web.Response:
    return web.Response(
        status=status, body=errors_body(code, message, details), content_type="application/json"
    )


class AmazonErrors:
    def __init__(self, context: SandboxContext) -> None:
        self.context = context

    def throttled(self, request: web.Request, retry_after_world_s: float) -> web.Response:
        response = error_response(
            429, "QuotaExceeded", "You exceeded your quota for the requested resource."
        )
        response.headers["x-amzn-RequestId"] = self.context.request_id()
        return response

    def server_error(self, request: web.Request, status: int) -> web.Response:
        if status == 503:
            return error_response(503, "ServiceUnavailable", "Service is temporarily unavailable.")
        return error_response(
            status, "InternalFailure", "We encountered an internal error. Please try again."
        )


@web.middleware
async def authorize_and_meter(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/_sandbox"):
        return await handler(request)
    context = request.app[CONTEXT]
    request_id = context.request_id()
    token = request.headers.get("x-amz-access-token")
    problem = "" if not token else auth_state(context).check(context, token, request.app[REGION])
    if problem is not None:
        denied = error_response(
            403, "Unauthorized", "Access to requested resource is denied.", problem
        )
        denied.headers["x-amzn-RequestId"] = request_id
        return denied
    operation = request.match_info.route.name or "unknown"
    rate, burst = USAGE_PLANS.get(operation, (1.0, 1))
    buckets: dict[str, TokenBucket] = request.app[BUCKETS]
    bucket = buckets.setdefault(operation, TokenBucket(context.clock, rate, burst))
    limit_header = f"{context.clock.wire_rate(rate):g}"
    if context.options.rate_limits and not bucket.take().allowed:
        request[METRICS].throttled += 1
        return AmazonErrors(context).throttled(request, 1 / rate)
    response = await handler(request)
    response.headers["x-amzn-RequestId"] = request_id
    response.headers["x-amzn-RateLimit-Limit"] = limit_header
    return response
