"""`tributary ingest`: load every configured channel (or the ones named) into `raw_<slug>`."""

from __future__ import annotations

import sys

import click

from dlt_sources.common.config import configured_channels
from dlt_sources.common.pipeline import IngestError
from dlt_sources.common.run import ingest_channel
from dlt_sources.registry import SOURCES


@click.command()
@click.option(
    "--channel",
    "channels",
    multiple=True,
    type=click.Choice(list(SOURCES)),
    help="Only these channels (repeatable); default: every configured channel.",
)
@click.option(
    "--full-refresh",
    is_flag=True,
    help="Drop the channel's raw tables and cursors, then load everything again.",
)
@click.option(
    "--evolve-schema",
    is_flag=True,
    help="Accept upstream schema changes (new columns) after you have reviewed them.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Channels file (the sandbox manifest layout); default: dlt config/secrets.",
)
def ingest(
    channels: tuple[str, ...], full_refresh: bool, evolve_schema: bool, config_file: str | None
) -> None:
    """Ingest channels; a failing channel does not stop the others, but fails the command."""
    chosen = list(channels) or configured_channels(config_file)
    if not chosen:
        raise click.UsageError("no channel is configured (see README: pointing at real shops)")
    failed = []
    for slug in chosen:
        try:
            report = ingest_channel(
                slug,
                config_file=config_file,
                full_refresh=full_refresh,
                evolve_schema=evolve_schema,
            )
        except (IngestError, LookupError) as error:
            failed.append(slug)
            click.echo(f"FAILED {error}", err=True)
            continue
        click.echo(report.summary())
    if failed:
        click.echo(f"{len(failed)} channel(s) failed: {', '.join(failed)}", err=True)
        sys.exit(1)
