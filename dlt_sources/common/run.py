"""Ingest one or more channels: the entry point the CLI and the Dagster assets share."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from channels.transport import RequestTally
from dlt_sources.common.config import channel_settings
from dlt_sources.common.pipeline import IngestReport, make_pipeline, run_source
from dlt_sources.registry import SOURCES


def ingest_channel(
    slug: str,
    *,
    config_file: str | Path | None = None,
    full_refresh: bool = False,
    evolve_schema: bool = False,
    destination: Any = None,
    pipelines_dir: str | Path | None = None,
    resources: Sequence[str] | None = None,
    **source_options: Any,
) -> IngestReport:
    """Run `slug`'s source into `raw_<slug>` and report what was loaded, quarantined and what it
    cost in API requests; `resources` limits the run to some of the source's resources."""
    if slug not in SOURCES:
        raise KeyError(f"unknown channel {slug!r}; known: {', '.join(SOURCES)}")
    settings = channel_settings(slug, config_file)
    pipeline = make_pipeline(slug, destination=destination, pipelines_dir=pipelines_dir)
    tally = RequestTally()
    source = SOURCES[slug](settings, tally=tally, **source_options)
    if resources is not None:
        source = source.with_resources(*resources)
    report = run_source(pipeline, source, full_refresh=full_refresh, evolve_schema=evolve_schema)
    report.requests = tally
    return report
