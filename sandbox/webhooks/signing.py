"""How each channel signs what it sends: the formulas a receiver verifies.

Every signature is computed over the exact body bytes that go on the wire; re-serialising the
JSON between signing and sending would change them.

- Shopify: `X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(app client secret, raw body))`.
- TikTok Shop: `Authorization = hex(HMAC-SHA256(key=app_secret, msg=app_key + raw body))`.
- Warehouse (our 3PL): `X-WMS-Signature: t=<unix s>,v1=hex(HMAC-SHA256(secret, "<t>." + body))`.
- Amazon signs nothing: the queue's access policy is the authentication.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def shopify_hmac(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def tiktok_authorization(app_key: str, app_secret: str, body: bytes) -> str:
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def warehouse_signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
