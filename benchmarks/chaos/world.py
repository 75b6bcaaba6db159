"""The sandbox world every trial runs against, and the control plane the checks read it with.

One world for the whole benchmark (rate limits off, clock frozen): a trial's re-run must meet
exactly the world its killed run met, so the clock moves only when the benchmark moves it
(`move`), between trials. It starts 130 s past its creation, as the tests do, because Amazon
never shows the last two minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from benchmarks.sandbox_world import SandboxWorld

AMAZON_MARGIN_S = 130
# Live demand while the world moves: enough new orders on every storefront for an ingest to
# read, the marts to change and the channels' displayed stock to drift from the targets.
MOVE_ORDERS_PER_HOUR = {"shopify": 30, "amazon_us": 20, "amazon_de": 8, "tiktok_shop": 15}
MOVE_MINUTES = 20
QUIET_STEP_S = 60
QUIET_TRIES = 60


@dataclass(frozen=True)
class Snapshot:
    """The sandbox's truth at one moment: orders per store, listings, stock."""

    orders: list[dict[str, Any]]
    listings: list[dict[str, Any]]
    stock: list[dict[str, Any]]
    now: str


class ChaosWorld(SandboxWorld):
    """The benchmark's one world, rate limits off, moved only between trials."""

    def __init__(self, seed: int, scale: str) -> None:
        super().__init__(seed, scale, rate_limits=False)
        self.moves = 0
        self.advance(AMAZON_MARGIN_S)
        self._quiet_for_amazon()

    def now(self) -> str:
        return str(self.get("/clock")["now"])

    def move(self, minutes: float = MOVE_MINUTES) -> None:
        """Shoppers buy for `minutes` of world time, then the world stands still again, past
        Amazon's two-minute horizon so every new order is visible to the next ingest."""
        self.post("/live", {"enabled": True, "orders_per_hour": MOVE_ORDERS_PER_HOUR})
        self.advance(60 * minutes)
        self.post("/live", {"enabled": False})
        self.advance(AMAZON_MARGIN_S)
        self._quiet_for_amazon()
        self.moves += 1

    def _quiet_for_amazon(self) -> None:
        """Step on until no Amazon order changed in the last two minutes.

        Orders keep moving after live demand stops (they are paid, shipped, delivered on
        their own timeline). Amazon never shows an order whose last update is younger than
        two minutes, so in a world frozen just after such an update the truth would count an
        order no ingest can see (a new order) until the clock moves again."""
        storefronts = [row["storefront"] for row in self.get("/truth")["orders"]
                       if row["channel"] == "amazon"]  # fmt: skip
        for _ in range(QUIET_TRIES):
            now = datetime.fromisoformat(self.now().replace("Z", "+00:00"))
            since = (now - timedelta(seconds=AMAZON_MARGIN_S)).strftime("%Y-%m-%dT%H:%M:%SZ")
            recent = [
                order
                for storefront in storefronts
                for order in self.get("/truth/orders", storefront=storefront, updated_after=since)[
                    "orders"
                ]
            ]
            if not recent:
                return
            self.advance(QUIET_STEP_S)

    def fault(self, channel: str, settings: dict[str, Any]) -> None:
        self.put(f"/faults/{channel}", settings)

    def clear_faults(self) -> None:
        self.delete("/faults")

    def snapshot(self) -> Snapshot:
        return Snapshot(
            orders=self.get("/truth")["orders"],
            listings=self.get("/truth/listings")["listings"],
            stock=self.get("/truth/stock")["skus"],
            now=self.now(),
        )

    def stock_writes(self) -> list[dict[str, Any]]:
        """Every quantity a stock-write API set, per listing, in order."""
        return list(self.get("/truth/stock-writes")["listings"])

    def signature(self) -> tuple[str, int]:
        """What the marts of a build depend on besides the code: the world's clock (orders,
        stock) and how many stock writes changed what the channels show."""
        writes = sum(len(row["writes"]) for row in self.stock_writes())
        return self.now(), writes
