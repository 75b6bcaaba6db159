"""Surgery on dlt's load packages before they load: what dlt's own loader gets wrong.

**Finishing a load a killed run left behind, without loading any row twice.** dlt loads a
package job by job: each job's rows commit in the warehouse, then dlt records the job as done
in its working directory. A process killed between the two leaves a job that is listed as
started yet may already have landed; dlt runs such a job again when the package is resumed,
and its rows would then be there twice (seen as 152 product rows for 76 products).

Before resuming, every started job whose outcome dlt did not record is undone: the rows it
carries (identified by their `_dlt_id`, which dlt assigns once, when it normalizes) are
deleted from the table it loads into, in the staging dataset for merged and replaced tables,
in the dataset itself for appended ones. Running it again then lands each row exactly once.
SQL follow-up jobs (the merge or replace into the final table) run in one transaction and
recompute their result from staging, so running them again is harmless.

**The husk of a normalized extract.** dlt normalizes a package by renaming the result into
place, then deleting the extracted original file by file; killed in between, the original's
remains (no `new_jobs`) made every later normalize fail. They are removed first
(`discard_normalized_extracts`).

**Empty snapshot files.** dlt writes an empty file for a replace table that received no rows,
so that the table gets truncated; DuckDB reads an empty JSONL file as one column named `json`
and the load fails ("Table kits does not have a column with name json"), every run, for a
shop that simply has no kits. An empty snapshot only gets this far when the table was empty
before too (`Sorter.judge` refuses one that had rows), so the empty job is dropped instead.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from pathlib import Path
from typing import Any

import dlt
import orjson
from dlt.common.storages import FileStorage
from dlt.common.storages.load_package import ParsedLoadJobFileName

log = logging.getLogger(__name__)

DATA_FORMATS = ("jsonl",)
# Formats whose rows are only undone all at once, by the package's load id.
WHOLE_PACKAGE_FORMATS = ("insert_values", "parquet", "csv")


def finish_interrupted_loads(pipeline: dlt.Pipeline, target: Any) -> list[str]:
    """Normalize and load every package an earlier run left; returns their load ids."""
    if not pipeline.has_pending_data:
        return []
    discard_normalized_extracts(pipeline)
    if pipeline.list_extracted_load_packages():
        if pipeline.default_schema_name is None:
            discard_unrecorded_extracts(pipeline)
        else:
            pipeline.normalize()
            drop_empty_jobs(pipeline)
    pending = list(pipeline.list_normalized_load_packages())
    if not pending:
        return []
    pipeline.destination = target
    with pipeline.destination_client() as client:
        for load_id in pending:
            undo_unrecorded_jobs(pipeline, client, load_id)
    pipeline.load(destination=target)
    return pending


def undo_unrecorded_jobs(pipeline: dlt.Pipeline, client: Any, load_id: str) -> int:
    """Delete the rows of every started job of `load_id` whose outcome dlt never recorded;
    returns how many jobs were undone.

    A JSONL job's rows are deleted by their `_dlt_id`, read back from the job's file: exact,
    and the only way for a nested table, whose rows carry no `_dlt_load_id` (seen in the chaos
    benchmark: every run failed on `orders__payment_method_details`). A table of another
    format all of whose jobs in the package are unrecorded loses every row of the package
    (`_dlt_load_id`): that is how dlt's own state table, written as `insert_values`, is
    undone. Anything else fails loudly rather than load rows twice."""
    packages = pipeline._get_load_storage().normalized_packages  # dlt: no public API
    unrecorded: dict[str, list[str]] = {}
    for job_path in packages.list_started_jobs(load_id):
        name = Path(job_path).name
        if packages.load_pending_transition(load_id, name) is not None:
            continue  # dlt knows this job's outcome and will not run it again
        job = ParsedLoadJobFileName.parse(name)
        if job.file_format in DATA_FORMATS or job.file_format in WHOLE_PACKAGE_FORMATS:
            unrecorded.setdefault(job.table_name, []).append(job_path)
    undone = 0
    for table, job_paths in unrecorded.items():
        every_job = packages.list_job_with_states_for_table(load_id, table)
        readable = all(_file_format(path) in DATA_FORMATS for path in job_paths)
        if len(every_job) == len(job_paths) and not readable:
            if _delete_package_rows(client, table, load_id):
                undone += len(job_paths)
                log.warning(
                    "load %s: %d job(s) of %s may have landed before the run was killed; "
                    "removed the package's rows so that resuming loads them once",
                    load_id,
                    len(job_paths),
                    table,
                )
            continue
        for job_path in job_paths:
            undone += _undo_rows_of(packages, client, load_id, table, job_path)
    return undone


def _file_format(job_path: str) -> str:
    return ParsedLoadJobFileName.parse(Path(job_path).name).file_format


def _undo_rows_of(packages: Any, client: Any, load_id: str, table: str, job_path: str) -> int:
    name = Path(job_path).name
    if _file_format(job_path) not in DATA_FORMATS:
        raise RuntimeError(
            f"load {load_id}: job {name} of {table} may have landed before a kill, and its "
            f"rows cannot be told apart from the package's other jobs; not resuming, so that "
            f"nothing loads twice (delete the package or load it by hand)"
        )
    row_ids = _row_ids(packages.storage.make_full_path(job_path))
    if not row_ids or not _delete_rows(client, table, row_ids):
        return 0
    log.warning(
        "load %s: job %s may have landed before the run was killed; "
        "removed its %d rows so that resuming loads them once",
        load_id,
        name,
        len(row_ids),
    )
    return 1


def discard_normalized_extracts(pipeline: dlt.Pipeline) -> list[str]:
    """Delete what is left of extracted packages dlt had already normalized; returns them.

    dlt's normalize commits a package by renaming it among the normalized ones, then deletes
    the extracted original file by file ("Committing storage, do not kill this process"). A
    kill in between leaves a husk (seen in the chaos benchmark: an extracted folder without
    its new_jobs) that normalize then fails on, every run. The rows are in the normalized or
    loaded package; the husk is only removed."""
    normalize_storage = pipeline._get_normalize_storage()  # dlt: no public API
    extracted = normalize_storage.extracted_packages
    load_storage = pipeline._get_load_storage()
    if not load_storage.is_storage_ready():  # nothing was ever normalized
        return []
    committed = set(load_storage.normalized_packages.list_packages()) | set(
        load_storage.loaded_packages.list_packages()
    )
    husks = [load_id for load_id in extracted.list_packages() if load_id in committed]
    for load_id in husks:
        shutil.rmtree(extracted.storage.make_full_path(load_id), ignore_errors=True)
        log.warning(
            "extract %s of %s was already normalized when its run was killed; removed what "
            "was left of it",
            load_id,
            pipeline.pipeline_name,
        )
    return husks


def discard_unrecorded_extracts(pipeline: dlt.Pipeline) -> list[str]:
    """Delete the extracted packages of a first run killed before it saved its schema and
    state; returns their load ids.

    dlt commits an extracted package (an atomic rename) before the pipeline saves the schema
    and the cursors it read with. Killed in between, the pipeline has no schema, so dlt's
    normalize skips the package and it would wait, half-owned, for the next extract. The next
    run reads from the cursors that were saved, which covers every row the package holds.
    """
    storage = pipeline._get_normalize_storage()  # dlt: no public API
    discarded = list(storage.extracted_packages.list_packages())
    for load_id in discarded:
        storage.extracted_packages.delete_package(load_id)
        log.warning(
            "extract %s of %s was never recorded by its pipeline; discarded, the next run "
            "reads its rows again",
            load_id,
            pipeline.pipeline_name,
        )
    return discarded


def drop_empty_jobs(pipeline: dlt.Pipeline) -> list[str]:
    """Remove the new JSONL jobs of every pending package that hold no row; returns them."""
    storage = pipeline._get_load_storage()  # dlt: no public API
    if not storage.is_storage_ready():  # nothing was ever normalized
        return []
    packages = storage.normalized_packages
    dropped = []
    for load_id in packages.list_packages():
        for job_path in packages.list_new_jobs(load_id):
            name = Path(job_path).name
            if ParsedLoadJobFileName.parse(name).file_format not in DATA_FORMATS:
                continue
            full_path = packages.storage.make_full_path(job_path)
            if not _has_rows(full_path):
                Path(full_path).unlink()
                dropped.append(name)
    return dropped


def _has_rows(path: str) -> bool:
    with FileStorage.open_zipsafe_ro(path, "rb") as file:
        return any(line.strip() for line in file)


def _row_ids(path: str) -> list[str]:
    with FileStorage.open_zipsafe_ro(path, "rb") as file:
        return [
            str(orjson.loads(line)["_dlt_id"])
            for line in file
            if line.strip() and b"_dlt_id" in line
        ]


def _delete_package_rows(client: Any, table: str, load_id: str) -> bool:
    """Delete the rows `load_id` put in the table its jobs load into; False when the table
    does not exist yet."""
    return _delete_where(client, table, "_dlt_load_id = %s", load_id)


def _delete_rows(client: Any, table: str, row_ids: list[str]) -> bool:
    """Delete `row_ids` from the table the job loads into; False when it does not exist yet."""
    return _delete_where(client, table, "_dlt_id in (select unnest(%s::varchar[]))", row_ids)


def _delete_where(client: Any, table: str, condition: str, parameter: Any) -> bool:
    staged = client.should_load_data_to_staging_dataset(table)
    scope = client.with_staging_dataset() if staged else contextlib.nullcontext()
    with scope:
        sql = client.sql_client
        qualified = sql.make_qualified_table_name(table)
        try:
            sql.execute_sql(f"delete from {qualified} where {condition}", parameter)  # noqa: S608
        except Exception as error:  # a table the crash never created is not an error
            if "does not exist" in str(error):
                return False
            raise
    return True
