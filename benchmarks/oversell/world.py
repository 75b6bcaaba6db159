"""One strategy's world: a sandbox with real rate limits, driven by the benchmark's clock.

The world clock stands still unless the benchmark moves it. Between a strategy's actions it
jumps ahead (shoppers arrive, stock ships and restocks land as the seed has them, and the rate
limit buckets refill by the skipped time). While a strategy acts, the clock runs at real speed,
so its reads, its work and its writes land in world time exactly as long after each other as
they take on this machine, and shoppers keep buying from what the channels show meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from benchmarks.sandbox_world import SandboxWorld


def epoch(moment: str) -> float:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).timestamp()


class StrategyWorld(SandboxWorld):
    """A running sandbox and the control plane the benchmark scores it with."""

    def now(self) -> float:
        return epoch(self.get("/clock")["now"])

    @contextmanager
    def running(self) -> Iterator[None]:
        """World time flows with the real clock while a strategy works."""
        self.post("/clock", {"running": True})
        try:
            yield
        finally:
            self.post("/clock", {"running": False})
