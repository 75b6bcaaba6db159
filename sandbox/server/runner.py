"""Start every channel's hosts on their own ports, from one world, in one event loop.

`Sandbox` is the asyncio service (the CLI runs it in the foreground); `SandboxThread` runs
the same service in a background thread so tests and benchmarks can start it in-process on
free ports and read its manifest.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.channel import ChannelSimulator
from sandbox.clock import SimClock
from sandbox.registry import simulators as registered_simulators
from sandbox.server.context import SandboxContext, SandboxOptions
from sandbox.webhooks.hub import WebhookHub
from sandbox.world.build import build_world
from sandbox.world.spec import SCALES, WORLD_START

LIVE_TICK_S = 0.05


@dataclass
class SandboxConfig:
    seed: int = 42
    scale: str = "small"
    time_scale: float = 1.0
    live: bool = False
    host: str = "127.0.0.1"
    base_port: int = 0  # 0: let the OS pick a free port for every host
    options: SandboxOptions = field(default_factory=SandboxOptions)


class Sandbox:
    def __init__(
        self, config: SandboxConfig, channels: list[ChannelSimulator] | None = None
    ) -> None:
        if config.scale not in SCALES:
            raise ValueError(f"unknown scale {config.scale!r}; choose from {sorted(SCALES)}")
        self.config = config
        self.simulators = channels or registered_simulators()
        storefronts = [s for sim in self.simulators for s in sim.storefronts]
        locations = [loc for sim in self.simulators for loc in sim.locations]
        clock = SimClock(WORLD_START, config.time_scale)
        world, engine = build_world(
            config.seed, SCALES[config.scale], storefronts, locations, clock
        )
        self.context = SandboxContext(world, engine, config.options)
        self.context.simulators = {sim.slug: sim for sim in self.simulators}
        self.context.webhooks = WebhookHub(self.context)
        self._runners: list[web.AppRunner] = []
        self._ticker: asyncio.Task[None] | None = None

    @property
    def manifest(self) -> dict[str, Any]:
        return self.context.manifest

    async def start(self) -> dict[str, Any]:
        hub = self.context.webhooks
        assert hub is not None
        # The local SQS starts beside the hosts; the manifest names its queue.
        notifications = asyncio.get_running_loop().create_task(hub.start())
        base_urls: dict[str, dict[str, str]] = {}
        port = self.config.base_port
        for simulator in self.simulators:
            base_urls[simulator.slug] = {}
            for host in simulator.hosts():
                runner = web.AppRunner(
                    host.build(self.context), access_log=None, handle_signals=False
                )
                await runner.setup()
                site = web.TCPSite(runner, self.config.host, port)
                await site.start()
                self._runners.append(runner)
                bound = runner.addresses[0][1]
                base_urls[simulator.slug][host.name] = f"http://{self.config.host}:{bound}"
                port = port + 1 if port else 0
        await notifications
        first_url = next(iter(next(iter(base_urls.values())).values()))
        self.context.manifest.update(
            {
                "sandbox": {
                    "seed": self.config.seed,
                    "scale": self.config.scale,
                    "time_scale": self.config.time_scale,
                    "live": self.config.live,
                    "world_start": WORLD_START,
                    "control_url": f"{first_url}/_sandbox",
                },
                "channels": {
                    sim.slug: self._unpaced(sim.manifest(self.context, base_urls[sim.slug]))
                    for sim in self.simulators
                },
            }
        )
        if self.config.live:
            self.context.world.live.enabled = True
            self.context.clock.set_running(True)
        self._ticker = asyncio.get_running_loop().create_task(self._tick())
        return self.manifest

    def _unpaced(self, channel: dict[str, Any]) -> dict[str, Any]:
        """Without rate limits there is nothing to pace against: tell clients so."""
        if not self.context.options.rate_limits:
            channel["pacing"] = False
        return channel

    async def _tick(self) -> None:
        """Keep a running world moving even when nobody is asking (arrivals, shipments)."""
        while True:
            await asyncio.sleep(LIVE_TICK_S)
            if self.context.clock.running:
                self.context.sync()

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        if self.context.webhooks is not None:
            await self.context.webhooks.stop()
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()


class SandboxThread:
    """Run a `Sandbox` in a background thread: `with SandboxThread(config) as manifest: ...`."""

    def __init__(
        self, config: SandboxConfig, channels: list[ChannelSimulator] | None = None
    ) -> None:
        self.sandbox = Sandbox(config, channels)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="tributary-sandbox", daemon=True
        )

    def start(self) -> dict[str, Any]:
        self._thread.start()
        return asyncio.run_coroutine_threadsafe(self.sandbox.start(), self._loop).result(
            timeout=120
        )

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.sandbox.stop(), self._loop).result(timeout=60)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()

    def __enter__(self) -> dict[str, Any]:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
