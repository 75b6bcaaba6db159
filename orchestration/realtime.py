"""Wiring the reactor to this installation: its warehouse's serving copy and locks, the
channels' writers, the guard settings the batch push uses, the world clock of a sandbox."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

from channels.tiktok_shop.client import TikTokShopClient
from channels.tiktok_shop.config import TikTokShopConfig
from channels.tiktok_shop.orders import order_update_from_detail
from channels.webhooks import OrderUpdate
from core.warehouse import Warehouse
from dlt_sources.common.config import channel_settings
from orchestration.push import guard_config, world_now
from realtime.loop import LoopSettings, ReactorLoop
from realtime.pusher import FastPusher
from realtime.reactor import OrderFetcher, Reactor
from realtime.stock_book import StockBook
from reverse_etl.writers import Writer
from reverse_etl.writers.registry import build_writer


def order_fetcher(config_file: str | None) -> OrderFetcher:
    """How the reactor reads orders whose notifications carry no lines (TikTok's)."""
    clients: dict[str, TikTokShopClient] = {}

    def fetch(channel: str, store_id: str, order_ids: list[str]) -> list[OrderUpdate]:
        if channel != "tiktok_shop":
            raise ValueError(f"no way to fetch {channel} orders by id")
        if channel not in clients:
            settings = channel_settings(channel, config_file)
            clients[channel] = TikTokShopClient(TikTokShopConfig.from_mapping(dict(settings)))
        details = clients[channel].order_details(order_ids)
        return [order_update_from_detail(order, store_id) for order in details]

    return fetch


def run_reactor(
    store: Path, warehouse_path: Path | None, config_file: str | None, poll_s: float
) -> None:
    warehouse = Warehouse.at(warehouse_path)
    book = StockBook()

    def make_writer(channel: str, run_id: str) -> Writer:
        return build_writer(channel, channel_settings(channel, config_file), run_id)

    pusher = FastPusher(
        book,
        make_writer,
        ledger_path=warehouse.fast_push_ledger_path,
        locks_dir=warehouse.locks_dir,
        guard=guard_config(),
        clock=lambda: world_now(config_file),
    )
    loop = ReactorLoop(
        LoopSettings(serving_copy=warehouse.serving_path, poll_s=poll_s),
        Reactor(store, book, fetch_orders=order_fetcher(config_file)),
        book,
        pusher,
    )

    def stop(_signal: int, _frame: FrameType | None) -> None:
        loop.stop.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    loop.run()
