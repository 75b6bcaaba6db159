"""Small conveniences for webhook tests: registering, quiet demand, reading the delivery log.

Signature checks are deliberately not here: each test file verifies its channel's signature
with the documented formula written out in the test itself.
"""

from __future__ import annotations

import time
from typing import Any

from tests.helpers.clients import Control

QUIET = {"shopify": 0, "amazon_us": 0, "amazon_de": 0, "tiktok_shop": 0}


def subscribe(control: Control, channel: str, target: str, **extra: Any) -> dict[str, Any]:
    """Register a subscription: `target` is the URL (or, for Amazon, the queue URL)."""
    key = "queue_url" if channel == "amazon" else "url"
    return control.post("/webhooks", {"channel": channel, key: target, **extra})


def sell(control: Control, storefront: str, per_hour: float, seconds: float) -> None:
    """Let shoppers buy on one storefront only, for `seconds` of world time."""
    control.post("/live", {"enabled": True, "orders_per_hour": {**QUIET, storefront: per_hour}})
    control.advance(seconds)


def delivery_faults(control: Control, channel: str, **settings: Any) -> None:
    """Spoil a channel's webhook deliveries from now on (duplicate, drop, delay_s, reorder,
    forged, stale), as sandbox/webhooks/faults.py describes."""
    response = control.http.put(
        f"{control.url}/webhooks/faults", json={"channel": channel, **settings}
    )
    response.raise_for_status()


def deliveries(control: Control, **params: Any) -> list[dict[str, Any]]:
    return control.get("/webhooks", **params)["deliveries"]


def wait_idle(control: Control, timeout: float = 15.0) -> dict[str, Any]:
    """Wait until nothing is being sent (deliveries waiting on the world clock may remain)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = control.get("/webhooks")
        if state["in_flight"] == 0:
            return state
        time.sleep(0.05)
    raise AssertionError("deliveries still in flight")
