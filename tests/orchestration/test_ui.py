"""The Dagster UI, served by dagster-webserver from workspace.yaml, in a real headless Chromium
(Debian's, never a downloaded one): it shows the asset graph and the run the pipeline test made.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.orchestration.conftest import Materialized

REPOSITORY = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium keeps reaching for Google's services, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def webserver(materialized: Materialized) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        **materialized.world.environment,
        "DAGSTER_HOME": str(materialized.world.dagster_home),
    }
    command = [
        str(Path(sys.executable).with_name("dagster-webserver")),
        "-w", "workspace.yaml",
        "-h", "127.0.0.1",
        "-p", str(port),
    ]  # fmt: skip
    log = materialized.world.directory / "webserver.log"
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 - our own dagster-webserver
            command, cwd=REPOSITORY, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                assert server.poll() is None, log.read_text()[-3000:]
                try:
                    if httpx.get(f"{url}/server_info", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.5)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


@pytest.fixture
def page() -> Iterator[Page]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make browser` installs Debian's package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1600, "height": 1000})
        finally:
            browser.close()


def dismiss_welcome(page: Page) -> None:
    """A fresh instance greets its first visitor with a newsletter dialog (once per instance,
    whenever the page gets to it): skip it, as a first-time operator would."""
    skip = page.get_by_role("button", name="Skip")
    page.add_locator_handler(skip, skip.click)


def test_the_ui_shows_the_last_run_and_its_steps(
    webserver: str, page: Page, materialized: Materialized
) -> None:
    run_id = materialized.result.run_id
    dismiss_welcome(page)
    page.goto(f"{webserver}/runs")
    # The instance holds this one run: its id, job and status are the page's only run row.
    expect(page.get_by_role("link", name=f"run {run_id[:8]}")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("link", name="refresh", exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Success", exact=True)).to_be_visible(timeout=30_000)

    # The run's step list draws only the rows in view: a window tall enough for all of them.
    page.set_viewport_size({"width": 1600, "height": 2400})
    page.goto(f"{webserver}/runs/{run_id}")
    for step in ("ingest_shopify", "dbt_build", "great_expectations_suites", "stock_push__amazon"):
        expect(page.get_by_text(step, exact=True).first).to_be_visible(timeout=30_000)


def test_the_ui_shows_the_asset_graph_materialized(
    webserver: str, page: Page, materialized: Materialized
) -> None:
    dismiss_welcome(page)
    # The group draws only the rows in view; a tall window holds every mart of the group.
    page.set_viewport_size({"width": 1600, "height": 2400})
    page.goto(f"{webserver}/locations/tributary/asset-groups/marts")
    for mart in ("fct_orders", "fct_inventory_positions", "inventory_push_targets"):
        expect(page.get_by_text(mart, exact=True).first).to_be_visible(timeout=30_000)
    # Statuses load after the graph draws: the same patience as for the nodes.
    expect(page.get_by_text("Materialized").first).to_be_visible(timeout=30_000)
    page.screenshot(path=str(materialized.world.directory / "marts-graph.png"))

    page.goto(f"{webserver}/asset-groups")
    for group in ("shopify", "amazon", "tiktok_shop", "warehouse", "marts"):
        expect(page.get_by_text(group, exact=True).first).to_be_visible(timeout=30_000)
