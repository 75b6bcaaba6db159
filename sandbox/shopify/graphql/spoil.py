"""Bad records in GraphQL answers (the `corrupt_field` fault), in response data and bulk lines.

Loads mostly read orders through GraphQL paging and bulk export, so that is where a malformed
amount (`"12,30"`) or a non-integer quantity must reach them. Every object, at any depth, that
carries the field is a candidate, spoiled with the configured share. GraphQL always returns a
field that was selected, so without a configured `value` the field comes back null rather than
missing (REST drops the key: its objects have no fixed shape).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from sandbox.server.faults import FaultSettings


@dataclass(frozen=True)
class Corruption:
    """What `corrupt_field` asks for: which response key, how often, and what to put there."""

    field: str
    share: float
    value: Any  # None (null) when no value was configured

    @classmethod
    def of(cls, settings: FaultSettings) -> Corruption | None:
        corrupt = settings.corrupt_field
        if corrupt is None:
            return None
        return cls(str(corrupt["field"]), float(corrupt.get("share", 1.0)), corrupt.get("value"))


@dataclass(frozen=True)
class Spoiler:
    """A corruption bound to the generator whose draws decide which objects it hits."""

    corruption: Corruption
    rng: random.Random

    def spoil(self, data: Any) -> int:
        """Spoil `data` in place (depth first, in key order, so draws follow the response's own
        order and a seed fixes the outcome); returns how many values were replaced."""
        spoiled = 0
        pending = [data]
        field = self.corruption.field
        while pending:
            item = pending.pop()
            if isinstance(item, list):
                pending.extend(reversed(item))
                continue
            if not isinstance(item, dict):
                continue
            children = list(item.items())
            if field in item and self.rng.random() < self.corruption.share:
                item[field] = self.corruption.value  # and not searched again: it is not data
                children = [(key, value) for key, value in children if key != field]
                spoiled += 1
            pending.extend(value for _, value in reversed(children))
        return spoiled
