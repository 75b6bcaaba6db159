"""`tributary ingest`: load every configured channel (or the ones named) into `raw_<slug>`.

Channels are read side by side, one thread each, and loaded one after another (the warehouse
admits one writer): a slow or failing channel costs the others nothing, and gives up at its
own deadline instead of holding the command open.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor, as_completed

import click

from core.locks import LockBusyError
from dlt_sources.common.config import configured_channels
from dlt_sources.common.pipeline import IngestError, IngestReport
from dlt_sources.common.run import ingest_channel
from dlt_sources.registry import SOURCES

FAILURES = (IngestError, LookupError, LockBusyError)


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
@click.option(
    "--deadline-minutes",
    type=float,
    default=None,
    help="How long each channel may keep reading (default: its ingest_deadline_minutes, else 60).",
)
def ingest(
    channels: tuple[str, ...],
    full_refresh: bool,
    evolve_schema: bool,
    config_file: str | None,
    deadline_minutes: float | None,
) -> None:
    """Ingest channels; a failing channel does not stop the others, but fails the command."""
    chosen = list(channels) or configured_channels(config_file)
    if not chosen:
        raise click.UsageError("no channel is configured (see README: pointing at real shops)")

    def one(slug: str) -> IngestReport:
        return ingest_channel(
            slug,
            config_file=config_file,
            full_refresh=full_refresh,
            evolve_schema=evolve_schema,
            deadline_minutes=deadline_minutes,
        )

    failed = []
    with ThreadPoolExecutor(max_workers=len(chosen), thread_name_prefix="ingest") as pool:
        running = {pool.submit(one, slug): slug for slug in chosen}
        for future in as_completed(running):
            try:
                click.echo(future.result().summary())
            except FAILURES as error:
                failed.append(running[future])
                click.echo(f"FAILED {error}", err=True)
    if failed:
        click.echo(f"{len(failed)} channel(s) failed: {', '.join(failed)}", err=True)
        sys.exit(1)
