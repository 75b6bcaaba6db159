"""What the benchmark scores, read from the sandbox's truth and never from a strategy.

Sampled after every world second in which a shopper bought, and once a world second while
anything acts (see run.py):
- each SKU's true available (warehouse on hand minus every open order, kits from components);
- what every listing a strategy could manage shows (merchant-fulfilled, mapped by SKU or
  barcode; a legacy listing that maps to nothing is nobody's to sync).

A *stock drop* is a fall of a SKU's true available between two samples. It is *shown* once no
listing of that SKU displays more than what is left, i.e. once no channel can still sell stock
that is gone. Its exposure time runs from the sample that saw the drop to the sample that saw
it shown (one-second resolution). Drops no channel was exposed to (every listing already showed
that little) are counted but not timed, and so are drops whose stock came back (a cancellation,
a restock) before every channel showed them; drops still unshown when the scenario ends are
timed to the end and reported as a lower bound.

A drop is also marked *behind an unmapped sale* when, while it is open, a listing no rule maps
(a legacy code, `mapping: unmappable` in the truth) holds open units of its SKU. No strategy
can count those units until the merchant maps the listing (Tributary's
`assert_open_merchant_lines_are_mapped` test reports them, the `sku_overrides` seed maps
them), so such a drop can stay open for as long as the line waits to ship, however fast stock
moves. The figures keep these drops apart, so that the exposure of the sales a strategy can
see is not hidden behind the ones it cannot.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from benchmarks.oversell.world import StrategyWorld, epoch


def listing_id(row: dict[str, Any]) -> str:
    return f"{row['channel']}:{row['store_id']}:{sorted(row['key'].items())}"


def manageable(row: dict[str, Any]) -> bool:
    return row["fulfilled_by"] == "merchant" and row["mapping"] != "unmappable"


@dataclass
class Drop:
    sku: str
    seen_at: float
    left: int
    shown_at: float | None = None
    behind_unmapped: bool = False  # a listing no rule maps held open units of the SKU meanwhile


@dataclass
class Observer:
    world: StrategyWorld
    drops: list[Drop] = field(default_factory=list)
    exposed_never: int = 0  # drops no listing was exposed to
    superseded: int = 0  # exposed drops whose stock came back before every channel showed them
    _available: dict[str, int] = field(default_factory=dict)
    _listings_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _open: list[Drop] = field(default_factory=list)
    started: dict[str, Any] = field(default_factory=dict)
    last_sample_at: float = 0.0
    _orders_seen: int = -1

    def begin(self) -> None:
        for row in self.world.get("/truth/listings")["listings"]:
            if manageable(row):
                self._listings_of[row["sku"]].append(listing_id(row))
        self.world.delete("/metrics")  # count the scenario's API calls, not the setup's
        self.started = self._counters()
        self.sample()

    def sample_if_sold(self) -> None:
        """Sample only if a shopper bought since the last look: nothing else lowers a SKU's
        available or what a channel shows while no strategy acts (shipments lower on hand and
        open orders alike; restocks and cancellations raise it)."""
        if self.world.get("/live")["accepted_orders"] != self._orders_seen:
            self.sample()

    def sample(self) -> None:
        self._orders_seen = self.world.get("/live")["accepted_orders"]
        stock = self.world.get("/truth/stock")
        now = epoch(stock["now"])
        self.last_sample_at = now
        listings = self.world.get("/truth/listings")["listings"]
        shown = {listing_id(row): row["displayed_quantity"] for row in listings if manageable(row)}
        unmapped_open = {
            row["sku"]
            for row in listings
            if row["mapping"] == "unmappable"
            and row["fulfilled_by"] == "merchant"
            and row["open_units"] > 0
        }
        for row in stock["skus"]:
            sku, available = row["sku"], row["available"]
            before = self._available.get(sku)
            self._available[sku] = available
            if before is None or available >= before or sku not in self._listings_of:
                continue
            drop = Drop(sku, now, available, behind_unmapped=sku in unmapped_open)
            if self._is_shown(drop, shown):
                self.exposed_never += 1
            else:
                self.drops.append(drop)
                self._open.append(drop)
        still_open = []
        for drop in self._open:
            drop.behind_unmapped = drop.behind_unmapped or drop.sku in unmapped_open
            if self._available[drop.sku] > drop.left:
                self.superseded += 1  # the stock came back (a cancellation, a restock)
                self.drops.remove(drop)
            elif drop.seen_at < now and self._is_shown(drop, shown):
                drop.shown_at = now
            else:
                still_open.append(drop)
        self._open = still_open

    def _is_shown(self, drop: Drop, shown: dict[str, int]) -> bool:
        left = max(drop.left, 0)
        return all(shown[listing] <= left for listing in self._listings_of[drop.sku])

    def _counters(self) -> dict[str, Any]:
        return {
            "live": self.world.get("/live"),
            "oversold": self.world.get("/truth/oversells")["units"],
            "metrics": self.world.get("/metrics"),
        }

    def finish(self) -> dict[str, Any]:
        return self._counters()
