"""TikTok Shop authorization: the app's credentials, the seller's grant, tokens.

`auth.tiktok-shops.com` exchanges the one-time `auth_code` from the seller's authorization
(or a refresh token) for an access token. Expiry times are absolute unix timestamps, as TikTok
returns them (`access_token_expire_in`), on the real clock the client shares.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from sandbox.server.app import channel_app
from sandbox.server.context import SandboxContext
from sandbox.server.keys import CONTEXT
from sandbox.tiktok_shop import codes

CHANNEL = "tiktok_shop"
SHOP_ID = "7494572830159012345"
ACCESS_TTL_S = 7 * 86_400
REFRESH_TTL_S = 365 * 86_400
SCOPES = [
    "seller.order.info",
    "seller.product.basic",
    "seller.product.write",
    "seller.authorization.info",
]


@dataclass
class TikTokAuth:
    app_key: str
    app_secret: str
    auth_code: str
    refresh_token: str
    shop_id: str
    shop_cipher: str
    open_id: str
    auth_code_used: bool = False
    access_tokens: dict[str, float] = field(default_factory=dict)  # token -> wall expiry
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    def expire_all(self, now: float) -> int:
        """Every access token issued so far stops working now (a revocation, clock skew)."""
        for token in self.access_tokens:
            self.access_tokens[token] = now
        return len(self.access_tokens)

    def token_problem(self, context: SandboxContext, token: str | None) -> tuple[int, str] | None:
        if not token or token not in self.access_tokens:
            return codes.INVALID_ACCESS_TOKEN, "Invalid access token. Please check and retry."
        if context.clock.wall_now() >= self.access_tokens[token]:
            return codes.EXPIRED_ACCESS_TOKEN, "Expired credentials. The access token has expired."
        return None


def auth_state(context: SandboxContext) -> TikTokAuth:
    if CHANNEL not in context.channel_state:
        context.channel_state[CHANNEL] = TikTokAuth(
            app_key=context.secret("tiktok-app-key", 13),
            app_secret=context.secret("tiktok-app-secret", 40),
            auth_code=f"ROW_{context.secret('tiktok-auth-code', 40)}",
            refresh_token=f"ROW_{context.secret('tiktok-refresh-token', 56)}",
            shop_id=SHOP_ID,
            shop_cipher=f"ROW_{context.secret('tiktok-shop-cipher', 28)}",
            open_id=context.secret("tiktok-open-id", 40),
        )
    return context.channel_state[CHANNEL]


def envelope(
    context: SandboxContext, code: int, message: str, data: Any = None, status: int = 200
) -> web.Response:
    body = {
        "code": code,
        "message": message,
        "data": data,
        "request_id": context.request_id().replace("-", "").upper(),
    }
    return web.Response(status=status, body=orjson.dumps(body), content_type="application/json")


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object body ({} when empty); the raw bytes were read for signing."""
    raw = await request.read()
    if not raw:
        return {}
    body = orjson.loads(raw)
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


class TikTokErrors:
    def __init__(self, context: SandboxContext) -> None:
        self.context = context

    def throttled(self, request: web.Request, retry_after_world_s: float) -> web.Response:
        return envelope(
            self.context,
            codes.TOO_MANY_REQUESTS,
            "Too many requests. Please retry later.",
            status=429,
        )

    def server_error(self, request: web.Request, status: int) -> web.Response:
        return envelope(
            self.context, codes.INTERNAL_ERROR, "Internal error. Please retry later.", status=status
        )


def _grant(context: SandboxContext, auth: TikTokAuth) -> dict[str, Any]:
    clock = context.clock
    token = f"ROW_{context.secret(f'tiktok-access-{next(auth._counter)}', 56)}"
    lifetime = clock.wire_seconds(ACCESS_TTL_S)
    auth.access_tokens[token] = clock.wall_now() + lifetime
    return {
        "access_token": token,
        "access_token_expire_in": int(clock.real_wall() + lifetime),
        "refresh_token": auth.refresh_token,
        "refresh_token_expire_in": int(clock.real_wall() + clock.wire_seconds(REFRESH_TTL_S)),
        "open_id": auth.open_id,
        "seller_name": "Tributary Outfitters UK",
        "seller_base_region": "GB",
        "user_type": 0,
        "granted_scopes": SCOPES,
    }


def _client_problem(
    context: SandboxContext, auth: TikTokAuth, query: Any, grant: str
) -> web.Response | None:
    """The app's own credentials and the grant type, checked before any grant."""
    if query.get("app_key") != auth.app_key or query.get("app_secret") != auth.app_secret:
        return envelope(context, codes.INVALID_APP, "Invalid app_key or app_secret.")
    if query.get("grant_type") != grant:
        return envelope(context, codes.INVALID_PARAMETER, f"grant_type must be {grant}.")
    return None


async def get_token(request: web.Request) -> web.Response:
    """Exchange the seller's one-time authorization code."""
    context = request.app[CONTEXT]
    auth = auth_state(context)
    refused = _client_problem(context, auth, request.query, "authorized_code")
    if refused is not None:
        return refused
    if request.query.get("auth_code") != auth.auth_code or auth.auth_code_used:
        message = "The auth code is invalid or has already been used."
        return envelope(context, codes.INVALID_AUTH_CODE, message)
    auth.auth_code_used = True
    return envelope(context, codes.SUCCESS, "success", _grant(context, auth))


async def refresh_token(request: web.Request) -> web.Response:
    """Exchange the long-lived refresh token for a fresh access token."""
    context = request.app[CONTEXT]
    auth = auth_state(context)
    refused = _client_problem(context, auth, request.query, "refresh_token")
    if refused is not None:
        return refused
    if request.query.get("refresh_token") != auth.refresh_token:
        return envelope(context, codes.INVALID_REFRESH_TOKEN, "The refresh token is invalid.")
    return envelope(context, codes.SUCCESS, "success", _grant(context, auth))


def build_app(context: SandboxContext) -> web.Application:
    return channel_app(
        context,
        CHANNEL,
        TikTokErrors(context),
        [web.get("/api/v2/token/get", get_token), web.get("/api/v2/token/refresh", refresh_token)],
    )
