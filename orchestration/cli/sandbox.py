"""`tributary sandbox serve`: every simulated marketplace on its own port, from one world.

Writes a manifest (base URLs and the credentials the sandbox accepts) so that clients are
configured exactly as they would be for real shops.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import signal
import time
from pathlib import Path
from typing import Any

import click


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
    default=Path(".tributary/sandbox.json"),
    show_default=True,
)
@click.option("--for", "serve_for", type=float, default=None, help="Stop after this many seconds.")
def serve(
    seed: int,
    scale: str,
    base_port: int,
    host: str,
    time_scale: float,
    live: bool,
    no_rate_limits: bool,
    manifest_path: Path,
    serve_for: float | None,
) -> None:
    """Serve every channel until interrupted, after writing the manifest."""
    from sandbox.server.context import SandboxOptions  # noqa: PLC0415 - keep `--help` instant
    from sandbox.server.runner import Sandbox, SandboxConfig  # noqa: PLC0415

    started = time.perf_counter()
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
        manifest = await service.start()
        write_manifest(manifest_path, manifest)
        ready = time.perf_counter() - started
        click.echo(describe(manifest, manifest_path, ready))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=serve_for)
        await service.stop()
        click.echo("sandbox stopped")

    asyncio.run(run())


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write atomically, readable only by the owner: it holds credentials."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(manifest, indent=2))
    os.chmod(partial, 0o600)
    partial.replace(path)


def describe(manifest: dict[str, Any], path: Path, ready_s: float) -> str:
    info = manifest["sandbox"]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"Tributary sandbox ready in {ready_s:.1f} s (peak RSS {peak_mib:.0f} MiB): "
        f"seed {info['seed']}, scale {info['scale']}, time scale {info['time_scale']:g}, "
        f"{'live' if info['live'] else 'frozen clock'}",
    ]
    for channel, details in manifest["channels"].items():
        for name, url in sorted(_urls(details).items()):
            lines.append(f"  {channel:<12} {name:<12} {url}")
    lines.append(f"  control      truth        {info['control_url']}/truth")
    lines.append(f"Manifest with credentials: {path}")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


def _urls(details: dict[str, Any]) -> dict[str, str]:
    """Every URL in a channel's manifest entry, keyed by where it was found."""
    found: dict[str, str] = {}

    def walk(node: Any, label: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, key if label in ("", "stores", "regions") else f"{label}.{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, label)
        elif isinstance(node, str) and node.startswith("http"):
            found[label] = node

    walk(details, "")
    return found
