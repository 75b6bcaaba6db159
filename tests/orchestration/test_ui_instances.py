"""`tributary ui` is bound to its own sandbox: a second sandbox or a second UI started beside it
never repoints it, the UI says which sandbox it is bound to, and one Dagster instance takes
one UI.

Real processes: `tributary ui` (its in-process sandbox and a real `dagster dev`: webserver,
daemon, code server) on free ports, with a private DAGSTER_HOME; the checks go through the
UI's GraphQL API, the page itself and the sandboxes' own request counters.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from tests.helpers.processes import Command, free_port, tributary
from tests.orchestration.test_ui import CHROMIUM, CHROMIUM_ARGS

LOAD_TIMEOUT_S = 240.0
SENSOR_SECONDS = 5


@dataclass
class RunningUI:
    command: Command
    port: int
    url: str
    sandbox: str
    control_url: str
    channels_file: Path
    home: Path

    @property
    def location(self) -> str:
        return f"tributary (sandbox {self.sandbox})"


def environment(root: Path) -> dict[str, str]:
    """What a UI runs with: a private warehouse, a quick sensor, schedules that never fire
    during a test; no DAGSTER_HOME or channels file of the caller's."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DAGSTER_HOME", "TRIBUTARY_CHANNELS_FILE")
    }
    env.update(
        TRIBUTARY_WAREHOUSE=str(root / "warehouse.duckdb"),
        TRIBUTARY_PIPELINES_DIR=str(root / "pipelines"),
        TRIBUTARY_STOCK_SENSOR_SECONDS=str(SENSOR_SECONDS),
        TRIBUTARY_REFRESH_CRON="0 0 1 1 *",
        TRIBUTARY_RECONCILE_CRON="0 0 1 1 *",
    )
    return env


def start_ui(root: Path, workdir: Path, home: Path, port: int, label: str) -> RunningUI:
    command = Command(
        tributary("ui", "--scale", "tiny", "--port", str(port), "--dagster-home", str(home)),
        cwd=workdir,
        env=environment(root),
        log=root / f"{label}.log",
    )
    try:
        url = command.wait_for(r"^Dagster UI on (\S+) ").group(1)
        bound = command.wait_for(r"^  bound to sandbox (\S+): control (\S+)$")
        channels_file = command.wait_for(r"^  channels file \(TRIBUTARY_CHANNELS_FILE\): (.+)$")
    except BaseException:
        command.stop()
        raise
    return RunningUI(
        command=command,
        port=int(url.rsplit(":", 1)[1]),
        url=url,
        sandbox=bound.group(1),
        control_url=bound.group(2),
        channels_file=Path(channels_file.group(1)),
        home=home,
    )


def graphql(ui: RunningUI, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{ui.url}/graphql", json={"query": query, "variables": variables}, timeout=30
    )
    response.raise_for_status()
    return response.json()["data"]


LOCATIONS = """{ workspaceOrError { ... on Workspace { locationEntries {
    name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }"""

CHANNELS_CONFIG = """query($selector: ResourceSelector!) {
  topLevelResourceDetailsOrError(resourceSelector: $selector) {
    __typename ... on ResourceDetails { configuredValues { key value } } } }"""

SENSOR_TICKS = """query($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) { __typename ... on Sensor {
    sensorState { status ticks(limit: 50) {
      status timestamp skipReason error { message } } } } } }"""


def wait_loaded(ui: RunningUI) -> list[str]:
    """The UI's code location names, once every location has loaded."""
    deadline = time.monotonic() + LOAD_TIMEOUT_S
    while True:
        assert ui.command.process.poll() is None, ui.command.output()[-3000:]
        try:
            entries = graphql(ui, LOCATIONS)["workspaceOrError"]["locationEntries"]
        except httpx.HTTPError:
            entries = []
        if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
            for entry in entries:
                loaded = entry["locationOrLoadError"]
                assert loaded["__typename"] == "RepositoryLocation", loaded
            return [entry["name"] for entry in entries]
        assert time.monotonic() < deadline, ui.command.output()[-3000:]
        time.sleep(1)


def in_location(ui: RunningUI, **names: str) -> dict[str, str]:
    """A GraphQL selector for something of the UI's code location."""
    return {"repositoryLocationName": ui.location, "repositoryName": "__repository__", **names}


def channels_file_shown(ui: RunningUI) -> str:
    selector = in_location(ui, resourceName="channels")
    details = graphql(ui, CHANNELS_CONFIG, selector=selector)["topLevelResourceDetailsOrError"]
    assert details["__typename"] == "ResourceDetails", details
    values = {value["key"]: value["value"] for value in details["configuredValues"]}
    return json.loads(values["config_file"])


def sensor_ticks(ui: RunningUI) -> list[dict[str, Any]]:
    sensor = graphql(ui, SENSOR_TICKS, selector=in_location(ui, sensorName="stock_moved"))[
        "sensorOrError"
    ]
    assert sensor["__typename"] == "Sensor", sensor
    return sensor["sensorState"]["ticks"]


def inventory_reads(control_url: str) -> int:
    """How many 3PL stock reads a sandbox has served (the sensor's one request per tick)."""
    metrics = httpx.get(f"{control_url}/metrics", timeout=10).json()
    endpoints = metrics.get("warehouse", {}).get("endpoints", {})
    return sum(
        counters["requests"] for route, counters in endpoints.items() if "inventory" in route
    )


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ui-instances")
    (root / "work").mkdir()  # the commands' directory: their .tributary/ is the test's own
    return root


@pytest.fixture(scope="module")
def first_ui(root: Path) -> Iterator[RunningUI]:
    ui = start_ui(root, root / "work", root / "home-1", free_port(), "first-ui")
    yield ui
    ui.command.stop()


def test_a_second_ui_on_the_same_dagster_home_is_refused(first_ui: RunningUI, root: Path) -> None:
    manifests = set((root / "work" / ".tributary" / "sandboxes").glob("*.json"))
    refused = Command(
        tributary("ui", "--scale", "tiny", "--port", str(free_port())),
        cwd=root / "work",
        env={**environment(root), "DAGSTER_HOME": str(first_ui.home)},
        log=root / "refused-ui.log",
    )
    try:
        code = refused.process.wait(timeout=120)
    finally:
        refused.stop()
    message = " ".join(refused.output().split())
    assert code == 1, message
    assert f"DAGSTER_HOME {first_ui.home} is in use by another `tributary ui`" in message
    assert f"pid {first_ui.command.pid}, UI {first_ui.url}, sandbox {first_ui.sandbox}" in message
    assert "tributary ui --dagster-home <another directory>" in message
    assert "Dagster UI on" not in message
    assert set((root / "work" / ".tributary" / "sandboxes").glob("*.json")) == manifests


def test_the_first_ui_stays_bound_to_its_own_sandbox(first_ui: RunningUI, root: Path) -> None:
    written = first_ui.channels_file.read_bytes()
    assert json.loads(written)["sandbox"]["name"] == first_ui.sandbox == f"ui-{first_ui.port}"

    # Beside it: another sandbox, and another UI asking for the same port (its own instance).
    other_sandbox = Command(
        tributary("sandbox", "serve", "--scale", "tiny", "--name", "other", "--base-port", "0"),
        cwd=root / "work",
        env=environment(root),
        log=root / "other-sandbox.log",
    )
    second_ui = None
    try:
        second_ui = start_ui(root, root / "work", root / "home-2", first_ui.port, "second-ui")
        other_sandbox.wait_for(r"^Press Ctrl-C to stop\.$")
        other = json.loads((root / "work/.tributary/sandboxes/other.json").read_text())
        assert f"port {first_ui.port} is taken" in second_ui.command.output()
        assert second_ui.port != first_ui.port
        assert second_ui.sandbox == f"ui-{second_ui.port}"
        assert second_ui.channels_file != first_ui.channels_file
        assert second_ui.control_url != first_ui.control_url
        others_started = time.time()
        reads_before = inventory_reads(first_ui.control_url)

        # The first UI names its sandbox: as its code location, and as the channels file its
        # resource reads, which is the manifest it was started with, unchanged.
        assert wait_loaded(first_ui) == [f"tributary (sandbox ui-{first_ui.port})"]
        assert channels_file_shown(first_ui) == str(first_ui.channels_file)
        assert first_ui.channels_file.read_bytes() == written
        assert wait_loaded(second_ui) == [second_ui.location]
        assert channels_file_shown(second_ui) == str(second_ui.channels_file)

        # Its sensor keeps reaching its own sandbox: ticks after the others started succeed
        # (skip: no stock moved) and its sandbox served them; the other sandbox served none.
        deadline = time.monotonic() + 120
        while True:
            later = [
                tick
                for tick in sensor_ticks(first_ui)
                if tick["timestamp"] > others_started and tick["status"] != "STARTED"
            ]  # a tick still being evaluated (STARTED) has no outcome to judge yet
            if len(later) >= 2:
                break
            assert time.monotonic() < deadline, sensor_ticks(first_ui)
            time.sleep(2)
        assert all(tick["status"] in ("SKIPPED", "SUCCESS") for tick in later), later
        assert not [tick for tick in sensor_ticks(first_ui) if tick["error"]]
        assert inventory_reads(first_ui.control_url) >= reads_before + len(later)
        assert inventory_reads(other["sandbox"]["control_url"]) == 0
        assert first_ui.channels_file.read_bytes() == written

        # And the page says so.
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                skip = page.get_by_role("button", name="Skip")
                page.add_locator_handler(skip, skip.click)
                page.goto(
                    f"{first_ui.url}/locations/{quote(first_ui.location)}/sensors/stock_moved"
                )
                description = page.get_by_text("Launches stock_fast_path when the 3PL")
                expect(description).to_be_visible(timeout=60_000)
                # The header: "Sensor in tributary (sandbox ui-<port>)", a link to the location.
                header = page.get_by_role("link", name=first_ui.location).first
                expect(header).to_be_visible(timeout=30_000)
                expect(header).to_have_attribute("href", re.compile(r"^/locations/tributary"))
                page.screenshot(path=str(root / "first-ui-sensor.png"))
            finally:
                browser.close()
    finally:
        other_sandbox.stop()
        if second_ui is not None:
            second_ui.command.stop()
