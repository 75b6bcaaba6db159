"""Typed keys under which each host's aiohttp application carries its shared state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from sandbox.server.context import SandboxContext
from sandbox.server.metrics import EndpointMetrics

if TYPE_CHECKING:
    from sandbox.channel import ChannelErrors

CONTEXT = web.AppKey("context", SandboxContext)
CHANNEL = web.AppKey("channel", str)
ERRORS: web.AppKey[ChannelErrors] = web.AppKey("errors")
# Request-scoped: the EndpointMetrics of the route being served.
METRICS: web.RequestKey[EndpointMetrics] = web.RequestKey("tributary_metrics", EndpointMetrics)
