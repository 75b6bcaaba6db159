"""How much the refresh had to correct the fast path, as a check on the push targets.

The reactor reconciles itself whenever a build is published (realtime.loop): it records how
many listings and units the new build changed compared with what the fast path believed.
This check waits briefly for that record of the build just made and fails when the share of
corrected listings passes the threshold (`TRIBUTARY_FAST_PATH_MAX_DRIFT_SHARE`, default
0.05): the fast path missed or misread that much between two refreshes. It is not blocking:
the batch numbers are the truth and are pushed either way. Where the fast path is not
deployed (no event store) the check passes and says so.
"""

# No `from __future__ import annotations`: Dagster reads the resource types off the signature.
import os
import sqlite3
import time
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.keys import mart_key
from orchestration.resources.warehouse import WarehouseResource
from realtime.health import read_health
from realtime.store import configured_store_path

MAX_DRIFT_SHARE_ENV = "TRIBUTARY_FAST_PATH_MAX_DRIFT_SHARE"
WAIT_S = 30.0
ALIVE_WITHIN_S = 60.0


def _published_build(serving_copy: Path) -> str | None:
    if not serving_copy.exists():
        return None
    with duckdb.connect(str(serving_copy), read_only=True) as connection:
        row = connection.execute("select max(build_id) from meta.publication").fetchall()
    return None if not row else row[0][0]


def _reconciliation(store: Path, build_id: str) -> tuple[int, int, int, str | None] | None:
    connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=10.0)
    try:
        exists = connection.execute(
            "select count(*) from sqlite_master where name = 'reconciliations'"
        ).fetchone()
        if not exists or not exists[0]:
            return None
        row = connection.execute(
            "select listings, listings_drifted, units_drifted, examples from reconciliations "
            "where build_id = ? order by reconciled_at desc limit 1",
            (build_id,),
        ).fetchone()
    finally:
        connection.close()
    return None if row is None else (int(row[0]), int(row[1]), int(row[2]), row[3])


@dg.asset_check(
    asset=mart_key("inventory_push_targets"),
    name="fast_path_drift",
    description="How many listings the refresh corrected in the fast path's targets.",
)
def fast_path_drift(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    store = configured_store_path()
    if not store.exists() or not read_health(store).reactor_alive(ALIVE_WITHIN_S):
        return dg.AssetCheckResult(
            passed=True,
            description=f"no reactor is running on {store}: the fast path is off, nothing drifts",
        )
    build_id = _published_build(warehouse.warehouse.serving_path)
    if build_id is None:
        return dg.AssetCheckResult(passed=True, description="no build published yet")
    deadline = time.monotonic() + WAIT_S
    found = _reconciliation(store, build_id)
    while found is None and time.monotonic() < deadline:
        time.sleep(0.5)
        found = _reconciliation(store, build_id)
    if found is None:
        return dg.AssetCheckResult(
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"the reactor did not take build {build_id} within {WAIT_S:.0f} s: "
            "is `tributary realtime react` running?",
        )
    listings, drifted, units, examples = found
    limit = float(os.environ.get(MAX_DRIFT_SHARE_ENV, "0.05"))
    share = drifted / listings if listings else 0.0
    return dg.AssetCheckResult(
        passed=share <= limit,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"the refresh corrected {drifted} of {listings} listings ({share:.1%}, "
        f"limit {limit:.0%}), {units} units",
        metadata={
            "listings": dg.MetadataValue.int(listings),
            "listings_drifted": dg.MetadataValue.int(drifted),
            "units_drifted": dg.MetadataValue.int(units),
            "examples": dg.MetadataValue.text(examples or ""),
            "build_id": dg.MetadataValue.text(build_id),
        },
    )
