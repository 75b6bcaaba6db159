"""The `tributary` command line.

Each command's module is imported only when that command runs: Dagster, dlt and dbt take
seconds to import, and a command that needs none of them (`realtime serve`, `sandbox serve`,
`--help`) should not pay for all of them. A process restarted after a crash answers sooner.
"""

from __future__ import annotations

import importlib

import click

# name -> (module, attribute, one-line help shown by `tributary --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "sandbox": ("orchestration.cli.sandbox", "sandbox", "The local marketplace sandbox."),
    "ingest": ("orchestration.cli.ingest", "ingest", "Load every channel into the warehouse."),
    "contracts": ("orchestration.cli.contracts", "contracts", "The raw data contracts."),
    "transform": ("orchestration.cli.transform", "transform", "Build and test the dbt marts."),
    "docs": ("orchestration.cli.docs", "docs", "Generate and serve the dbt docs."),
    "push": ("orchestration.cli.push", "push", "Push every listing's stock target."),
    "run": ("orchestration.cli.run", "run", "Run a Dagster job in this process."),
    "demo": ("orchestration.cli.demo", "demo", "Sandbox, refresh and UI in one command."),
    "ui": ("orchestration.cli.demo", "ui", "Open the Dagster UI on a sandbox."),
    "realtime": ("orchestration.cli.realtime", "realtime", "The fast path's receiver."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when invoked (or when their help is asked for)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command), f"{module}.{attribute} is not a command"
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, summary) for name, (_, _, summary) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Tributary: one source of truth for brands that sell on several marketplaces."""
