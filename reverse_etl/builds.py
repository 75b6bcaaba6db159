"""Whether the build behind the push targets may be trusted: its own recorded results.

Every dbt build, run, test or seed records its outcome in `audit.dbt_builds` (an on-run-end
hook, keyed by dbt's invocation id), and `inventory_push_targets` carries the id of the
build that computed it (`build_id`). A push trusts the targets only when that build recorded
results and passed, and no build since has failed: a build killed before its end, a results
file overwritten by another command (`dbt docs generate`), or a failed build that wrote no
results file can no longer arm a push by accident.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

LEDGER = "audit.dbt_builds"


def build_problems(connection: duckdb.DuckDBPyConnection, build_ids: Iterable[str]) -> list[str]:
    """Every reason not to trust the targets built by `build_ids`; empty when they may go."""
    wanted = sorted({build_id for build_id in build_ids if build_id})
    if not wanted:
        return ["the targets name no build (rebuild the marts: `tributary transform`)"]
    if len(wanted) > 1:
        return [f"the targets come from {len(wanted)} different builds: {', '.join(wanted)}"]
    (build_id,) = wanted
    try:
        rows = connection.execute(
            f"select build_id, succeeded, failures, finished_at from {LEDGER} "  # noqa: S608
            "order by finished_at"
        ).fetchall()
    except duckdb.CatalogException:
        return [f"no build recorded its results ({LEDGER} does not exist)"]
    recorded = {row[0]: row for row in rows}
    if build_id not in recorded:
        return [
            f"the build that produced the targets ({build_id}) recorded no results: it was "
            "interrupted or crashed before it finished"
        ]
    _, succeeded, failures, finished_at = recorded[build_id]
    problems = []
    if not succeeded:
        problems.append(f"the build that produced the targets ({build_id}) failed: {failures}")
    later_failures = [
        row for row in rows if row[3] > finished_at and not row[1] and row[0] != build_id
    ]
    if later_failures:
        newest = later_failures[-1]
        problems.append(
            f"a later build ({newest[0]}, {newest[3]:%Y-%m-%d %H:%M:%S}) failed: {newest[2]}; "
            "the data behind the targets no longer passes its tests"
        )
    return problems
