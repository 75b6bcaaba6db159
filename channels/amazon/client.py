"""SP-API calls for one seller: orders, order items, FBA inventory, listings.

Each operation has its own token bucket per region (Amazon's usage plans), shared by every
caller in the process. `x-amzn-RateLimit-Limit` on every response corrects the rate; the
burst comes from configuration because Amazon does not state it on the wire.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from channels.amazon.config import AmazonAccount
from channels.amazon.lwa import CHANNEL, LwaTokens
from channels.budget import TokenBucket, shared_budget
from channels.deadline import Deadline
from channels.errors import RequestRejectedError
from channels.redact import register
from channels.retry import RetryPolicy
from channels.transport import (
    Malformed,
    Reauthenticate,
    RequestTally,
    Transport,
    parse_json,
    retry_for_status,
)

ORDERS_PAGE = 100
LISTINGS_PAGE = 20


@dataclass(frozen=True)
class OrdersPage:
    orders: list[dict[str, Any]]
    last_updated_before: str | None  # the window's end, where the next increment resumes


class AmazonClient:
    def __init__(
        self,
        account: AmazonAccount,
        *,
        policy: RetryPolicy | None = None,
        http: httpx.Client | None = None,
        tally: RequestTally | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        self.account = account
        register(account.client_secret, *(region.refresh_token for region in account.regions))
        self.http = http or httpx.Client(timeout=httpx.Timeout(account.timeout_s))
        self.transport = Transport(CHANNEL, policy, tally=tally, deadline=deadline)
        self.tokens = LwaTokens(account, self.http, self.transport)

    def budget(self, region: str, operation: str) -> TokenBucket:
        rate, burst = self.account.usage_plans[operation]
        return shared_budget(
            (CHANNEL, self.account.seller_id, region, operation),
            lambda: TokenBucket(burst, rate),
        )

    def call(
        self,
        region: str,
        operation: str,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        cursor: str | None = None,
        require: tuple[str, str] | None = None,
    ) -> dict[str, Any]:
        """One SP-API operation, with its usage plan, token refresh and retries.

        `require` = (object, list) names the list a 2xx body must hold (e.g. `("payload",
        "Orders")`); a body without it is malformed and retried, never read as empty.
        """
        url = f"{self.account.region(region).endpoint}{path}"
        budget = self.budget(region, operation)
        sent: dict[str, str] = {}

        def send() -> httpx.Response:
            sent["token"] = self.tokens.token(region)
            headers = {"x-amz-access-token": sent["token"], "Accept": "application/json"}
            return self.http.request(method, url, params=params, json=body, headers=headers)

        def interpret(response: httpx.Response) -> dict[str, Any]:
            limit = response.headers.get("x-amzn-RateLimit-Limit")
            if limit:
                budget.sync(rate=_float_or_none(limit))
            retry_for_status(response)
            if response.status_code == 403:
                raise Reauthenticate(response.text[:300])
            if response.status_code >= 400:
                raise RequestRejectedError(
                    CHANNEL,
                    f"{operation} {path}",
                    response.text[:300],
                    status=response.status_code,
                    cursor=cursor,
                )
            parsed = parse_json(response)
            if not isinstance(parsed, dict):
                raise Malformed("body is not a JSON object")
            if require is not None:
                holder = parsed.get(require[0]) if require[0] else parsed
                if not isinstance(holder, dict) or not isinstance(holder.get(require[1]), list):
                    raise Malformed(f"no {'.'.join(filter(None, require))} list in the body")
            return parsed

        return self.transport.call(
            send,
            interpret,
            endpoint=f"{operation} {path}",
            cursor=cursor,
            budget=budget if self.account.pacing else None,
            reauthenticate=lambda: self.tokens.invalidate(region, sent.get("token")),
        )

    def orders(
        self, region: str, marketplace_ids: list[str], last_updated_after: str
    ) -> Iterator[OrdersPage]:
        """getOrders over `LastUpdatedAfter`..(now - 2 min), every page until no NextToken."""
        markets = ",".join(marketplace_ids)
        params: dict[str, Any] = {
            "MarketplaceIds": markets,
            "LastUpdatedAfter": last_updated_after,
            "MaxResultsPerPage": ORDERS_PAGE,
        }
        token: str | None = None
        window_end: str | None = None
        while True:
            query = params if token is None else {"MarketplaceIds": markets, "NextToken": token}
            payload = self.call(
                region,
                "getOrders",
                "GET",
                "/orders/v0/orders",
                params=query,
                cursor=token,
                require=("payload", "Orders"),
            )["payload"]
            window_end = window_end or payload.get("LastUpdatedBefore")
            yield OrdersPage(payload["Orders"], window_end)
            token = payload.get("NextToken")
            if not token:
                return

    def order_items(self, region: str, order_id: str) -> list[dict[str, Any]]:
        """Every item of one order (getOrderItems, following NextToken)."""
        items: list[dict[str, Any]] = []
        path = f"/orders/v0/orders/{order_id}/orderItems"
        token: str | None = None
        while True:
            params = {"NextToken": token} if token else None
            payload = self.call(
                region,
                "getOrderItems",
                "GET",
                path,
                params=params,
                cursor=token,
                require=("payload", "OrderItems"),
            )["payload"]
            items.extend(payload["OrderItems"])
            token = payload.get("NextToken")
            if not token:
                return items

    def inventory_summaries(
        self, region: str, marketplace_id: str
    ) -> Iterator[list[dict[str, Any]]]:
        """FBA inventory summaries with details, every page."""
        base = {
            "granularityType": "Marketplace",
            "granularityId": marketplace_id,
            "marketplaceIds": marketplace_id,
            "details": "true",
        }
        token: str | None = None
        while True:
            params = base if token is None else {**base, "nextToken": token}
            body = self.call(
                region,
                "getInventorySummaries",
                "GET",
                "/fba/inventory/v1/summaries",
                params=params,
                cursor=token,
                require=("payload", "inventorySummaries"),
            )
            yield body["payload"]["inventorySummaries"]
            token = (body.get("pagination") or {}).get("nextToken")
            if not token:
                return

    def listings(
        self,
        region: str,
        marketplace_id: str,
        included: tuple[str, ...] = ("summaries", "attributes", "fulfillmentAvailability"),
    ) -> Iterator[list[dict[str, Any]]]:
        """Every listing of the seller in one marketplace (searchListingsItems)."""
        path = f"/listings/2021-08-01/items/{self.account.seller_id}"
        base: dict[str, Any] = {
            "marketplaceIds": marketplace_id,
            "includedData": ",".join(included),
            "pageSize": LISTINGS_PAGE,
            "sortBy": "sku",
            "sortOrder": "ASC",
        }
        token: str | None = None
        while True:
            params = base if token is None else {**base, "pageToken": token}
            body = self.call(
                region,
                "searchListingsItems",
                "GET",
                path,
                params=params,
                cursor=token,
                require=("", "items"),
            )
            yield body["items"]
            token = (body.get("pagination") or {}).get("nextToken")
            if not token:
                return


def _float_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
