"""Amazon stock writes: Listings Items `patchListingsItem`, one seller SKU a call.

The patch replaces the DEFAULT (merchant-fulfilled) `fulfillment_availability` quantity: an
absolute number, so a retried patch cannot double-apply. Amazon has no compare-and-set; the
read-back after the writes shows what stuck. Amazon-fulfilled listings never reach a writer
(the plan leaves them out, and Amazon would refuse them).

Not yet: the JSON_LISTINGS_FEED for plans too large for 5 patches a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from channels.amazon.client import AmazonClient
from channels.errors import ChannelError
from reverse_etl.ledger import Outcome
from reverse_etl.plan import ListingChange

CHANNEL = "amazon"
# The generic product type Amazon accepts for offer-only attributes such as stock.
PRODUCT_TYPE = "PRODUCT"


class AmazonWriter:
    channel = CHANNEL

    def __init__(self, client: AmazonClient) -> None:
        self.client = client
        self.calls = 0

    def region_of(self, marketplace_id: str) -> str:
        for region in self.client.account.regions:
            if marketplace_id in region.marketplace_ids:
                return region.name
        raise KeyError(f"marketplace {marketplace_id} is in no configured Amazon region")

    def _path(self, change: ListingChange) -> str:
        seller_sku = quote(str(change.seller_sku), safe="")
        return f"/listings/2021-08-01/items/{self.client.account.seller_id}/{seller_sku}"

    def write(self, changes: Sequence[ListingChange]) -> list[Outcome]:
        outcomes = []
        for change in changes:
            body = {
                "productType": PRODUCT_TYPE,
                "patches": [
                    {
                        "op": "replace",
                        "path": "/attributes/fulfillment_availability",
                        "value": [
                            {"fulfillment_channel_code": "DEFAULT", "quantity": change.target}
                        ],
                    }
                ],
            }
            try:
                answer = self.client.call(
                    self.region_of(change.store_id),
                    "patchListingsItem",
                    "PATCH",
                    self._path(change),
                    params={"marketplaceIds": change.store_id},
                    body=body,
                )
            except ChannelError as error:
                outcomes.append(
                    Outcome(change.listing_key, "failed", change.target, error=str(error))
                )
                continue
            finally:
                self.calls += 1
            if answer.get("status") == "ACCEPTED":
                outcomes.append(
                    Outcome(
                        change.listing_key, "written", change.target, acknowledged=change.target
                    )
                )
            else:
                issues = "; ".join(
                    f"{issue.get('code')}: {issue.get('message')}"
                    for issue in answer.get("issues") or []
                )
                outcomes.append(
                    Outcome(
                        change.listing_key,
                        "failed",
                        change.target,
                        error=f"{answer.get('status')}: {issues or 'no issues given'}",
                    )
                )
        return outcomes

    def read_back(self, changes: Sequence[ListingChange]) -> dict[str, int | None]:
        shown: dict[str, int | None] = {}
        for change in changes:
            item = self.client.call(
                self.region_of(change.store_id),
                "getListingsItem",
                "GET",
                self._path(change),
                params={
                    "marketplaceIds": change.store_id,
                    "includedData": "fulfillmentAvailability",
                },
            )
            quantities = [
                entry.get("quantity")
                for entry in item.get("fulfillmentAvailability") or []
                if entry.get("fulfillmentChannelCode") == "DEFAULT"
            ]
            shown[change.listing_key] = (
                int(quantities[0]) if quantities and quantities[0] is not None else None
            )
        return shown
