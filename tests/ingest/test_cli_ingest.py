"""`tributary ingest` as an operator runs it: a real process, a channels file, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TRIBUTARY_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "TRIBUTARY_PIPELINES_DIR": str(tmp_path / "pipelines"),
    }
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "orchestration.cli.entry", "ingest", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


def test_ingest_command_loads_reports_and_fails_loudly(
    sandbox: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    manifest = sandbox(scale="tiny")
    config = tmp_path / "channels.json"
    config.write_text(json.dumps(manifest))

    done = run_cli(
        tmp_path, "--config", str(config), "--channel", "warehouse", "--channel", "tiktok_shop"
    )
    assert done.returncode == 0, done.stderr
    assert "warehouse: load" in done.stdout
    assert "tiktok_shop: load" in done.stdout
    assert "0 quarantined" in done.stdout
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        [(orders,)] = connection.sql("select count(*) from raw_tiktok_shop.orders").fetchall()
    assert orders == 45

    refreshed = run_cli(
        tmp_path, "--config", str(config), "--channel", "tiktok_shop", "--full-refresh"
    )
    assert refreshed.returncode == 0, refreshed.stderr
    assert "orders 45" in refreshed.stdout  # everything again, from scratch

    broken = dict(manifest)
    broken["channels"] = {
        "tiktok_shop": {**manifest["channels"]["tiktok_shop"], "app_secret": "wrong"}
    }
    config.write_text(json.dumps(broken))
    failed = run_cli(tmp_path, "--config", str(config))
    assert failed.returncode == 1
    assert "FAILED tiktok_shop" in failed.stderr
    assert "FAILED tiktok_shop: extract failed: tiktok_shop token refresh" in failed.stderr
    assert "Invalid app_key or app_secret" in failed.stderr
