"""`tributary demo` and `tributary ui`: the whole platform against a local sandbox.

Each starts its own sandbox instance on free ports (`demo-<pid>`, `ui-<port>`), writes its own
manifest (`.tributary/sandboxes/<name>.json`) and hands Dagster that file in the child's
environment (`TRIBUTARY_CHANNELS_FILE`): a second sandbox or UI never repoints a running one.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import click

from core.locks import HeldLock
from core.warehouse import Warehouse
from dlt_sources.common.config import CHANNELS_FILE_ENV
from orchestration.cli.dagster_ui import (
    child_environment,
    claim_home,
    claim_ui_port,
    dagster_dev_command,
    prepare_home,
    serve_dagster,
    write_workspace,
)
from orchestration.cli.fast_path import (
    event_store_of,
    fast_path_beside,
    show_a_sale,
    wait_for_reactor,
)
from orchestration.cli.instances import SandboxInstance, claim
from orchestration.cli.run import run_and_report
from realtime.health import read_health
from realtime.store import STORE_ENV


@contextmanager
def local_sandbox(
    scale: str, seed: int, instance: SandboxInstance, *, live: bool = False
) -> Iterator[dict[str, Any]]:
    """A sandbox world on free ports, published as `instance` (its own manifest), for the
    duration; `live`: its clock runs at real speed and shoppers buy.

    Rate limits are off: the small world then ingests in seconds, where Amazon's real
    getOrderItems rate (0.5/s) alone would take the demo past its five minutes."""
    from sandbox.server.context import SandboxOptions  # noqa: PLC0415 - only these commands
    from sandbox.server.runner import SandboxConfig, SandboxThread  # noqa: PLC0415

    config = SandboxConfig(
        seed=seed, scale=scale, live=live, base_port=0, options=SandboxOptions(rate_limits=False)
    )
    with SandboxThread(config) as manifest:
        document = instance.publish(manifest)
        click.echo(
            f"sandbox {instance.name}: {scale} world (seed {seed}), rate limits off, "
            f"{'live demand' if live else 'frozen clock'}, manifest {instance.manifest}"
        )
        yield document


@contextmanager
def environment_variable(name: str, value: str) -> Iterator[None]:
    """Set for the commands this process runs meanwhile, then as it was."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


@click.command()
@click.option("--scale", default="small", show_default=True)
@click.option("--seed", default=42, show_default=True)
def demo(scale: str, seed: int) -> None:
    """Start a sandbox, run the whole graph once through Dagster, print what it did."""
    if not os.environ.get("DAGSTER_HOME"):
        raise click.UsageError("set DAGSTER_HOME (`make demo` uses .tributary/dagster)")
    instance = claim(f"demo-{os.getpid()}")
    try:
        with (
            local_sandbox(scale, seed, instance),
            # `dagster job execute` inherits it: this demo's own manifest, nobody else's.
            environment_variable(CHANNELS_FILE_ENV, str(instance.manifest.resolve())),
        ):
            code = run_and_report("refresh")
            if code == 0:
                code = _show_the_fast_path(instance)
    finally:
        instance.close(forget=True)  # a one-off name: its manifest would only pile up
    click.echo("browse the run and the asset graph: make ui  (http://127.0.0.1:3000)")
    sys.exit(code)


def _show_the_fast_path(instance: SandboxInstance) -> int:
    """Start the receiver and reactor on the build just made; sell on Shopify; time it."""
    warehouse = Warehouse.from_env()
    manifest_path = instance.manifest.resolve()
    manifest = json.loads(manifest_path.read_text())
    logs = Path(".tributary") / "realtime" / "demo"  # the last demo's, not one per run
    store = event_store_of(warehouse)
    if store.exists() and read_health(store).reactor_alive():
        click.echo(f"\na reactor already runs on {store}: the demo leaves the fast path to it")
        return 0
    click.echo(f"\nthe fast path: receiver and reactor beside the sandbox (logs in {logs})")
    with fast_path_beside(manifest_path, manifest, warehouse, logs) as fast_path:
        if not wait_for_reactor(fast_path.store):
            click.echo(f"the reactor did not start; see {logs / 'reactor.log'}", err=True)
            return 1
        shown = show_a_sale(manifest, warehouse)
    if shown is None:
        click.echo("no SKU in stock is pushed to Shopify and two other channels: nothing to show")
        return 0
    for line in shown.lines():
        click.echo(line)
    return 0 if None not in shown.reached.values() else 1


@click.command()
@click.option("--scale", default="small", show_default=True)
@click.option("--seed", default=42, show_default=True)
@click.option(
    "--port", default=3000, show_default=True, help="UI port; the next free one if it is taken."
)
@click.option(
    "--dagster-home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="DAGSTER_HOME",
    show_envvar=True,
    help="The Dagster instance (run history, schedules, logs); one UI at a time per instance.",
)
def ui(scale: str, seed: int, port: int, dagster_home: Path | None) -> None:
    """Serve the Dagster UI and daemon (schedules, sensors, queued runs) against its own sandbox."""
    if dagster_home is None:
        raise click.UsageError(
            "set DAGSTER_HOME or pass --dagster-home (`make ui` uses .tributary/dagster)"
        )
    home = prepare_home(dagster_home)
    home_lock = claim_home(home)  # refuses at once if another UI serves this instance
    try:
        ui_port, instance, passed = claim_ui_port(port)
        if passed:
            taken = f"port {passed[0]} is" if len(passed) == 1 else f"ports {passed} are"
            click.echo(f"{taken} taken (another UI or service): serving this UI on port {ui_port}")
        try:
            code = _serve_ui(scale, seed, home, home_lock, ui_port, instance)
        finally:
            instance.close()
    finally:
        home_lock.release()
    sys.exit(code)


def _serve_ui(
    scale: str, seed: int, home: Path, home_lock: HeldLock, port: int, instance: SandboxInstance
) -> int:
    url = f"http://127.0.0.1:{port}"
    with ExitStack() as stack:
        manifest = stack.enter_context(local_sandbox(scale, seed, instance, live=True))
        workspace, locations = write_workspace(home, instance.name)
        channels_file = instance.manifest.resolve()
        logs = Path(".tributary") / "realtime" / instance.name
        warehouse = Warehouse.from_env()
        store = event_store_of(warehouse)
        if store.exists() and read_health(store).reactor_alive():
            fast = f"already running on {store} (another UI or `tributary realtime react`)"
        else:
            started = stack.enter_context(
                fast_path_beside(channels_file, manifest, warehouse, logs)
            )
            fast = (
                f"receiver {started.receiver_url}, events in {store}, logs in {logs}; the "
                "reactor starts from the first refresh (`tributary realtime status`)"
            )
        control = manifest["sandbox"]["control_url"]
        named = ", ".join(f'"{location}"' for location in locations)
        home_lock.record(ui_url=url, sandbox=instance.name, manifest=str(channels_file))
        click.echo(
            "\n".join(
                [
                    f"Dagster UI on {url} (Ctrl-C stops it and the sandbox)",
                    f"  bound to sandbox {instance.name}: control {control}",
                    f"  channels file (TRIBUTARY_CHANNELS_FILE): {channels_file}",
                    f"  the UI names it: code location {named}, "
                    "and Resources > channels > config_file",
                    f"  Dagster instance (DAGSTER_HOME): {home}",
                    f"  fast path: {fast}",
                ]
            )
        )
        environment = {
            **child_environment(home, channels_file),
            STORE_ENV: str(store),  # the health sensor reads the same event store
        }
        return serve_dagster(dagster_dev_command(workspace, port), environment, home_lock)
