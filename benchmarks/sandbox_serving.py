"""Sandbox serving figures: how fast a large world is ready, how much memory it holds, and how
fast Shopify REST serves the medium world's whole order history with rate limits off.

Prints figures; never passes or fails. Each sandbox runs as its own process through the real
CLI (`tributary sandbox serve`), exactly as a user starts it, and is measured from outside.

    uv run python -m benchmarks.sandbox_serving [--skip-large] [--skip-throughput]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import psutil


class ServedSandbox:
    """A `tributary sandbox serve` process, with its RSS sampled in the background."""

    def __init__(self, scale: str, *extra: str) -> None:
        self.manifest_path = Path(tempfile.mkdtemp(prefix="tributary-bench-")) / "sandbox.json"
        command = [
            sys.executable, "-m", "orchestration.cli.entry", "sandbox", "serve",
            "--scale", scale, "--base-port", "0", "--manifest", str(self.manifest_path), *extra,
        ]  # fmt: skip
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
        self.peak_rss = 0
        self._sampling = True
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        handle = psutil.Process(self.process.pid)
        while self._sampling and self.process.poll() is None:
            try:
                self.peak_rss = max(self.peak_rss, handle.memory_info().rss)
            except psutil.NoSuchProcess:
                return
            time.sleep(0.05)

    def wait_ready(self) -> tuple[float, dict[str, Any]]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("Tributary sandbox ready"):
            raise RuntimeError(f"sandbox did not start: {line!r}")
        ready = time.perf_counter() - self.started
        return ready, json.loads(self.manifest_path.read_text())

    def stop(self) -> None:
        self._sampling = False
        self.process.terminate()
        self.process.wait(timeout=60)


def exercise(manifest: dict[str, Any]) -> None:
    """Touch every channel once, so the memory figure includes serving, not just building."""
    store = manifest["channels"]["shopify"]["stores"][0]
    headers = {"X-Shopify-Access-Token": store["access_token"]}
    base = f"{store['base_url']}/admin/api/{store['api_version']}"
    with httpx.Client(timeout=120) as http:
        http.get(
            f"{base}/orders.json", params={"status": "any", "limit": 250}, headers=headers
        ).raise_for_status()
        http.get(
            f"{base}/orders.json",
            params={"updated_at_min": "2026-09-01T00:00:00Z", "limit": 250},
            headers=headers,
        )
        http.get(
            f"{base}/customers.json", params={"limit": 250}, headers=headers
        ).raise_for_status()
        warehouse = manifest["channels"]["warehouse"]
        auth = {"Authorization": f"Bearer {warehouse['api_key']}"}
        http.get(
            f"{warehouse['base_url']}/v1/shipments", params={"limit": 500}, headers=auth
        ).raise_for_status()
        http.get(
            f"{warehouse['base_url']}/v1/inventory", params={"limit": 500}, headers=auth
        ).raise_for_status()
        http.get(f"{manifest['sandbox']['control_url']}/truth").raise_for_status()


def large_world_readiness() -> None:
    sandbox = ServedSandbox("large")
    try:
        ready, manifest = sandbox.wait_ready()
        at_ready = sandbox.peak_rss
        exercise(manifest)
        time.sleep(0.2)
        print(f"large world: ready in {ready:.1f} s (target < 30 s)")
        print(
            f"large world: peak RSS {at_ready / 2**30:.2f} GiB at ready, "
            f"{sandbox.peak_rss / 2**30:.2f} GiB after serving every channel (target < 2 GiB)"
        )
    finally:
        sandbox.stop()


def shopify_throughput(scale: str) -> None:
    sandbox = ServedSandbox(scale, "--no-rate-limits")
    try:
        _, manifest = sandbox.wait_ready()
        store = manifest["channels"]["shopify"]["stores"][0]
        headers = {"X-Shopify-Access-Token": store["access_token"]}
        url: str | None = (
            f"{store['base_url']}/admin/api/{store['api_version']}/orders.json?status=any&limit=250"
        )
        orders = pages = 0
        started = time.perf_counter()
        cpu_before = psutil.Process(sandbox.process.pid).cpu_times()
        with httpx.Client(timeout=120, headers=headers) as http:
            while url:
                response = http.get(url)
                response.raise_for_status()
                orders += len(orjson.loads(response.content)["orders"])
                pages += 1
                url = response.links.get("next", {}).get("url")
        elapsed = time.perf_counter() - started
        cpu_after = psutil.Process(sandbox.process.pid).cpu_times()
        server_cpu = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
        print(
            f"{scale} world, Shopify REST orders.json (status=any, limit=250, rate limits off): "
            f"{orders} orders in {pages} pages, {elapsed:.1f} s -> "
            f"{orders / elapsed:,.0f} orders/s "
            f"(target >= 2,000); server CPU {server_cpu:.1f} s -> "
            f"{orders / max(server_cpu, 1e-9):,.0f} orders per CPU-second"
        )
    finally:
        sandbox.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument(
        "--throughput-scale", default="medium", choices=["small", "medium", "large"]
    )
    args = parser.parse_args()
    print(
        f"machine: {psutil.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.0f} GiB RAM"
    )
    if not args.skip_large:
        large_world_readiness()
    if not args.skip_throughput:
        shopify_throughput(args.throughput_scale)


if __name__ == "__main__":
    main()
