"""The fast path beside a local sandbox, for `tributary demo` and `tributary ui`.

The receiver and the reactor run as processes of their own, as in production (beside Dagster,
not in it). The sandbox's channels are subscribed to them as a merchant does in each channel's
admin: Shopify, TikTok Shop and the 3PL call the receiver; Amazon publishes into the sandbox's
SQS queue, which the receiver polls. `show_a_sale` then sells one SKU on Shopify and times,
on the real clock, how long every other channel's listing of that SKU takes to change.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import duckdb
import httpx

from core.processes import die_with_parent
from core.warehouse import Warehouse
from realtime.health import read_health
from realtime.store import STORE_ENV

WEBHOOK_CHANNELS = ("shopify", "tiktok_shop", "warehouse")
QUIET = {"shopify": 0, "amazon_us": 0, "amazon_de": 0, "tiktok_shop": 0}
READY_S = 60.0


@dataclass
class FastPath:
    receiver_url: str
    store: Path
    logs: Path


def event_store_of(warehouse: Warehouse) -> Path:
    """`TRIBUTARY_REALTIME_STORE`, else beside the warehouse: a reactor reconciles with one
    warehouse's builds, so two warehouses never share an event store."""
    return Path(os.environ.get(STORE_ENV) or warehouse.path.with_name("realtime.sqlite")).resolve()


def _free_port() -> int:
    with socket.socket() as probe:  # the OS picks; the receiver binds it a moment later
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(arguments: list[str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "orchestration.cli.entry", "realtime", *arguments],
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=die_with_parent(),  # noqa: PLW1509 - only arms the kernel's death signal
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the receiver exited ({process.returncode}); its log: {log}")
        try:
            httpx.get(f"{url}/health", timeout=1.0).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"the receiver did not answer within {READY_S:.0f} s; its log: {log}")


def subscribe(control_url: str, manifest: dict[str, Any], receiver_url: str) -> None:
    """Register the receiver with every channel of the sandbox, as a merchant would."""
    with httpx.Client(timeout=10.0) as http:
        for channel in WEBHOOK_CHANNELS:
            http.post(
                f"{control_url}/webhooks",
                json={"channel": channel, "url": f"{receiver_url}/webhooks/{channel}"},
            ).raise_for_status()
        queue = manifest["channels"]["amazon"].get("notifications") or {}
        if queue.get("queue_url"):
            http.post(
                f"{control_url}/webhooks",
                json={"channel": "amazon", "queue_url": queue["queue_url"]},
            ).raise_for_status()


@contextmanager
def fast_path_beside(
    manifest_path: Path, manifest: dict[str, Any], warehouse: Warehouse, logs: Path
) -> Iterator[FastPath]:
    """The receiver and the reactor, subscribed to the sandbox, for the duration."""
    logs.mkdir(parents=True, exist_ok=True)
    store = event_store_of(warehouse)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    common = ["--config", str(manifest_path), "--store", str(store)]
    with ExitStack() as stack:
        receiver_log = logs / "receiver.log"
        receiver = _start(
            ["serve", *common, "--port", str(port)],
            stack.enter_context(receiver_log.open("ab")),
        )
        stack.callback(_stop, receiver)
        _wait_ready(url, receiver, receiver_log)
        reactor = _start(
            ["react", *common, "--warehouse", str(warehouse.path)],
            stack.enter_context((logs / "reactor.log").open("ab")),
        )
        stack.callback(_stop, reactor)
        subscribe(manifest["sandbox"]["control_url"], manifest, url)
        yield FastPath(url, store, logs)


def wait_for_reactor(store: Path, timeout_s: float = READY_S) -> bool:
    """Whether the reactor said it is alive (it beats once it has taken the build)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if store.exists() and read_health(store).reactor_alive():
            return True
        time.sleep(0.5)
    return False


@dataclass
class SaleShown:
    sku: str
    units_sold: int
    reached: dict[str, float | None]  # storefront -> seconds until its listing changed

    def lines(self) -> list[str]:
        said = [f"a sale of {self.units_sold} x {self.sku} on Shopify, on the other channels:"]
        for storefront, seconds in sorted(self.reached.items()):
            if seconds is None:
                said.append(f"  {storefront:<12} unchanged: see the reactor's log")
            else:
                said.append(f"  {storefront:<12} changed {seconds:.2f} s after the sale")
        return said


def _pick_sku(warehouse: Warehouse) -> str | None:
    """The SKU with the fewest units left that is pushed to Shopify and two other channels:
    a unit sold moves every other channel's share of it."""
    if not warehouse.serving_path.exists():
        return None
    with duckdb.connect(str(warehouse.serving_path), read_only=True) as connection:
        rows = connection.execute(
            """
            select sku
            from marts.inventory_push_targets
            where is_pushable and available_to_sell > 0
            group by sku
            having count(distinct channel) >= 3 and bool_or(channel = 'shopify')
                and min(target_quantity) > 0
            order by min(available_to_sell), sku
            limit 1
            """
        ).fetchall()
    return rows[0][0] if rows else None


def _shown(http: httpx.Client, control_url: str, sku: str) -> dict[str, int]:
    listings = http.get(f"{control_url}/truth/listings").json()["listings"]
    return {
        row["storefront"]: int(row["displayed_quantity"])
        for row in listings
        if row["sku"] == sku and row["fulfilled_by"] == "merchant"
    }


def show_a_sale(
    manifest: dict[str, Any], warehouse: Warehouse, timeout_s: float = 30.0
) -> SaleShown | None:
    """Sell one SKU on Shopify; time each other channel's listing of it to change."""
    sku = _pick_sku(warehouse)
    if sku is None:
        return None
    control = manifest["sandbox"]["control_url"]
    with httpx.Client(timeout=10.0) as http:
        before = _shown(http, control, sku)
        http.post(
            f"{control}/live",
            json={
                "enabled": True,
                "orders_per_hour": {**QUIET, "shopify": 360},
                "boost": {"shopify": {"skus": [sku], "factor": 1000, "keep_other_demand": False}},
            },
        ).raise_for_status()
        sold_at = None
        for _ in range(720):  # five seconds of world time at a time until Shopify sells it
            http.post(f"{control}/clock", json={"advance_seconds": 5}).raise_for_status()
            if _shown(http, control, sku).get("shopify", 0) < before.get("shopify", 0):
                sold_at = time.monotonic()
                break
        http.post(f"{control}/live", json={"enabled": False}).raise_for_status()
        if sold_at is None:
            return None
        after_sale = _shown(http, control, sku)
        units = before.get("shopify", 0) - after_sale.get("shopify", 0)
        others = [storefront for storefront in before if storefront != "shopify"]
        reached: dict[str, float | None] = dict.fromkeys(others)
        while time.monotonic() - sold_at < timeout_s and None in reached.values():
            now = _shown(http, control, sku)
            for storefront in others:
                if reached[storefront] is None and now.get(storefront) != before[storefront]:
                    reached[storefront] = time.monotonic() - sold_at
            time.sleep(0.05)
    return SaleShown(sku, units, reached)
