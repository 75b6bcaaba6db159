"""Ingest figures: each client's rate against its channel's ceiling, and the memory
an ingest of the medium world needs.

Each channel is served by its own `tributary sandbox serve` process enforcing the real limits,
time-scaled so that the limit and not the machine is the bottleneck (the scale is printed).
Rates are in world time, so they read like production figures. The ceiling of a run is what
the limit allows over exactly that run (burst plus rate times duration), so no window is
cherry-picked.
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

import psutil

from benchmarks.sandbox_serving import ServedSandbox
from channels.amazon import AmazonAccount, AmazonClient
from channels.budget import forget_budgets
from channels.shopify import ShopifyClient, ShopifyStore
from channels.tiktok_shop import TikTokShopClient, TikTokShopConfig
from channels.transport import Transport
from channels.warehouse import WarehouseClient, WarehouseConfig
from core.warehouse import Warehouse
from dlt_sources.common.run import ingest_channel


@dataclass
class Rate:
    channel: str
    unit: str
    achieved: float
    ceiling: float
    requests: int
    throttled: int
    time_scale: float
    nominal_per_hour: float  # the channel's sustained ceiling, as CHANNELS.md states it

    def line(self) -> str:
        ratio = self.achieved / self.ceiling
        share = self.throttled / max(1, self.requests)
        return (
            f"{self.channel:<22} {self.achieved:>9,.0f} / {self.ceiling:>9,.0f} {self.unit}"
            f" = {ratio:6.1%} of ceiling (nominal {self.nominal_per_hour:,.0f}/h)   "
            f"throttled {self.throttled}/{self.requests} = {share:.2%}   "
            f"(time scale x{self.time_scale:g})"
        )


def against_ceiling(
    units: Iterator[int],
    transport: Transport,
    requests: int,
    time_scale: float,
    burst: float,
    rate: float,
    units_per_request: float,
) -> tuple[float, float, int, int]:
    """(achieved, ceiling) units over the run, both in world time.

    The ceiling is what the limit allows over exactly this run: the bucket's burst plus its
    rate times the elapsed world time, in units (orders, records) per allowed request. No
    window is cherry-picked, so a client that spends the burst well and then paces exactly
    at the rate scores 100%.
    """
    started = time.perf_counter()
    counted = 0
    for produced in units:
        counted += produced
        if transport.requests >= requests:
            break
    world_elapsed = (time.perf_counter() - started) * time_scale
    ceiling = (burst + rate * world_elapsed) * units_per_request
    return counted, ceiling, transport.requests, transport.throttled


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
        bucket = float(config["rate_limits"]["rest_bucket_size"])
        units = (len(page) for page in pages)
        figures = against_ceiling(units, client.transport, 200, time_scale, bucket, 2.0, 250)
    finally:
        sandbox.stop()
    return Rate("shopify REST orders", "orders", *figures, time_scale, 250 * 2.0 * 3600)


def amazon_rate(time_scale: float = 100.0) -> Rate:
    sandbox, channels = serve("medium", time_scale)
    try:
        client = AmazonClient(AmazonAccount.from_mapping(channels["amazon"]))
        region = client.account.regions[-1]  # na: the busiest marketplace

        def orders_with_items() -> Iterator[int]:
            marketplaces = list(region.marketplace_ids)
            for page in client.orders(region.name, marketplaces, "2020-01-01T00:00:00Z"):
                for order in page.orders:
                    client.order_items(region.name, order["AmazonOrderId"])
                    yield 1

        # getOrderItems (0.5/s, burst 30) is the bottleneck: one call per order.
        figures = against_ceiling(
            orders_with_items(), client.transport, 900, time_scale, 30, 0.5, 1
        )
    finally:
        sandbox.stop()
    return Rate("amazon orders+items", "orders", *figures, time_scale, 0.5 * 3600)


def tiktok_rate(time_scale: float = 0.1) -> Rate:
    sandbox, channels = serve("medium", time_scale)
    try:
        config = TikTokShopConfig.from_mapping(channels["tiktok_shop"])
        client = TikTokShopClient(config)
        qps = config.requests_per_second / time_scale  # the sandbox's per-shop QPS, world time
        units = (len(page) for page in client.orders(0))
        figures = against_ceiling(units, client.transport, 150, time_scale, config.burst, qps, 100)
    finally:
        sandbox.stop()
    return Rate("tiktok_shop orders", "orders", *figures, time_scale, qps * 100 * 3600)


def warehouse_rate(time_scale: float = 0.2) -> Rate:
    sandbox, channels = serve("medium", time_scale)
    try:
        config = WarehouseConfig.from_mapping(channels["warehouse"])
        client = WarehouseClient(config)
        rate = config.requests_per_second / time_scale
        units = (len(page.records) for page in client.pages("/v1/shipments"))
        figures = against_ceiling(units, client.transport, 150, time_scale, config.burst, rate, 500)
    finally:
        sandbox.stop()
    return Rate("warehouse shipments", "records", *figures, time_scale, rate * 500 * 3600)


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
                    warehouse=Warehouse(directory / "warehouse.duckdb"),
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
            "each client against its limit, world time, burst included (target >= 90%, "
            "< 2% throttled):"
        )
        for measure in (shopify_rate, amazon_rate, tiktok_rate, warehouse_rate):
            forget_budgets()
            print(measure().line(), flush=True)
    if not arguments.skip_memory:
        medium_ingest_memory()


if __name__ == "__main__":
    main()
