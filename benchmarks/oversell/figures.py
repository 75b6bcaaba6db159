"""The figures of one strategy in one scenario, computed from the sandbox's counters."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from benchmarks.oversell.observe import Drop, Observer

CHANNELS = ("shopify", "amazon", "tiktok_shop", "warehouse")


@dataclass
class Exposure:
    """World seconds from a stock drop to no channel showing more than what is left."""

    timed: list[float]  # shown within the scenario
    open: list[float]  # still unshown at the end: time so far (a lower bound)
    unexposed: int  # drops no channel was exposed to

    @property
    def count(self) -> int:
        return len(self.timed) + len(self.open)

    def percentile(self, share: float) -> tuple[float, bool]:
        """(seconds, is a lower bound)."""
        values = sorted([(v, False) for v in self.timed] + [(v, True) for v in self.open])
        if not values:
            return math.nan, False
        index = min(len(values) - 1, max(0, math.ceil(share * len(values)) - 1))
        return values[index]


@dataclass
class Figures:
    scenario: str
    strategy: str
    world_hours: float
    units_demanded: int  # units shoppers asked for: sold or turned away
    units_sold: int
    oversold_units: int
    unsold_in_stock: int
    exposure: Exposure  # every exposed drop
    exposure_mapped: Exposure  # the drops no unmapped listing's open units stood behind
    calls: dict[str, int]
    throttled: dict[str, int]
    budget_share: dict[str, float]
    actions: str
    real_seconds: float

    def per_10k_demanded(self, units: int) -> float:
        return 10_000 * units / self.units_demanded if self.units_demanded else math.nan

    @property
    def oversold_per_10k(self) -> float:
        """Units sold that the warehouse no longer had, per 10,000 units demanded."""
        return self.per_10k_demanded(self.oversold_units)

    @property
    def unsold_per_10k(self) -> float:
        """Units turned away while the warehouse had them, per 10,000 units demanded."""
        return self.per_10k_demanded(self.unsold_in_stock)

    @property
    def errors_per_10k(self) -> float:
        """Both ways of getting a shopper wrong, together."""
        return self.per_10k_demanded(self.oversold_units + self.unsold_in_stock)


AMAZON_OPERATIONS = (  # (method, path pattern) -> the SP-API operation whose plan applies
    (r"GET /orders/v0/orders$", "getOrders"),
    (r"GET /orders/v0/orders/[^/]+/orderItems$", "getOrderItems"),
    (r"GET /orders/v0/orders/[^/]+$", "getOrder"),
    (r"GET /fba/inventory/v1/summaries$", "getInventorySummaries"),
    (r"GET /listings/[^/]+/items/[^/]+$", "searchListingsItems"),
    (r"GET /listings/[^/]+/items/[^/]+/[^/]+$", "getListingsItem"),
    (r"PATCH /listings/[^/]+/items/[^/]+/[^/]+$", "patchListingsItem"),
    (r"POST /feeds/[^/]+/documents$", "createFeedDocument"),
    (r"POST /feeds/[^/]+/feeds$", "createFeed"),
    (r"GET /feeds/[^/]+/feeds/[^/]+$", "getFeed"),
    (r"GET /feeds/[^/]+/documents/[^/]+$", "getFeedDocument"),
)


def amazon_operation(route: str) -> str | None:
    for pattern, operation in AMAZON_OPERATIONS:
        if re.match(pattern, route):
            return operation
    return None


def budget(
    limits: dict[str, Any], channel: str, endpoints: dict[str, Any], seconds: float
) -> float:
    """Requests as a share of what the channel's limits allow over the scenario.

    Per limit the sandbox enforces (world units): the shop-wide request rate for TikTok and the
    3PL, Shopify's REST leak rate for every Shopify request (a GraphQL call also costs points
    from its own bucket; counted here as one request), and each Amazon operation's usage plan,
    of which the busiest is reported.
    """

    def allowance(rate: float, burst: float) -> float:
        return burst + rate * seconds

    requests = sum(e["requests"] for e in endpoints.values())
    if channel in ("tiktok_shop", "warehouse"):
        plan = limits[channel]
        return requests / allowance(plan["requests_per_second"], plan["burst"])
    if channel == "shopify":
        plan = limits["shopify"]
        return requests / allowance(plan["rest_leak_per_second"], plan["rest_bucket_size"])
    shares = [0.0]
    for route, metrics in endpoints.items():
        operation = amazon_operation(route)
        if operation in limits["amazon"]:
            plan = limits["amazon"][operation]
            shares.append(metrics["requests"] / allowance(plan["rate"], plan["burst"]))
    return max(shares)


def exposure(drops: list[Drop], now: float, unexposed: int) -> Exposure:
    """Shown drops with their time to be shown; open ones with their time so far."""
    return Exposure(
        [d.shown_at - d.seen_at for d in drops if d.shown_at is not None],
        [now - d.seen_at for d in drops if d.shown_at is None],
        unexposed,
    )


def figures(
    scenario: str,
    strategy: str,
    observer: Observer,
    end: dict[str, Any],
    limits: dict[str, Any],
    world_seconds: float,
    actions: str,
    real_seconds: float,
) -> Figures:
    start = observer.started
    metrics = end["metrics"]
    calls = {c: metrics.get(c, {}).get("total", {}).get("requests", 0) for c in CHANNELS}
    throttled = {c: metrics.get(c, {}).get("total", {}).get("throttled", 0) for c in CHANNELS}
    shares = {
        c: budget(limits, c, metrics.get(c, {}).get("endpoints", {}), world_seconds)
        for c in CHANNELS
    }
    mapped = [drop for drop in observer.drops if not drop.behind_unmapped]
    return Figures(
        scenario=scenario,
        strategy=strategy,
        world_hours=world_seconds / 3600,
        units_demanded=end["live"]["accepted_units"]
        + end["live"]["rejected_units"]
        - start["live"]["accepted_units"]
        - start["live"]["rejected_units"],
        units_sold=end["live"]["accepted_units"] - start["live"]["accepted_units"],
        oversold_units=end["oversold"] - start["oversold"],
        unsold_in_stock=end["live"]["rejected_units_in_stock"]
        - start["live"]["rejected_units_in_stock"],
        exposure=exposure(observer.drops, observer.last_sample_at, observer.exposed_never),
        exposure_mapped=exposure(mapped, observer.last_sample_at, observer.exposed_never),
        calls=calls,
        throttled=throttled,
        budget_share=shares,
        actions=actions,
        real_seconds=real_seconds,
    )
