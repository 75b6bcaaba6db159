"""A BI reader, in a process of its own: open a DuckDB file read-only, read every mart, close.

`python -m benchmarks.chaos.reader serving|working <file> <stop file> <result file>`

Every ~0.1 s until the stop file appears. Each read counts every row of every table of the
`marts` schema inside one connection, the way a dashboard refreshing its tiles would:

- `serving`: the serving copy BI tools are pointed at. It also reads `meta.publication`; a
  read whose mart rows do not add up to the `mart_rows` the publication states saw half of a
  build (torn). It must never fail, nor see a torn build: the copy is replaced whole.
- `working`: the warehouse the pipeline writes, read the way a misbehaving dashboard would,
  without Tributary's lock. DuckDB refuses it while a writer has the file open (counted,
  informational); what matters is that the pipeline waits such a reader out.

Writes its counts as JSON to the result file every few seconds and when stopped, so a
benchmark cut short (a session's end, a kill) still has them.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

PAUSE_S = 0.1
FLUSH_S = 5.0  # the counts are written this often while polling, and when stopped
LOCK_MESSAGE = "Could not set lock"
KEPT_ERRORS = 5


def read_once(path: Path, serving: bool) -> tuple[int, int | None]:
    """(rows read over every mart, rows the publication states or None)."""
    with duckdb.connect(str(path), read_only=True) as connection:
        tables = connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "and table_type = 'BASE TABLE'"
        ).fetchall()
        total = 0
        for (table,) in tables:
            ((count,),) = connection.execute(
                f'select count(*) from marts."{table}"'  # noqa: S608 - catalog names
            ).fetchall()
            total += int(count)
        stated = None
        if serving:
            ((stated,),) = connection.execute("select mart_rows from meta.publication").fetchall()
        return total, None if stated is None else int(stated)


def poll(mode: str, path: Path, stop: Path, result: Path | None = None) -> dict[str, Any]:
    counts: dict[str, Any] = {
        "mode": mode,
        "reads": 0,
        "absent": 0,  # no file yet (nothing published)
        "refused": 0,  # DuckDB's lock: a writer had the file open
        "errors": 0,  # anything else
        "torn": 0,
        "messages": [],
    }
    serving = mode == "serving"
    flushed = time.monotonic()
    while not stop.exists():
        if result is not None and time.monotonic() - flushed > FLUSH_S:
            write_counts(result, counts)  # a benchmark cut short still has these
            flushed = time.monotonic()
        if not path.exists():
            counts["absent"] += 1
        else:
            try:
                total, stated = read_once(path, serving)
            except duckdb.Error as error:
                kind = "refused" if LOCK_MESSAGE in str(error) else "errors"
                counts[kind] += 1
                if kind == "errors" and len(counts["messages"]) < KEPT_ERRORS:
                    counts["messages"].append(str(error).splitlines()[0][:200])
            else:
                counts["reads"] += 1
                if serving and stated != total:
                    counts["torn"] += 1
                    if len(counts["messages"]) < KEPT_ERRORS:
                        counts["messages"].append(f"torn: {total} mart rows, publication {stated}")
        time.sleep(PAUSE_S)
    return counts


def write_counts(result: Path, counts: dict[str, Any]) -> None:
    """Replace the result file whole (a reader of it never sees half)."""
    partial = result.with_name(f".{result.name}.partial")
    partial.write_text(json.dumps(counts))
    partial.replace(result)


def main() -> None:
    mode, path, stop, result = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
    write_counts(Path(result), poll(mode, path, stop, Path(result)))


if __name__ == "__main__":
    main()
