"""A sale on one channel reaches every other channel's listing of its SKU through the
reactor, with no dbt run; the echoes of our own writes push nothing; and the batch push of a
build older than the reactor's writes does not undo them.

The batch path runs first (ingest, build, push), so every channel shows the build's targets.
Then shoppers buy on Shopify only, before and after a second build reads the channels; its
webhooks reach a real receiver; the reactor starts from the second build, counts each line
once (the build already holds the first sales), and pushes through the batch writers to
Amazon, TikTok and Shopify itself. Every pushable listing then displays the reactor's target,
and still does after the second build's own push, which runs late, as a refresh's push runs
after its checks. Shopify answers our writes with inventory_levels/update echoes; reading
them moves nothing and plans no push.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from orchestration.push import run_push
from realtime.pusher import FastPusher
from realtime.reactor import Reactor
from realtime.stock_book import StockBook
from reverse_etl.writers import Writer
from tests.helpers.listings import off_target
from tests.helpers.webhooks import deliveries, sell, subscribe, wait_idle
from tests.marts.conftest import dbt
from tests.realtime.conftest import fast_pusher, pushed_by_the_batch, start_receiver


def test_a_shopify_sale_reaches_every_listing_of_its_sku_and_echoes_push_nothing(
    sandbox: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    manifest, control, ingest = pushed_by_the_batch(sandbox, tmp_path)

    (tmp_path / "receiver").mkdir()
    receiver = start_receiver(tmp_path / "receiver", {"channels": manifest["channels"]})
    try:
        subscribe(control, "shopify", f"{receiver.url}/webhooks/shopify")
        sell(control, "shopify", per_hour=120, seconds=600)
        ingest.run()  # the second build reads the channels between two spells of sales
        assert dbt(ingest.database, "build").ok
        served = tmp_path / "served.duckdb"
        shutil.copy2(ingest.database, served)
        sell(control, "shopify", per_hour=120, seconds=600)
        control.post("/live", {"enabled": False})
        wait_idle(control)

        book = StockBook()
        book.load_build(served)
        reactor = Reactor(receiver.store, book)
        applied = reactor.apply_new_events()
        assert applied.orders > 5, applied
        pusher = fast_pusher(book, manifest, ingest, control, tmp_path / "locks")
        report = pusher.push()
        assert not report.blocked, report.blocked
        assert not report.failed_channels, report.failed_channels
        pushed_to = {outcome.listing_key.split(":")[0] for outcome in report.outcomes}
        assert {"amazon", "tiktok_shop"} <= pushed_to, pushed_to  # the other channels moved

        targets = {t.listing_key: t.target for t in book.targets() if t.target is not None}
        built = {t.listing_key: t.built_target for t in book.targets()}
        moved = {key for key, target in targets.items() if target != built[key]}
        assert moved
        assert not off_target(control, {key: targets[key] for key in moved})

        # The second build's push, late (as a refresh pushes after its checks): it sets the
        # listings the reactor left at that build's figure, and leaves alone the ones the
        # reactor set since the build read the channels (before the fix it wrote the build's
        # higher figures back over them).
        late = run_push(config_file=ingest.config, warehouse=ingest.database)
        assert late.ok, (late.status, late.failed_channels)
        assert not off_target(control, targets)
        assert any(o.status == "superseded" for o in late.outcomes), late.counts()

        wait_idle(control)  # Shopify's echoes of our writes
        echoes = [d for d in deliveries(control, channel="shopify")
                  if d["topic"] == "inventory_levels/update"]  # fmt: skip
        assert echoes, "Shopify sent no echo of our writes"
        again = reactor.apply_new_events()
        assert again.events >= 1
        assert pusher.push().planned == 0
    finally:
        receiver.command.stop(timeout=10, linger=2)


def test_a_ledger_file_left_without_tables_by_a_kill_does_not_stop_the_reactor(
    tmp_path: Path,
) -> None:
    """Seen in CI: the reactor was killed after creating its ledger file and before its
    tables; every restart then failed reading them, every round."""
    ledger = tmp_path / "fast-ledger.duckdb"
    duckdb.connect(str(ledger)).close()  # the file, and nothing in it

    def no_writer(channel: str, run_id: str) -> Writer:
        raise AssertionError("nothing is pushed here")

    pusher = FastPusher(StockBook(), no_writer, ledger_path=ledger, locks_dir=tmp_path)
    pusher.reset_to_build({"shopify:listing": datetime.now(UTC)})
    assert pusher.intended == {}
