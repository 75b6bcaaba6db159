"""`tributary sandbox serve`: starts every channel, writes a manifest, stops cleanly."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import httpx


def test_serve_writes_a_manifest_and_serves_every_channel(tmp_path: Path) -> None:
    manifest_path = tmp_path / "sandbox.json"
    process = subprocess.Popen(  # noqa: S603 - our own CLI
        [
            sys.executable,
            "-m",
            "orchestration.cli.entry",
            "sandbox",
            "serve",
            "--scale",
            "tiny",
            "--base-port",
            "0",
            "--manifest",
            str(manifest_path),
            "--for",
            "30",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        assert lines[0].startswith("Tributary sandbox ready in"), lines
        manifest = json.loads(manifest_path.read_text())
        assert stat.S_IMODE(manifest_path.stat().st_mode) == 0o600, "credentials stay private"
        assert set(manifest["channels"]) == {"shopify", "amazon", "tiktok_shop", "warehouse"}
        store = manifest["channels"]["shopify"]["stores"][0]
        response = httpx.get(
            f"{store['base_url']}/admin/api/{store['api_version']}/locations.json",
            headers={"X-Shopify-Access-Token": store["access_token"]},
        )
        assert response.status_code == 200
        assert httpx.get(f"{manifest['sandbox']['control_url']}/health").json()["ok"] is True
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0


def test_cli_help_lists_the_sandbox() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "orchestration.cli.entry", "sandbox", "serve", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    options = ("--seed", "--scale", "--name", "--base-port", "--time-scale", "--live", "--manifest")
    for option in options:
        assert option in result.stdout
