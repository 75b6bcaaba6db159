"""Login with Amazon: exchange a seller's refresh token for a short-lived access token.

`POST /auth/o2/token` with a form body, as `api.amazon.com` serves it. Errors follow OAuth 2
(`invalid_client` 401, `invalid_grant` / `invalid_request` / `unsupported_grant_type` 400).
"""

from __future__ import annotations

import orjson
from aiohttp import web

from sandbox.amazon.auth import CHANNEL, AmazonErrors, auth_state
from sandbox.server.app import channel_app
from sandbox.server.context import SandboxContext
from sandbox.server.keys import CONTEXT


def oauth_error(status: int, error: str, description: str) -> web.Response:
    body = orjson.dumps({"error_description": description, "error": error})
    return web.Response(status=status, body=body, content_type="application/json")


async def token(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    auth = auth_state(context)
    form = await request.post()
    grant_type = form.get("grant_type")
    if grant_type is None:
        return oauth_error(
            400, "invalid_request", "The request is missing a required parameter : grant_type"
        )
    if grant_type != "refresh_token":
        message = "The authorization grant type is not supported by the authorization server"
        return oauth_error(400, "unsupported_grant_type", message)
    credentials = auth.credentials
    if (
        form.get("client_id") != credentials.client_id
        or form.get("client_secret") != credentials.client_secret
    ):
        return oauth_error(401, "invalid_client", "Client authentication failed")
    refresh_token = form.get("refresh_token")
    if not refresh_token:
        return oauth_error(
            400, "invalid_request", "The request is missing a required parameter : refresh_token"
        )
    regions = [r for r, t in credentials.refresh_tokens.items() if t == refresh_token]
    if not regions:
        return oauth_error(
            400, "invalid_grant", "The request has an invalid grant parameter : refresh_token"
        )
    access_token, ttl = auth.issue(context, regions[0])
    payload = {
        "access_token": access_token,
        "refresh_token": refresh_token,
        "token_type": "bearer",
        "expires_in": max(1, round(ttl)),
    }
    return web.Response(body=orjson.dumps(payload), content_type="application/json")


def build_app(context: SandboxContext) -> web.Application:
    return channel_app(context, CHANNEL, AmazonErrors(context), [web.post("/auth/o2/token", token)])
