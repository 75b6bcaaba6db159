"""Minimal test-side clients for each simulated API, written from CHANNELS.md.

Deliberately independent of `sandbox/` (and of `channels/`): the TikTok signature, the LWA
exchange and the pagination loops here are a second implementation of the documented
protocol, so a server bug cannot be cancelled out by a matching client bug.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx

TIMEOUT = httpx.Timeout(30.0)


class Control:
    """The sandbox's `/_sandbox/` endpoints."""

    def __init__(self, manifest: dict[str, Any]) -> None:
        self.url = manifest["sandbox"]["control_url"]
        self.http = httpx.Client(timeout=TIMEOUT)

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(f"{self.url}{path}", params=params)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, payload: dict[str, Any]) -> Any:
        response = self.http.post(f"{self.url}{path}", json=payload)
        response.raise_for_status()
        return response.json()

    def truth(self) -> dict[str, Any]:
        return self.get("/truth")

    def storefront_truth(self, storefront: str) -> dict[str, Any]:
        return next(row for row in self.truth()["orders"] if row["storefront"] == storefront)

    def order_ids(self, storefront: str, **window: str) -> list[str]:
        return [
            o["id"] for o in self.get("/truth/orders", storefront=storefront, **window)["orders"]
        ]

    def advance(self, seconds: float) -> dict[str, Any]:
        return self.post("/clock", {"advance_seconds": seconds})

    def now(self) -> datetime:
        """The world's clock (what a push guard or a reactor takes as now in a sandbox)."""
        return datetime.fromisoformat(self.get("/clock")["now"].replace("Z", "+00:00"))

    def faults(self, channel: str, **settings: Any) -> None:
        response = self.http.put(f"{self.url}/faults/{channel}", json=settings)
        response.raise_for_status()

    def clear_faults(self) -> None:
        self.http.delete(f"{self.url}/faults").raise_for_status()

    def metrics(self) -> dict[str, Any]:
        return self.get("/metrics")

    def reset_metrics(self) -> None:
        self.http.delete(f"{self.url}/metrics").raise_for_status()


class Shopify:
    def __init__(self, manifest: dict[str, Any], token: str | None = None) -> None:
        store = manifest["channels"]["shopify"]["stores"][0]
        self.base = f"{store['base_url']}/admin/api/{store['api_version']}"
        self.token = token or store["access_token"]
        self.location_id = store["location_ids"][0]
        self.http = httpx.Client(timeout=TIMEOUT, headers={"X-Shopify-Access-Token": self.token})

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(f"{self.base}/{path}", params=params)

    def pages(self, path: str, root: str, **params: Any) -> Iterator[list[dict[str, Any]]]:
        """Follow rel="next" links until there are none."""
        response = self.get(path, **params)
        while True:
            response.raise_for_status()
            yield response.json()[root]
            following = response.links.get("next")
            if not following:
                return
            response = self.http.get(following["url"])

    def all(self, path: str, root: str, **params: Any) -> list[dict[str, Any]]:
        return [record for page in self.pages(path, root, **params) for record in page]

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post(
            f"{self.base}/graphql.json", json={"query": query, "variables": variables or {}}
        )
        response.raise_for_status()
        return response.json()


class Amazon:
    def __init__(self, manifest: dict[str, Any]) -> None:
        self.config = manifest["channels"]["amazon"]
        self.http = httpx.Client(timeout=TIMEOUT)
        self.tokens: dict[str, str] = {}

    def exchange(self, region: str, **overrides: str) -> httpx.Response:
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self.config["regions"][region]["refresh_token"],
            "client_id": self.config["client_id"],
            "client_secret": self.config["client_secret"],
            **overrides,
        }
        return self.http.post(self.config["lwa_url"], data=form)

    def token(self, region: str, fresh: bool = False) -> str:
        if fresh or region not in self.tokens:
            response = self.exchange(region)
            response.raise_for_status()
            self.tokens[region] = response.json()["access_token"]
        return self.tokens[region]

    def endpoint(self, region: str) -> str:
        return self.config["regions"][region]["endpoint"]

    def get(
        self, region: str, path: str, token: str | None = None, **params: Any
    ) -> httpx.Response:
        """GET with the region's token, refreshed once if Amazon says it has expired."""
        headers = {"x-amz-access-token": token if token is not None else self.token(region)}
        response = self.http.get(f"{self.endpoint(region)}{path}", params=params, headers=headers)
        if token is None and response.status_code == 403 and "expired" in response.text:
            headers = {"x-amz-access-token": self.token(region, fresh=True)}
            response = self.http.get(
                f"{self.endpoint(region)}{path}", params=params, headers=headers
            )
        return response

    def patch(self, region: str, path: str, body: dict[str, Any], **params: Any) -> httpx.Response:
        headers = {"x-amz-access-token": self.token(region)}
        return self.http.patch(
            f"{self.endpoint(region)}{path}", params=params, json=body, headers=headers
        )

    def orders(self, region: str, **params: Any) -> list[dict[str, Any]]:
        """Every order of a query, following NextToken."""
        found: list[dict[str, Any]] = []
        query = dict(params)
        while True:
            response = self.get(region, "/orders/v0/orders", **query)
            response.raise_for_status()
            payload = response.json()["payload"]
            found.extend(payload["Orders"])
            if "NextToken" not in payload:
                return found
            query = {"MarketplaceIds": params["MarketplaceIds"], "NextToken": payload["NextToken"]}


def tiktok_sign(secret: str, path: str, params: dict[str, str], body: bytes) -> str:
    """The documented algorithm: sorted key+value pairs, path prefix, body, wrapped in secret."""
    pairs = "".join(
        f"{key}{params[key]}" for key in sorted(params) if key not in ("sign", "access_token")
    )
    message = f"{secret}{path}{pairs}{body.decode()}{secret}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class TikTok:
    def __init__(self, manifest: dict[str, Any]) -> None:
        self.config = manifest["channels"]["tiktok_shop"]
        self.http = httpx.Client(timeout=TIMEOUT)
        self._token: str | None = None
        self._cipher: str | None = None

    def exchange(self, **overrides: str) -> httpx.Response:
        params = {
            "app_key": self.config["app_key"],
            "app_secret": self.config["app_secret"],
            "refresh_token": self.config["refresh_token"],
            "grant_type": "refresh_token",
            **overrides,
        }
        return self.http.get(f"{self.config['auth_url']}/api/v2/token/refresh", params=params)

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = self.exchange().json()["data"]["access_token"]
        return self._token

    @property
    def cipher(self) -> str:
        if self._cipher is None:
            shops = self.call("GET", "/authorization/202309/shops", shop=False).json()
            self._cipher = shops["data"]["shops"][0]["cipher"]
        return self._cipher

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        shop: bool = True,
        sign: str | None = None,
        timestamp: int | None = None,
        **params: Any,
    ) -> httpx.Response:
        query = {"app_key": self.config["app_key"], "timestamp": str(timestamp or int(time.time()))}
        if shop:
            query["shop_cipher"] = self.cipher
        query.update({key: str(value) for key, value in params.items()})
        raw = json.dumps(body).encode() if body is not None else b""
        query["sign"] = sign or tiktok_sign(self.config["app_secret"], path, query, raw)
        headers = {"x-tts-access-token": self.token, "content-type": "application/json"}
        return self.http.request(
            method, f"{self.config['api_url']}{path}", params=query, content=raw, headers=headers
        )

    def orders(self, body: dict[str, Any] | None = None, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        token = ""
        while True:
            query = {"page_size": 50, **params}
            if token:
                query["page_token"] = token
            response = self.call("POST", "/order/202309/orders/search", body or {}, **query)
            payload = response.json()
            assert payload["code"] == 0, payload
            found.extend(payload["data"]["orders"])
            token = payload["data"]["next_page_token"]
            if not token:
                return found


class Warehouse:
    def __init__(self, manifest: dict[str, Any]) -> None:
        config = manifest["channels"]["warehouse"]
        self.base = config["base_url"]
        self.http = httpx.Client(
            timeout=TIMEOUT, headers={"Authorization": f"Bearer {config['api_key']}"}
        )

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(f"{self.base}{path}", params=params)

    def all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        query = dict(params)
        while True:
            response = self.get(path, **query)
            response.raise_for_status()
            payload = response.json()
            found.extend(payload["data"])
            if payload["next_cursor"] is None:
                return found
            query = {**params, "cursor": payload["next_cursor"]}
