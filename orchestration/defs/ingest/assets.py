"""One dagster-dlt multi-asset per channel; a run may select any of its resources.

The dlt source is declared without settings (its clients are built on first use), so the
graph loads before any shop is configured; each run builds the source again from the channels
resource and runs it through `dlt_sources.common.run.ingest_channel`, the same path as
`tributary ingest`: a failed load leaves no half-loaded package and its error names the
channel, the step and the cause.
"""

# No `from __future__ import annotations`: Dagster reads the run config class off the signature.
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dlt import dlt_assets

from core.locks import LockBusyError
from core.warehouse import Warehouse
from dlt_sources.common.contracts import resource_of
from dlt_sources.common.pipeline import IngestError, IngestReport, make_pipeline
from dlt_sources.common.quarantine import TABLE as QUARANTINE
from dlt_sources.common.run import ingest_channel
from dlt_sources.registry import SOURCES
from orchestration.defs.ingest.config import IngestConfig
from orchestration.defs.ingest.translator import RawTablesTranslator
from orchestration.resources.channels import ChannelsResource
from orchestration.resources.warehouse import WarehouseResource

DECLARED = Path(tempfile.gettempdir()) / "tributary-declared-pipelines"


def build_ingest_assets(slug: str) -> dg.AssetsDefinition:
    translator = RawTablesTranslator()

    @dlt_assets(
        dlt_source=SOURCES[slug]({}),
        # Declares the asset keys and kinds only; runs build their own pipeline.
        dlt_pipeline=make_pipeline(
            slug, warehouse=Warehouse(DECLARED / "declared.duckdb"), directory=DECLARED
        ),
        name=f"ingest_{slug}",
        dagster_dlt_translator=translator,
        # No pool: channels read side by side; their loads take the warehouse lock in turn.
    )
    def ingest(
        context: dg.AssetExecutionContext,
        config: IngestConfig,
        warehouse: WarehouseResource,
        channels: ChannelsResource,
    ) -> Iterator[dg.MaterializeResult]:
        selected = {key.path[-1]: key for key in context.selected_asset_keys}
        try:
            report = ingest_channel(
                slug,
                config_file=channels.settings_file(),
                warehouse=warehouse.warehouse,
                resources=sorted(selected),
                full_refresh=config.full_refresh,
                evolve_schema=config.evolve_schema,
                lookback_minutes=config.lookback_minutes,
            )
        except (IngestError, LookupError, LockBusyError) as error:
            raise dg.Failure(description=str(error)) from error
        context.log.info(report.summary())
        quarantined = _quarantined_by_resource(warehouse, slug, report.load_id)
        for resource, key in sorted(selected.items()):
            yield dg.MaterializeResult(
                asset_key=key, metadata=_metadata(slug, resource, report, quarantined)
            )

    return ingest


def _metadata(
    slug: str, resource: str, report: IngestReport, quarantined: dict[str, int]
) -> dict[str, Any]:
    rows = {
        table: count
        for table, count in report.rows.items()
        if table != QUARANTINE and resource_of(slug, table) == resource
    }
    return {
        "rows_loaded": dg.MetadataValue.int(sum(rows.values())),
        "rows_by_table": dg.MetadataValue.json(rows),
        "rows_quarantined": dg.MetadataValue.int(quarantined.get(resource, 0)),
        "load_id": dg.MetadataValue.text(report.load_id or "nothing new to load"),
        # The channel's client is shared by every resource of the run, so are these figures.
        "channel_api_requests": dg.MetadataValue.int(report.requests.requests),
        "channel_throttled_responses": dg.MetadataValue.int(report.requests.throttled),
        "channel_retries": dg.MetadataValue.int(report.requests.retries),
    }


def _quarantined_by_resource(
    warehouse: WarehouseResource, slug: str, load_id: str | None
) -> dict[str, int]:
    """Records this load sent to quarantine, by the resource they belong to."""
    if load_id is None:
        return {}
    with warehouse.reader(f"count {slug} quarantine") as connection:
        try:
            rows = connection.execute(
                f"select resource, count(*) from raw_{slug}.{QUARANTINE} "  # noqa: S608
                "where _dlt_load_id = ? group by resource",
                [load_id],
            ).fetchall()
        except duckdb.CatalogException:  # nothing was ever quarantined: no table yet
            return {}
    counts: dict[str, int] = {}
    for name, count in rows:
        owner = _owning_resource(slug, str(name))
        counts[owner] = counts.get(owner, 0) + int(count)
    return counts


def _owning_resource(slug: str, name: str) -> str:
    """Sorters name the table they checked (Amazon's `order_items`) or, where it writes
    several, the resource itself; the contract maps a table to its resource."""
    try:
        return resource_of(slug, name)
    except KeyError:
        return name


@dg.definitions
def ingestion() -> dg.Definitions:
    """One multi-asset per channel in the source registry (a new channel needs no edit here)."""
    return dg.Definitions(assets=[build_ingest_assets(slug) for slug in SOURCES])
