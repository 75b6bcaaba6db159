"""kill -9 of the fast path's receiver under load, many times: what it acknowledged and lost.

Each trial: several senders post signed webhooks (Shopify, TikTok Shop and 3PL, distinct
events) to a real `tributary realtime serve`; at a random moment its process group gets
SIGKILL; it is started again on the same event store; every delivery it had answered 200
must be stored exactly once, and every delivery that got no answer is sent again, as a
channel retries, and must then be stored once too.

Prints figures, never passes or fails:

    uv run python -m benchmarks.realtime_kill [--trials 100] [--senders 6] [--seed 1]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
DOMAIN = "benchmark.myshopify.com"
TIKTOK_KEY, SHOP_ID = "benchkey00001", "7494572830159012345"


@dataclass(frozen=True)
class Secrets:
    shopify: str
    tiktok: str
    warehouse: str


@dataclass(frozen=True)
class Delivery:
    channel: str
    event_id: str
    headers: dict[str, str]
    body: bytes


def shopify(keys: Secrets) -> Delivery:
    event = str(uuid.uuid4())
    body = json.dumps({"id": random.getrandbits(40), "line_items": []}).encode()
    sign = base64.b64encode(hmac.new(keys.shopify.encode(), body, hashlib.sha256).digest())
    return Delivery("shopify", event, {
        "X-Shopify-Topic": "orders/create", "X-Shopify-Hmac-Sha256": sign.decode(),
        "X-Shopify-Shop-Domain": DOMAIN, "X-Shopify-Event-Id": event,
        "X-Shopify-Triggered-At": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }, body)  # fmt: skip


def tiktok(keys: Secrets) -> Delivery:
    event = str(random.getrandbits(60))
    body = json.dumps({"type": 1, "tts_notification_id": event, "shop_id": SHOP_ID,
                       "timestamp": int(time.time()),
                       "data": {"order_id": "1", "order_status": "AWAITING_SHIPMENT",
                                "update_time": int(time.time())}}).encode()  # fmt: skip
    sign = hmac.new(keys.tiktok.encode(), TIKTOK_KEY.encode() + body, hashlib.sha256)
    return Delivery("tiktok_shop", event, {"Authorization": sign.hexdigest()}, body)


def warehouse(keys: Secrets) -> Delivery:
    event = str(uuid.uuid4())
    body = json.dumps({"sku": "TRB-1", "location": "NJ1", "on_hand": 3}).encode()
    stamp = str(int(time.time()))
    sign = hmac.new(keys.warehouse.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    return Delivery("warehouse", event, {
        "X-WMS-Event-Id": event, "X-WMS-Signature": f"t={stamp},v1={sign.hexdigest()}",
    }, body)  # fmt: skip


SIGNERS: list[Callable[[Secrets], Delivery]] = [shopify, tiktok, warehouse]


def channels_file(directory: Path, keys: Secrets) -> Path:
    path = directory / "channels.json"
    path.write_text(json.dumps({"channels": {
        "shopify": {"webhook_secret": keys.shopify, "stores": [{
            "store_id": "bench", "shop_domain": DOMAIN, "base_url": "http://127.0.0.1:9",
            "access_token": "unused"}]},
        "tiktok_shop": {"app_key": TIKTOK_KEY, "app_secret": keys.tiktok, "shop_id": SHOP_ID},
        "warehouse": {"webhook_secret": keys.warehouse, "base_url": "http://127.0.0.1:9",
                      "api_key": "unused"},
    }}))  # fmt: skip
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(config: Path, store: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "orchestration.cli.entry", "realtime", "serve", "--config",
         str(config), "--store", str(store), "--port", str(port)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            httpx.get(f"{url}/health", timeout=1.0)
            return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("the receiver did not start")


def pour(url: str, keys: Secrets, stop: threading.Event, sign: Callable[[Secrets], Delivery]
         ) -> tuple[list[Delivery], list[Delivery]]:  # fmt: skip
    acknowledged: list[Delivery] = []
    unanswered: list[Delivery] = []
    with httpx.Client(timeout=5.0) as client:
        while not stop.is_set():
            delivery = sign(keys)
            try:
                answer = client.post(f"{url}/webhooks/{delivery.channel}",
                                     content=delivery.body, headers=delivery.headers)  # fmt: skip
            except httpx.TransportError:
                unanswered.append(delivery)
                return acknowledged, unanswered
            (acknowledged if answer.status_code == 200 else unanswered).append(delivery)
    return acknowledged, unanswered


def copies(store: Path) -> dict[tuple[str, str], int]:
    with sqlite3.connect(store) as connection:
        rows = connection.execute(
            "select channel, event_id, count(*) from events group by channel, event_id"
        ).fetchall()
    return {(channel, event): int(count) for channel, event, count in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--senders", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    chance = random.Random(options.seed)
    keys = Secrets(secrets.token_hex(16), secrets.token_hex(16), secrets.token_hex(16))
    totals = {"acknowledged": 0, "lost": 0, "twice": 0, "unanswered": 0, "retried_ok": 0}
    with tempfile.TemporaryDirectory(prefix="tributary-receiver-kill-") as scratch:
        directory = Path(scratch)
        config, store = channels_file(directory, keys), directory / "events.sqlite"
        process, url = start(config, store)
        for _ in range(options.trials):
            stop = threading.Event()
            with ThreadPoolExecutor(options.senders) as pool:
                futures = [pool.submit(pour, url, keys, stop, SIGNERS[n % len(SIGNERS)])
                           for n in range(options.senders)]  # fmt: skip
                time.sleep(chance.uniform(0.05, 1.0))
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                stop.set()
                results = [future.result() for future in futures]
            process, url = start(config, store)
            stored = copies(store)
            for delivery in (d for acked, _ in results for d in acked):
                totals["acknowledged"] += 1
                count = stored.get((delivery.channel, delivery.event_id), 0)
                totals["lost"] += count == 0
                totals["twice"] += count > 1
            for delivery in (d for _, lost in results for d in lost):
                totals["unanswered"] += 1
                answer = httpx.post(f"{url}/webhooks/{delivery.channel}", content=delivery.body,
                                    headers=delivery.headers, timeout=10.0)  # fmt: skip
                totals["retried_ok"] += answer.status_code == 200
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        final = copies(store)
    print(f"receiver kill -9: {options.trials} trials, {options.senders} senders")
    print(f"  acknowledged before a kill: {totals['acknowledged']}; "
          f"lost: {totals['lost']}; stored twice: {totals['twice']}")  # fmt: skip
    print(f"  unanswered (a channel retries): {totals['unanswered']}; "
          f"answered 200 on retry: {totals['retried_ok']}")  # fmt: skip
    print(f"  events in the store: {len(final)}; any stored twice: "
          f"{sum(count > 1 for count in final.values())}")  # fmt: skip


if __name__ == "__main__":
    main()
