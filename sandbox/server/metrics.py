"""Per-channel, per-endpoint counters: what clients asked, what they got, what was written.

Benchmarks read these to compute calls against budget and throttle rates; tests read them to
prove that a push wrote nothing, or that retries happened.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class EndpointMetrics:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    throttled: int = 0  # refused by the real rate limiter
    faults: Counter[str] = field(default_factory=Counter)  # injected, by kind
    writes_applied: int = 0  # items whose quantity a write actually changed or set
    records_served: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "throttled": self.throttled,
            "faults": dict(sorted(self.faults.items())),
            "writes_applied": self.writes_applied,
            "records_served": self.records_served,
        }


class Metrics:
    def __init__(self) -> None:
        self._by_channel: dict[str, dict[str, EndpointMetrics]] = defaultdict(dict)

    def endpoint(self, channel: str, route: str) -> EndpointMetrics:
        endpoints = self._by_channel[channel]
        if route not in endpoints:
            endpoints[route] = EndpointMetrics()
        return endpoints[route]

    def reset(self) -> None:
        self._by_channel.clear()

    def as_dict(self) -> dict[str, Any]:
        report: dict[str, Any] = {}
        for channel, endpoints in sorted(self._by_channel.items()):
            totals = EndpointMetrics()
            for metrics in endpoints.values():
                totals.requests += metrics.requests
                totals.statuses.update(metrics.statuses)
                totals.throttled += metrics.throttled
                totals.faults.update(metrics.faults)
                totals.writes_applied += metrics.writes_applied
                totals.records_served += metrics.records_served
            report[channel] = {
                "total": totals.as_dict(),
                "endpoints": {route: m.as_dict() for route, m in sorted(endpoints.items())},
            }
        return report
