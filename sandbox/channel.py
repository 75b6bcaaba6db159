"""The contract a channel simulator fulfils to plug into the sandbox.

A channel brings its storefronts (what the world generates orders and listings for), its hosts
(each served on its own port, as the real API's hosts are separate), how its native ids look
(so the truth endpoints speak the channel's language), and what a client needs to connect.
Adding a channel means adding one module that fulfils this and one registry entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from sandbox.server.context import SandboxContext
from sandbox.world.spec import Storefront, WarehouseLocation
from sandbox.world.state import World


@dataclass(frozen=True)
class Host:
    """One server of a channel: `name` is its role, e.g. `admin`, `lwa`, `na`."""

    name: str
    build: Callable[[SandboxContext], web.Application]


class ChannelErrors(Protocol):
    """The channel's own shapes for refusals, used by fault injection and rate limiting."""

    def throttled(self, request: web.Request, retry_after_world_s: float) -> web.Response: ...

    def server_error(self, request: web.Request, status: int) -> web.Response: ...


class ChannelSimulator(Protocol):
    @property
    def slug(self) -> str: ...

    @property
    def storefronts(self) -> tuple[Storefront, ...]: ...

    @property
    def locations(self) -> tuple[WarehouseLocation, ...]: ...

    def hosts(self) -> list[Host]: ...

    def order_id(self, world: World, order: int) -> str:
        """The id the channel shows for a world order."""
        ...

    def listing_key(self, world: World, listing: int) -> dict[str, Any]:
        """The channel-native identifiers of a listing (what a client would store)."""
        ...

    def manifest(self, context: SandboxContext, base_urls: dict[str, str]) -> dict[str, Any]:
        """Base URLs and the credentials the sandbox accepts, for the client's configuration."""
        ...
