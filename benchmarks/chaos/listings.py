"""What the channels show against the targets, and what the stock writes said within a trial.

- at target: every listing `inventory_push_targets` marks pushable displays its
  `target_quantity` in the sandbox (`/truth/listings`), i.e. the pushes finished the job;
- conflicting writes: within one trial the world stands still, so every listing has one
  target; two different quantities written to one listing in a trial (the stock-write log,
  `/truth/stock-writes`) mean two pushes disagreed, e.g. a killed push and its re-run
  planning from different data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

TARGETS = "select listing_key, target_quantity from marts.inventory_push_targets where is_pushable"


def listing_key(channel: str, store_id: Any, key: dict[str, Any]) -> str:
    """The marts' listing_key for a sandbox listing."""
    if channel == "shopify":
        return f"shopify:{store_id}:{key['inventory_item_id']}@{key['location_id']}"
    if channel == "amazon":
        return f"amazon:{store_id}:{key['seller_sku']}"
    return f"{channel}:{store_id}:{key['sku_id']}@{key['warehouse_id']}"


def targets(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {str(key): int(target) for key, target in connection.execute(TARGETS).fetchall()}


def displayed(listings: list[dict[str, Any]]) -> dict[str, int]:
    return {
        listing_key(row["channel"], row["store_id"], row["key"]): int(row["displayed_quantity"])
        for row in listings
    }


@dataclass
class TargetCheck:
    pushable: int = 0
    off_target: list[str] = field(default_factory=list)  # "key: shows x, target y"

    @property
    def all_at_target(self) -> bool:
        return self.pushable > 0 and not self.off_target

    def by_channel(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for line in self.off_target:
            channel = line.split(":", 1)[0]
            counts[channel] = counts.get(channel, 0) + 1
        return counts


def check_targets(
    wanted: dict[str, int], shown: dict[str, int], channels: set[str] | None = None
) -> TargetCheck:
    """Pushable listings (of `channels`, default all) that do not display their target."""
    check = TargetCheck()
    for key, target in sorted(wanted.items()):
        if channels is not None and key.split(":", 1)[0] not in channels:
            continue
        check.pushable += 1
        if shown.get(key) != target:
            check.off_target.append(f"{key}: shows {shown.get(key)}, target {target}")
    return check


def write_counts(log: list[dict[str, Any]]) -> dict[str, int]:
    """How many writes each listing has had so far (where a trial's writes start)."""
    return {
        listing_key(row["channel"], row["store_id"], row["key"]): len(row["writes"]) for row in log
    }


def conflicting_writes(log: list[dict[str, Any]], before: dict[str, int]) -> list[str]:
    """Listings given two different quantities since `before` (see `write_counts`)."""
    conflicts = []
    for row in log:
        key = listing_key(row["channel"], row["store_id"], row["key"])
        quantities = [write["quantity"] for write in row["writes"][before.get(key, 0) :]]
        if len(set(quantities)) > 1:
            conflicts.append(f"{key}: {quantities}")
    return conflicts
