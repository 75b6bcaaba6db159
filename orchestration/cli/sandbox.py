"""`tributary sandbox serve`: every simulated marketplace on its own port, from one world.

Writes a manifest (base URLs and the credentials the sandbox accepts) so that clients are
configured exactly as they would be for real shops. Each running sandbox is a named instance
(`--name`, default `default`) with its own manifest, `.tributary/sandboxes/<name>.json`, and
its own ports; `tributary sandbox list` shows them (see `orchestration/cli/instances.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import resource
import signal
import time
from pathlib import Path
from typing import Any

import click

from orchestration.cli.instances import (
    DEFAULT_NAME,
    SANDBOXES_DIR,
    check_ports,
    claim,
    describe_holder,
    known_instances,
    urls,
    write_manifest,
)

__all__ = ["describe", "sandbox", "write_manifest"]


@click.group()
def sandbox() -> None:
    """The local marketplace sandbox (Shopify, Amazon, TikTok Shop, 3PL)."""


@sandbox.command()
@click.option("--seed", default=42, show_default=True, help="World seed; same seed, same world.")
@click.option(
    "--scale",
    type=click.Choice(["tiny", "small", "medium", "large"]),
    default="small",
    show_default=True,
)
@click.option(
    "--name",
    default=DEFAULT_NAME,
    show_default=True,
    help="Instance name: one running sandbox per name, each with its own manifest.",
)
@click.option(
    "--base-port", default=8700, show_default=True, help="First port; 0 for any free ports."
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--time-scale", default=1.0, show_default=True, help="World seconds per real second.")
@click.option("--live", is_flag=True, help="Let the world clock run and orders arrive.")
@click.option("--no-rate-limits", is_flag=True, help="Serve as fast as the machine allows.")
@click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Where to write the manifest  [default: {SANDBOXES_DIR}/<name>.json]",
)
@click.option("--for", "serve_for", type=float, default=None, help="Stop after this many seconds.")
def serve(
    seed: int,
    scale: str,
    name: str,
    base_port: int,
    host: str,
    time_scale: float,
    live: bool,
    no_rate_limits: bool,
    manifest_path: Path | None,
    serve_for: float | None,
) -> None:
    """Serve every channel until interrupted, after writing the manifest."""
    started = time.perf_counter()
    instance = claim(name, manifest_path)  # refuses at once if the name is running
    try:
        from sandbox.registry import simulators  # noqa: PLC0415 - keep `--help` instant
        from sandbox.server.context import SandboxOptions  # noqa: PLC0415
        from sandbox.server.runner import Sandbox, SandboxConfig  # noqa: PLC0415

        labels = [f"{sim.slug} {each.name}" for sim in simulators() for each in sim.hosts()]
        check_ports(host, base_port, labels)  # before the world is built, which takes a while
        config = SandboxConfig(
            seed=seed,
            scale=scale,
            time_scale=time_scale,
            live=live,
            host=host,
            base_port=base_port,
            options=SandboxOptions(rate_limits=not no_rate_limits),
        )

        async def run() -> None:
            service = Sandbox(config)
            try:
                manifest = await service.start()
            except OSError as error:  # taken since the check: another process was quicker
                await service.stop()
                if error.errno != errno.EADDRINUSE:
                    raise
                raise click.ClickException(
                    f"{error.strerror or error}: a port from --base-port {base_port} was taken "
                    "while the world was built. Start with --base-port 0 to take any free ports."
                ) from None
            document = instance.publish(manifest)
            ready = time.perf_counter() - started
            click.echo(describe(document, instance.manifest, ready))
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            # asyncio.timeout, not wait_for: on 3.11 wait_for can drop a cancellation that
            # arrives as the event is set (see sandbox/webhooks/delivery.py).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(serve_for):
                    await stop.wait()
            await service.stop()
            click.echo("sandbox stopped")

        asyncio.run(run())
    finally:
        instance.close()


@sandbox.command(name="list")
def list_instances() -> None:
    """The sandbox instances of this directory: running ones with their pid and control URL."""
    found = known_instances()
    if not found:
        click.echo(f"no sandbox instance in {SANDBOXES_DIR}")
        return
    for known in found:
        state = f"running: {describe_holder(known.holder)}" if known.running else "stopped"
        click.echo(f"{known.name:<16} {state}\n{'':<16} manifest {known.manifest}")


def describe(manifest: dict[str, Any], path: Path, ready_s: float) -> str:
    info = manifest["sandbox"]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"Tributary sandbox ready in {ready_s:.1f} s (peak RSS {peak_mib:.0f} MiB): "
        f"seed {info['seed']}, scale {info['scale']}, time scale {info['time_scale']:g}, "
        f"{'live' if info['live'] else 'frozen clock'}",
    ]
    for channel, details in manifest["channels"].items():
        for name, url in sorted(urls(details).items()):
            lines.append(f"  {channel:<12} {name:<12} {url}")
    lines.append(f"  control      truth        {info['control_url']}/truth")
    if info.get("name"):
        lines.append(f"Instance {info['name']!r}; another at once: --name <other> --base-port 0")
    lines.append(f"Manifest with credentials: {path}")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)
