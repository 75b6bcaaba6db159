"""`tributary push`: set every channel listing to its reconciled stock target."""

from __future__ import annotations

import sys

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
    "--deadline-minutes",
    type=float,
    default=None,
    help="How long each channel may take (default: its push_deadline_minutes, else 15).",
)
def push(
    channels: tuple[str, ...],
    dry_run: bool,
    config_file: str | None,
    deadline_minutes: float | None,
) -> None:
    """Plan, guard, write, read back and record a stock push; exits 1 when blocked or failed.

    Only targets built by a dbt build that recorded passing results are pushed; each channel
    is written on its own, so a failing channel leaves the others pushed (status partial)."""
    report = run_push(
        channels=list(channels) or None,
        dry_run=dry_run,
        config_file=config_file,
        deadline_minutes=deadline_minutes,
    )
    for run_id in report.interrupted_runs:
        click.echo(f"closed push {run_id} as interrupted (its process had died)", err=True)
    click.echo(f"push {report.run_id}: {report.status}")
    click.echo(report.plan.describe())
    for failure in report.blocked:
        click.echo(f"BLOCKED {failure}", err=True)
    if report.outcomes:
        counts = ", ".join(f"{status} {n}" for status, n in sorted(report.counts().items()))
        calls = ", ".join(f"{channel} {n}" for channel, n in sorted(report.calls.items()))
        click.echo(f"listings: {counts}; calls: {calls}")
    for channel, reason in sorted(report.failed_channels.items()):
        click.echo(f"FAILED {channel}: {reason}", err=True)
    for outcome in [o for o in report.outcomes if o.error][:20]:
        click.echo(f"  {outcome.listing_key}: {outcome.status} - {outcome.error}", err=True)
    if not report.ok:
        sys.exit(1)
