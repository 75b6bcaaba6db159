"""Run suites against the warehouse with Great Expectations and say what failed, on which rows."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from orchestration.quality.suites import Suite
from orchestration.quality.thresholds import QualityThresholds

SAMPLE_ROWS = 10


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    arguments: dict[str, Any]
    success: bool
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    observed_value: Any = None
    sample: list[dict[str, Any]] = field(default_factory=list)

    def describe(self) -> str:
        subject = ", ".join(
            f"{key}={value}"
            for key, value in self.arguments.items()
            if key in ("column", "column_A", "column_B", "min_value", "max_value", "mostly")
        )
        found = (
            f"{self.unexpected_count} rows ({self.unexpected_percent or 0:.2f}%) unexpected"
            if self.unexpected_count is not None
            else f"observed {self.observed_value}"
        )
        return f"{self.expectation}({subject}): {found}"


@dataclass(frozen=True)
class SuiteOutcome:
    suite: Suite
    rows_checked: int
    expectations: list[ExpectationOutcome]

    @property
    def passed(self) -> bool:
        return all(outcome.success for outcome in self.expectations)

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.expectations if not outcome.success]


def raw_datasets(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute(
        "select distinct table_schema from information_schema.tables "
        "where table_schema like 'raw\\_%' escape '\\' and table_name = '_dlt_loads' "
        "order by 1"
    ).fetchall()
    return [str(row[0]) for row in rows]


def run_suites(
    connection: duckdb.DuckDBPyConnection,
    suites: Sequence[Suite],
    thresholds: QualityThresholds,
) -> list[SuiteOutcome]:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no telemetry from a data platform
    import great_expectations as gx  # noqa: PLC0415 - a 5 s import, paid only when checks run
    from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: PLC0415

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("tributary_warehouse")
    datasets = raw_datasets(connection)
    outcomes = []
    for suite in suites:
        frame = connection.execute(suite.query(datasets)).df()
        batch = (
            source.add_dataframe_asset(name=suite.name)
            .add_batch_definition_whole_dataframe("whole")
            .get_batch(batch_parameters={"dataframe": frame})
        )
        expectation_suite = gx.ExpectationSuite(
            name=suite.name, expectations=suite.expectations(thresholds)
        )
        result = batch.validate(
            expectation_suite,
            result_format={
                "result_format": "SUMMARY",
                "unexpected_index_column_names": list(suite.id_columns),
                "partial_unexpected_count": SAMPLE_ROWS,
            },
        )
        outcomes.append(
            SuiteOutcome(
                suite=suite,
                rows_checked=len(frame),
                expectations=[_outcome(item) for item in result.results],
            )
        )
    return outcomes


def _outcome(item: Any) -> ExpectationOutcome:
    details: dict[str, Any] = dict(item.result or {})
    arguments = {
        key: value for key, value in item.expectation_config.kwargs.items() if key != "batch_id"
    }
    if "value_set" in arguments and len(arguments["value_set"]) > 5:
        arguments["value_set"] = f"{len(arguments['value_set'])} values"
    return ExpectationOutcome(
        expectation=str(item.expectation_config.type),
        arguments=arguments,
        success=bool(item.success),
        unexpected_count=details.get("unexpected_count"),
        unexpected_percent=details.get("unexpected_percent"),
        observed_value=_plain(details.get("observed_value")),
        sample=[
            {str(key): _plain(value) for key, value in row.items()}
            for row in details.get("partial_unexpected_index_list") or []
        ][:SAMPLE_ROWS],
    )


def _plain(value: Any) -> Any:
    """numpy scalars and the like as JSON-friendly Python values."""
    if hasattr(value, "item"):
        return value.item()
    return value
