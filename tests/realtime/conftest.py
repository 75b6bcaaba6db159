"""A real `tributary realtime serve` process on loopback, with its own event store."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers.processes import Command, free_port, tributary
from tests.marts.conftest import built_world  # noqa: F401 - the stock book's tests use it
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
