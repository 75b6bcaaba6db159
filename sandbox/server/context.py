"""What every sandbox host shares: the world, its clock, metrics, faults and credentials."""

from __future__ import annotations

import hashlib
import itertools
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from sandbox.clock import SimClock
from sandbox.server.faults import ChannelFaults
from sandbox.server.metrics import Metrics
from sandbox.world.live import LiveEngine
from sandbox.world.state import World

if TYPE_CHECKING:
    from sandbox.channel import ChannelSimulator
    from sandbox.webhooks.hub import WebhookHub


@dataclass(frozen=True)
class SandboxOptions:
    rate_limits: bool = True  # off: serve as fast as the machine allows (throughput benchmarks)
    retry_after_format: Literal["decimal", "integer"] = "decimal"
    # Per-channel knobs, e.g. {"shopify": {"plan": "plus"}}; each channel reads its own keys.
    channel_options: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class SandboxContext:
    world: World
    engine: LiveEngine
    options: SandboxOptions = field(default_factory=SandboxOptions)
    metrics: Metrics = field(default_factory=Metrics)
    faults: dict[str, ChannelFaults] = field(default_factory=dict)
    simulators: dict[str, ChannelSimulator] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    # State a channel shares between its own hosts (e.g. tokens issued by an auth host).
    channel_state: dict[str, Any] = field(default_factory=dict)
    # Webhook subscriptions and deliveries (set by the runner; None: this sandbox sends none).
    webhooks: WebhookHub | None = None
    _request_counter: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def clock(self) -> SimClock:
        return self.world.clock

    def sync(self) -> int:
        """Bring the world up to the clock (events, live arrivals) and return world time."""
        now = self.world.clock.sim_now()
        self.engine.advance_to(now)
        return now

    def channel_option(self, channel: str, name: str, default: Any) -> Any:
        return self.options.channel_options.get(channel, {}).get(name, default)

    def faults_of(self, channel: str) -> ChannelFaults:
        if channel not in self.faults:
            self.faults[channel] = ChannelFaults(self.world.seed, channel)
        return self.faults[channel]

    def secret(self, name: str, length: int = 32) -> str:
        """A credential derived from the seed: stable per world, different per name."""
        digest = hashlib.sha256(f"tributary-sandbox:{self.world.seed}:{name}".encode()).hexdigest()
        while len(digest) < length:
            digest += hashlib.sha256(digest.encode()).hexdigest()
        return digest[:length]

    def request_id(self) -> str:
        """Deterministic per request sequence, unique within a run."""
        counter = next(self._request_counter)
        return str(uuid.UUID(hashlib.md5(f"{self.world.seed}:{counter}".encode()).hexdigest()))  # noqa: S324

    def retry_after(self, world_seconds: float) -> str:
        """A Retry-After header value for a world-time wait, in wire seconds."""
        wire = self.world.clock.wire_seconds(world_seconds)
        if self.options.retry_after_format == "integer":
            return str(max(1, int(-(-wire // 1))))
        return f"{round(wire, 3)}" if wire < 1 else f"{wire:.1f}"
