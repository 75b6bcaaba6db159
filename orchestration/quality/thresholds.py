"""Limits of the quality suites, from dlt's config section `[quality]` (TOML or environment,
e.g. `QUALITY__MIN_MAPPING_COVERAGE=0.95`)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import dlt


@dataclass(frozen=True)
class QualityThresholds:
    # Share of channel listings that must map to a canonical SKU. Unmapped listings get no
    # stock target: below this share a catalogue change (new SKUs, renamed barcodes) is
    # likely, and pushing the rest would hide it.
    min_mapping_coverage: float = 0.80
    # A channel whose last successful load is older than this is stale: its reported stock
    # and open orders no longer describe the channel, so no target built on them goes out.
    max_load_age_minutes: float = 90.0

    @classmethod
    def from_config(cls) -> QualityThresholds:
        settings: dict[str, Any] = {}
        for field in fields(cls):
            value: Any = dlt.config.get(f"quality.{field.name}")
            if value is not None:
                settings[field.name] = float(value)
        return cls(**settings)
