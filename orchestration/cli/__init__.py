"""The `tributary` command line."""

from __future__ import annotations

import click

from orchestration.cli.contracts import contracts
from orchestration.cli.demo import demo, ui
from orchestration.cli.docs import docs
from orchestration.cli.ingest import ingest
from orchestration.cli.push import push
from orchestration.cli.realtime import realtime
from orchestration.cli.run import run
from orchestration.cli.sandbox import sandbox
from orchestration.cli.transform import transform


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Tributary: one source of truth for brands that sell on several marketplaces."""


main.add_command(sandbox)
main.add_command(ingest)
main.add_command(contracts)
main.add_command(transform)
main.add_command(docs)
main.add_command(push)
main.add_command(run)
main.add_command(demo)
main.add_command(ui)
main.add_command(realtime)
