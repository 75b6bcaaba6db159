"""The dbt project as one dagster-dbt multi-asset: models and seeds, with tests as checks.

A scheduled refresh builds what is selected and reads only the new loads (incremental
models); the nightly reconciliation passes `full_refresh`. Unit tests run in CI, not against
production data, so a refresh leaves them out. A failing test fails the step after every event
was reported, naming each failed node, and the stock pushes downstream do not run.

The step holds the warehouse writer lock while dbt runs (whatever else, Dagster or not, wants
the file waits), waits out a program that holds the file open without that lock (retrying the
invocation, logged), and after a successful build publishes the marts to the serving copy BI
tools read, before letting go of the lock.
"""

# No `from __future__ import annotations`: Dagster reads the run config class off the signature.
import time
from collections.abc import Generator, Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliInvocation, DbtCliResource, dbt_assets

from core.locks import default_wait_s
from core.warehouse import is_lock_conflict
from orchestration.defs.transform.config import DbtBuildConfig
from orchestration.defs.transform.project import PROJECT, manifest_path
from orchestration.defs.transform.translator import MartsTranslator
from orchestration.keys import WAREHOUSE_POOL
from orchestration.resources.warehouse import WarehouseResource
from orchestration.transform import (
    RETRY_PAUSE_S,
    describe_failures,
    publish_serving_copy,
    read_results,
)


def build_arguments(config: DbtBuildConfig) -> list[str]:
    if config.full_refresh:
        return ["build", "--full-refresh"]
    return ["build", "--exclude", "test_type:unit"]


@dbt_assets(
    manifest=manifest_path(),
    project=PROJECT,
    dagster_dbt_translator=MartsTranslator(),
    name="dbt_build",
    pool=WAREHOUSE_POOL,
)
def dbt_build(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: DbtBuildConfig,
) -> Iterator[Any]:
    with warehouse.dbt_environment(), warehouse.warehouse.writer_lock("dbt build").held():
        invocation = yield from _invoke(context, dbt, build_arguments(config))
        results = invocation.get_artifact("run_results.json")
        if invocation.is_successful():
            publication = publish_serving_copy(
                warehouse.warehouse, (results.get("metadata") or {}).get("invocation_id")
            )
            context.log.info(f"marts published to {publication.path} ({publication.rows} rows)")
    nodes = read_results(results)
    tally: dict[str, int] = {}
    for node in nodes:
        tally[node.status] = tally.get(node.status, 0) + 1
    context.log.info(
        f"dbt build: {tally} in {float(results.get('elapsed_time') or 0):.1f} s (dbt's own time)"
    )
    if not invocation.is_successful():
        failed = describe_failures(nodes) or "dbt failed before running any node"
        raise dg.Failure(
            description=f"dbt build failed:\n{failed}",
            metadata={"failed_nodes": dg.MetadataValue.md(_as_list(failed))},
        )


def _invoke(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, arguments: list[str]
) -> Generator[Any, None, DbtCliInvocation]:
    """Run dbt, streaming its events; while another program holds the warehouse file open
    (dbt refused before running any node), wait and run it again, up to the lock wait."""
    started = time.monotonic()
    while True:
        invocation = dbt.cli(arguments, context=context, raise_on_error=False)
        yield from invocation.stream()
        refused = not invocation.is_successful() and is_lock_conflict(str(invocation.get_error()))
        waited = time.monotonic() - started
        if not refused or waited >= default_wait_s():
            return invocation
        context.log.warning(
            f"dbt could not open the warehouse: another program holds it; retrying "
            f"({waited:.0f} s so far)"
        )
        time.sleep(RETRY_PAUSE_S)


def _as_list(text: str) -> str:
    return "\n".join(f"- {line}" for line in text.splitlines())
