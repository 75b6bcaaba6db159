"""The fast path: the stock_moved sensor asks the 3PL (a real sandbox) whether stock moved."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.defs.automation.sensors import stock_moved
from orchestration.resources.channels import ChannelsResource
from tests.helpers.clients import Control


def tick(channels: ChannelsResource, cursor: str | None) -> dg.SensorResult:
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(
            instance=instance, cursor=cursor, resources={"channels": channels}
        )
        result = stock_moved(context)
    assert isinstance(result, dg.SensorResult)
    return result


def test_the_sensor_launches_the_fast_path_only_when_stock_moved(
    sandbox: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    manifest = sandbox(scale="tiny")  # a frozen clock: stock moves only when advanced
    config = tmp_path / "channels.json"
    config.write_text(json.dumps(manifest))
    channels = ChannelsResource(config_file=str(config))

    first = tick(channels, None)
    assert not first.run_requests  # the first look only sets where to watch from
    assert first.cursor

    quiet = tick(channels, first.cursor)
    assert not quiet.run_requests
    assert quiet.cursor == first.cursor

    Control(manifest).advance(6 * 3600)  # shipments and restocks move stock
    moved = tick(channels, first.cursor)
    assert [request.run_key for request in moved.run_requests] == [f"stock-{moved.cursor}"]
    assert moved.cursor is not None
    assert moved.cursor > first.cursor
