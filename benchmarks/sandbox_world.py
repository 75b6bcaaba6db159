"""A sandbox running inside the benchmark's process, and the control plane it is driven by.

Benchmarks run the sandbox in-process on free ports (no second process to start or reap) and
steer it only through its control endpoints, as an operator's tooling would: the clock, live
demand, faults and the truth the figures are scored against.
"""

from __future__ import annotations

from typing import Any

import httpx

from sandbox.server.context import SandboxOptions
from sandbox.server.runner import SandboxConfig, SandboxThread


class SandboxWorld:
    """One running sandbox world: its manifest and its control plane."""

    def __init__(self, seed: int, scale: str, rate_limits: bool = True) -> None:
        config = SandboxConfig(
            seed=seed, scale=scale, options=SandboxOptions(rate_limits=rate_limits)
        )
        self._thread = SandboxThread(config)
        self.manifest: dict[str, Any] = self._thread.start()
        self._http = httpx.Client(base_url=self.manifest["sandbox"]["control_url"], timeout=120)

    def close(self) -> None:
        self._http.close()
        self._thread.stop()

    def get(self, path: str, **params: Any) -> Any:
        response = self._http.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self._http.post(path, json=body)
        response.raise_for_status()
        return response.json()

    def put(self, path: str, body: dict[str, Any]) -> None:
        self._http.put(path, json=body).raise_for_status()

    def delete(self, path: str) -> None:
        self._http.delete(path).raise_for_status()

    def advance(self, seconds: float) -> None:
        """Move the world's clock on: shoppers buy, orders ship, rate buckets refill."""
        if seconds > 0:
            self.post("/clock", {"advance_seconds": seconds})
