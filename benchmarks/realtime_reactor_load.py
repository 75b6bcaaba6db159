"""The reactor under the capacity load: how long from an event's receipt to its push.

A tiny sandbox world is loaded and built once through the CLI (`tributary ingest`,
`transform`), exactly as an operator's first run; then the receiver and the reactor start
beside it as the demo starts them, subscribed to the sandbox (so the channels' echoes of our
pushes arrive too, as in production). The load is the capacity benchmark's: signed Shopify
`orders/create` webhooks, as fast as the receiver answers, but each for one unit of a SKU the
world lists, followed by that order's `orders/cancelled`, so stock keeps moving both ways and
every round has targets to push through the sandbox's real rate limits.

The lag is what `tributary realtime status` and Dagster report: per reactor round that planned
a push, from the receipt of its oldest event to the end of its push.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.sandbox_world import SandboxWorld
from core.environment import environment_set
from core.secrets import SALT_ENV
from core.warehouse import Warehouse
from orchestration.cli.fast_path import fast_path_beside, wait_for_reactor
from orchestration.transform import TARGET_PATH_ENV
from realtime.health import Health, read_health
from realtime.store import STORE_ENV

REPO = Path(__file__).resolve().parent.parent
DRAIN_S = 120.0  # the longest wait for the reactor to apply what the load left


@dataclass(frozen=True)
class ShopifyLoad:
    """What a sender needs to post webhooks this world's Shopify store would send."""

    secret: str
    domain: str
    variants: list[tuple[str, str]]  # (sku, variant_id) of listed Shopify variants

    def signed(self, number: int) -> tuple[bytes, dict[str, str], str]:
        """Order `number`: created on even numbers, cancelled on the odd one after."""
        order_number, cancelled = divmod(number, 2)
        sku, variant_id = self.variants[order_number % len(self.variants)]
        # The cancellation a second after the creation: the later state wins, as Shopify's do.
        moment = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() + cancelled))
        body = json.dumps(
            {
                "id": 7900000000000 + order_number,
                "updated_at": moment,
                "financial_status": "paid",
                "fulfillment_status": None,
                "cancelled_at": moment if cancelled else None,
                "currency": "USD",
                "line_items": [
                    {
                        "id": order_number * 10,
                        "variant_id": int(variant_id),
                        "sku": sku,
                        "quantity": 1,
                        "price": "29.00",
                    }
                ],
            }
        ).encode()
        digest = hmac.new(self.secret.encode(), body, hashlib.sha256).digest()
        event_id = str(uuid.uuid4())
        headers = {
            "X-Shopify-Topic": "orders/cancelled" if cancelled else "orders/create",
            "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
            "X-Shopify-Shop-Domain": self.domain,
            "X-Shopify-Event-Id": event_id,
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Triggered-At": moment,
            "Content-Type": "application/json",
        }
        return body, headers, event_id


@dataclass
class BuiltWorld:
    world: SandboxWorld
    directory: Path
    receiver_url: str
    store: Path
    load: ShopifyLoad


def _cli(arguments: list[str], environment: dict[str, str], log: Path) -> None:
    with log.open("ab") as out:
        finished = subprocess.run(  # noqa: S603 - our own CLI
            [sys.executable, "-m", "orchestration.cli.entry", *arguments],
            cwd=REPO, env=environment, stdout=out, stderr=subprocess.STDOUT, check=False,
        )  # fmt: skip
    if finished.returncode != 0:
        raise RuntimeError(f"tributary {' '.join(arguments)} failed; its log: {log}")


def _shopify_load(world: SandboxWorld) -> ShopifyLoad:
    shopify: dict[str, Any] = world.manifest["channels"]["shopify"]
    variants = sorted(
        (row["sku"], str(row["key"]["variant_id"]))
        for row in world.get("/truth/listings", channel="shopify")["listings"]
        if row["mapping"] != "unmappable" and "variant_id" in row["key"]
    )
    if not variants:
        raise RuntimeError("the tiny world lists no mapped Shopify variant")
    return ShopifyLoad(shopify["webhook_secret"], shopify["stores"][0]["shop_domain"], variants)


@contextmanager
def built_world(directory: Path, seed: int = 7) -> Iterator[BuiltWorld]:
    """A tiny world, loaded and built, with the receiver and the reactor beside it."""
    world = SandboxWorld(seed, "tiny")
    try:
        channels_file = directory / "channels.json"
        channels_file.write_text(json.dumps(world.manifest))
        warehouse = Warehouse(directory / "warehouse.duckdb")
        environment = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "TRIBUTARY_WAREHOUSE": str(warehouse.path),
            "TRIBUTARY_CHANNELS_FILE": str(channels_file),
            "TRIBUTARY_PIPELINES_DIR": str(directory / "pipelines"),
            TARGET_PATH_ENV: str(directory / "dbt-target"),
            SALT_ENV: os.environ.get(SALT_ENV) or secrets.token_hex(16),
            STORE_ENV: str(directory / "realtime.sqlite"),
        }
        for command in (["ingest"], ["transform"]):
            _cli(command, environment, directory / "build.log")
        with (
            environment_set({name: environment[name] for name in (SALT_ENV, STORE_ENV)}),
            fast_path_beside(
                channels_file, world.manifest, warehouse, directory / "logs"
            ) as fast_path,
        ):
            if not wait_for_reactor(fast_path.store):
                raise RuntimeError(f"the reactor did not start; its log: {fast_path.logs}")
            yield BuiltWorld(
                world, directory, fast_path.receiver_url, fast_path.store, _shopify_load(world)
            )
    finally:
        world.close()


def drained(store: Path, since: float) -> Health:
    """Wait until the reactor has applied every stored event, then read its rounds."""
    deadline = time.monotonic() + DRAIN_S
    while time.monotonic() < deadline and read_health(store).backlog:
        time.sleep(0.5)
    time.sleep(1.0)  # the last round's push
    return read_health(store, window_s=time.time() - since)
