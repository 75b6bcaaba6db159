"""Shipments as the warehouse records them: one per order per departure, physical SKUs only.

Merchant-fulfilled lines are indexed once by (shipped time, line), so listing shipments is a
binary search plus a slice, even in a world of millions of lines. Lines of one order that leave
together are adjacent in that order (an order's lines have consecutive indices), so a shipment
is a run of equal (order, time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.world.columns import NEVER
from sandbox.world.state import World


@dataclass
class ShipmentIndex:
    line_count: int  # lines that existed when the index was built
    times: np.ndarray
    lines: np.ndarray

    @classmethod
    def build(cls, world: World) -> ShipmentIndex:
        lines = world.lines
        merchant = np.flatnonzero((lines["location"] >= 0) & (lines["shipped"] != NEVER))
        order = np.lexsort((merchant, lines["shipped"][merchant]))
        return cls(len(lines), lines["shipped"][merchant][order], merchant[order])

    def _same_shipment(self, world: World, position: int, line: int) -> bool:
        """Whether the line at `position` leaves with `line` (same order, same moment)."""
        other = int(self.lines[position])
        orders = world.lines["order"]
        return bool(
            orders[other] == orders[line] and self.times[position] == world.lines["shipped"][line]
        )

    def page(
        self,
        world: World,
        after: tuple[int, int] | None,
        until: int,
        limit: int,
        repeat: int = 0,
    ) -> list[list[int]]:
        """Up to `limit` shipments (lists of line ids) after the cursor, shipped by `until`.

        `repeat` re-serves that many shipments from before the cursor (an injected fault).
        """
        stop = int(np.searchsorted(self.times, until, side="right"))
        start = 0
        if after is not None:
            start = int(np.searchsorted(self.times[:stop], after[0], side="left"))
            while start < stop and (int(self.times[start]), int(self.lines[start])) <= after:
                start += 1
        for _ in range(repeat):
            if start == 0:
                break
            start -= 1
            while start > 0 and self._same_shipment(world, start - 1, int(self.lines[start])):
                start -= 1
        shipments: list[list[int]] = []
        position = start
        while position < stop:
            line = int(self.lines[position])
            if shipments and self._same_shipment(world, position, shipments[-1][0]):
                shipments[-1].append(line)
            elif len(shipments) == limit:
                break
            else:
                shipments.append([line])
            position += 1
        return shipments


def shipment_index(world: World, cached: ShipmentIndex | None, until: int) -> ShipmentIndex:
    """The cached index, rebuilt only if lines added since have shipped by `until`."""
    if cached is None:
        return ShipmentIndex.build(world)
    newer = world.lines["shipped"][cached.line_count :]
    if len(newer) and bool((newer <= until).any()):
        return ShipmentIndex.build(world)
    return cached
