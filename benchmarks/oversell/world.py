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
from typing import Any

import httpx

from sandbox.server.context import SandboxOptions
from sandbox.server.runner import SandboxConfig, SandboxThread


def epoch(moment: str) -> float:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).timestamp()


class StrategyWorld:
    """A running sandbox and the control plane the benchmark scores it with."""

    def __init__(self, seed: int, scale: str, rate_limits: bool = True) -> None:
        config = SandboxConfig(
            seed=seed, scale=scale, options=SandboxOptions(rate_limits=rate_limits)
        )
        self._thread = SandboxThread(config)
        self.manifest: dict[str, Any] = self._thread.__enter__()
        self._http = httpx.Client(base_url=self.manifest["sandbox"]["control_url"], timeout=120)

    def close(self) -> None:
        self._http.close()
        self._thread.__exit__(None, None, None)

    def get(self, path: str, **params: Any) -> Any:
        response = self._http.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self._http.post(path, json=body)
        response.raise_for_status()
        return response.json()

    def delete(self, path: str) -> None:
        self._http.delete(path).raise_for_status()

    def now(self) -> float:
        return epoch(self.get("/clock")["now"])

    def advance(self, seconds: float) -> None:
        if seconds > 0:
            self.post("/clock", {"advance_seconds": seconds})

    @contextmanager
    def running(self) -> Iterator[None]:
        """World time flows with the real clock while a strategy works."""
        self.post("/clock", {"running": True})
        try:
            yield
        finally:
            self.post("/clock", {"running": False})
