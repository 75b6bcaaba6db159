"""Shopify Admin API client for one store: REST pages, GraphQL queries and their budgets.

REST is paced by the leaky bucket Shopify reports in `X-Shopify-Shop-Api-Call-Limit`; GraphQL
by the points in `extensions.cost.throttleStatus`. Both budgets are shared per store by every
caller in the process (`channels.budget.shared_budget`), ingestion and stock writes alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from channels.budget import TokenBucket, shared_budget
from channels.deadline import Deadline
from channels.errors import AuthenticationError, RequestRejectedError
from channels.redact import register
from channels.retry import RetryPolicy
from channels.shopify.config import ShopifyStore
from channels.transport import (
    Malformed,
    RequestTally,
    Retry,
    Transport,
    parse_json,
    retry_for_status,
)

CHANNEL = "shopify"
THROTTLED = "THROTTLED"
FIRST_GUESS_COST = 50.0


class ShopifyClient:
    def __init__(
        self,
        store: ShopifyStore,
        *,
        policy: RetryPolicy | None = None,
        http: httpx.Client | None = None,
        tally: RequestTally | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        self.store = store
        register(store.access_token)
        self.http = http or httpx.Client(timeout=httpx.Timeout(store.timeout_s))
        self.transport = Transport(CHANNEL, policy, tally=tally, deadline=deadline)
        self.rest_budget = shared_budget(
            (CHANNEL, store.store_id, "rest"),
            lambda: TokenBucket(store.rest_bucket_size, store.rest_leak, reserve=1.0),
        )
        self.graphql_budget = shared_budget(
            (CHANNEL, store.store_id, "graphql"),
            lambda: TokenBucket(store.graphql_bucket_size, store.graphql_restore),
        )
        self._query_costs: dict[str, float] = {}

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Shopify-Access-Token": self.store.access_token, "Accept": "application/json"}

    # REST ------------------------------------------------------------------------------

    def rest_pages(
        self, path: str, root: str, params: dict[str, Any] | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Every page of a REST list endpoint, following `Link: rel="next"` to the end.

        A page without its `root` list is malformed (retried, then fatal); only the absence
        of a next link ends pagination.
        """
        url: str = f"{self.store.admin_url}/{path}"
        query: dict[str, Any] | None = dict(params or {})
        cursor: str | None = None
        while True:
            records, next_url = self.transport.call(
                partial(self.http.get, url, params=query, headers=self.headers),
                lambda response: self._rest_page(response, root),
                endpoint=f"GET {path}",
                cursor=cursor,
                budget=self.rest_budget if self.store.pacing else None,
            )
            yield records
            if next_url is None:
                return
            url, query = next_url, None
            cursor = parse_qs(urlsplit(next_url).query).get("page_info", [None])[0]

    def rest_get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        def interpret(response: httpx.Response) -> dict[str, Any]:
            self._check_rest(response)
            body = parse_json(response)
            if not isinstance(body, dict):
                raise Malformed("body is not a JSON object")
            return body

        return self.transport.call(
            lambda: self.http.get(
                f"{self.store.admin_url}/{path}", params=params, headers=self.headers
            ),
            interpret,
            endpoint=f"GET {path}",
            budget=self.rest_budget if self.store.pacing else None,
        )

    def _rest_page(
        self, response: httpx.Response, root: str
    ) -> tuple[list[dict[str, Any]], str | None]:
        self._check_rest(response)
        body = parse_json(response)
        records = body.get(root) if isinstance(body, dict) else None
        if not isinstance(records, list):
            raise Malformed(f"no {root!r} list in the body")
        following = response.links.get("next")
        return records, following["url"] if following else None

    def _check_rest(self, response: httpx.Response) -> None:
        limit = response.headers.get("X-Shopify-Shop-Api-Call-Limit")
        if limit and "/" in limit:
            used, size = (float(part) for part in limit.split("/", 1))
            self.rest_budget.sync(tokens=size - used, capacity=size)
        retry_for_status(response)
        self._refuse_errors(response, f"{response.request.method} {response.request.url.path}")

    def _refuse_errors(self, response: httpx.Response, endpoint: str) -> None:
        if response.status_code in (401, 403):
            raise AuthenticationError(
                CHANNEL, endpoint, response.text[:300], status=response.status_code
            )
        if response.status_code >= 400:
            raise RequestRejectedError(
                CHANNEL, endpoint, response.text[:300], status=response.status_code
            )

    # GraphQL ---------------------------------------------------------------------------

    def graphql(
        self, query: str, variables: dict[str, Any] | None = None, *, cursor: str | None = None
    ) -> dict[str, Any]:
        """`data` of a GraphQL call, waiting for the points it will cost before sending."""
        url = f"{self.store.admin_url}/graphql.json"
        payload = {"query": query, "variables": variables or {}}
        return self.transport.call(
            lambda: self.http.post(url, json=payload, headers=self.headers),
            lambda response: self._graphql_data(response, query),
            endpoint="POST graphql.json",
            cursor=cursor,
            budget=self.graphql_budget if self.store.pacing else None,
            cost=self._query_costs.get(query, FIRST_GUESS_COST),
        )

    def _graphql_data(self, response: httpx.Response, query: str) -> dict[str, Any]:
        retry_for_status(response)
        self._refuse_errors(response, "POST graphql.json")
        body = parse_json(response)
        if not isinstance(body, dict):
            raise Malformed("body is not a JSON object")
        cost = (body.get("extensions") or {}).get("cost") or {}
        status = cost.get("throttleStatus") or {}
        if status:
            self.graphql_budget.sync(
                tokens=status.get("currentlyAvailable"),
                capacity=status.get("maximumAvailable"),
                rate=status.get("restoreRate"),
                exact=True,
            )
        if cost.get("requestedQueryCost") is not None:
            self._query_costs[query] = float(cost["requestedQueryCost"])
        errors = body.get("errors") or []
        if any((e.get("extensions") or {}).get("code") == THROTTLED for e in errors):
            needed = float(cost.get("requestedQueryCost") or FIRST_GUESS_COST)
            available = float(status.get("currentlyAvailable") or 0.0)
            rate = float(status.get("restoreRate") or self.store.graphql_restore)
            raise Retry(
                "GraphQL THROTTLED", after=max(0.0, needed - available) / rate, throttled=True
            )
        if errors:
            messages = "; ".join(str(e.get("message")) for e in errors)
            raise RequestRejectedError(CHANNEL, "POST graphql.json", messages)
        data = body.get("data")
        if not isinstance(data, dict):
            raise Malformed("no `data` object in the GraphQL response")
        return data

    def connection_pages(
        self, query: str, root: str, variables: dict[str, Any] | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Every page of nodes of the top-level connection `root`, following `endCursor`.

        The query must take `$after: String` and select `nodes` and `pageInfo {hasNextPage
        endCursor}` on `root`.
        """
        after: str | None = None
        while True:
            data = self.graphql(query, {**(variables or {}), "after": after}, cursor=after)
            connection = data.get(root)
            if not isinstance(connection, dict) or not isinstance(connection.get("nodes"), list):
                raise RequestRejectedError(CHANNEL, "POST graphql.json", f"no {root}.nodes in data")
            yield connection["nodes"]
            info = connection.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            after = info.get("endCursor")
            if not after:
                raise RequestRejectedError(
                    CHANNEL, "POST graphql.json", f"{root}: hasNextPage without an endCursor"
                )
