"""Ingest one or more channels: the entry point the CLI and the Dagster assets share."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from channels.deadline import Deadline
from channels.transport import RequestTally
from core.warehouse import Warehouse
from dlt_sources.common.config import channel_settings
from dlt_sources.common.pipeline import IngestReport, ingest_lock, make_pipeline, run_source
from dlt_sources.registry import SOURCES

DEFAULT_DEADLINE_MINUTES = 60.0


def ingest_deadline(settings: dict[str, Any], minutes: float | None = None) -> Deadline:
    """How long one ingest of the channel may keep reading: the caller's `minutes`, else the
    channel's `ingest_deadline_minutes` setting, else an hour."""
    if minutes is None:
        minutes = float(settings.get("ingest_deadline_minutes", DEFAULT_DEADLINE_MINUTES))
    return Deadline.after(60.0 * minutes)


def ingest_channel(
    slug: str,
    *,
    config_file: str | Path | None = None,
    full_refresh: bool = False,
    evolve_schema: bool = False,
    warehouse: Warehouse | None = None,
    pipelines_dir: str | Path | None = None,
    resources: Sequence[str] | None = None,
    deadline_minutes: float | None = None,
    **source_options: Any,
) -> IngestReport:
    """Run `slug`'s source into `raw_<slug>` and report what was loaded, quarantined and what it
    cost in API requests; `resources` limits the run to some of the source's resources.

    Holds the channel's ingest lock throughout (a second ingest of the channel waits, or gives
    up naming this one); the channel's deadline bounds its reading, not its load."""
    if slug not in SOURCES:
        raise KeyError(f"unknown channel {slug!r}; known: {', '.join(SOURCES)}")
    settings = channel_settings(slug, config_file)
    target = warehouse or Warehouse.from_env()
    with ingest_lock(slug, pipelines_dir).held():
        pipeline = make_pipeline(slug, warehouse=target, directory=pipelines_dir)
        tally = RequestTally()
        deadline = ingest_deadline(settings, deadline_minutes)
        source = SOURCES[slug](settings, tally=tally, deadline=deadline, **source_options)
        if resources is not None:
            source = source.with_resources(*resources)
        report = run_source(
            pipeline, source, target, full_refresh=full_refresh, evolve_schema=evolve_schema
        )
    report.requests = tally
    return report
