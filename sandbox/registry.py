"""Every channel the sandbox simulates. Adding a channel is one entry here plus its own module."""

from __future__ import annotations

from sandbox.amazon import SIMULATOR as AMAZON
from sandbox.channel import ChannelSimulator
from sandbox.shopify import SIMULATOR as SHOPIFY
from sandbox.tiktok_shop import SIMULATOR as TIKTOK_SHOP
from sandbox.warehouse import SIMULATOR as WAREHOUSE


def simulators() -> list[ChannelSimulator]:
    return [SHOPIFY, AMAZON, TIKTOK_SHOP, WAREHOUSE]
