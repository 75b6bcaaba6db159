"""What it takes to reach one Shopify store; loaded from configuration, never from code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Documented REST leak rates and GraphQL restore rates per plan (requests or points per second).
REST_LEAK_PER_PLAN = {"standard": 2.0, "advanced": 4.0, "plus": 20.0}
GRAPHQL_RESTORE_PER_PLAN = {"standard": 100.0, "advanced": 200.0, "plus": 1000.0}


@dataclass(frozen=True)
class ShopifyStore:
    store_id: str
    base_url: str  # https://{shop}.myshopify.com
    access_token: str
    api_version: str = "2026-07"
    plan: str = "standard"
    rest_bucket_size: float = 40.0
    rest_leak_per_second: float | None = None
    graphql_bucket_size: float = 2000.0
    graphql_restore_per_second: float | None = None
    timeout_s: float = 30.0
    pacing: bool = True  # False only where no limit exists (a self-hosted API, a test host)
    bulk_poll_s: float = 1.0

    @property
    def admin_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/admin/api/{self.api_version}"

    @property
    def rest_leak(self) -> float:
        return self.rest_leak_per_second or REST_LEAK_PER_PLAN.get(self.plan, 2.0)

    @property
    def graphql_restore(self) -> float:
        return self.graphql_restore_per_second or GRAPHQL_RESTORE_PER_PLAN.get(self.plan, 100.0)

    @classmethod
    def from_mapping(cls, store: dict[str, Any], shared: dict[str, Any]) -> ShopifyStore:
        """One store from a `stores` entry plus the channel-wide settings beside it."""
        limits = {**shared.get("rate_limits", {}), **store.get("rate_limits", {})}
        base_url = store.get("base_url") or f"https://{store['shop_domain']}"
        return cls(
            store_id=str(store["store_id"]),
            base_url=base_url,
            access_token=str(store["access_token"]),
            api_version=str(store.get("api_version", shared.get("api_version", "2026-07"))),
            plan=str(store.get("plan", shared.get("plan", "standard"))),
            rest_bucket_size=float(limits.get("rest_bucket_size", 40.0)),
            rest_leak_per_second=_optional_float(limits.get("rest_leak_per_second")),
            graphql_bucket_size=float(limits.get("graphql_bucket_size", 2000.0)),
            graphql_restore_per_second=_optional_float(limits.get("graphql_restore_per_second")),
            timeout_s=float(shared.get("timeout_s", 30.0)),
            pacing=bool(shared.get("pacing", True)),
            bulk_poll_s=float(shared.get("bulk_poll_s", 1.0)),
        )


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)
