"""What it takes to reach one seller's SP-API account; from configuration, never from code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LWA_URL = "https://api.amazon.com/auth/o2/token"

# Default usage plans (requests per second, burst) from the SP-API models. Amazon may grant
# a seller more; `x-amzn-RateLimit-Limit` on each response corrects the rate as it arrives.
USAGE_PLANS: dict[str, tuple[float, float]] = {
    "getOrders": (0.0167, 20),
    "getOrder": (0.5, 30),
    "getOrderItems": (0.5, 30),
    "getInventorySummaries": (2.0, 2),
    "searchListingsItems": (5.0, 5),
    "getListingsItem": (5.0, 10),
    "patchListingsItem": (5.0, 5),
    "createFeedDocument": (0.5, 15),
    "createFeed": (0.0083, 15),
    "getFeed": (2.0, 15),
    "getFeedDocument": (0.0222, 10),
}


@dataclass(frozen=True)
class AmazonRegion:
    name: str  # na | eu | fe
    endpoint: str  # https://sellingpartnerapi-na.amazon.com
    refresh_token: str
    marketplace_ids: tuple[str, ...]


@dataclass(frozen=True)
class AmazonAccount:
    seller_id: str
    client_id: str
    client_secret: str
    regions: tuple[AmazonRegion, ...]
    lwa_url: str = LWA_URL
    usage_plans: dict[str, tuple[float, float]] = field(default_factory=lambda: dict(USAGE_PLANS))
    timeout_s: float = 30.0
    pacing: bool = True  # False only where no limit exists (a self-hosted API, a test host)
    refresh_margin_s: float = 60.0

    def region(self, name: str) -> AmazonRegion:
        for region in self.regions:
            if region.name == name:
                return region
        raise KeyError(f"no Amazon region {name!r} configured")

    @classmethod
    def from_mapping(cls, config: dict[str, Any]) -> AmazonAccount:
        plans = dict(USAGE_PLANS)
        for operation, limit in (config.get("rate_limits") or {}).items():
            plans[operation] = (float(limit["rate"]), float(limit["burst"]))
        regions = tuple(
            AmazonRegion(
                name=name,
                endpoint=str(region["endpoint"]),
                refresh_token=str(region["refresh_token"]),
                marketplace_ids=tuple(region["marketplace_ids"]),
            )
            for name, region in sorted(config["regions"].items())
        )
        return cls(
            seller_id=str(config["seller_id"]),
            client_id=str(config["client_id"]),
            client_secret=str(config["client_secret"]),
            regions=regions,
            lwa_url=str(config.get("lwa_url", LWA_URL)),
            usage_plans=plans,
            timeout_s=float(config.get("timeout_s", 30.0)),
            pacing=bool(config.get("pacing", True)),
        )
