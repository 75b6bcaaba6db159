"""Runs one strategy through one scenario on a fresh world and returns its figures."""

from __future__ import annotations

import time
from collections.abc import Callable

from benchmarks.oversell import scenarios
from benchmarks.oversell.figures import Figures, figures
from benchmarks.oversell.observe import Observer
from benchmarks.oversell.scenarios import Scenario
from benchmarks.oversell.strategies import Strategy
from benchmarks.oversell.world import StrategyWorld

SAMPLE_SECONDS = 60


def run_strategy(
    scenario: Scenario,
    make_strategy: Callable[[], Strategy],
    seed: int,
    scale: str,
    demand_factor: float,
) -> Figures:
    world = StrategyWorld(seed, scale)
    strategy = make_strategy()
    started = time.perf_counter()
    try:
        # A minute past the moment Tributary's bootstrap loaded, so that nothing the scenario
        # changes shares a timestamp with what that load saw.
        world.advance(SAMPLE_SECONDS)
        strategy.prepare(world)
        scenarios.start(world, scenario, demand_factor)
        observer = Observer(world)
        observer.begin()
        end = world.now() + scenario.seconds
        while True:
            now = world.now()
            due = min(strategy.next_due(), end)
            while now < due:
                world.advance(min(SAMPLE_SECONDS, due - now))
                now = world.now()
                observer.sample()
            if now >= end:
                break
            strategy.act(world)
            observer.sample()
        return figures(
            scenario.name,
            strategy.name,
            observer,
            {
                slug: channel.get("rate_limits", {})
                for slug, channel in world.manifest["channels"].items()
            },
            scenario.seconds,
            strategy.log.summary(),
            time.perf_counter() - started,
        )
    finally:
        strategy.close()
        world.close()
