"""The Feeds API as a seller meets it: document, upload, feed, processing, report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.helpers.clients import Amazon, Control


def post(amazon: Amazon, path: str, body: dict[str, Any]) -> httpx.Response:
    headers = {"x-amz-access-token": amazon.token("na")}
    return amazon.http.post(f"{amazon.endpoint('na')}{path}", json=body, headers=headers)


def merchant_and_fba_skus(control: Control) -> tuple[str, str]:
    listings = control.get("/truth/listings", channel="amazon")["listings"]
    us = [row for row in listings if row["store_id"] == "ATVPDKIKX0DER"]
    merchant = next(row for row in us if row["fulfilled_by"] == "merchant")
    fba = next(row for row in us if row["fulfilled_by"] == "marketplace")
    return merchant["key"]["seller_sku"], fba["key"]["seller_sku"]


def stock_message(number: int, sku: str, quantity: int) -> dict[str, Any]:
    return {
        "messageId": number,
        "sku": sku,
        "operationType": "PATCH",
        "productType": "PRODUCT",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}],
            }
        ],
    }


def test_a_listings_feed_is_queued_processed_and_reported(
    sandbox: Callable[..., dict[str, Any]],
) -> None:
    manifest = sandbox()
    amazon, control = Amazon(manifest), Control(manifest)
    merchant, fba = merchant_and_fba_skus(control)

    document = post(amazon, "/feeds/2021-06-30/documents", {"contentType": "application/json"})
    assert document.status_code == 201
    upload = document.json()
    feed_body = {
        "header": {"sellerId": amazon.config["seller_id"], "version": "2.0"},
        "messages": [stock_message(1, merchant, 77), stock_message(2, fba, 5)],
    }
    assert amazon.http.put(upload["url"], json=feed_body).status_code == 200
    missing = post(
        amazon,
        "/feeds/2021-06-30/feeds",
        {"feedType": "JSON_LISTINGS_FEED", "marketplaceIds": ["ATVPDKIKX0DER"],
         "inputFeedDocumentId": "amzn1.tortuga.4.na.1"},
    )  # fmt: skip
    assert missing.status_code == 400
    created = post(
        amazon,
        "/feeds/2021-06-30/feeds",
        {"feedType": "JSON_LISTINGS_FEED", "marketplaceIds": ["ATVPDKIKX0DER"],
         "inputFeedDocumentId": upload["feedDocumentId"]},
    )  # fmt: skip
    assert created.status_code == 202
    feed_id = created.json()["feedId"]

    def status() -> dict[str, Any]:
        response = amazon.get("na", f"/feeds/2021-06-30/feeds/{feed_id}")
        response.raise_for_status()
        return dict(response.json())

    assert status()["processingStatus"] == "IN_QUEUE"
    control.advance(90)
    assert status()["processingStatus"] == "IN_PROGRESS"
    shown = {row["key"]["seller_sku"]: row for row in control.get("/truth/listings")["listings"]
             if row["channel"] == "amazon" and row["store_id"] == "ATVPDKIKX0DER"}  # fmt: skip
    assert shown[merchant]["displayed_quantity"] != 77, "nothing changes before processing ends"
    control.advance(120)
    done = status()
    assert done["processingStatus"] == "DONE"

    result = amazon.get("na", f"/feeds/2021-06-30/documents/{done['resultFeedDocumentId']}")
    report = amazon.http.get(result.json()["url"]).json()
    assert report["summary"]["messagesProcessed"] == 2
    assert report["summary"]["messagesAccepted"] == 1
    assert [(issue["messageId"], issue["code"]) for issue in report["issues"]] == [(2, "90220")]
    listings = control.get("/truth/listings", channel="amazon")["listings"]
    after = {
        row["key"]["seller_sku"]: row for row in listings if row["store_id"] == "ATVPDKIKX0DER"
    }
    assert after[merchant]["displayed_quantity"] == 77
    assert after[fba]["displayed_quantity"] == shown[fba]["displayed_quantity"]
