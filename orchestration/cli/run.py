"""`tributary run`: execute a Dagster job of the code location and print its summary."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import dagster as dg

from core.warehouse import Warehouse
from orchestration.launch import execute_job
from orchestration.summary import summarize


@click.command()
@click.option(
    "--job",
    default="refresh",
    show_default=True,
    type=click.Choice(["refresh", "reconcile", "stock_fast_path"]),
    help="refresh: incremental; reconcile: the nightly full rebuild.",
)
def run(job: str) -> None:
    """Run JOB through Dagster (kept in $DAGSTER_HOME's run history); exit 1 if it failed."""
    if not os.environ.get("DAGSTER_HOME"):
        raise click.UsageError("set DAGSTER_HOME (make targets use .tributary/dagster)")
    sys.exit(run_and_report(job))


def run_and_report(job: str) -> int:
    home = Path(os.environ["DAGSTER_HOME"])
    click.echo(f"running {job} through Dagster (log in {home / 'logs'}) ...")
    launched = execute_job(job, home / "logs")
    summary = summarize(dg.DagsterInstance.get(), launched.run_id, Warehouse.from_env())
    click.echo(summary.render())
    if summary.status != "SUCCESS":
        click.echo(f"run failed; Dagster's log: {launched.log}", err=True)
        return 1
    return 0
