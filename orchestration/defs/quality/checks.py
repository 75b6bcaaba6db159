"""The Great Expectations suites as Dagster asset checks on the marts.

One step runs every selected suite on one read-only connection (the warehouse pool keeps the
dbt build and the ingests out meanwhile). A failed suite is an ERROR-severity check result with
the failed expectations and a sample of the offending rows by key; the suites that guard the
stock pushes are blocking, so a failure stops every push in the run.
"""

# No `from __future__ import annotations`: Dagster reads the resource types off the signature.
from collections.abc import Iterator
from typing import Any

import dagster as dg

from dlt_sources.registry import SOURCES
from orchestration.keys import WAREHOUSE_POOL, mart_key, raw_key
from orchestration.quality.suites import SUITES, Suite
from orchestration.quality.thresholds import QualityThresholds
from orchestration.quality.validate import SuiteOutcome, run_suites
from orchestration.resources.warehouse import WarehouseResource


def _raw_keys() -> list[dg.AssetKey]:
    return [raw_key(slug, resource) for slug in SOURCES for resource in SOURCES[slug]({}).resources]


def _spec(suite: Suite) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=suite.name,
        asset=mart_key(suite.model),
        description=f"Great Expectations: {suite.description}",
        blocking=suite.blocking,
        additional_deps=_raw_keys() if suite.reads_raw else (),
    )


SPECS = {suite.name: _spec(suite) for suite in SUITES}


@dg.multi_asset_check(
    specs=list(SPECS.values()),
    name="great_expectations_suites",
    can_subset=True,
    pool=WAREHOUSE_POOL,
)
def great_expectations_suites(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.AssetCheckResult]:
    selected = {key.name for key in context.selected_asset_check_keys}
    suites = [suite for suite in SUITES if suite.name in selected]
    thresholds = QualityThresholds.from_config()
    with warehouse.reader("Great Expectations suites") as connection:
        outcomes = run_suites(connection, suites, thresholds)
    for outcome in outcomes:
        yield _result(outcome)


def _result(outcome: SuiteOutcome) -> dg.AssetCheckResult:
    suite = outcome.suite
    failures = outcome.failures
    metadata: dict[str, Any] = {
        "rows_checked": dg.MetadataValue.int(outcome.rows_checked),
        "expectations": dg.MetadataValue.int(len(outcome.expectations)),
        "expectations_failed": dg.MetadataValue.int(len(failures)),
        "results": dg.MetadataValue.md(
            "\n".join(
                f"- {'PASS' if item.success else 'FAIL'} {item.describe()}"
                for item in outcome.expectations
            )
        ),
    }
    if failures:
        metadata["failing_rows_sample"] = dg.MetadataValue.json(
            {failure.expectation: failure.sample for failure in failures if failure.sample}
        )
    return dg.AssetCheckResult(
        asset_key=mart_key(suite.model),
        check_name=suite.name,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(failure.describe() for failure in failures) or None,
        metadata=metadata,
    )
