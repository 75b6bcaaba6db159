"""TikTok Shop calls for one shop: tokens, the shop cipher, signed requests, page tokens.

TikTok answers business errors with HTTP 200 and a non-zero `code`; token problems (105xxx)
trigger one refresh, throttles (HTTP 429) and 5xx are retried, anything else is a typed
`BusinessError` naming the endpoint. The access token's expiry is an absolute unix time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import orjson

from channels.budget import TokenBucket, shared_budget
from channels.deadline import Deadline
from channels.errors import AuthenticationError, BusinessError
from channels.redact import register
from channels.retry import RetryPolicy
from channels.tiktok_shop.config import TikTokShopConfig
from channels.tiktok_shop.signing import sign
from channels.transport import (
    Malformed,
    Reauthenticate,
    RequestTally,
    Transport,
    parse_json,
    retry_for_status,
)

CHANNEL = "tiktok_shop"
TOKEN_CODES = (105001, 105002)
REFRESH_MARGIN_S = 300
SHOPS_PATH = "/authorization/202309/shops"
ORDER_DETAIL_IDS = 50  # Get Order Detail's limit
PAGE_SIZE = 100


class TikTokShopClient:
    def __init__(
        self,
        config: TikTokShopConfig,
        *,
        policy: RetryPolicy | None = None,
        http: httpx.Client | None = None,
        tally: RequestTally | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        self.config = config
        register(config.app_secret, config.refresh_token)
        self.http = http or httpx.Client(timeout=httpx.Timeout(config.timeout_s))
        self.transport = Transport(CHANNEL, policy, tally=tally, deadline=deadline)
        self._lock = threading.Lock()
        self._token: tuple[str, float] | None = None
        self._refresh_token = config.refresh_token
        self._shop: dict[str, Any] | None = None

    @property
    def shop_key(self) -> str:
        return self.config.shop_id or self.config.app_key

    @property
    def budget(self) -> TokenBucket:
        return shared_budget(
            (CHANNEL, self.shop_key, "api"),
            lambda: TokenBucket(self.config.burst, self.config.requests_per_second),
        )

    # Auth ------------------------------------------------------------------------------

    def access_token(self) -> str:
        with self._lock:
            if self._token is not None and time.time() < self._token[1] - REFRESH_MARGIN_S:
                return self._token[0]
            return self._refresh()

    def _refresh(self) -> str:
        params = {
            "app_key": self.config.app_key,
            "app_secret": self.config.app_secret,
            "refresh_token": self._refresh_token,
            "grant_type": "refresh_token",
        }
        url = f"{self.config.auth_url}/api/v2/token/refresh"

        def interpret(response: httpx.Response) -> dict[str, Any]:
            retry_for_status(response)
            body = parse_json(response)
            if not isinstance(body, dict):
                raise Malformed("token answer is not a JSON object")
            if body.get("code") != 0 or not isinstance(body.get("data"), dict):
                raise AuthenticationError(
                    CHANNEL,
                    "token refresh",
                    f"code {body.get('code')}: {body.get('message')}",
                    status=response.status_code,
                )
            return body["data"]

        data = self.transport.call(
            lambda: self.http.get(url, params=params), interpret, endpoint="token refresh"
        )
        self._refresh_token = str(data.get("refresh_token") or self._refresh_token)
        expires = float(data.get("access_token_expire_in") or time.time() + 3600)
        self._token = (str(data["access_token"]), expires)
        register(self._token[0], self._refresh_token)
        return self._token[0]

    def _forget_token(self) -> None:
        with self._lock:
            self._token = None

    @property
    def shop(self) -> dict[str, Any]:
        """The authorized shop this client works for, with its `cipher`."""
        if self._shop is None:
            shops = self.call("GET", SHOPS_PATH, shop=False).get("shops") or []
            wanted = [
                s
                for s in shops
                if not self.config.shop_id or str(s.get("id")) == self.config.shop_id
            ]
            if not wanted:
                raise AuthenticationError(
                    CHANNEL, SHOPS_PATH, f"shop {self.config.shop_id} is not authorized"
                )
            self._shop = wanted[0]
        return self._shop

    # Calls -----------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        shop: bool = True,
        cursor: str | None = None,
        require: str | None = None,
    ) -> dict[str, Any]:
        """`data` of one signed call; a fresh timestamp and signature on every attempt.

        `require` names a list `data` must hold; without it the answer is malformed (retried).
        """
        raw = orjson.dumps(body) if body is not None else b""
        cipher = self.shop["cipher"] if shop else None
        url = f"{self.config.api_url}{path}"

        def send() -> httpx.Response:
            query = {"app_key": self.config.app_key, "timestamp": str(int(time.time()))}
            if cipher:
                query["shop_cipher"] = str(cipher)
            query.update({key: str(value) for key, value in (params or {}).items()})
            query["sign"] = sign(self.config.app_secret, path, query, raw)
            headers = {
                "x-tts-access-token": self.access_token(),
                "content-type": "application/json",
            }
            return self.http.request(method, url, params=query, content=raw, headers=headers)

        def interpret(response: httpx.Response) -> dict[str, Any]:
            retry_for_status(response)
            envelope = parse_json(response)
            if not isinstance(envelope, dict) or "code" not in envelope:
                raise Malformed("no TikTok envelope (code, message, data)")
            code = envelope["code"]
            if code in TOKEN_CODES:
                raise Reauthenticate(str(envelope.get("message")))
            if code != 0:
                raise BusinessError(
                    CHANNEL,
                    f"{method} {path}",
                    int(code),
                    str(envelope.get("message")),
                    cursor=cursor,
                )
            data = envelope.get("data")
            if not isinstance(data, dict):
                raise Malformed("`data` missing from a successful envelope")
            if require is not None and not isinstance(data.get(require), list):
                raise Malformed(f"no data.{require} list in a successful envelope")
            return data

        return self.transport.call(
            send,
            interpret,
            endpoint=f"{method} {path}",
            cursor=cursor,
            budget=self.budget if self.config.pacing else None,
            reauthenticate=self._forget_token,
        )

    def search(
        self,
        path: str,
        root: str,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Every page of a search endpoint, following `next_page_token` until it is empty."""
        token = ""
        while True:
            query: dict[str, Any] = {"page_size": PAGE_SIZE, **(params or {})}
            if token:
                query["page_token"] = token
            data = self.call(
                "POST", path, params=query, body=body or {}, cursor=token or None, require=root
            )
            yield data[root]
            token = str(data.get("next_page_token") or "")
            if not token:
                return

    def orders(
        self, update_time_ge: int, update_time_lt: int | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Orders updated in [ge, lt), oldest update first."""
        body: dict[str, Any] = {"update_time_ge": update_time_ge}
        if update_time_lt is not None:
            body["update_time_lt"] = update_time_lt
        params = {"sort_field": "update_time", "sort_order": "ASC"}
        return self.search("/order/202309/orders/search", "orders", body, params)

    def order_details(self, order_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Get Order Detail for up to 50 orders a call (the fast path's lines: a status
        notification names the order and nothing else)."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(order_ids), ORDER_DETAIL_IDS):
            ids = ",".join(order_ids[start : start + ORDER_DETAIL_IDS])
            data = self.call("GET", "/order/202309/orders", params={"ids": ids}, require="orders")
            found += data["orders"]
        return found

    def products(self) -> Iterator[list[dict[str, Any]]]:
        """Every product with its SKUs, prices and per-warehouse inventory."""
        return self.search("/product/202309/products/search", "products", {"status": "ALL"})
