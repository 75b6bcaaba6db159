"""FBA Inventory API v1: getInventorySummaries (`fbaInventory.json`).

Amazon holds this stock: the summaries say what is fulfillable and what is reserved for
customer orders. It is read, never pushed. Pages of 50 with `pagination.nextToken`.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.amazon import ids, paging
from sandbox.amazon.auth import CHANNEL, error_response
from sandbox.amazon.marketplace import Marketplace, iso, parse_iso
from sandbox.amazon.orders import SERVED, multi, reply
from sandbox.server.keys import CONTEXT, METRICS

PAGE = 50


def summary(marketplace: Marketplace, listing: int, details: bool) -> dict[str, Any]:
    world = marketplace.world
    sku = world.listing_sku(listing)
    fulfillable = int(world.displayed[listing])
    reserved = int(world.committed_by_listing[listing])
    record: dict[str, Any] = {
        "asin": ids.asin(sku),
        "fnSku": ids.fnsku(listing),
        "sellerSku": marketplace.seller_sku(listing),
        "condition": "NewItem",
        "lastUpdatedTime": iso(int(world.listing_updated[listing])),
        "productName": world.catalog.product_title[int(world.catalog.sku_product[sku])],
        "totalQuantity": fulfillable + reserved,
        "stores": [],
    }
    if details:
        record["inventoryDetails"] = {
            "fulfillableQuantity": fulfillable,
            "inboundWorkingQuantity": 0,
            "inboundShippedQuantity": 0,
            "inboundReceivingQuantity": 0,
            "reservedQuantity": {
                "totalReservedQuantity": reserved,
                "pendingCustomerOrderQuantity": reserved,
                "pendingTransshipmentQuantity": 0,
                "fcProcessingQuantity": 0,
            },
            "researchingQuantity": {
                "totalResearchingQuantity": 0,
                "researchingQuantityBreakdown": [],
            },
            "unfulfillableQuantity": {
                "totalUnfulfillableQuantity": 0,
                "customerDamagedQuantity": 0,
                "warehouseDamagedQuantity": 0,
                "distributorDamagedQuantity": 0,
                "carrierDamagedQuantity": 0,
                "defectiveQuantity": 0,
                "expiredQuantity": 0,
            },
        }
    return record


async def get_inventory_summaries(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    context.sync()
    query = request.query
    known: dict[str, Marketplace] = request.app[SERVED]
    if query.get("granularityType") != "Marketplace":
        return error_response(400, "InvalidInput", "granularityType must be Marketplace.")
    marketplace_ids = multi(query, "marketplaceIds")
    granularity_id = query.get("granularityId")
    if granularity_id not in known or marketplace_ids != [granularity_id]:
        return error_response(
            400,
            "InvalidInput",
            "granularityId and marketplaceIds must name the same marketplace of this seller.",
        )
    marketplace = known[granularity_id]
    details = query.get("details", "false").lower() == "true"
    skus = multi(query, "sellerSkus") or ([query["sellerSku"]] if "sellerSku" in query else [])
    if len(skus) > 50:
        return error_response(400, "InvalidInput", "sellerSkus accepts at most 50 values.")
    listings = [listing for listing in marketplace.listings if marketplace.is_fba(listing)]
    if "startDateTime" in query:
        try:
            start = parse_iso(query["startDateTime"])
        except ValueError:
            return error_response(
                400, "InvalidInput", "startDateTime is not a valid ISO 8601 date."
            )
        listings = [
            listing
            for listing in listings
            if int(marketplace.world.listing_updated[listing]) >= start
        ]
    elif skus:
        wanted = set(skus)
        listings = [listing for listing in listings if marketplace.seller_sku(listing) in wanted]
    try:
        offset = paging.offset_of(request, "nextToken")
    except ValueError as error:
        return error_response(400, "InvalidInput", str(error))
    page = listings[offset : offset + PAGE]
    summaries = context.faults_of(CHANNEL).shape_all(
        [summary(marketplace, listing, details) for listing in page]
    )
    if context.faults_of(CHANNEL).settings.zero_stock:
        for record in summaries:
            record["totalQuantity"] = 0
            if "inventoryDetails" in record:
                record["inventoryDetails"]["fulfillableQuantity"] = 0
    payload: dict[str, Any] = {
        "payload": {
            "granularity": {"granularityType": "Marketplace", "granularityId": granularity_id},
            "inventorySummaries": summaries,
        }
    }
    if offset + PAGE < len(listings):
        payload["pagination"] = {"nextToken": paging.offset_token(offset + PAGE)}
    request[METRICS].records_served += len(summaries)
    return reply(payload)


def routes() -> list[web.RouteDef]:
    return [
        web.get(
            "/fba/inventory/v1/summaries", get_inventory_summaries, name="getInventorySummaries"
        )
    ]
