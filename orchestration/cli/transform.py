"""`tributary transform`: build the dbt project (models, seeds, tests) on the warehouse."""

from __future__ import annotations

import json
import sys

import click

from orchestration.transform import prepare_manifest, run_dbt


@click.command()
@click.option("--full-refresh", is_flag=True, help="Rebuild incremental marts from scratch.")
@click.option(
    "--select", "selection", default=None, help="dbt node selection, e.g. 'marts' or '+fct_orders'."
)
@click.option(
    "--selector",
    default=None,
    help="A selector of dbt_project/selectors.yml, e.g. 'refresh' for a scheduled run.",
)
@click.option(
    "--vars",
    "variables",
    default=None,
    help='dbt vars as JSON, e.g. \'{"reporting_currency": "EUR"}\'.',
)
@click.option(
    "--parse",
    "parse_only",
    is_flag=True,
    help="Only parse the project into dbt_project/target/manifest.json (what Dagster reads).",
)
def transform(
    full_refresh: bool,
    selection: str | None,
    selector: str | None,
    variables: str | None,
    parse_only: bool,
) -> None:
    """Run `dbt build`; exits non-zero naming every failed model or test."""
    if parse_only:
        parsed_run = prepare_manifest()
        click.echo(f"dbt manifest prepared in {parsed_run.elapsed_s:.1f} s")
        return
    arguments = ["build"]
    if full_refresh:
        arguments.append("--full-refresh")
    if selection:
        arguments += ["--select", selection]
    if selector:
        arguments += ["--selector", selector]
    parsed = json.loads(variables) if variables else None
    run = run_dbt(arguments, variables=parsed, publish_marts=True)
    counts = ", ".join(f"{status} {count}" for status, count in sorted(run.counts().items()))
    click.echo(f"dbt build: {counts or 'nothing ran'} in {run.elapsed_s:.1f} s")
    if run.publication is not None:
        click.echo(
            f"marts published for BI tools: {run.publication.path} "
            f"({run.publication.tables} tables, {run.publication.rows:,} rows)"
        )
    for warning in run.warnings:
        click.echo(f"WARN {warning.name}: {warning.message}")
    if not run.ok:
        click.echo(f"FAILED\n{run.explain()}", err=True)
        sys.exit(1)
