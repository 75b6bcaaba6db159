"""The scenarios: demand and stock events applied identically to every strategy's world.

- normal: every storefront at its usual rate (the world's history) times `demand_factor`.
- flash_sale: the same, and one channel sells 50 low-stock SKUs 20 times as fast (their share
  of its demand multiplied, every other SKU keeping its rate). The generated worlds carry few
  truly low SKUs (stock is summed over two warehouses), so the sale is put on the channel's 50
  least-stocked SKUs and a cycle count at the start finds 1 to 6 units of each free to sell:
  a clearance of the tail end of stock, booked as a 3PL adjustment every strategy can read.
- restock_mid_sale: the flash sale, with a purchase order of those SKUs landing halfway.

The sale SKUs are chosen from what the world looks like at the start (the truth, which every
world shares), so every strategy faces the same sale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from benchmarks.oversell.world import StrategyWorld

SALE_CHANNEL = "tiktok_shop"
SALE_SKUS = 50
SALE_FACTOR = 20.0
RESTOCK_UNITS = 24  # four case packs of six per SKU
RESTOCK_LOCATION = "NJ1"
LOW_STOCK_LEVELS = (1, 2, 3, 4, 5, 6)  # units free to sell after the count, by rank


@dataclass(frozen=True)
class Scenario:
    name: str
    hours: float
    sale: bool = False
    restock_mid_sale: bool = False

    @property
    def seconds(self) -> int:
        return int(self.hours * 3600)

    def describe(self) -> str:
        parts = [f"{self.hours:g} h"]
        if self.sale:
            parts.append(f"{SALE_CHANNEL} x{SALE_FACTOR:g} on {SALE_SKUS} low-stock SKUs")
        if self.restock_mid_sale:
            parts.append(f"+{RESTOCK_UNITS} units of each at {self.hours / 2:g} h")
        return ", ".join(parts)


def sale_skus(world: StrategyWorld) -> list[str]:
    """The sale channel's merchant-fulfilled plain SKUs with the least stock still on sale."""
    stock = {row["sku"]: row for row in world.get("/truth/stock")["skus"]}
    listed = {
        row["sku"]
        for row in world.get("/truth/listings", channel=SALE_CHANNEL)["listings"]
        if row["fulfilled_by"] == "merchant" and row["mapping"] != "unmappable"
    }
    candidates = [
        sku for sku in listed if not stock[sku]["is_bundle"] and stock[sku]["available"] > 0
    ]
    candidates.sort(key=lambda sku: (stock[sku]["available"], sku))
    return candidates[:SALE_SKUS]


def count_low(world: StrategyWorld, skus: list[str]) -> list[dict[str, Any]]:
    """Cycle counts leaving each sale SKU 1 to 6 units free to sell, all at the home warehouse."""
    stock = {row["sku"]: row for row in world.get("/truth/stock")["skus"]}
    counts = []
    for rank, sku in enumerate(skus):
        free = LOW_STOCK_LEVELS[rank % len(LOW_STOCK_LEVELS)]
        committed = stock[sku]["committed"]
        for location in committed:
            on_hand = committed[location] + (free if location == RESTOCK_LOCATION else 0)
            counts.append(
                world.post("/stock-count", {"sku": sku, "location": location, "on_hand": on_hand})
            )
    return counts


def start(world: StrategyWorld, scenario: Scenario, demand_factor: float) -> dict[str, Any]:
    """Switch on the scenario's demand and events; returns what was applied."""
    usual = world.get("/live")["orders_per_hour"]
    rates = {storefront: rate * demand_factor for storefront, rate in usual.items()}
    world.post("/live", {"enabled": True, "orders_per_hour": rates})
    applied: dict[str, Any] = {"orders_per_hour": rates}
    if scenario.sale:
        skus = sale_skus(world)
        applied["counts"] = count_low(world, skus)
        boost = {"skus": skus, "factor": SALE_FACTOR, "keep_other_demand": True}
        applied["live"] = world.post("/live", {"boost": {SALE_CHANNEL: boost}})
        applied["sale_skus"] = skus
        if scenario.restock_mid_sale:
            applied["restocks"] = [
                world.post(
                    "/restock",
                    {
                        "sku": sku,
                        "location": RESTOCK_LOCATION,
                        "quantity": RESTOCK_UNITS,
                        "in_seconds": scenario.seconds // 2,
                    },
                )
                for sku in skus
            ]
    return applied
