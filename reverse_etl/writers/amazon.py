"""Amazon stock writes: Listings Items patches for small plans, a JSON_LISTINGS_FEED above
`feed_threshold` listings per marketplace.

Both replace the DEFAULT (merchant-fulfilled) `fulfillment_availability` quantity: an
absolute number, so a retried patch or a resubmitted feed cannot double-apply. A patch
costs one call of a 5/s plan; a feed carries up to 25,000 listings in five calls but takes
Amazon minutes to process, so it pays off for large plans. Amazon has no compare-and-set;
the read-back after the writes shows what stuck. Amazon-fulfilled listings never reach a
writer (the plan leaves them out, and Amazon would refuse them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from channels.amazon.client import AmazonClient
from channels.deadline import sleep_within
from channels.errors import ChannelError, RequestRejectedError
from channels.transport import parse_json, retry_for_status
from reverse_etl.ledger import Outcome
from reverse_etl.plan import ListingChange

CHANNEL = "amazon"
# The generic product type Amazon accepts for offer-only attributes such as stock.
PRODUCT_TYPE = "PRODUCT"
FEED_LIMIT = 25_000  # messages per JSON_LISTINGS_FEED
FEED_CONTENT_TYPE = "application/json; charset=UTF-8"
FEED_FINAL = ("DONE", "FATAL", "CANCELLED")


class AmazonWriter:
    channel = CHANNEL

    def __init__(
        self, client: AmazonClient, *, feed_threshold: int = 1_000, feed_poll_s: float = 30.0
    ) -> None:
        self.client = client
        self.feed_threshold = feed_threshold
        self.feed_poll_s = feed_poll_s
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
        outcomes: list[Outcome] = []
        for marketplace in sorted({change.store_id for change in changes}):
            mine = [change for change in changes if change.store_id == marketplace]
            if len(mine) > self.feed_threshold:
                for start in range(0, len(mine), FEED_LIMIT):
                    batch = mine[start : start + FEED_LIMIT]
                    try:
                        outcomes += self._feed(marketplace, batch)
                    except ChannelError as error:
                        outcomes += [
                            Outcome(c.listing_key, "failed", c.target, error=str(error))
                            for c in batch
                        ]
            else:
                outcomes += self._patch(mine)
        return outcomes

    def _patch(self, changes: Sequence[ListingChange]) -> list[Outcome]:
        outcomes = []
        for change in changes:
            body = {"productType": PRODUCT_TYPE, "patches": _stock_patches(change.target)}
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

    def _feed(self, marketplace: str, changes: Sequence[ListingChange]) -> list[Outcome]:
        """One JSON_LISTINGS_FEED: document -> upload -> feed -> poll -> processing report."""
        region = self.region_of(marketplace)
        feed = {
            "header": {"sellerId": self.client.account.seller_id, "version": "2.0"},
            "messages": [
                {
                    "messageId": number,
                    "sku": change.seller_sku,
                    "operationType": "PATCH",
                    "productType": PRODUCT_TYPE,
                    "patches": _stock_patches(change.target),
                }
                for number, change in enumerate(changes, start=1)
            ],
        }
        document = self._call(
            region,
            "createFeedDocument",
            "POST",
            "/feeds/2021-06-30/documents",
            body={"contentType": FEED_CONTENT_TYPE},
        )
        self._upload(str(document["url"]), orjson.dumps(feed))
        created = self._call(
            region,
            "createFeed",
            "POST",
            "/feeds/2021-06-30/feeds",
            body={
                "feedType": "JSON_LISTINGS_FEED",
                "marketplaceIds": [marketplace],
                "inputFeedDocumentId": document["feedDocumentId"],
            },
        )
        feed_id = str(created["feedId"])
        while True:
            status = self._call(region, "getFeed", "GET", f"/feeds/2021-06-30/feeds/{feed_id}")
            if status.get("processingStatus") in FEED_FINAL:
                break
            sleep_within(
                self.client.transport.deadline,
                self.feed_poll_s,
                CHANNEL,
                "getFeed",
                f"feed {feed_id} is {status.get('processingStatus')}",
            )
        if status["processingStatus"] != "DONE" or not status.get("resultFeedDocumentId"):
            reason = f"feed {feed_id} ended {status['processingStatus']}"
            return [Outcome(c.listing_key, "failed", c.target, error=reason) for c in changes]
        result = self._call(
            region,
            "getFeedDocument",
            "GET",
            f"/feeds/2021-06-30/documents/{status['resultFeedDocumentId']}",
        )
        report = self._download(str(result["url"]))
        problems: dict[int, str] = {}
        for issue in report.get("issues") or []:
            if issue.get("severity") == "ERROR" and issue.get("messageId") is not None:
                problems[int(issue["messageId"])] = f"{issue.get('code')}: {issue.get('message')}"
        return [
            Outcome(change.listing_key, "failed", change.target, error=f"feed {feed_id}: {problem}")
            if (problem := problems.get(number))
            else Outcome(change.listing_key, "written", change.target, acknowledged=change.target)
            for number, change in enumerate(changes, start=1)
        ]

    def _call(
        self, region: str, operation: str, method: str, path: str, **options: Any
    ) -> dict[str, Any]:
        self.calls += 1
        return self.client.call(region, operation, method, path, **options)

    def _upload(self, url: str, content: bytes) -> None:
        def interpret(response: httpx.Response) -> None:
            retry_for_status(response)
            if response.status_code >= 400:
                raise RequestRejectedError(
                    CHANNEL, "PUT feed document", response.text[:300], status=response.status_code
                )

        self.client.transport.call(
            lambda: self.client.http.put(
                url, content=content, headers={"Content-Type": FEED_CONTENT_TYPE}
            ),
            interpret,
            endpoint="PUT feed document",
        )

    def _download(self, url: str) -> dict[str, Any]:
        def interpret(response: httpx.Response) -> dict[str, Any]:
            retry_for_status(response)
            if response.status_code >= 400:
                raise RequestRejectedError(
                    CHANNEL, "GET feed report", response.text[:300], status=response.status_code
                )
            report = parse_json(response)
            if not isinstance(report, dict):
                raise RequestRejectedError(CHANNEL, "GET feed report", "not a JSON object")
            return report

        return self.client.transport.call(
            lambda: self.client.http.get(url), interpret, endpoint="GET feed report"
        )

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


def _stock_patches(quantity: int) -> list[dict[str, Any]]:
    return [
        {
            "op": "replace",
            "path": "/attributes/fulfillment_availability",
            "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}],
        }
    ]
