"""The marts as one fingerprint per table, and the clean build they are compared with.

A fingerprint is the md5 of a table's rows, each rendered as text and sorted, so row order
does not count and every value does. Some columns record *when* something ran rather than what
the data is, and are left out:

- always (`BUILD_COLUMNS`): `built_at` (fct_orders, fct_order_lines, dim_customers: the moment
  the build wrote the row) and `build_id` (inventory_push_targets: dbt's invocation id). A
  clean build of the same raw data necessarily differs in them and in nothing else.
- when comparing builds over *different loads* of an unchanged world (`LOAD_COLUMNS`):
  `loaded_at_epoch` and `reported_loaded_at_epoch`, the dlt load stamp of the row's raw
  source. Every ingest replaces the snapshot tables, so a new load of the same world stamps
  them anew; the clean build reads the very same raw rows and keeps them.

The clean build: the working warehouse is copied under its writer lock (no one writes it
meanwhile; a leftover WAL is copied with it) and `dbt run --full-refresh` runs on the copy,
which has its own lock and its own dbt target directory. `run`, not `build`: the reference is
the models' rows; the tests judge data, and the trial's own re-run has already run them.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.warehouse import Warehouse
from orchestration.transform import DbtRun, run_dbt

BUILD_COLUMNS = frozenset({"built_at", "build_id"})
LOAD_COLUMNS = frozenset({"loaded_at_epoch", "reported_loaded_at_epoch"})
SCHEMA = "marts"

Fingerprints = dict[str, tuple[int, str]]  # table -> (rows, md5)


def fingerprints(
    connection: duckdb.DuckDBPyConnection, excluded: frozenset[str] = BUILD_COLUMNS
) -> Fingerprints:
    """Every mart table's row count and md5, without the `excluded` columns."""
    found: Fingerprints = {}
    tables = connection.execute(
        "select table_name from information_schema.tables where table_schema = ? "
        "and table_type = 'BASE TABLE' order by table_name",
        [SCHEMA],
    ).fetchall()
    for (table,) in tables:
        columns = [
            name
            for (name,) in connection.execute(
                "select column_name from information_schema.columns where table_schema = ? "
                "and table_name = ? order by ordinal_position",
                [SCHEMA, table],
            ).fetchall()
            if name not in excluded
        ]
        selected = ", ".join(f'"{name}"' for name in columns)
        ((count, digest),) = connection.execute(
            "select count(*), md5(coalesce(string_agg(r::varchar, chr(10) order by "  # noqa: S608
            f"r::varchar), '')) from (select {selected} from {SCHEMA}.\"{table}\") r"
        ).fetchall()
        found[str(table)] = (int(count), str(digest))
    return found


def differing(left: Fingerprints, right: Fingerprints) -> list[str]:
    """Tables whose rows differ, or that only one side has."""
    return sorted(table for table in set(left) | set(right) if left.get(table) != right.get(table))


def without_load_stamps(connection: duckdb.DuckDBPyConnection) -> Fingerprints:
    return fingerprints(connection, BUILD_COLUMNS | LOAD_COLUMNS)


def copy_warehouse(warehouse: Path, copy: Path, purpose: str) -> Path:
    """Copy `warehouse` (with a WAL a killed writer left) while no one writes it."""
    with Warehouse(warehouse).writer_lock(f"chaos benchmark: copy for {purpose}").held():
        shutil.copy2(warehouse, copy)
        wal = warehouse.with_name(warehouse.name + ".wal")
        if wal.exists():
            shutil.copy2(wal, copy.with_name(copy.name + ".wal"))
    return copy


@dataclass
class CleanBuild:
    run: DbtRun
    fingerprints: Fingerprints


def clean_build(warehouse: Path, scratch: Path) -> CleanBuild:
    """A full-refresh build of a copy of `warehouse`'s current raw data, fingerprinted."""
    scratch.mkdir(parents=True, exist_ok=True)
    copy = copy_warehouse(warehouse, scratch / warehouse.name, "a clean build")
    run = run_dbt(["run", "--full-refresh"], warehouse=copy, target_path=scratch / "target")
    with duckdb.connect(str(copy), read_only=True) as connection:
        return CleanBuild(run, fingerprints(connection))
