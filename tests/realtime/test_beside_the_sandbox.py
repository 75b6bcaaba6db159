"""What `make demo` ends with and `make ui` runs: the receiver and the reactor as processes of
their own beside a sandbox, subscribed to it as a merchant subscribes, after one batch run;
a sale on Shopify then changes the other channels' listings of its SKU, and the time it took
is measured on the real clock."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.warehouse import Warehouse
from orchestration.cli.fast_path import fast_path_beside, show_a_sale, wait_for_reactor
from orchestration.push import run_push
from orchestration.transform import publish_serving_copy
from realtime.health import read_health
from realtime.store import STORE_ENV
from tests.helpers.clients import Control
from tests.ingest.conftest import AMAZON_MARGIN_S, FAST_RETRIES
from tests.ingest.raw import Ingest
from tests.marts.conftest import dbt


def test_a_shopify_sale_reaches_the_other_channels_through_the_processes_the_demo_starts(
    sandbox: Callable[..., dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(STORE_ENV, raising=False)
    manifest = sandbox(scale="tiny")
    Control(manifest).advance(AMAZON_MARGIN_S)
    ingest = Ingest(manifest, tmp_path, policy=FAST_RETRIES)
    ingest.run()
    assert dbt(ingest.database, "build").ok
    warehouse = Warehouse(ingest.database)
    publish_serving_copy(warehouse, "build-0")
    assert run_push(config_file=ingest.config, warehouse=ingest.database).ok

    manifest_path = tmp_path / "manifest.json"
    manifest_path.write_text(json.dumps(manifest))
    with fast_path_beside(manifest_path, manifest, warehouse, tmp_path / "logs") as fast_path:
        assert fast_path.store == warehouse.path.with_name("realtime.sqlite")
        assert wait_for_reactor(fast_path.store)
        shown = show_a_sale(manifest, warehouse)
        health = read_health(fast_path.store)
        deadline = time.monotonic() + 10  # the round is recorded once its push has ended
        while not health.rounds and time.monotonic() < deadline:
            time.sleep(0.2)
            health = read_health(fast_path.store)
    assert shown is not None
    assert shown.units_sold >= 1
    assert len(shown.reached) >= 2, shown  # Amazon and TikTok list it too
    late = {storefront: s for storefront, s in shown.reached.items() if s is None}
    assert not late, f"never changed: {late}; logs in {tmp_path / 'logs'}"
    assert health.deliveries["shopify"]["accepted"] >= 1
    assert health.rounds >= 1
