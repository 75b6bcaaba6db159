"""TikTok Shop request signing, as the platform verifies it.

Take every query parameter except `sign` and `access_token`, sort by key, concatenate each
`key + value` with no separators, prefix the request path, append the raw body (unless the
request is multipart), wrap the result in the app secret on both sides and HMAC-SHA256 it with
the app secret; `sign` is the lowercase hex digest.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

EXCLUDED = frozenset({"sign", "access_token"})


def signature(
    secret: str, path: str, params: Iterable[tuple[str, str]], body: bytes, multipart: bool
) -> str:
    pairs = sorted((key, value) for key, value in params if key not in EXCLUDED)
    message = path + "".join(f"{key}{value}" for key, value in pairs)
    if not multipart:
        message += body.decode("utf-8")
    wrapped = f"{secret}{message}{secret}"
    return hmac.new(secret.encode(), wrapped.encode(), hashlib.sha256).hexdigest()


def verify(
    secret: str,
    path: str,
    params: Iterable[tuple[str, str]],
    body: bytes,
    multipart: bool,
    sign: str,
) -> bool:
    return hmac.compare_digest(signature(secret, path, params, body, multipart), sign.lower())
