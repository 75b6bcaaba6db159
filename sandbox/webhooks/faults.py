"""Delivery faults, per channel: the bad weather of webhooks a receiver must survive.

- `duplicate`: the same event delivered twice (same event id, another delivery id);
- `reorder`: a delivery held back until a later event of the same order (or item, or stock
  cell) has been delivered, so the later one overtakes it (or `reorder_hold_s` world seconds
  pass);
- `delay` (share, default every delivery once `delay_s` is set) with `delay_s: [min, max]`
  world seconds after the event before the first attempt;
- `drop`: never delivered, nor retried;
- `forged`: signed with a wrong secret (not for Amazon, which signs nothing);
- `stale`: signed correctly, but the real-clock time it states is two days old.

Decisions come from a generator seeded by (seed, channel), and every delivery takes the same
number of draws whatever is configured, so one seed and one event sequence meet the same
faults on every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields
from typing import Any

STALE_S = 2 * 86_400
SHARES = ("duplicate", "reorder", "delay", "drop", "forged", "stale")
UNSIGNED_CHANNELS = frozenset({"amazon"})


@dataclass(frozen=True)
class WebhookFaultSettings:
    duplicate: float = 0.0
    reorder: float = 0.0
    delay: float = 0.0
    delay_s: tuple[float, float] = (0.0, 0.0)
    drop: float = 0.0
    forged: float = 0.0
    stale: float = 0.0
    reorder_hold_s: float = 600.0

    @classmethod
    def parse(cls, channel: str, payload: dict[str, Any]) -> WebhookFaultSettings:
        known = {f.name for f in fields(cls)}
        unknown = set(payload) - known
        if unknown:
            raise ValueError(f"unknown webhook faults {sorted(unknown)}; known: {sorted(known)}")
        values = dict(payload)
        if "delay_s" in values:
            low, high = (float(v) for v in values["delay_s"])
            if not 0 <= low <= high:
                raise ValueError("delay_s must be [min, max] world seconds with 0 <= min <= max")
            values["delay_s"] = (low, high)
            values.setdefault("delay", 1.0)
        for share in SHARES:
            values[share] = float(values.get(share, 0.0))
            if not 0 <= values[share] <= 1:
                raise ValueError(f"{share} must be a share between 0 and 1, got {values[share]}")
        if channel in UNSIGNED_CHANNELS and values["forged"]:
            raise ValueError(f"{channel} signs nothing, so nothing can be forged")
        if float(values.get("reorder_hold_s", 600.0)) <= 0:
            raise ValueError("reorder_hold_s must be positive")
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)} | {
            "delay_s": list(self.delay_s)
        }


@dataclass(frozen=True)
class FaultDraw:
    """What befalls one delivery."""

    drop: bool = False
    duplicate: bool = False
    reorder: bool = False
    delay_s: float = 0.0
    forged: bool = False
    stale: bool = False

    def names(self) -> list[str]:
        chosen = [
            name
            for name in ("drop", "duplicate", "reorder", "forged", "stale")
            if getattr(self, name)
        ]
        return [*chosen, "delay"] if self.delay_s else chosen


class WebhookFaults:
    def __init__(self, seed: int, channel: str) -> None:
        self.settings = WebhookFaultSettings()
        self._random = random.Random(f"{seed}:{channel}:webhook-faults")

    def configure(self, settings: WebhookFaultSettings) -> None:
        self.settings = settings

    def draw(self) -> FaultDraw:
        rolls = [self._random.random() for _ in range(7)]
        settings = self.settings
        low, high = settings.delay_s
        delayed = rolls[3] < settings.delay
        return FaultDraw(
            drop=rolls[0] < settings.drop,
            duplicate=rolls[1] < settings.duplicate,
            reorder=rolls[2] < settings.reorder,
            delay_s=low + (high - low) * rolls[4] if delayed else 0.0,
            forged=rolls[5] < settings.forged,
            stale=rolls[6] < settings.stale,
        )
