"""Amazon's opaque page tokens: `NextToken`, `nextToken`, `pageToken`.

Tokens are base64 JSON, meaningless to clients. A token that does not decode is refused with
InvalidInput, never treated as "start again".
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson
from aiohttp import web

from sandbox.amazon.auth import CHANNEL
from sandbox.server.keys import CONTEXT


def encode(payload: dict[str, Any]) -> str:
    return base64.b64encode(orjson.dumps(payload)).decode()


def decode(token: str, name: str) -> dict[str, Any]:
    try:
        payload = orjson.loads(base64.b64decode(token, validate=True))
    except (binascii.Error, orjson.JSONDecodeError, ValueError) as error:
        raise ValueError(f"Invalid {name}.") from error
    if not isinstance(payload, dict):
        raise ValueError(f"Invalid {name}.")
    return payload


def offset_of(request: web.Request, name: str) -> int:
    """Where a follow-up page starts (0 on a first page); injected overlap steps back."""
    if name not in request.query:
        return 0
    payload = decode(request.query[name], name)
    if not isinstance(payload.get("offset"), int):
        raise ValueError(f"Invalid {name}.")
    overlap = request.app[CONTEXT].faults_of(CHANNEL).overlap(request.path)
    return max(0, int(payload["offset"]) - overlap)


def offset_token(offset: int) -> str:
    return encode({"offset": offset})
