"""A real `tributary realtime serve` process on loopback, with its own event store."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.warehouse import Warehouse
from orchestration.push import run_push
from realtime.pusher import FastPusher
from realtime.stock_book import StockBook
from reverse_etl.writers.registry import build_writer
from tests.helpers.clients import Control
from tests.helpers.processes import Command, free_port, tributary
from tests.ingest.conftest import AMAZON_MARGIN_S, FAST_RETRIES
from tests.ingest.raw import Ingest
from tests.marts.conftest import built_world, dbt  # noqa: F401 - the stock book's tests use it
from tests.realtime.deliveries import Signed, channels_settings

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Receiver:
    command: Command
    url: str
    store: Path

    def send(self, delivery: Signed, timeout: float = 10.0) -> httpx.Response:
        return httpx.post(
            f"{self.url}/webhooks/{delivery.channel}",
            content=delivery.body,
            headers=delivery.headers,
            timeout=timeout,
        )

    def query(self, sql: str, *parameters: Any) -> list[Any]:
        with sqlite3.connect(self.store) as connection:
            return connection.execute(sql, parameters).fetchall()

    def copies(self, delivery: Signed) -> int:
        """How many times the store holds this delivery's event."""
        ((count,),) = self.query(
            "select count(*) from events where channel = ? and event_id = ?",
            delivery.channel,
            delivery.event_id,
        )
        return int(count)

    def refusals(self, channel: str) -> int:
        ((count,),) = self.query(
            "select count(*) from deliveries where channel = ? and outcome = 'rejected'", channel
        )
        return int(count)


def start_receiver(directory: Path, settings: dict[str, Any], port: int | None = None) -> Receiver:
    config = directory / "channels.json"
    config.write_text(json.dumps(settings))
    store = directory / "events.sqlite"
    port = port or free_port()
    command = Command(
        tributary(
            "realtime", "serve", "--config", str(config), "--store", str(store), "--port", str(port)
        ),
        cwd=REPO,
        env=os.environ,
        log=directory / f"receiver-{port}.log",
    )
    command.wait_for(r"realtime receiver on", timeout=60)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):  # uvicorn logs before it listens
        try:
            httpx.get(f"{url}/health", timeout=1.0)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    return Receiver(command, url, store)


@pytest.fixture(scope="module")
def receiver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receiver]:
    """One receiver for a module: tests tell their deliveries apart by event id."""
    started = start_receiver(tmp_path_factory.mktemp("receiver"), channels_settings())
    yield started
    started.command.stop(timeout=10, linger=2)


def pushed_by_the_batch(
    sandbox: Callable[..., dict[str, Any]], tmp_path: Path
) -> tuple[dict[str, Any], Control, Ingest]:
    """A tiny world the batch path has run on (ingest, build, push): every channel shows the
    build's targets, the state the fast path starts from."""
    manifest = sandbox(scale="tiny")
    control = Control(manifest)
    control.advance(AMAZON_MARGIN_S)
    (tmp_path / "batch").mkdir()
    ingest = Ingest(manifest, tmp_path / "batch", policy=FAST_RETRIES)
    ingest.run()
    assert dbt(ingest.database, "build").ok
    assert run_push(config_file=ingest.config, warehouse=ingest.database).ok
    return manifest, control, ingest


def fast_pusher(
    book: StockBook, manifest: dict[str, Any], ingest: Ingest, control: Control, locks: Path
) -> FastPusher:
    """The reactor's pusher on the batch's writers, ledger beside the warehouse, world clock."""
    channels = manifest["channels"]
    return FastPusher(
        book,
        lambda channel, run_id: build_writer(channel, channels[channel], run_id, FAST_RETRIES),
        ledger_path=Warehouse.at(ingest.database).fast_push_ledger_path,
        locks_dir=locks,
        clock=control.now,
    )
