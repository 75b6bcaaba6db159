"""No sync at all: each channel keeps what it shows and sells it down on its own."""

from __future__ import annotations

import math

from benchmarks.oversell.strategies import ActionLog
from benchmarks.oversell.world import StrategyWorld


class NoSync:
    name = "no sync"

    def __init__(self) -> None:
        self.log = ActionLog()

    def prepare(self, world: StrategyWorld) -> None:
        return None

    def next_due(self) -> float:
        return math.inf

    def act(self, world: StrategyWorld) -> None:
        return None

    def busy(self, world: StrategyWorld) -> bool:
        return False

    def close(self) -> None:
        return None
