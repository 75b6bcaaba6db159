"""Shared fixtures: real sandbox servers on loopback, started in-process on free ports.

`world` is one small world shared by read-only tests (rate limits off, clock frozen); tests
that change anything (clock, faults, writes, live demand) start their own with `sandbox()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sandbox.server.context import SandboxOptions
from sandbox.server.runner import SandboxConfig, SandboxThread
from tests.helpers.clients import Amazon, Control, Shopify, TikTok, Warehouse


@pytest.fixture(scope="session")
def world() -> Iterator[dict[str, Any]]:
    config = SandboxConfig(seed=42, scale="small", options=SandboxOptions(rate_limits=False))
    with SandboxThread(config) as manifest:
        yield manifest


@pytest.fixture
def sandbox() -> Iterator[Callable[..., dict[str, Any]]]:
    """Start a private sandbox: `sandbox(scale="tiny", time_scale=10, rate_limits=True, ...)`."""
    started: list[SandboxThread] = []

    def start(
        scale: str = "small",
        seed: int = 42,
        time_scale: float = 1.0,
        live: bool = False,
        rate_limits: bool = False,
        **options: Any,
    ) -> dict[str, Any]:
        config = SandboxConfig(
            seed=seed,
            scale=scale,
            time_scale=time_scale,
            live=live,
            options=SandboxOptions(rate_limits=rate_limits, **options),
        )
        thread = SandboxThread(config)
        started.append(thread)
        return thread.start()

    yield start
    for thread in started:
        thread.stop()


@pytest.fixture(scope="session")
def control(world: dict[str, Any]) -> Control:
    return Control(world)


@pytest.fixture(scope="session")
def shopify(world: dict[str, Any]) -> Shopify:
    return Shopify(world)


@pytest.fixture(scope="session")
def amazon(world: dict[str, Any]) -> Amazon:
    return Amazon(world)


@pytest.fixture(scope="session")
def tiktok(world: dict[str, Any]) -> TikTok:
    return TikTok(world)


@pytest.fixture(scope="session")
def warehouse(world: dict[str, Any]) -> Warehouse:
    return Warehouse(world)
