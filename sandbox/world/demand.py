"""Who buys what on a storefront: shopper and listing distributions, precomputed.

Sampling by inverse CDF (`searchsorted` on cumulative weights) costs O(log n) per draw, where
`Generator.choice(p=...)` rebuilds the CDF on every call; live mode draws every world minute.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.world.catalog import Catalog
from sandbox.world.listings import MARKETPLACE, MERCHANT, Listings
from sandbox.world.people import COUNTRIES, People
from sandbox.world.spec import Storefront


@dataclass(frozen=True)
class Distribution:
    """Items with cumulative weights, sampled by inverse CDF."""

    items: np.ndarray
    cumulative: np.ndarray

    @classmethod
    def of(cls, items: np.ndarray, weights: np.ndarray) -> Distribution:
        cumulative = np.cumsum(weights, dtype=np.float64)
        return cls(items, cumulative / cumulative[-1] if len(cumulative) else cumulative)

    def __len__(self) -> int:
        return len(self.items)

    def positions(self, rng: np.random.Generator, count: int) -> np.ndarray:
        spot = np.searchsorted(self.cumulative, rng.random(count), side="right")
        return np.minimum(spot, len(self.items) - 1)

    def sample(self, rng: np.random.Generator, count: int) -> np.ndarray:
        return self.items[self.positions(rng, count)]


@dataclass(frozen=True)
class StorefrontDemand:
    shoppers: Distribution
    listings_by_fulfilment: dict[int, Distribution]
    marketplace_share: float


def storefront_demand(
    catalog: Catalog,
    listings: Listings,
    people: People,
    storefront_index: int,
    storefront: Storefront,
    sku_boost: dict[int, float] | None = None,
) -> StorefrontDemand:
    codes = [COUNTRIES.index(country) for country in storefront.countries]
    shoppers = np.flatnonzero(np.isin(people.country, codes))
    own = listings.of_storefront(storefront_index)
    weight = catalog.sku_popularity[listings.sku[own]].copy()
    for sku, factor in (sku_boost or {}).items():
        weight[listings.sku[own] == sku] *= factor
    by_fulfilment = {}
    for kind in (MERCHANT, MARKETPLACE):
        members = listings.fulfilled_by[own] == kind
        if members.any():
            by_fulfilment[kind] = Distribution.of(own[members], weight[members])
    marketplace_weight = weight[listings.fulfilled_by[own] == MARKETPLACE].sum()
    return StorefrontDemand(
        shoppers=Distribution.of(shoppers, people.loyalty[shoppers]),
        listings_by_fulfilment=by_fulfilment,
        marketplace_share=float(marketplace_weight / weight.sum()) if len(own) else 0.0,
    )
