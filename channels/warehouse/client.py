"""The brand's 3PL/WMS: item master, on-hand stock per location, shipments, receipts.

Paced by the `X-RateLimit-Limit/Remaining/Reset` headers every response carries; pages with
an opaque cursor where only `next_cursor: null` ends the data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx

from channels.budget import TokenBucket, shared_budget
from channels.deadline import Deadline
from channels.errors import AuthenticationError, RequestRejectedError
from channels.redact import register
from channels.retry import RetryPolicy
from channels.transport import Malformed, RequestTally, Transport, parse_json, retry_for_status

CHANNEL = "warehouse"
PAGE_SIZE = 500


@dataclass(frozen=True)
class WarehouseConfig:
    base_url: str
    api_key: str
    requests_per_second: float = 10.0
    burst: float = 20.0
    timeout_s: float = 30.0
    pacing: bool = True  # False only where no limit exists (a self-hosted API, a test host)

    @classmethod
    def from_mapping(cls, config: dict[str, Any]) -> WarehouseConfig:
        limits = config.get("rate_limits") or {}
        return cls(
            base_url=str(config["base_url"]),
            api_key=str(config["api_key"]),
            requests_per_second=float(limits.get("requests_per_second", 10.0)),
            burst=float(limits.get("burst", 20.0)),
            timeout_s=float(config.get("timeout_s", 30.0)),
            pacing=bool(config.get("pacing", True)),
        )


@dataclass(frozen=True)
class WarehousePage:
    records: list[dict[str, Any]]
    as_of: str | None  # the moment an inventory snapshot describes


class WarehouseClient:
    def __init__(
        self,
        config: WarehouseConfig,
        *,
        policy: RetryPolicy | None = None,
        http: httpx.Client | None = None,
        tally: RequestTally | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        self.config = config
        register(config.api_key)
        self.http = http or httpx.Client(
            timeout=httpx.Timeout(config.timeout_s),
            headers={"Authorization": f"Bearer {config.api_key}"},
        )
        self.transport = Transport(CHANNEL, policy, tally=tally, deadline=deadline)
        self.budget = shared_budget(
            (CHANNEL, config.base_url, "api"),
            lambda: TokenBucket(config.burst, config.requests_per_second),
        )

    def pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[WarehousePage]:
        base = {"limit": PAGE_SIZE, **(params or {})}
        cursor: str | None = None
        while True:
            query = base if cursor is None else {**base, "cursor": cursor}
            body = self.transport.call(
                partial(self.http.get, f"{self.config.base_url}{path}", params=query),
                self._interpret,
                endpoint=f"GET {path}",
                cursor=cursor,
                budget=self.budget if self.config.pacing else None,
            )
            yield WarehousePage(body["data"], body.get("as_of"))
            if "next_cursor" not in body:
                raise RequestRejectedError(
                    CHANNEL, f"GET {path}", "page without next_cursor", cursor=cursor
                )
            cursor = body["next_cursor"]
            if cursor is None:
                return

    def locations(self) -> list[dict[str, Any]]:
        """The stock locations (documented as not paginated)."""
        body = self.transport.call(
            partial(self.http.get, f"{self.config.base_url}/v1/locations"),
            self._interpret,
            endpoint="GET /v1/locations",
            budget=self.budget if self.config.pacing else None,
        )
        return list(body["data"])

    def _interpret(self, response: httpx.Response) -> dict[str, Any]:
        headers = response.headers
        remaining, limit = headers.get("X-RateLimit-Remaining"), headers.get("X-RateLimit-Limit")
        if remaining is not None and limit is not None:
            self.budget.sync(tokens=float(remaining), capacity=float(limit))
        retry_for_status(response)
        if response.status_code == 401:
            raise AuthenticationError(
                CHANNEL, str(response.request.url.path), response.text[:300], status=401
            )
        if response.status_code >= 400:
            raise RequestRejectedError(
                CHANNEL,
                str(response.request.url.path),
                response.text[:300],
                status=response.status_code,
            )
        body = parse_json(response)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise Malformed("no `data` list in the body")
        return body
