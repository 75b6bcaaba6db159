"""Checks that block a whole push before anything is written.

A wrong number pushed at machine speed does real damage: zeros after a bad stock read, a
stale figure, more units offered than exist. Each check below names what it saw; any
failure stops every write of the run. Thresholds are configuration (GuardConfig).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from reverse_etl.plan import Plan


@dataclass(frozen=True)
class GuardConfig:
    # Block when more than this share of a channel's pushable listings would drop to zero.
    max_zero_share: float = 0.25
    # ... but never for a handful of listings: a small catalog may legitimately sell out.
    zero_share_min_listings: int = 20
    # Block when the warehouse stock snapshot behind the targets is older than this.
    max_snapshot_age: timedelta = timedelta(hours=2)
    # Block when a channel would change more listings than this in one run (per channel).
    max_changes_per_channel: Mapping[str, int] = field(default_factory=dict)
    default_max_changes: int = 100_000

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> GuardConfig:
        return cls(
            max_zero_share=float(settings.get("max_zero_share", 0.25)),
            zero_share_min_listings=int(settings.get("zero_share_min_listings", 20)),
            max_snapshot_age=timedelta(
                minutes=float(settings.get("max_snapshot_age_minutes", 120))
            ),
            max_changes_per_channel={
                str(k): int(v) for k, v in (settings.get("max_changes_per_channel") or {}).items()
            },
            default_max_changes=int(settings.get("default_max_changes", 100_000)),
        )


@dataclass(frozen=True)
class GuardFailure:
    check: str
    reason: str

    def __str__(self) -> str:
        return f"{self.check}: {self.reason}"


def check_plan(
    plan: Plan,
    config: GuardConfig,
    *,
    failed_quality_checks: Sequence[str] = (),
    build_problems: Sequence[str] = (),
    now: datetime | None = None,
) -> list[GuardFailure]:
    """Every reason to block this plan; empty when it may be written.

    `build_problems`: why the dbt build behind the targets cannot be trusted
    (reverse_etl.builds); `failed_quality_checks`: blocking checks that failed upstream."""
    failures = [GuardFailure("build_results", problem) for problem in build_problems]
    failures += [
        GuardFailure("quality_checks", f"blocking check failed upstream: {name}")
        for name in failed_quality_checks
    ]
    failures += _zero_drops(plan, config)
    failures += _oversupply(plan)
    failures += _stale_snapshot(plan, config, now or datetime.now(UTC))
    failures += _too_many_changes(plan, config)
    return failures


def _zero_drops(plan: Plan, config: GuardConfig) -> list[GuardFailure]:
    found = []
    for summary in plan.summaries():
        if summary.pushable_listings < config.zero_share_min_listings:
            continue
        share = summary.to_zero / summary.pushable_listings
        if share > config.max_zero_share:
            found.append(
                GuardFailure(
                    "zero_drops",
                    f"{summary.channel}: {summary.to_zero} of {summary.pushable_listings} "
                    f"listings ({share:.0%}) would drop to zero (limit "
                    f"{config.max_zero_share:.0%}); a bad stock read looks like this",
                )
            )
    return found


def _oversupply(plan: Plan) -> list[GuardFailure]:
    found = [
        GuardFailure(
            "units_above_stock",
            f"{change.listing_key} ({change.sku}): target {change.target} exceeds the "
            f"{change.on_hand} units on hand",
        )
        for change in plan.changes
        if change.target > change.on_hand
    ][:10]
    for (channel, store_id), offered in sorted(plan.units_offered_by_storefront.items()):
        if offered > plan.physical_units:
            found.append(
                GuardFailure(
                    "units_above_stock",
                    f"{channel} storefront {store_id}: {offered} units offered across its "
                    f"listings, {plan.physical_units} exist in the warehouse",
                )
            )
    return found


def _stale_snapshot(plan: Plan, config: GuardConfig, now: datetime) -> list[GuardFailure]:
    if not plan.changes:
        return []
    if plan.stock_snapshot_at is None:
        return [GuardFailure("stale_stock", "the targets carry no stock snapshot time")]
    taken = plan.stock_snapshot_at
    if taken.tzinfo is None:
        taken = taken.replace(tzinfo=UTC)
    age = now - taken
    if age > config.max_snapshot_age:
        return [
            GuardFailure(
                "stale_stock",
                f"the stock snapshot is {age} old (taken {taken.isoformat()}, limit "
                f"{config.max_snapshot_age})",
            )
        ]
    return []


def _too_many_changes(plan: Plan, config: GuardConfig) -> list[GuardFailure]:
    found = []
    for summary in plan.summaries():
        limit = config.max_changes_per_channel.get(summary.channel, config.default_max_changes)
        if summary.changing > limit:
            found.append(
                GuardFailure(
                    "channel_change_limit",
                    f"{summary.channel}: {summary.changing} listings would change, limit {limit}",
                )
            )
    return found
