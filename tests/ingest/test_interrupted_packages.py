"""A first run killed between dlt committing its extract and saving its own state.

Seen in CI: channels ingest side by side, the kill landed while Amazon's first extract was
being recorded, and the next run failed on a `load/normalized` folder that never existed.
The disk a kill leaves there is rebuilt exactly: the extracted package is committed (dlt
renames it into place), the pipeline's schema and state are still those it was created with.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dlt
import duckdb

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
