"""`tributary push`: set every channel listing to its reconciled stock target."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from orchestration.push import run_push
from reverse_etl.writers.registry import WRITABLE


@click.command()
@click.option(
    "--channel",
    "channels",
    multiple=True,
    type=click.Choice(list(WRITABLE)),
    help="Only these channels (repeatable); default: every channel with a plan.",
)
@click.option("--dry-run", is_flag=True, help="Store and print the plan; write nothing.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Channels file (the sandbox manifest layout); default: dlt config/secrets.",
)
@click.option(
    "--checks-from",
    "checks_from",
    type=click.Path(dir_okay=False, path_type=Path),
    help="dbt run_results.json whose failed tests block the push; default: the last build's.",
)
def push(
    channels: tuple[str, ...], dry_run: bool, config_file: str | None, checks_from: Path | None
) -> None:
    """Plan, guard, write, read back and record a stock push; exits 1 when blocked or failed."""
    report = run_push(
        channels=list(channels) or None,
        dry_run=dry_run,
        config_file=config_file,
        dbt_results=checks_from,
    )
    click.echo(f"push {report.run_id}: {report.status}")
    click.echo(report.plan.describe())
    for failure in report.blocked:
        click.echo(f"BLOCKED {failure}", err=True)
    if report.outcomes:
        counts = ", ".join(f"{status} {n}" for status, n in sorted(report.counts().items()))
        calls = ", ".join(f"{channel} {n}" for channel, n in sorted(report.calls.items()))
        click.echo(f"listings: {counts}; calls: {calls}")
    for outcome in report.outcomes:
        if outcome.error:
            click.echo(f"  {outcome.listing_key}: {outcome.status} - {outcome.error}", err=True)
    if not report.ok:
        sys.exit(1)
