"""TikTok Shop request signature, as TikTok documents it.

Every query parameter except `sign` and `access_token`, sorted by key, as `key+value` with no
separators; the request path in front; the raw body behind (not for multipart); the whole
wrapped in the app secret; HMAC-SHA256 keyed with the app secret, hex encoded.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

UNSIGNED = ("sign", "access_token")


def sign(app_secret: str, path: str, params: Mapping[str, str], body: bytes = b"") -> str:
    pairs = "".join(f"{key}{params[key]}" for key in sorted(params) if key not in UNSIGNED)
    message = app_secret.encode() + path.encode() + pairs.encode() + body + app_secret.encode()
    return hmac.new(app_secret.encode(), message, hashlib.sha256).hexdigest()
