"""TikTok Shop stock writes: `products/{product_id}/inventory/update`, one product a call.

A call sets absolute quantities for any of the product's SKUs per warehouse, so a retried
call cannot double-apply. Read-back is `inventory/search` by SKU id (up to 600 a call).
"""

from __future__ import annotations

from collections.abc import Sequence

from channels.errors import ChannelError
from channels.tiktok_shop.client import TikTokShopClient
from reverse_etl.ledger import Outcome
from reverse_etl.plan import ListingChange

CHANNEL = "tiktok_shop"
READ_BATCH = 600


class TikTokShopWriter:
    channel = CHANNEL

    def __init__(self, clients: dict[str, TikTokShopClient]) -> None:
        self.clients = clients  # by shop id (the marts' store_id)
        self.calls = 0

    def write(self, changes: Sequence[ListingChange]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        products: dict[tuple[str, str], list[ListingChange]] = {}
        for change in changes:
            products.setdefault((change.store_id, str(change.product_id)), []).append(change)
        for (store_id, product_id), product_changes in sorted(products.items()):
            body = {
                "skus": [
                    {
                        "id": change.variant_id,
                        "inventory": [
                            {"warehouse_id": change.location_id, "quantity": change.target}
                        ],
                    }
                    for change in product_changes
                ]
            }
            try:
                self.clients[store_id].call(
                    "POST", f"/product/202309/products/{product_id}/inventory/update", body=body
                )
            except ChannelError as error:
                outcomes += [
                    Outcome(change.listing_key, "failed", change.target, error=str(error))
                    for change in product_changes
                ]
                continue
            finally:
                self.calls += 1
            outcomes += [
                Outcome(change.listing_key, "written", change.target, acknowledged=change.target)
                for change in product_changes
            ]
        return outcomes

    def read_back(self, changes: Sequence[ListingChange]) -> dict[str, int | None]:
        shown: dict[str, int | None] = {}
        for store_id in sorted({change.store_id for change in changes}):
            store_changes = [change for change in changes if change.store_id == store_id]
            for start in range(0, len(store_changes), READ_BATCH):
                batch = store_changes[start : start + READ_BATCH]
                data = self.clients[store_id].call(
                    "POST",
                    "/product/202309/inventory/search",
                    body={"sku_ids": sorted({str(change.variant_id) for change in batch})},
                    require="inventory",
                )
                levels: dict[tuple[str, str], int] = {}
                for product in data["inventory"]:
                    for sku in product.get("skus") or []:
                        for stock in sku.get("warehouse_inventory") or []:
                            levels[(str(sku.get("id")), str(stock.get("warehouse_id")))] = int(
                                stock.get("available_quantity") or 0
                            )
                for change in batch:
                    shown[change.listing_key] = levels.get(
                        (str(change.variant_id), str(change.location_id))
                    )
        return shown
