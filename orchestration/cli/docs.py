"""`tributary docs`: the dbt docs site, cataloged from the serving copy BI tools read."""

from __future__ import annotations

import sys

import click

from orchestration.transform import generate_docs


@click.command()
def docs() -> None:
    """Generate the dbt docs site (dbt_project/target/docs/static_index.html) from the
    serving copy: every model and column described, the marts' types from what BI reads."""
    try:
        run = generate_docs()
    except FileNotFoundError as missing:
        raise click.ClickException(str(missing)) from missing
    if not run.ok:
        click.echo(f"FAILED\n{run.explain()}", err=True)
        sys.exit(1)
    site = run.target_path / "static_index.html"
    click.echo(f"docs generated: open {site} in a browser")
    click.echo(f"or serve them: cd {run.target_path} && python -m http.server 8080")
