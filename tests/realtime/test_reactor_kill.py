"""kill -9 of the reactor at random points loses no acknowledged event.

The receiver and the reactor run as the processes an operator starts (`realtime serve`,
`realtime react`) beside a sandbox whose Shopify and 3PL send webhooks; the batch path has
built, published and pushed once. Shoppers buy in bursts; between bursts the reactor's whole
process group is killed at a random moment and started again. In the end every pushable
listing must show what a fresh stock book says after every stored event, that is, no event
the receiver acknowledged was lost by a reactor that died with it in memory.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.warehouse import Warehouse
from orchestration.push import run_push
from orchestration.transform import publish_serving_copy
from realtime.reactor import Reactor
from realtime.stock_book import StockBook
from tests.helpers.clients import Control
from tests.helpers.listings import listing_key
from tests.helpers.processes import Command, tributary
from tests.helpers.webhooks import QUIET, subscribe, wait_idle
from tests.ingest.conftest import AMAZON_MARGIN_S, FAST_RETRIES
from tests.ingest.raw import Ingest
from tests.marts.conftest import dbt
from tests.realtime.conftest import REPO, start_receiver

TRIALS = 20


def start_reactor(directory: Path, config: Path, store: Path, warehouse: Path, n: int) -> Command:
    return Command(
        tributary(
            "realtime",
            "react",
            "--config",
            str(config),
            "--store",
            str(store),
            "--warehouse",
            str(warehouse),
            "--poll-seconds",
            "0.1",
        ),
        cwd=REPO,
        env=os.environ,
        log=directory / f"reactor-{n}.log",
    )


def settled_book(served: Path, store: Path) -> dict[str, int]:
    """Every pushable listing's target after every stored event, from scratch."""
    book = StockBook()
    book.load_build(served)
    copy = store.with_name("verify.sqlite")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{store}{suffix}")
        if source.exists():
            Path(f"{copy}{suffix}").write_bytes(source.read_bytes())
    Reactor(copy, book, name="verify").apply_new_events()
    return {t.listing_key: t.target for t in book.targets() if t.target is not None}


def test_kill_9_of_the_reactor_loses_no_acknowledged_event(
    sandbox: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    chance = random.Random(7)
    manifest = sandbox(scale="tiny")
    control = Control(manifest)
    control.advance(AMAZON_MARGIN_S)
    (tmp_path / "batch").mkdir()
    ingest = Ingest(manifest, tmp_path / "batch", policy=FAST_RETRIES)
    ingest.run()
    assert dbt(ingest.database, "build").ok
    warehouse = Warehouse(ingest.database)
    publish_serving_copy(warehouse, "build-0")
    assert run_push(config_file=ingest.config, warehouse=ingest.database).ok

    (tmp_path / "receiver").mkdir()
    receiver = start_receiver(tmp_path / "receiver", {"channels": manifest["channels"]})
    reactor = start_reactor(tmp_path, ingest.config, receiver.store, ingest.database, 0)
    try:
        reactor.wait_for("took build", timeout=60)
        for channel in ("shopify", "warehouse"):
            subscribe(control, channel, f"{receiver.url}/webhooks/{channel}")
        control.post("/live", {"enabled": True, "orders_per_hour": {**QUIET, "shopify": 240}})
        for trial in range(TRIALS):
            control.advance(chance.uniform(60, 300))  # a burst of sales and their webhooks
            time.sleep(chance.uniform(0.0, 0.8))  # the kill lands anywhere in a round
            for process in reactor.session():
                process.kill()
            reactor.process.wait()
            reactor = start_reactor(tmp_path, ingest.config, receiver.store, ingest.database,
                                    trial + 1)  # fmt: skip
            reactor.wait_for("took build", timeout=60)
        control.post("/live", {"enabled": False})
        wait_idle(control)
        expected = settled_book(warehouse.serving_path, receiver.store)
        deadline = time.monotonic() + 60
        while True:
            shown = {
                listing_key(row): row["displayed_quantity"]
                for row in control.get("/truth/listings")["listings"]
            }
            off = {k: (shown.get(k), v) for k, v in expected.items() if shown.get(k) != v}
            if not off or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert not off, f"{len(off)} listings off the settled targets: {list(off.items())[:5]}"
    finally:
        reactor.stop(timeout=10, linger=2)
        receiver.command.stop(timeout=10, linger=2)
