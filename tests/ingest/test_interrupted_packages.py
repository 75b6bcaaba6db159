"""A first run killed between dlt committing its extract and saving its own state.

Seen in CI: channels ingest side by side, the kill landed while Amazon's first extract was
being recorded, and the next run failed on a `load/normalized` folder that never existed.
The disk a kill leaves there is rebuilt exactly: the extracted package is committed (dlt
renames it into place), the pipeline's schema and state are still those it was created with.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Literal

import dlt
import duckdb
import pytest
from dlt.common.storages.load_package import ParsedLoadJobFileName

from dlt_sources.common.packages import drop_empty_jobs, finish_interrupted_loads

ROWS = [{"sku": f"SKU-{number}", "on_hand": number} for number in range(5)]


def _pipeline(tmp_path: Path) -> dlt.Pipeline:
    return dlt.pipeline(
        "interrupted",
        pipelines_dir=str(tmp_path / "pipelines"),
        destination=dlt.destinations.duckdb(str(tmp_path / "warehouse.duckdb")),
        dataset_name="raw_interrupted",
    )


def _killed_before_state_was_saved(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path)
    working_dir = Path(pipeline.working_dir)
    state_when_created = (working_dir / "state.json").read_bytes()
    pipeline.extract(ROWS, table_name="stock", write_disposition="replace")
    (working_dir / "state.json").write_bytes(state_when_created)
    shutil.rmtree(working_dir / "schemas")


def test_an_unrecorded_first_extract_is_discarded_and_read_again_once(tmp_path: Path) -> None:
    _killed_before_state_was_saved(tmp_path)
    pipeline = _pipeline(tmp_path)
    assert pipeline.has_pending_data
    assert pipeline.default_schema_name is None

    assert finish_interrupted_loads(pipeline, pipeline.destination) == []
    assert not pipeline.has_pending_data

    pipeline.run(ROWS, table_name="stock", write_disposition="replace")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        count = connection.execute("select count(*) from raw_interrupted.stock").fetchone()
    assert count == (len(ROWS),)


def test_empty_jobs_are_looked_for_only_where_dlt_has_normalized(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path)
    pipeline.extract(ROWS, table_name="stock")
    assert drop_empty_jobs(pipeline) == []


@dlt.resource(name="stock", write_disposition="append")
def _stock_since(cursor: int) -> Any:
    """Rows past `cursor`; moves the resource's state, so the package carries a state row."""
    dlt.current.resource_state()["cursor"] = cursor + len(ROWS)
    yield [{"sku": f"SKU-{cursor + n}", "on_hand": n} for n in range(len(ROWS))]


def _killed_after_every_job_landed(pipeline: dlt.Pipeline, load_id: str) -> None:
    """Rebuild what kill -9 leaves when every job of `load_id` committed in the warehouse but
    dlt recorded none of it: the package back among the normalized ones, its jobs started.

    SQL follow-up jobs (a merge from staging into the final table) are removed, not started:
    dlt creates them only once it has recorded every job of their table, so no kill leaves
    one beside unrecorded jobs. Left started, dlt ran one beside the jobs it follows, and
    the merge sometimes read staging before the nested rows were back (a flaky test that
    looked like lost rows)."""
    load = Path(pipeline.working_dir) / "load"
    package = load / "normalized" / load_id
    shutil.move(load / "loaded" / load_id, package)
    (package / "package_completed.json").unlink()
    for job in (package / "completed_jobs").iterdir():
        if ParsedLoadJobFileName.parse(job.name).file_format == "sql":
            job.unlink()
        else:
            shutil.move(job, package / "started_jobs" / job.name)
    with duckdb.connect(str(Path(pipeline.working_dir).parents[1] / "warehouse.duckdb")) as db:
        db.execute("delete from raw_interrupted._dlt_loads where load_id = ?", [load_id])


def test_jobs_that_landed_unrecorded_load_once_the_pipeline_state_row_too(tmp_path: Path) -> None:
    """Seen in the chaos benchmark: the state table's job is written as insert_values, not
    JSONL, and was run again after a kill, leaving `_dlt_pipeline_state` one row twice."""
    pipeline = _pipeline(tmp_path)
    pipeline.run(_stock_since(0))
    info = pipeline.run(_stock_since(len(ROWS)))
    (load_id,) = info.loads_ids
    jobs = [job.file_path for job in info.load_packages[0].jobs["completed_jobs"]]
    assert any("_dlt_pipeline_state" in job and "insert_values" in job for job in jobs)
    _killed_after_every_job_landed(pipeline, load_id)

    pipeline = _pipeline(tmp_path)
    assert finish_interrupted_loads(pipeline, pipeline.destination) == [load_id]
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        stock = connection.execute(
            "select count(*), count(distinct sku) from raw_interrupted.stock"
        )
        assert stock.fetchone() == (2 * len(ROWS), 2 * len(ROWS))
        states = connection.execute(
            "select count(*), count(distinct _dlt_id) from raw_interrupted._dlt_pipeline_state"
        ).fetchone()
    assert states is not None
    assert states[0] == states[1]


def test_the_husk_of_an_extract_normalized_before_a_kill_is_removed(tmp_path: Path) -> None:
    """Seen in the chaos benchmark (seed 9, trial 19): killed while dlt deleted an extracted
    package it had just normalized, the next run failed on the husk, "No such file or
    directory: .../normalize/extracted/<id>/new_jobs", every run."""
    pipeline = _pipeline(tmp_path)
    pipeline.run(_stock_since(0))
    pipeline.extract(_stock_since(len(ROWS)))
    extracted = Path(pipeline.working_dir) / "normalize" / "extracted"
    (load_id,) = [path.name for path in extracted.iterdir()]
    shutil.copytree(extracted / load_id, tmp_path / "husk")
    pipeline.normalize()
    shutil.copytree(tmp_path / "husk", extracted / load_id)  # the delete got this far
    shutil.rmtree(extracted / load_id / "new_jobs")

    pipeline = _pipeline(tmp_path)
    assert finish_interrupted_loads(pipeline, pipeline.destination) == [load_id]
    assert not (extracted / load_id).exists()
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        stock = connection.execute(
            "select count(*), count(distinct sku) from raw_interrupted.stock"
        )
        assert stock.fetchone() == (2 * len(ROWS), 2 * len(ROWS))


def _orders(first: int, disposition: Literal["append", "merge"]) -> Any:
    """Orders with their lines nested: dlt loads the lines into a child table, whose rows carry
    `_dlt_root_id` but no `_dlt_load_id`."""

    @dlt.resource(name="orders", write_disposition=disposition, primary_key="order_id")
    def orders() -> Any:
        yield [
            {"order_id": first + n, "lines": [{"sku": f"SKU-{n}", "quantity": q} for q in (1, 2)]}
            for n in range(len(ROWS))
        ]

    return orders


@pytest.mark.parametrize("disposition", ["append", "merge"])
def test_a_child_table_whose_jobs_all_landed_unrecorded_loads_once(
    tmp_path: Path, disposition: Literal["append", "merge"]
) -> None:
    """Seen in the chaos benchmark (seed 21, trial 1): every job of Amazon's
    `orders__payment_method_details` had landed when the ingest was killed, and the next run
    failed on `delete ... where _dlt_load_id = ?`, a column only root tables have, every run."""
    pipeline = _pipeline(tmp_path)
    pipeline.run(_orders(0, disposition), loader_file_format="jsonl")  # as ingest loads
    info = pipeline.run(_orders(len(ROWS), disposition), loader_file_format="jsonl")
    (load_id,) = info.loads_ids
    _killed_after_every_job_landed(pipeline, load_id)

    pipeline = _pipeline(tmp_path)
    assert finish_interrupted_loads(pipeline, pipeline.destination) == [load_id]
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        orders = connection.execute(
            "select count(*), count(distinct order_id) from raw_interrupted.orders"
        ).fetchone()
        lines = connection.execute(
            "select count(*), count(distinct _dlt_id) from raw_interrupted.orders__lines"
        ).fetchone()
    assert orders == (2 * len(ROWS), 2 * len(ROWS))
    assert lines == (4 * len(ROWS), 4 * len(ROWS))
