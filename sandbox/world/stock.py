"""Physical stock in the brand's warehouse (3PL/WMS): components, restocks, starting levels.

Only plain SKUs are stocked; a bundle line consumes its components. On hand moves when a line
ships (down) or a restock arrives (up); committed is what open merchant-fulfilled lines hold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.world.catalog import Catalog
from sandbox.world.columns import Columns
from sandbox.world.spec import DAY

RESTOCK_COLUMNS: dict[str, type] = {
    "sku": np.int32,
    "location": np.int8,
    "quantity": np.int32,
    "arrives": np.int64,
}
RESTOCK_HORIZON = 120 * DAY
CASE_PACK = 6


@dataclass
class ComponentTable:
    """For each SKU, the (component, units) rows it consumes; a plain SKU consumes itself."""

    start: np.ndarray
    count: np.ndarray
    component: np.ndarray
    units: np.ndarray

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> ComponentTable:
        rows: list[tuple[int, int]] = []
        start = np.zeros(catalog.sku_count, np.int64)
        count = np.zeros(catalog.sku_count, np.int64)
        for sku in range(catalog.sku_count):
            start[sku] = len(rows)
            parts = catalog.components(sku)
            count[sku] = len(parts)
            rows.extend(parts)
        table = np.array(rows, np.int64)
        return cls(start, count, table[:, 0].copy(), table[:, 1].copy())

    def expand(self, skus: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each input row i and each component of skus[i]: (i, component, units)."""
        counts = self.count[skus]
        row = np.repeat(np.arange(len(skus)), counts)
        first = np.repeat(self.start[skus], counts)
        offset = np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts)
        return row, self.component[first + offset], self.units[first + offset]

    def of(self, sku: int) -> list[tuple[int, int]]:
        begin = int(self.start[sku])
        return [
            (int(self.component[i]), int(self.units[i]))
            for i in range(begin, begin + int(self.count[sku]))
        ]


def plan_restocks(
    rng: np.random.Generator,
    daily_demand: np.ndarray,
    history_start: int,
    world_start: int,
) -> Columns:
    """Purchase orders arriving at each (SKU, location) every few weeks, sized to demand."""
    skus, locations = np.nonzero(daily_demand > 0)
    rows: dict[str, list[int]] = {name: [] for name in RESTOCK_COLUMNS}
    end = world_start + RESTOCK_HORIZON
    for sku, location in zip(skus.tolist(), locations.tolist(), strict=True):
        demand = float(daily_demand[sku, location])
        cycle = int(rng.integers(14, 36)) * DAY
        arrives = history_start + int(rng.integers(0, cycle))
        while arrives < end:
            units = demand * cycle / DAY * rng.uniform(0.9, 1.4)
            quantity = max(CASE_PACK, int(np.ceil(units / CASE_PACK)) * CASE_PACK)
            rows["sku"].append(sku)
            rows["location"].append(location)
            rows["quantity"].append(quantity)
            rows["arrives"].append(arrives)
            arrives += cycle + int(rng.integers(-2, 3)) * DAY
    arrays: dict[str, np.ndarray] = {
        name: np.array(values, dtype)
        for (name, dtype), values in zip(RESTOCK_COLUMNS.items(), rows.values(), strict=True)
    }
    order = np.lexsort((arrays["location"], arrays["sku"], arrays["arrives"]))
    return Columns.from_arrays({name: values[order] for name, values in arrays.items()})


def target_available(
    rng: np.random.Generator, daily_demand: np.ndarray, is_bundle: np.ndarray
) -> np.ndarray:
    """What each (SKU, location) should have free to sell at the world start.

    Most SKUs carry a few weeks of cover; some are low and some are out: the cases where a
    stale channel quantity turns into an oversell.
    """
    shape = daily_demand.shape
    roll = rng.random(shape)
    cover_days = rng.uniform(10, 60, shape)
    healthy = np.ceil(daily_demand * cover_days).astype(np.int64) + rng.integers(2, 12, shape)
    target = np.where(roll < 0.06, 0, np.where(roll < 0.18, rng.integers(1, 6, shape), healthy))
    target[is_bundle, :] = 0
    return target


def starting_on_hand(
    flows_key: np.ndarray,
    flows_time: np.ndarray,
    flows_delta: np.ndarray,
    cell_count: int,
    required_at_start: np.ndarray,
) -> np.ndarray:
    """Stock each cell (SKU x location) needs at history start.

    Enough that the running level never dips below zero through history, and at least what
    is required to leave the target available at the world start.
    """
    order = np.lexsort((flows_time, flows_key))
    key, delta = flows_key[order], flows_delta[order]
    running = np.cumsum(delta)
    boundaries = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    group_offset = np.repeat(
        np.r_[0, running[boundaries[1:] - 1]], np.diff(np.r_[boundaries, len(key)])
    )
    within = running - group_offset
    lowest = np.zeros(cell_count, np.int64)
    if len(key):
        lowest[key[boundaries]] = np.minimum.reduceat(within, boundaries)
    return np.maximum(required_at_start, -np.minimum(lowest, 0))
