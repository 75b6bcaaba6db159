"""Ingest figures: each client's sustained rate against its channel's ceiling, and the memory
an ingest of the medium world needs.

Each channel is served by its own `tributary sandbox serve` process enforcing the real limits,
time-scaled so that the limit and not the machine is the bottleneck (the scale is printed).
Rates are converted back to world time, so they read like production figures. The initial
burst a bucket allows is excluded: the figure is the sustained rate once the bucket is empty.
Prints figures; never passes or fails.

    uv run python -m benchmarks.ingest_throughput [--skip-memory] [--skip-rates]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt
import psutil

from benchmarks.sandbox_serving import ServedSandbox
from channels.amazon import AmazonAccount, AmazonClient
from channels.budget import forget_budgets
from channels.shopify import ShopifyClient, ShopifyStore
from channels.tiktok_shop import TikTokShopClient, TikTokShopConfig
from channels.transport import Transport
from channels.warehouse import WarehouseClient, WarehouseConfig
from dlt_sources.common.run import ingest_channel


@dataclass
class Rate:
    channel: str
    unit: str
    achieved_per_hour: float
    ceiling_per_hour: float
    requests: int
    throttled: int
    time_scale: float

    def line(self) -> str:
        ratio = self.achieved_per_hour / self.ceiling_per_hour
        share = self.throttled / max(1, self.requests)
        return (
            f"{self.channel:<22} {self.achieved_per_hour:>12,.0f} / {self.ceiling_per_hour:>12,.0f}"
            f" {self.unit}/h = {ratio:6.1%}   throttled {self.throttled}/{self.requests}"
            f" = {share:.2%}   (time scale x{self.time_scale:g})"
        )


def sustained(
    units: Iterator[int],
    transport: Transport,
    skip_requests: int,
    measure_requests: int,
    time_scale: float,
) -> tuple[float, int, int]:
    """World-time units per hour between request `skip_requests` and the end of the window."""
    counted = 0
    started: float | None = None
    start_requests = 0
    for produced in units:
        if started is None:
            if transport.requests >= skip_requests:
                started, start_requests = time.perf_counter(), transport.requests
            continue
        counted += produced
        if transport.requests - start_requests >= measure_requests:
            break
    assert started is not None, "the run ended before the burst was spent"
    elapsed = time.perf_counter() - started
    return counted / (elapsed * time_scale) * 3600, transport.requests, transport.throttled


def serve(scale: str, time_scale: float) -> tuple[ServedSandbox, dict[str, Any]]:
    sandbox = ServedSandbox(scale, "--time-scale", str(time_scale))
    _, manifest = sandbox.wait_ready()
    return sandbox, manifest["channels"]


def shopify_rate(time_scale: float = 2.0) -> Rate:
    sandbox, channels = serve("medium", time_scale)
    try:
        config = channels["shopify"]
        client = ShopifyClient(ShopifyStore.from_mapping(config["stores"][0], config))
        pages = client.rest_pages("orders.json", "orders", {"status": "any", "limit": 250})
        # Skip the 40-request bucket and what leaked while it was being spent.
        bucket = int(config["rate_limits"]["rest_bucket_size"])
        achieved, requests, throttled = sustained(
            (len(page) for page in pages), client.transport, bucket + 20, 120, time_scale
        )
    finally:
        sandbox.stop()
    return Rate(
        "shopify REST orders", "orders", achieved, 250 * 2.0 * 3600, requests, throttled, time_scale
    )


def amazon_rate(time_scale: float = 100.0) -> Rate:
    sandbox, channels = serve("medium", time_scale)
    try:
        client = AmazonClient(AmazonAccount.from_mapping(channels["amazon"]))
        region = client.account.regions[-1]  # na: the busiest marketplace

        def orders_with_items() -> Iterator[int]:
            for page in client.orders(
                region.name, list(region.marketplace_ids), "2020-01-01T00:00:00Z"
            ):
                for order in page.orders:
                    client.order_items(region.name, order["AmazonOrderId"])
                    yield 1

        burst = 30 + 20  # getOrderItems and getOrders bursts
        achieved, requests, throttled = sustained(
            orders_with_items(), client.transport, burst, 600, time_scale
        )
    finally:
        sandbox.stop()
    return Rate(
        "amazon orders+items", "orders", achieved, 0.5 * 3600, requests, throttled, time_scale
    )


def tiktok_rate(time_scale: float = 0.1) -> Rate:
    sandbox, channels = serve("medium", time_scale)
    try:
        config = TikTokShopConfig.from_mapping(channels["tiktok_shop"])
        client = TikTokShopClient(config)
        qps_world = config.requests_per_second / time_scale
        achieved, requests, throttled = sustained(
            (len(page) for page in client.orders(0)),
            client.transport,
            int(config.burst) + 2,
            60,
            time_scale,
        )
    finally:
        sandbox.stop()
    return Rate(
        "tiktok_shop orders",
        "orders",
        achieved,
        qps_world * 100 * 3600,
        requests,
        throttled,
        time_scale,
    )


def warehouse_rate(time_scale: float = 0.2) -> Rate:
    sandbox, channels = serve("medium", time_scale)
    try:
        config = WarehouseConfig.from_mapping(channels["warehouse"])
        client = WarehouseClient(config)
        rate_world = config.requests_per_second / time_scale
        pages = client.pages("/v1/shipments")
        achieved, requests, throttled = sustained(
            (len(page.records) for page in pages),
            client.transport,
            int(config.burst),
            60,
            time_scale,
        )
    finally:
        sandbox.stop()
    return Rate(
        "warehouse shipments",
        "records",
        achieved,
        rate_world * 500 * 3600,
        requests,
        throttled,
        time_scale,
    )


def peak_rss_of(work: Callable[[], Any]) -> tuple[Any, int, float]:
    process, peak, running = psutil.Process(os.getpid()), [0], [True]

    def sample() -> None:
        while running[0]:
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        result = work()
    finally:
        running[0] = False
        sampler.join()
    return result, peak[0], time.perf_counter() - started


def medium_ingest_memory() -> None:
    sandbox = ServedSandbox("medium", "--no-rate-limits")
    _, manifest = sandbox.wait_ready()
    directory = Path(tempfile.mkdtemp(prefix="tributary-ingest-bench-"))
    config = directory / "channels.json"
    config.write_text(json.dumps(manifest))
    try:

        def ingest_all() -> list[str]:
            return [
                ingest_channel(
                    slug,
                    config_file=config,
                    destination=dlt.destinations.duckdb(str(directory / "warehouse.duckdb")),
                    pipelines_dir=directory / "pipelines",
                ).summary()
                for slug in ("shopify", "amazon", "tiktok_shop", "warehouse")
            ]

        summaries, peak, elapsed = peak_rss_of(ingest_all)
    finally:
        sandbox.stop()
    for summary in summaries:
        print(f"  {summary}")
    print(
        f"medium world, all channels: {elapsed:.0f} s, ingest process peak RSS "
        f"{peak / 2**30:.2f} GiB (target < 1.5 GiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-rates", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    arguments = parser.parse_args()
    if not arguments.skip_rates:
        print(
            "sustained rate per client, world time, after the initial burst (target >= 90%, "
            "< 2% throttled):"
        )
        for measure in (shopify_rate, amazon_rate, tiktok_rate, warehouse_rate):
            forget_budgets()
            print(measure().line(), flush=True)
    if not arguments.skip_memory:
        medium_ingest_memory()


if __name__ == "__main__":
    main()
