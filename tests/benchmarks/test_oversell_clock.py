"""The oversell benchmark's clock, on a real sandbox: world time is skipped only while nothing
acts, so an action costs exactly the world time it takes."""

from __future__ import annotations

import time
from typing import ClassVar

from benchmarks.oversell.run import run_strategy
from benchmarks.oversell.scenarios import Scenario
from benchmarks.oversell.strategies.interval_sync import IntervalStockSync
from benchmarks.oversell.world import StrategyWorld


class TimedSync(IntervalStockSync):
    """The 15-minute sync, noting each action's world and real duration."""

    spans: ClassVar[list[tuple[float, float]]] = []  # (world seconds, real seconds) per action

    def act(self, world: StrategyWorld) -> None:
        world_start, real_start = world.now(), time.monotonic()
        super().act(world)
        TimedSync.spans.append((world.now() - world_start, time.monotonic() - real_start))


def test_an_action_costs_the_world_time_it_takes() -> None:
    TimedSync.spans = []
    figures = run_strategy(
        Scenario("flash_sale", hours=0.05, sale=True), TimedSync, seed=7, scale="small",
        demand_factor=60.0,
    )  # fmt: skip
    assert len(TimedSync.spans) == 1, "one sync at the start of a three-minute scenario"
    world_s, real_s = TimedSync.spans[0]
    # World time is whole seconds; the action's world time is its real time, never skipped.
    assert abs(world_s - real_s) <= 1.5, TimedSync.spans
    assert figures.units_sold > 0
    assert figures.exposure.count > 0, "the sales were looked at"
