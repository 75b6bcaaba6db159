"""Ingest one or more channels: the entry point the CLI and the Dagster assets share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    **source_options: Any,
) -> IngestReport:
    """Run `slug`'s source into `raw_<slug>` and report what was loaded and quarantined."""
    if slug not in SOURCES:
        raise KeyError(f"unknown channel {slug!r}; known: {', '.join(SOURCES)}")
    settings = channel_settings(slug, config_file)
    pipeline = make_pipeline(slug, destination=destination, pipelines_dir=pipelines_dir)
    source = SOURCES[slug](settings, **source_options)
    return run_source(pipeline, source, full_refresh=full_refresh, evolve_schema=evolve_schema)
