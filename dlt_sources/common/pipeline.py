"""Running one channel's source into the warehouse, all or nothing, and saying what happened.

The warehouse is a DuckDB file by default (`TRIBUTARY_WAREHOUSE`, else
`data/tributary.duckdb`). A run goes through dlt's three steps on its own terms:

1. **Finish what an interrupted run left** (`dlt_sources.common.packages`): a run killed
   mid-load left a package whose jobs may or may not have committed; it is loaded to the end
   (rows of jobs that may have landed are removed first, so nothing loads twice) before
   anything new is read. A crash therefore costs one re-run, never rows.
2. **Extract and normalize** without touching the warehouse: the network part, as long as the
   channel needs, bounded by its deadline. A failure here aborts the package and rewinds dlt's
   local state, so nothing of it loads and the next run reads the same window again.
3. **Load** under the warehouse writer lock, on a connection opened for it. Snapshot tables
   are replaced from dlt's staging dataset in one transaction per table
   (`insert-from-staging`), merged tables are merged in one transaction per table: a failed
   load leaves every table with its previous rows, never a truncated one.

One ingest of a channel runs at a time (a lock on its dlt working directory): a second
process waits, or gives up naming the first, and never deletes the first's packages.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dlt
from dlt.common.schema.exceptions import DataValidationError
from dlt.pipeline.exceptions import PipelineStepFailed

from channels.errors import ChannelError
from channels.transport import RequestTally
from core.locks import FileLock
from core.warehouse import Warehouse
from dlt_sources.common.packages import drop_empty_jobs, finish_interrupted_loads
from dlt_sources.common.quarantine import TABLE as QUARANTINE
from dlt_sources.common.tables import EVOLVING

log = logging.getLogger(__name__)

# The raw contract of every channel: the tables and columns a load may write (see README).
CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"
PIPELINES_ENV = "TRIBUTARY_PIPELINES_DIR"
DEFAULT_PIPELINES_DIR = Path(".tributary/pipelines")
# Snapshot tables load into the staging dataset and replace the table in one transaction.
REPLACE_STRATEGY = "insert-from-staging"

_SILENT: Any = None


class IngestError(RuntimeError):
    """A channel's load failed; the message names the channel, step and cause."""


@dataclass
class IngestReport:
    channel: str
    load_id: str | None
    rows: dict[str, int] = field(default_factory=dict)
    requests: RequestTally = field(default_factory=RequestTally)
    recovered: list[str] = field(default_factory=list)  # packages an interrupted run left

    @property
    def quarantined(self) -> int:
        return self.rows.get(QUARANTINE, 0)

    def summary(self) -> str:
        tables = ", ".join(f"{table} {count:,}" for table, count in sorted(self.rows.items()))
        recovered = (
            f"; finished {len(self.recovered)} load(s) an interrupted run left"
            if self.recovered
            else ""
        )
        return (
            f"{self.channel}: load {self.load_id} - {tables or 'no new rows'}; "
            f"{self.quarantined:,} quarantined; {self.requests.requests:,} API requests, "
            f"{self.requests.throttled:,} throttled{recovered}"
        )


def pipelines_dir(directory: str | Path | None = None) -> Path:
    return Path(directory or os.environ.get(PIPELINES_ENV) or DEFAULT_PIPELINES_DIR)


def destination(warehouse: Warehouse, connection: Any = None) -> Any:
    """dlt's DuckDB destination for `warehouse`, on `connection` when the caller opened one
    (under the writer lock), else on the file (for steps that never connect)."""
    return dlt.destinations.duckdb(
        connection if connection is not None else str(warehouse.path),
        replace_strategy=REPLACE_STRATEGY,
    )


def make_pipeline(
    slug: str,
    *,
    warehouse: Warehouse | None = None,
    directory: str | Path | None = None,
) -> dlt.Pipeline:
    return dlt.pipeline(
        pipeline_name=f"tributary_{slug}",
        destination=destination(warehouse or Warehouse.from_env()),
        dataset_name=f"raw_{slug}",
        pipelines_dir=str(pipelines_dir(directory)),
        progress="log" if os.environ.get("TRIBUTARY_PROGRESS") else _SILENT,
        import_schema_path=str(CONTRACTS),
    )


def ingest_lock(slug: str, directory: str | Path | None = None) -> FileLock:
    """One ingest of `slug` at a time per dlt working directory (its packages and state)."""
    path = pipelines_dir(directory) / f"tributary_{slug}.lock"
    return FileLock(path, f"the {slug} ingest lock", purpose=f"ingest {slug}")


def run_source(
    pipeline: dlt.Pipeline,
    source: Any,
    warehouse: Warehouse,
    *,
    full_refresh: bool = False,
    evolve_schema: bool = False,
) -> IngestReport:
    """Finish any interrupted load, then extract, normalize and load `source`.

    A failure raises `IngestError`; the warehouse then holds every table's previous rows and
    dlt's state its previous cursors."""
    slug = pipeline.dataset_name.removeprefix("raw_")
    recovered = _finish_interrupted(pipeline, warehouse, slug)
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
    with _aborting_on_failure(pipeline, warehouse, slug):
        pipeline.extract(source, **options)
        normalized = pipeline.normalize()
    drop_empty_jobs(pipeline)
    with (
        _aborting_on_failure(pipeline, warehouse, slug),
        warehouse.writer(f"load {slug}") as connection,
    ):
        info = pipeline.load(destination=destination(warehouse, connection))
    counts = dict(normalized.row_counts) if normalized is not None else {}
    rows = {table: count for table, count in counts.items() if not table.startswith("_dlt")}
    load_id = info.loads_ids[-1] if info.loads_ids else None
    return IngestReport(channel=slug, load_id=load_id, rows=rows, recovered=recovered)


def _finish_interrupted(pipeline: dlt.Pipeline, warehouse: Warehouse, slug: str) -> list[str]:
    """Load what a killed run left, and pick up state a lost working directory forgot."""
    with (
        _aborting_on_failure(pipeline, warehouse, slug, "finishing an interrupted load"),
        warehouse.writer(f"recover {slug}") as connection,
    ):
        target = destination(warehouse, connection)
        recovered = finish_interrupted_loads(pipeline, target)
        pipeline.sync_destination(destination=target)
    if recovered:
        log.warning("%s: finished %d load(s) an interrupted run left", slug, len(recovered))
    return recovered


@contextmanager
def _aborting_on_failure(
    pipeline: dlt.Pipeline, warehouse: Warehouse, slug: str, doing: str = ""
) -> Iterator[None]:
    """Turn a failed step into `IngestError`, after aborting its package: the package's rows
    never load and dlt's local state rewinds to where the package started."""
    try:
        yield
    except PipelineStepFailed as failure:
        _abort(pipeline, warehouse)
        prefix = f"{doing}: " if doing else ""
        raise IngestError(prefix + _explain(slug, failure)) from failure


def _abort(pipeline: dlt.Pipeline, warehouse: Warehouse) -> None:
    if not pipeline.has_pending_data:
        return
    with warehouse.writer(f"abort {pipeline.pipeline_name}") as connection:
        pipeline.destination = destination(warehouse, connection)  # type: ignore[misc]
        pipeline.abort_packages()


def _explain(slug: str, failure: PipelineStepFailed) -> str:
    cause: BaseException | None = failure
    while cause is not None:
        if isinstance(cause, ChannelError):
            return f"{slug}: {failure.step} failed: {cause}"
        if isinstance(cause, DataValidationError):
            return _contract_violation(slug, failure.step, cause)
        cause = cause.__cause__ or cause.__context__
    text = str(failure.exception) if failure.exception else str(failure)
    if "Contract on" in text and "is violated" in text:
        detail = text[text.index("In schema") :] if "In schema" in text else text
        return (
            f"{slug}: schema contract violated at step {failure.step}: {detail.splitlines()[0]} "
            "Upstream renamed or added a field; review it, then rerun with --evolve-schema."
        )
    return f"{slug}: {failure.step} failed: {text}"


def _contract_violation(slug: str, step: str, cause: DataValidationError) -> str:
    where = f"table {cause.table_name!r}, column {cause.column_name!r}"
    if cause.schema_entity == "data_type":
        what = (
            "a value of another type arrived (the channel changed the field's type, or sent a "
            "bad value the source's checks do not cover)"
        )
    else:
        what = "upstream renamed or added a field"
    return (
        f"{slug}: schema contract violated at step {step}: {where} "
        f"({cause.schema_entity} are {cause.contract_mode}): {what}. Nothing was loaded; "
        "review the change, then rerun with --evolve-schema to accept it."
    )
