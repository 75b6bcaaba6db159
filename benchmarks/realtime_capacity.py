"""The fast path's receiver under load: events a second accepted, verified and on disk.

`tributary realtime serve` runs as an operator runs it (its own process, its own event
store). Senders on loopback post signed Shopify order webhooks (each a distinct event, a
real-size REST order body, a base64 HMAC of the raw bytes) as fast as the receiver answers,
from several connections at once, for a fixed time. A delivery counts once the receiver has
answered 200 — by then its event is committed with synchronous=FULL. Afterwards the store is
read back: every acknowledged event must be there once.

Then the same load again with the reactor beside the receiver, on a tiny world built through
the CLI (benchmarks/realtime_reactor_load.py): the receiver's figures while the reactor shares
the machine, and the reactor's lag from an event's receipt to its push, p50 and p95.

Prints figures, never passes or fails:

    uv run python -m benchmarks.realtime_capacity [--seconds 20] [--connections 32] [--no-reactor]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx

from benchmarks.realtime_reactor_load import built_world, drained

SECRET = secrets.token_hex(16)  # a throwaway app secret for this run only
DOMAIN = "benchmark.myshopify.com"
REPO = Path(__file__).resolve().parent.parent


def order_body(number: int) -> bytes:
    """A Shopify REST order of a realistic size (3 lines, addresses, prices)."""
    line = {
        "id": 0,
        "variant_id": 44000000000000,
        "sku": "TRB-00001-BLA-M",
        "quantity": 1,
        "price": "29.00",
        "title": "Tributary tee",
        "fulfillment_status": None,
    }
    address = {"address1": "1 Main St", "city": "Newark", "zip": "07102", "country_code": "US"}
    return json.dumps(
        {
            "id": 5900000000000 + number,
            "updated_at": "2026-09-21T10:13:20-04:00",
            "financial_status": "paid",
            "fulfillment_status": None,
            "cancelled_at": None,
            "currency": "USD",
            "total_price": "87.00",
            "line_items": [{**line, "id": number * 10 + n} for n in range(3)],
            "shipping_address": address,
            "billing_address": address,
        }
    ).encode()


def signed(number: int) -> tuple[bytes, dict[str, str], str]:
    body = order_body(number)
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).digest()
    event_id = str(uuid.uuid4())
    return (
        body,
        {
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
            "X-Shopify-Shop-Domain": DOMAIN,
            "X-Shopify-Event-Id": event_id,
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Triggered-At": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "Content-Type": "application/json",
        },
        event_id,
    )


Signer = Callable[[int], tuple[bytes, dict[str, str], str]]


async def sender(
    url: str,
    sign: Signer,
    until: float,
    start: int,
    step: int,
    acked: list[str],
    latencies: list[float],
    errors: list[str],
) -> None:
    number = start
    async with httpx.AsyncClient(timeout=10.0) as client:
        while time.monotonic() < until:
            body, headers, event_id = sign(number)
            number += step
            began = time.perf_counter()
            try:
                answer = await client.post(url, content=body, headers=headers)
            except httpx.HTTPError as error:
                errors.append(repr(error))
                continue
            latencies.append(time.perf_counter() - began)
            if answer.status_code == 200:
                acked.append(event_id)
            else:
                errors.append(f"{answer.status_code} {answer.text[:80]}")


def start_receiver(directory: Path, port: int) -> subprocess.Popen[bytes]:
    config = directory / "channels.json"
    config.write_text(
        json.dumps(
            {
                "channels": {
                    "shopify": {
                        "webhook_secret": SECRET,
                        "stores": [
                            {
                                "store_id": "benchmark",
                                "shop_domain": DOMAIN,
                                "base_url": "http://127.0.0.1:9",
                                "access_token": "unused",
                            }
                        ],
                    }
                }
            }
        )
    )
    process = subprocess.Popen(  # noqa: S603 - our own CLI
        [
            sys.executable,
            "-m",
            "orchestration.cli.entry",
            "realtime",
            "serve",
            "--config",
            str(config),
            "--store",
            str(directory / "events.sqlite"),
            "--port",
            str(port),
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1.0)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the receiver did not start")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def load(
    url: str, sign: Signer, seconds: float, connections: int
) -> tuple[list[str], list[float], list[str]]:
    acked: list[str] = []
    latencies: list[float] = []
    errors: list[str] = []
    until = time.monotonic() + seconds
    await asyncio.gather(
        *(
            sender(url, sign, until, n, connections, acked, latencies, errors)
            for n in range(connections)
        )
    )
    return acked, latencies, errors


def report(
    took: float,
    connections: int,
    acked: list[str],
    latencies: list[float],
    errors: list[str],
    store: Path,
) -> None:
    with sqlite3.connect(store) as connection:
        stored = {row[0] for row in connection.execute("select event_id from events")}
    latencies.sort()
    print(f"  {connections} connections for {took:.1f} s on {os.cpu_count()} cores")
    print(f"  accepted (200, verified, committed): {len(acked)}, {len(acked) / took:.0f} events/s")
    if latencies:
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(
            f"  answer time p50 {statistics.median(latencies) * 1000:.1f} ms, "
            f"p95 {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
        )
    print(f"  errors: {len(errors)}{' e.g. ' + errors[0] if errors else ''}")
    missing = [event for event in acked if event not in stored]
    print(f"  acknowledged but not stored: {len(missing)}")


def receiver_alone(options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="tributary-capacity-") as scratch:
        directory = Path(scratch)
        port = free_port()
        receiver = start_receiver(directory, port)
        try:
            began = time.monotonic()
            acked, latencies, errors = asyncio.run(
                load(
                    f"http://127.0.0.1:{port}/webhooks/shopify",
                    signed,
                    options.seconds,
                    options.connections,
                )
            )
            took = time.monotonic() - began
        finally:
            receiver.terminate()
            receiver.wait(timeout=30)
        print("receiver alone (no reactor):")
        report(took, options.connections, acked, latencies, errors, directory / "events.sqlite")


def with_the_reactor(options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="tributary-capacity-") as scratch:
        print("building a tiny world for the reactor (ingest, transform)...", flush=True)
        with built_world(Path(scratch)) as built:
            began_at, began = time.time(), time.monotonic()
            acked, latencies, errors = asyncio.run(
                load(
                    f"{built.receiver_url}/webhooks/shopify",
                    built.load.signed,
                    options.seconds,
                    options.connections,
                )
            )
            took = time.monotonic() - began
            health = drained(built.store, began_at)
        print("receiver and reactor together (orders created and cancelled on real SKUs):")
        report(took, options.connections, acked, latencies, errors, built.store)
        lag = (
            "-"
            if health.lag_p50_s is None or health.lag_p95_s is None
            else f"p50 {health.lag_p50_s:.2f} s, p95 {health.lag_p95_s:.2f} s"
        )
        print(
            f"  reactor: {health.rounds} rounds pushed, event to push {lag}; "
            f"{health.blocked_rounds} blocked, {health.failed_rounds} failed; "
            f"{health.backlog} events left unapplied, {health.problems} problems"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--reactor",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="then load the receiver again with the reactor beside it, and report its lag",
    )
    options = parser.parse_args()
    receiver_alone(options)
    if options.reactor:
        with_the_reactor(options)


if __name__ == "__main__":
    main()
