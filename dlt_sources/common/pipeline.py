"""Running one channel's source into the warehouse, and saying what happened.

The warehouse is a DuckDB file by default (`TRIBUTARY_WAREHOUSE`, else
`data/tributary.duckdb`); any dlt destination works by passing it in (Postgres, MotherDuck,
Snowflake...). A failed load leaves nothing half-done behind: its pending package is dropped
so the next run starts from the last committed state, and the error names what broke.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dlt
from dlt.common.destination import Destination
from dlt.common.schema.exceptions import DataValidationError
from dlt.pipeline.exceptions import PipelineStepFailed

from channels.errors import ChannelError
from channels.transport import RequestTally
from dlt_sources.common.quarantine import TABLE as QUARANTINE
from dlt_sources.common.tables import EVOLVING

WAREHOUSE_ENV = "TRIBUTARY_WAREHOUSE"
# The raw contract of every channel: the tables and columns a load may write (see README).
CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"
PIPELINES_ENV = "TRIBUTARY_PIPELINES_DIR"


_SILENT: Any = None


class IngestError(RuntimeError):
    """A channel's load failed; the message names the channel, step and cause."""


@dataclass
class IngestReport:
    channel: str
    load_id: str | None
    rows: dict[str, int] = field(default_factory=dict)
    requests: RequestTally = field(default_factory=RequestTally)

    @property
    def quarantined(self) -> int:
        return self.rows.get(QUARANTINE, 0)

    def summary(self) -> str:
        tables = ", ".join(f"{table} {count:,}" for table, count in sorted(self.rows.items()))
        return (
            f"{self.channel}: load {self.load_id} - {tables or 'no new rows'}; "
            f"{self.quarantined:,} quarantined; {self.requests.requests:,} API requests, "
            f"{self.requests.throttled:,} throttled"
        )


def warehouse_path() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV, "data/tributary.duckdb"))


def default_destination() -> Any:
    path = warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return dlt.destinations.duckdb(str(path))


def make_pipeline(
    slug: str,
    *,
    destination: Destination[Any, Any] | Any | None = None,
    pipelines_dir: str | Path | None = None,
) -> dlt.Pipeline:
    directory = pipelines_dir or os.environ.get(PIPELINES_ENV) or ".tributary/pipelines"
    return dlt.pipeline(
        pipeline_name=f"tributary_{slug}",
        destination=destination or default_destination(),
        dataset_name=f"raw_{slug}",
        pipelines_dir=str(directory),
        progress="log" if os.environ.get("TRIBUTARY_PROGRESS") else _SILENT,
        import_schema_path=str(CONTRACTS),
    )


def run_source(
    pipeline: dlt.Pipeline,
    source: Any,
    *,
    full_refresh: bool = False,
    evolve_schema: bool = False,
) -> IngestReport:
    """Extract, normalize and load `source`; a failure raises `IngestError`, leaving no package."""
    slug = pipeline.dataset_name.removeprefix("raw_")
    try:
        options: dict[str, Any] = {}
        if "jsonl" in pipeline.destination.capabilities().supported_loader_file_formats:
            # DuckDB's default (huge INSERT statements) took 11 GiB to merge the medium world's
            # Shopify orders; it reads JSONL files in a stream, under 1 GiB.
            options["loader_file_format"] = "jsonl"
        if full_refresh:
            # A run of some resources (a Dagster subset) drops only their tables and state.
            partial = set(source.selected_resources) != set(source.resources)
            options["refresh"] = "drop_resources" if partial else "drop_sources"
        if evolve_schema:
            options["schema_contract"] = EVOLVING
        info = pipeline.run(source, **options)
    except PipelineStepFailed as failure:
        pipeline.abort_packages()
        raise IngestError(_explain(slug, failure)) from failure
    trace = pipeline.last_trace
    normalized = trace.last_normalize_info if trace is not None else None
    counts = dict(normalized.row_counts) if normalized is not None else {}
    rows = {table: count for table, count in counts.items() if not table.startswith("_dlt")}
    load_id = info.loads_ids[-1] if info.loads_ids else None
    return IngestReport(channel=slug, load_id=load_id, rows=rows)


def _explain(slug: str, failure: PipelineStepFailed) -> str:
    cause: BaseException | None = failure
    while cause is not None:
        if isinstance(cause, ChannelError):
            return f"{slug}: {failure.step} failed: {cause}"
        if isinstance(cause, DataValidationError):
            return (
                f"{slug}: schema contract violated at step {failure.step}: table "
                f"{cause.table_name!r}, column {cause.column_name!r} "
                f"({cause.schema_entity} are {cause.contract_mode}). Upstream renamed or added a "
                "field; review the change, then rerun with --evolve-schema to accept it."
            )
        cause = cause.__cause__ or cause.__context__
    text = str(failure.exception) if failure.exception else str(failure)
    if "Contract on" in text and "is violated" in text:
        detail = text[text.index("In schema") :] if "In schema" in text else text
        return (
            f"{slug}: schema contract violated at step {failure.step}: {detail.splitlines()[0]} "
            "Upstream renamed or added a field; review it, then rerun with --evolve-schema."
        )
    return f"{slug}: {failure.step} failed: {text}"
