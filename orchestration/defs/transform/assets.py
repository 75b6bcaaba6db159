"""The dbt project as one dagster-dbt multi-asset: models and seeds, with tests as checks.

A scheduled refresh builds what is selected and reads only the new loads (incremental
models); the nightly reconciliation passes `full_refresh`. Unit tests run in CI, not against
production data, so a refresh leaves them out. A failing test fails the step after every event
was reported, naming each failed node, and the stock pushes downstream do not run.
"""

# No `from __future__ import annotations`: Dagster reads the run config class off the signature.
from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.transform.config import DbtBuildConfig
from orchestration.defs.transform.project import PROJECT, manifest_path
from orchestration.defs.transform.translator import MartsTranslator
from orchestration.keys import WAREHOUSE_POOL
from orchestration.resources.warehouse import WarehouseResource
from orchestration.transform import describe_failures, read_results


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
    with warehouse.dbt_environment():
        invocation = dbt.cli(build_arguments(config), context=context, raise_on_error=False)
        yield from invocation.stream()
    results = invocation.get_artifact("run_results.json")
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


def _as_list(text: str) -> str:
    return "\n".join(f"- {line}" for line in text.splitlines())
