"""The brand's 3PL/WMS simulator: the physical truth of stock, per SKU per location."""

from __future__ import annotations

from typing import Any

from sandbox.channel import Host
from sandbox.server.context import SandboxContext
from sandbox.warehouse.api import BURST, RATE_PER_S, api_key, build_app, webhook_secret
from sandbox.world.spec import WarehouseLocation
from sandbox.world.state import World

LOCATIONS = (
    WarehouseLocation("NJ1", "Tributary 3PL - Secaucus, NJ", "US"),
    WarehouseLocation("NL1", "Tributary 3PL - Venlo", "NL"),
)


class WarehouseSimulator:
    slug = "warehouse"
    storefronts = ()
    locations = LOCATIONS

    def hosts(self) -> list[Host]:
        return [Host("wms", build_app)]

    def order_id(self, world: World, order: int) -> str:
        raise LookupError("the warehouse takes no orders of its own")

    def listing_key(self, world: World, listing: int) -> dict[str, Any]:
        raise LookupError("the warehouse lists nothing on a storefront")

    def manifest(self, context: SandboxContext, base_urls: dict[str, str]) -> dict[str, Any]:
        return {
            "base_url": base_urls["wms"],
            "api_key": api_key(context),
            "webhook_secret": webhook_secret(context),
            "locations": [location.code for location in LOCATIONS],
            "rate_limits": {
                "requests_per_second": context.clock.wire_rate(RATE_PER_S),
                "burst": BURST,
            },
        }


SIMULATOR = WarehouseSimulator()
