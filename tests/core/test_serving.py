"""The serving copy under a polling reader: always a whole publication, never an error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

from core.serving import publish, read_publication

# A dashboard: reconnects every few milliseconds, reads every mart and the publication record,
# and checks they belong together (the marts' rows add up to what the publication says).
READER = """
import json, sys, time, duckdb
path, stop = sys.argv[1], sys.argv[2]
seen, errors, torn = set(), [], 0
import os
while not os.path.exists(stop):
    try:
        with duckdb.connect(path, read_only=True) as c:
            build, rows = c.execute("select build_id, mart_rows from meta.publication").fetchone()
            total = sum(c.execute(f"select count(*) from marts.{t}").fetchone()[0]
                        for (t,) in c.execute("select table_name from duckdb_tables() "
                                              "where schema_name = 'marts'").fetchall())
            torn += total != rows
            seen.add(build)
    except Exception as error:
        errors.append(str(error))
    time.sleep(0.005)
print(json.dumps({"builds": sorted(seen), "errors": errors, "torn": torn}))
"""


def test_readers_see_one_whole_publication_or_the_next_never_an_error(tmp_path: Path) -> None:
    working = tmp_path / "warehouse.duckdb"
    serving = tmp_path / "serving" / "warehouse.duckdb"
    stop = tmp_path / "stop"
    with duckdb.connect(str(working)) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.fct_orders as select range as id from range(1000)")
        connection.execute("create table marts.dim_products as select range as id from range(50)")
        connection.execute("comment on column marts.fct_orders.id is 'the order'")
        publish(connection, serving, build_id="build-0")
        reader = subprocess.Popen(  # noqa: S603 - the dashboard, in its own process
            [sys.executable, "-c", READER, str(serving), str(stop)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for build in range(1, 40):
            connection.execute(f"insert into marts.fct_orders select {1000 + build}")
            connection.execute(
                "delete from marts.dim_products where id = (select min(id) from marts.dim_products)"
            )
            publish(connection, serving, build_id=f"build-{build}")
    stop.touch()
    output, _ = reader.communicate(timeout=60)
    seen = json.loads(output)
    assert seen["errors"] == []
    assert seen["torn"] == 0
    assert len(seen["builds"]) > 1, "the reader lived through several publications"
    published = read_publication(serving)
    assert published is not None
    assert published["build_id"] == "build-39"
    with duckdb.connect(str(serving), read_only=True) as copy:
        comment = copy.execute(
            "select comment from duckdb_columns() where table_name = 'fct_orders'"
        ).fetchone()
    assert comment == ("the order",)
