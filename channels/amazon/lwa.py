"""Login with Amazon: one access token per region, refreshed before it expires.

A token is renewed `refresh_margin_s` before its stated expiry, and at once when Amazon
refuses it (403), so a long pagination never stalls on a dead token. Regions never share
tokens: each has its own refresh token and Amazon refuses a token on another region's host.
"""

from __future__ import annotations

import threading
import time

import httpx

from channels.amazon.config import AmazonAccount
from channels.errors import AuthenticationError
from channels.redact import register
from channels.transport import Malformed, Transport, parse_json, retry_for_status

CHANNEL = "amazon"


class LwaTokens:
    def __init__(self, account: AmazonAccount, http: httpx.Client, transport: Transport) -> None:
        self.account = account
        self.http = http
        self.transport = transport
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self.exchanges = 0

    def token(self, region: str) -> str:
        with self._lock:
            current = self._tokens.get(region)
            if current is not None and time.monotonic() < current[1]:
                return current[0]
            return self._exchange(region)

    def invalidate(self, region: str, token: str | None = None) -> None:
        """Forget the region's token (if it is still `token`), so the next call refreshes."""
        with self._lock:
            current = self._tokens.get(region)
            if current is not None and (token is None or current[0] == token):
                del self._tokens[region]

    def _exchange(self, region: str) -> str:
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self.account.region(region).refresh_token,
            "client_id": self.account.client_id,
            "client_secret": self.account.client_secret,
        }

        def interpret(response: httpx.Response) -> tuple[str, float]:
            retry_for_status(response)
            if response.status_code != 200:
                raise AuthenticationError(
                    CHANNEL, "LWA token", response.text[:300], status=response.status_code
                )
            body = parse_json(response)
            if not isinstance(body, dict) or "access_token" not in body:
                raise Malformed("LWA answer without access_token")
            return str(body["access_token"]), float(body.get("expires_in", 3600))

        token, lifetime = self.transport.call(
            lambda: self.http.post(self.account.lwa_url, data=form),
            interpret,
            endpoint=f"LWA token ({region})",
        )
        register(token)
        self.exchanges += 1
        margin = min(self.account.refresh_margin_s, lifetime / 10)
        self._tokens[region] = (token, time.monotonic() + lifetime - margin)
        return token
