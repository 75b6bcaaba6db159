"""Stock pushes: each writable channel's listings set to their reconciled targets.

A push asset runs after the marts it reads and after the blocking quality checks on them, so a
failed check (dbt test or Great Expectations suite) leaves every channel untouched. The push's
own guard (zero drops, units above stock, stale snapshot, change limits) is the asset check
`push_guard`: a blocked plan fails it with the reason, writes nothing and fails the step.
Each channel has its own pool: one process at a time spends a channel's rate budget.
"""

# No `from __future__ import annotations`: Dagster reads the run config class off the signature.
from collections.abc import Iterator
from typing import Any

import dagster as dg

from orchestration.defs.push.config import PushConfig
from orchestration.keys import channel_pool, layer_tags, mart_key, push_key
from orchestration.push import run_push
from orchestration.resources.channels import ChannelsResource
from orchestration.resources.warehouse import WarehouseResource
from reverse_etl.push import PushReport
from reverse_etl.writers.registry import WRITABLE

GUARD = "push_guard"
# What a push reads, and what must have passed its checks before it may run.
INPUTS = ("inventory_push_targets", "fct_inventory_positions", "dim_channel_listings")


def build_push_asset(slug: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=push_key(slug),
        group_name=slug,
        deps=[mart_key(model) for model in INPUTS],
        description=(
            f"Sets every pushable {slug} listing to its target in marts.inventory_push_targets: "
            "plan (only listings whose target differs from what the channel shows), guard, "
            "write, read back, ledger (reverse_etl.push_runs, reverse_etl.push_ledger)."
        ),
        kinds={"python", slug},
        tags=layer_tags("push", slug),
        pool=channel_pool(slug),
        check_specs=[
            dg.AssetCheckSpec(
                GUARD,
                asset=push_key(slug),
                description="The plan passed the push guard (nothing is written when it fails).",
            )
        ],
    )
    def push(
        context: dg.AssetExecutionContext,
        config: PushConfig,
        warehouse: WarehouseResource,
        channels: ChannelsResource,
    ) -> Iterator[Any]:
        report = run_push(
            channels=[slug],
            dry_run=config.dry_run,
            config_file=channels.settings_file(),
            warehouse=warehouse.location,
            failed_quality_checks=(),
        )
        context.log.info(f"push {report.run_id}: {report.status}\n{report.plan.describe()}")
        yield _guard_result(slug, report)
        if report.blocked:
            reasons = "; ".join(str(failure) for failure in report.blocked)
            raise dg.Failure(
                description=f"{slug} push blocked, nothing written: {reasons}",
                metadata=_metadata(report),
            )
        yield dg.MaterializeResult(asset_key=push_key(slug), metadata=_metadata(report))
        if not report.ok:
            failed = [o for o in report.outcomes if o.error]
            listed = "\n".join(f"{o.listing_key}: {o.status} - {o.error}" for o in failed[:20])
            raise dg.Failure(
                description=f"{slug} push {report.status}: {len(failed)} listings not set\n{listed}"
            )

    return push


def _guard_result(slug: str, report: PushReport) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=push_key(slug),
        check_name=GUARD,
        passed=not report.blocked,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(str(failure) for failure in report.blocked) or None,
        metadata={
            "plan": dg.MetadataValue.text(report.plan.describe()),
            "push_run_id": dg.MetadataValue.text(report.run_id),
        },
    )


def _metadata(report: PushReport) -> dict[str, Any]:
    counts = report.counts()
    return {
        "push_run_id": dg.MetadataValue.text(report.run_id),
        "status": dg.MetadataValue.text(report.status),
        "dry_run": dg.MetadataValue.bool(report.dry_run),
        "listings_planned": dg.MetadataValue.int(len(report.plan.changes)),
        "listings_written": dg.MetadataValue.int(
            counts.get("written", 0) + counts.get("conflict_replanned", 0)
        ),
        "listings_unchanged": dg.MetadataValue.int(counts.get("unchanged", 0)),
        "listings_failed": dg.MetadataValue.int(
            sum(n for status, n in counts.items() if status in ("failed", "not_confirmed"))
        ),
        "listings_blocked": dg.MetadataValue.int(len(report.plan.changes) if report.blocked else 0),
        "api_calls": dg.MetadataValue.int(sum(report.calls.values())),
        "plan": dg.MetadataValue.text(report.plan.describe()),
    }


@dg.definitions
def stock_pushes() -> dg.Definitions:
    """One push per channel the writer registry knows (a new writer needs no edit here)."""
    return dg.Definitions(assets=[build_push_asset(slug) for slug in WRITABLE])
