"""`tributary demo` and `tributary ui`: the whole platform against a local sandbox."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from dlt_sources.common.config import CHANNELS_FILE_ENV
from orchestration.cli.run import run_and_report
from orchestration.cli.sandbox import write_manifest

MANIFEST = Path(".tributary/sandbox.json")


@contextmanager
def local_sandbox(scale: str, seed: int) -> Iterator[None]:
    """A sandbox world on free ports, its manifest as the channels file, for the duration.

    Rate limits are off: the small world then ingests in seconds, where Amazon's real
    getOrderItems rate (0.5/s) alone would take the demo past its five minutes."""
    from sandbox.server.context import SandboxOptions  # noqa: PLC0415 - only these commands
    from sandbox.server.runner import SandboxConfig, SandboxThread  # noqa: PLC0415

    config = SandboxConfig(
        seed=seed, scale=scale, base_port=0, options=SandboxOptions(rate_limits=False)
    )
    with SandboxThread(config) as manifest:
        write_manifest(MANIFEST, manifest)
        os.environ[CHANNELS_FILE_ENV] = str(MANIFEST.resolve())
        click.echo(f"sandbox: {scale} world (seed {seed}), rate limits off, manifest {MANIFEST}")
        yield


@click.command()
@click.option("--scale", default="small", show_default=True)
@click.option("--seed", default=42, show_default=True)
def demo(scale: str, seed: int) -> None:
    """Start a sandbox, run the whole graph once through Dagster, print what it did."""
    if not os.environ.get("DAGSTER_HOME"):
        raise click.UsageError("set DAGSTER_HOME (`make demo` uses .tributary/dagster)")
    with local_sandbox(scale, seed):
        code = run_and_report("refresh")
    click.echo("browse the run and the asset graph: make ui  (http://127.0.0.1:3000)")
    sys.exit(code)


@click.command()
@click.option("--scale", default="small", show_default=True)
@click.option("--seed", default=42, show_default=True)
@click.option("--port", default=3000, show_default=True)
def ui(scale: str, seed: int, port: int) -> None:
    """Serve the Dagster UI and daemon (schedules, sensors, queued runs) against a sandbox."""
    if not os.environ.get("DAGSTER_HOME"):
        raise click.UsageError("set DAGSTER_HOME (`make ui` uses .tributary/dagster)")
    dagster = str(Path(sys.executable).with_name("dagster"))
    with local_sandbox(scale, seed):
        command = [dagster, "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)]
        click.echo(f"Dagster UI on http://127.0.0.1:{port} (Ctrl-C stops it and the sandbox)")
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how the UI is stopped
            subprocess.run(command, check=False)  # noqa: S603 - our own dagster executable
