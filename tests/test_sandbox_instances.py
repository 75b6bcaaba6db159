"""Named sandbox instances: `tributary sandbox serve --name` processes, each with its own
manifest and ports, one process per name (a flock the kernel drops with its holder), and
refusals that say which instance is in the way."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.helpers.processes import Command, tributary

READY = r"^Press Ctrl-C to stop\.$"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """The directory the commands run in: their `.tributary/` is private to the test."""
    (tmp_path / "work").mkdir()
    return tmp_path / "work"


def serve(workdir: Path, name: str, *args: str) -> Command:
    return Command(
        tributary("sandbox", "serve", "--scale", "tiny", "--name", name, *args),
        cwd=workdir,
        env=os.environ,
        log=workdir.parent / f"serve-{name}-{len(list(workdir.parent.glob('serve-*')))}.log",
    )


def run(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI
        tributary(*args), cwd=workdir, capture_output=True, text=True, timeout=120, check=False
    )


def manifest_of(workdir: Path, name: str) -> Path:
    return workdir / ".tributary" / "sandboxes" / f"{name}.json"


def base_urls(manifest: dict[str, Any]) -> set[str]:
    """Every host of a sandbox, as scheme://host:port."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, str) and node.startswith("http"):
            parts = urlsplit(node)
            found.add(f"{parts.scheme}://{parts.netloc}")

    walk(manifest["channels"])
    return found


def ports(manifest: dict[str, Any]) -> set[int]:
    return {int(url.rsplit(":", 1)[1]) for url in base_urls(manifest)}


def assert_serving(manifest: dict[str, Any]) -> None:
    for base in base_urls(manifest):
        assert httpx.get(f"{base}/_sandbox/health", timeout=10).json()["ok"] is True, base


def test_two_named_sandboxes_serve_side_by_side(workdir: Path) -> None:
    first = serve(workdir, "first", "--base-port", "0")
    second = None
    try:
        first.wait_for(READY)
        path = manifest_of(workdir, "first")
        written, stamp = path.read_bytes(), path.stat().st_mtime_ns
        mine = json.loads(written)
        assert mine["sandbox"]["name"] == "first"

        second = serve(workdir, "second", "--base-port", "0")
        second.wait_for(READY)
        theirs = json.loads(manifest_of(workdir, "second").read_text())
        assert theirs["sandbox"]["name"] == "second"
        assert not ports(mine) & ports(theirs), "each instance has its own ports"
        assert mine["sandbox"]["control_url"] != theirs["sandbox"]["control_url"]

        # The first instance's manifest is untouched, and every host it names still answers.
        assert path.read_bytes() == written
        assert path.stat().st_mtime_ns == stamp
        assert_serving(mine)
        assert_serving(theirs)

        listed = run(workdir, "sandbox", "list").stdout
        assert re.search(rf"^first +running: pid {first.pid}, control ", listed, re.M), listed
        assert re.search(rf"^second +running: pid {second.pid}, control ", listed, re.M), listed
    finally:
        stopped = [first.stop(), second.stop() if second is not None else None]
    assert stopped == [0, 0], "SIGTERM stops a sandbox cleanly"
    assert re.search(r"^first +stopped$", run(workdir, "sandbox", "list").stdout, re.M)


def test_a_running_name_is_refused_until_its_holder_dies(workdir: Path) -> None:
    first = serve(workdir, "shop", "--base-port", "0")
    restarted = None
    try:
        first.wait_for(READY)
        path = manifest_of(workdir, "shop")
        written = path.read_bytes()
        control = json.loads(written)["sandbox"]["control_url"]

        refused = run(workdir, "sandbox", "serve", "--scale", "tiny", "--name", "shop")
        assert refused.returncode != 0
        assert "Tributary sandbox ready" not in refused.stdout
        message = " ".join(refused.stderr.split())
        assert "sandbox 'shop' is already running" in message
        assert f"pid {first.pid}" in message
        assert f"control {control}" in message
        assert "--name <another name> --base-port 0" in message
        assert path.read_bytes() == written

        # Another name on a port the running one holds: the port and its holder are named.
        taken = min(ports(json.loads(written)))
        clash = run(
            workdir, "sandbox", "serve", "--scale", "tiny", "--name", "other",
            "--base-port", str(taken),
        )  # fmt: skip
        assert clash.returncode != 0
        message = " ".join(clash.stderr.split())
        assert f"port {taken} on 127.0.0.1" in message
        assert f"already in use by sandbox 'shop' (pid {first.pid}" in message
        assert "--base-port 0" in message
        assert not manifest_of(workdir, "other").exists()

        # SIGKILL: no cleanup runs, the kernel drops the lock, and the name is free again.
        os.kill(first.pid, signal.SIGKILL)
        first.process.wait(timeout=30)
        restarted = serve(workdir, "shop", "--base-port", "0")
        restarted.wait_for(READY)
        again = json.loads(path.read_text())
        assert again["sandbox"]["name"] == "shop"
        assert again["sandbox"]["control_url"] != control
        assert_serving(again)
    finally:
        first.stop()
        if restarted is not None:
            restarted.stop()

    # Stopped, its manifest stays for the name, and another name may not take it over.
    takeover = run(
        workdir, "sandbox", "serve", "--scale", "tiny", "--name", "intruder",
        "--manifest", str(path),
    )  # fmt: skip
    assert takeover.returncode != 0
    assert "is the manifest of sandbox 'shop' (stopped)" in " ".join(takeover.stderr.split())
    assert json.loads(path.read_text())["sandbox"]["name"] == "shop"


def test_an_instance_name_cannot_leave_the_sandboxes_folder(workdir: Path) -> None:
    result = run(workdir, "sandbox", "serve", "--name", "../elsewhere")
    assert result.returncode == 2
    assert "Invalid value for '--name'" in result.stderr
    assert not (workdir / ".tributary").exists()
