"""`tributary realtime`: the fast path's receiver, and what it has received."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from dlt_sources.common.config import ChannelNotConfiguredError, channel_settings
from realtime.health import read_health
from realtime.service import ReceiverSettings, serve
from realtime.store import STORE_ENV, configured_store_path
from realtime.verifiers import LISTENED_CHANNELS

CONFIG_HELP = "Channels file (the sandbox manifest layout); default: dlt config/secrets."


def configured_channels(config_file: str | None) -> dict[str, dict[str, Any]]:
    """The settings of every channel the receiver can listen to that is configured at all."""
    found = {}
    for slug in LISTENED_CHANNELS:
        try:
            found[slug] = channel_settings(slug, config_file)
        except ChannelNotConfiguredError:
            continue
    return found


@click.group()
def realtime() -> None:
    """The fast path: receive every channel's sale signals within seconds."""


@realtime.command("serve")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help=CONFIG_HELP)  # fmt: skip
@click.option("--store", "store", default=None, help=f"Event store file (${STORE_ENV}).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8787, show_default=True, type=int)
def serve_command(config_file: str | None, store: str | None, host: str, port: int) -> None:
    """Receive webhooks at /webhooks/<channel> and Amazon's SQS queue until stopped."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    settings = ReceiverSettings(store=configured_store_path(store), host=host, port=port)
    serve(settings, configured_channels(config_file))


@realtime.command("react")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help=CONFIG_HELP)  # fmt: skip
@click.option("--store", "store", default=None, help=f"Event store file (${STORE_ENV}).")
@click.option("--warehouse", default=None, help="Warehouse file (its serving copy and locks).")
@click.option("--poll-seconds", default=0.2, show_default=True, type=float)
def react_command(
    config_file: str | None, store: str | None, warehouse: str | None, poll_seconds: float
) -> None:
    """Turn stored events into stock pushes, round after round, until stopped."""
    from orchestration.realtime import run_reactor  # noqa: PLC0415 - writers import channels

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    run_reactor(
        configured_store_path(store),
        Path(warehouse) if warehouse else None,
        config_file,
        poll_seconds,
    )


@realtime.command("status")
@click.option("--store", "store", default=None, help=f"Event store file (${STORE_ENV}).")
@click.option("--minutes", default=60.0, show_default=True, help="Window of the figures.")
def status_command(store: str | None, minutes: float) -> None:
    """Deliveries, refusals, backlog and lag from receipt to push over the last minutes."""
    path = configured_store_path(store)
    if not path.exists():
        raise click.ClickException(f"no event store at {path}: is `realtime serve` running?")
    click.echo(f"event store {path}, last {minutes:g} minutes")
    for line in read_health(path, window_s=60.0 * minutes).lines():
        click.echo(line)
