"""Runs one strategy through one scenario on a fresh world and returns its figures.

The world clock runs at real speed for the whole scenario, and the benchmark skips it ahead one
world second at a time only while nothing acts: no strategy action under way (a sync, a Dagster
run, each in a worker thread) and nothing in a strategy's own machinery (a webhook in flight, an
event not yet pushed). So every reaction a strategy makes, whether a batch run or a push a
second after a sale, costs exactly the world time it takes on this machine, and shoppers keep
buying from what the channels show meanwhile. What is skipped is only time in which nothing
could have reacted, in steps of one second: a sale becomes known to a webhook subscriber at
most one world second after it happens, and exposure is measured at one-second resolution.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from benchmarks.oversell import scenarios
from benchmarks.oversell.figures import Figures, figures
from benchmarks.oversell.observe import Observer
from benchmarks.oversell.scenarios import Scenario
from benchmarks.oversell.strategies import Strategy
from benchmarks.oversell.world import StrategyWorld

STEP_SECONDS = 1.0  # the longest skip, and the sampling interval while anything acts
SETTLE_SECONDS = 60  # between the bootstrap's load and the scenario (nothing shares a stamp)


class Acting:
    """A strategy's action in a worker thread, so the observer keeps sampling meanwhile."""

    def __init__(self, strategy: Strategy, world: StrategyWorld) -> None:
        self._strategy = strategy
        self._world = world
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._act, name="strategy-action", daemon=True)
        self._thread.start()

    def _act(self) -> None:
        try:
            self._strategy.act(self._world)
        except BaseException as error:  # handed to the benchmark's thread by `busy`
            self._error = error

    def busy(self) -> bool:
        if self._error is not None:
            raise RuntimeError(f"{self._strategy.name} failed while acting") from self._error
        return self._thread is not None and self._thread.is_alive()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
        self.busy()  # raises the action's error, if any


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
        world.advance(SETTLE_SECONDS)
        strategy.prepare(world)
        scenarios.start(world, scenario, demand_factor)
        observer = Observer(world)
        observer.begin()
        with world.running():
            end_counters = _play(world, strategy, observer, world.now() + scenario.seconds)
        return figures(
            scenario.name,
            strategy.name,
            observer,
            end_counters,
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


def _play(
    world: StrategyWorld, strategy: Strategy, observer: Observer, end: float
) -> dict[str, Any]:
    """The scenario, second by second; returns the counters as they stood at its end."""
    acting = Acting(strategy, world)
    now = world.now()
    while now < end:
        if not acting.busy() and now >= strategy.next_due():
            acting.start()
        if acting.busy() or strategy.busy(world):
            # Something reacts: the world runs at real speed; look once a world second.
            time.sleep(max(0.0, STEP_SECONDS - (time.time() % STEP_SECONDS)))
            observer.sample()
        else:
            world.advance(min(STEP_SECONDS, end - now, max(0.0, strategy.next_due() - now)))
            observer.sample_if_sold()
        now = world.now()
    ended = observer.finish()
    world.post("/live", {"enabled": False})  # a run still under way finishes without shoppers
    acting.wait()
    return ended
