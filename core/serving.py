"""The serving copy: the marts as of the last successful build, for BI tools and docs.

BI tools must never read the file pipelines write: DuckDB would refuse them while a load or a
build runs, and a dashboard holding the file open would stall the pipeline. After each
successful build the marts are copied, with their column descriptions, into a new file that
is then renamed over the previous copy in one atomic step. A reader that opened the old copy
keeps reading it (its open file is not touched); the next connection sees the new one. No
reader ever sees half a build, an error, or a lock.

`meta.publication` in the copy says which build it holds and when it was published, so a
dashboard can show its freshness.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

SCHEMA = "marts"
ALIAS = "serving_next"


@dataclass(frozen=True)
class Publication:
    path: Path
    tables: int
    rows: int
    build_id: str | None
    published_at: datetime


def publish(
    connection: duckdb.DuckDBPyConnection, target: Path, *, build_id: str | None
) -> Publication:
    """Copy every table of the `marts` schema from `connection`'s database to `target`,
    atomically. The caller holds the warehouse (the writer lock), so the marts are whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    tables = [
        name
        for (name,) in connection.execute(
            "select table_name from information_schema.tables "
            "where table_schema = ? and table_type = 'BASE TABLE' and table_catalog = "
            "current_database() order by table_name",
            [SCHEMA],
        ).fetchall()
    ]
    published_at = datetime.now(UTC)
    rows = 0
    connection.execute(f"attach '{_quoted(partial)}' as {ALIAS}")
    try:
        connection.execute(f"create schema {ALIAS}.{SCHEMA}")
        for table in tables:
            connection.execute(
                f'create table {ALIAS}.{SCHEMA}."{table}" as '  # noqa: S608 - catalog names
                f'select * from {SCHEMA}."{table}"'
            )
            rows += _count(connection, f'{ALIAS}.{SCHEMA}."{table}"')
            _copy_comments(connection, table)
        connection.execute(f"create schema {ALIAS}.meta")
        connection.execute(
            f"create table {ALIAS}.meta.publication as select "
            "?::varchar as build_id, ?::timestamptz as published_at, ?::integer as tables, "
            "?::bigint as mart_rows",
            [build_id, published_at, len(tables), rows],
        )
        connection.execute(f"checkpoint {ALIAS}")
    finally:
        connection.execute(f"detach {ALIAS}")
    _fsync(partial)
    os.replace(partial, target)
    _fsync(target.parent)
    return Publication(target, len(tables), rows, build_id, published_at)


def _count(connection: duckdb.DuckDBPyConnection, relation: str) -> int:
    found = connection.execute(f"select count(*) from {relation}").fetchone()  # noqa: S608
    return int(found[0]) if found else 0


def _copy_comments(connection: duckdb.DuckDBPyConnection, table: str) -> None:
    """Carry dbt's persisted docs (table and column comments) into the copy, for BI users."""
    comment = connection.execute(
        "select comment from duckdb_tables() where database_name = current_database() "
        "and schema_name = ? and table_name = ?",
        [SCHEMA, table],
    ).fetchone()
    relation = f'{ALIAS}.{SCHEMA}."{table}"'
    if comment and comment[0]:
        connection.execute(f"comment on table {relation} is {_literal(comment[0])}")
    for column, text in connection.execute(
        "select column_name, comment from duckdb_columns() where database_name = "
        "current_database() and schema_name = ? and table_name = ? and comment is not null",
        [SCHEMA, table],
    ).fetchall():
        connection.execute(f'comment on column {relation}."{column}" is {_literal(text)}')


def read_publication(path: Path) -> dict[str, object] | None:
    """What the serving copy at `path` holds (build, time, size), or None if none exists."""
    if not path.exists():
        return None
    with duckdb.connect(str(path), read_only=True) as connection:
        row = connection.execute(
            "select build_id, published_at, tables, mart_rows from meta.publication"
        ).fetchone()
    if row is None:
        return None
    return dict(zip(("build_id", "published_at", "tables", "mart_rows"), row, strict=True))


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
