"""Listings Items API 2021-08-01: search, get and patch a seller's listings.

The stock write for seller-fulfilled listings is a patch that replaces
`/attributes/fulfillment_availability` with `[{"fulfillment_channel_code": "DEFAULT",
"quantity": N}]`. An absolute quantity: a retried patch cannot double-apply. Amazon-fulfilled
listings take no DEFAULT quantity; Amazon counts that stock itself.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from aiohttp import web

from sandbox.amazon import ids, paging
from sandbox.amazon.auth import CHANNEL, auth_state, error_response
from sandbox.amazon.marketplace import Marketplace, iso
from sandbox.amazon.orders import SERVED, multi, reply
from sandbox.server.keys import CONTEXT, METRICS

DEFAULT_PAGE = 10
MAX_PAGE = 20
PATCH_OPS = ("add", "replace", "merge", "delete")
INCLUDED = (
    "summaries",
    "attributes",
    "issues",
    "offers",
    "fulfillmentAvailability",
    "procurement",
    "relationships",
    "productTypes",
)


def _marketplace(request: web.Request) -> tuple[Marketplace | None, web.Response | None]:
    context = request.app[CONTEXT]
    if request.match_info["seller_id"] != auth_state(context).credentials.seller_id:
        return None, error_response(
            403, "Unauthorized", "Access to requested resource is denied.", ""
        )
    wanted = multi(request.query, "marketplaceIds")
    known: dict[str, Marketplace] = request.app[SERVED]
    if len(wanted) != 1 or wanted[0] not in known:
        return None, error_response(
            400, "InvalidInput", "marketplaceIds must name exactly one marketplace of this seller."
        )
    return known[wanted[0]], None


def render_item(marketplace: Marketplace, listing: int, included: list[str]) -> dict[str, Any]:
    world = marketplace.world
    sku = world.listing_sku(listing)
    fba = marketplace.is_fba(listing)
    code = marketplace.spec.fba_channel_code if fba else "DEFAULT"
    quantity = int(world.displayed[listing])
    item: dict[str, Any] = {"sku": marketplace.seller_sku(listing)}
    if "summaries" in included:
        summary: dict[str, Any] = {
            "marketplaceId": marketplace.spec.marketplace_id,
            "asin": ids.asin(sku),
            "productType": "PRODUCT",
            "conditionType": "new_new",
            "status": ["BUYABLE", "DISCOVERABLE"] if quantity > 0 else ["DISCOVERABLE"],
            "itemName": world.catalog.product_title[int(world.catalog.sku_product[sku])],
            "createdDate": iso(int(world.listings.created_at[listing])),
            "lastUpdatedDate": iso(int(world.listing_updated[listing])),
        }
        if fba:
            summary["fnSku"] = ids.fnsku(listing)
        item["summaries"] = [summary]
    if "attributes" in included:
        barcode = world.listings.barcode(listing, world.catalog)
        attributes: dict[str, Any] = {
            "item_name": [
                {
                    "value": world.catalog.product_title[int(world.catalog.sku_product[sku])],
                    "marketplace_id": marketplace.spec.marketplace_id,
                }
            ],
            "fulfillment_availability": [{"fulfillment_channel_code": code, "quantity": quantity}],
        }
        if barcode is not None:
            attributes["externally_assigned_product_identifier"] = [
                {"type": "ean", "value": barcode, "marketplace_id": marketplace.spec.marketplace_id}
            ]
        item["attributes"] = attributes
    if "fulfillmentAvailability" in included:
        item["fulfillmentAvailability"] = [{"fulfillmentChannelCode": code, "quantity": quantity}]
    if "issues" in included:
        item["issues"] = []
    return item


def _included(request: web.Request, default: str) -> tuple[list[str], web.Response | None]:
    included = multi(request.query, "includedData") or [default]
    unknown = [i for i in included if i not in INCLUDED]
    if unknown:
        return [], error_response(
            400, "InvalidInput", f"Invalid includedData: {', '.join(unknown)}"
        )
    return included, None


async def search_listings_items(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    context.sync()
    marketplace, problem = _marketplace(request)
    if problem is not None:
        return problem
    assert marketplace is not None
    included, problem = _included(request, "summaries")
    if problem is not None:
        return problem
    try:
        size = int(request.query.get("pageSize", DEFAULT_PAGE))
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_PAGE:
        return error_response(400, "InvalidInput", f"pageSize must be between 1 and {MAX_PAGE}.")
    sort_by = request.query.get("sortBy", "lastUpdatedDate")
    order = request.query.get("sortOrder", "DESC")
    if sort_by not in ("sku", "createdDate", "lastUpdatedDate") or order not in ("ASC", "DESC"):
        return error_response(400, "InvalidInput", "Invalid sortBy or sortOrder.")
    world = marketplace.world
    listings = list(marketplace.listings)
    if "identifiers" in request.query:
        if request.query.get("identifiersType") != "SKU":
            return error_response(
                400, "InvalidInput", "The sandbox searches identifiers of type SKU only."
            )
        wanted = set(multi(request.query, "identifiers"))
        listings = [listing for listing in listings if marketplace.seller_sku(listing) in wanted]

    def key(listing: int) -> tuple[int, str]:
        if sort_by == "sku":
            return (0, marketplace.seller_sku(listing))
        column = world.listings.created_at if sort_by == "createdDate" else world.listing_updated
        return (int(column[listing]), marketplace.seller_sku(listing))

    listings.sort(key=key, reverse=order == "DESC")
    try:
        offset = paging.offset_of(request, "pageToken")
    except ValueError as error:
        return error_response(400, "InvalidInput", str(error))
    page = listings[offset : offset + size]
    items = context.faults_of(CHANNEL).shape_all(
        [render_item(marketplace, listing, included) for listing in page]
    )
    payload: dict[str, Any] = {"numberOfResults": len(listings), "items": items}
    pagination: dict[str, str] = {}
    if offset + size < len(listings):
        pagination["nextToken"] = paging.offset_token(offset + size)
    if offset > 0:
        pagination["previousToken"] = paging.offset_token(max(0, offset - size))
    if pagination:
        payload["pagination"] = pagination
    request[METRICS].records_served += len(items)
    return reply(payload)


async def get_listings_item(request: web.Request) -> web.Response:
    request.app[CONTEXT].sync()
    marketplace, problem = _marketplace(request)
    if problem is not None:
        return problem
    assert marketplace is not None
    included, problem = _included(request, "summaries")
    if problem is not None:
        return problem
    listing = marketplace.listing_of_seller_sku.get(request.match_info["sku"])
    if listing is None:
        return error_response(
            404,
            "NOT_FOUND",
            f"SKU '{request.match_info['sku']}' not found in marketplace "
            f"{marketplace.spec.marketplace_id}",
        )
    return reply(render_item(marketplace, listing, included))


def _issue(code: str, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "severity": "ERROR",
        "attributeNames": ["fulfillment_availability"],
        "categories": ["INVALID_ATTRIBUTE"],
    }


def requested_quantity(body: dict[str, Any]) -> tuple[int | None, list[dict[str, Any]]]:
    """The DEFAULT quantity a patch body sets, or the issues that make it invalid."""
    patches = body.get("patches")
    if not isinstance(patches, list) or not patches:
        return None, [_issue("4000001", "The request must contain at least one patch.")]
    quantity = None
    for patch in patches:
        if patch.get("op") not in PATCH_OPS:
            return None, [_issue("4000002", f"Unsupported patch operation {patch.get('op')!r}.")]
        if patch.get("path") != "/attributes/fulfillment_availability":
            continue
        values = patch.get("value")
        if not isinstance(values, list) or len(values) != 1:
            return None, [_issue("4000003", "fulfillment_availability takes exactly one value.")]
        value = values[0]
        if value.get("fulfillment_channel_code") != "DEFAULT":
            return None, [
                _issue("4000004", "Only the DEFAULT fulfillment channel can be set by the seller.")
            ]
        raw = value.get("quantity")
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
            return None, [_issue("4000005", "quantity must be a non-negative integer.")]
        quantity = raw
    return quantity, []


async def patch_listings_item(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    now = context.sync()
    marketplace, problem = _marketplace(request)
    if problem is not None:
        return problem
    assert marketplace is not None
    sku = request.match_info["sku"]
    listing = marketplace.listing_of_seller_sku.get(sku)
    if listing is None:
        return error_response(
            404,
            "NOT_FOUND",
            f"SKU '{sku}' not found in marketplace {marketplace.spec.marketplace_id}",
        )
    try:
        body = await request.json()
    except ValueError:
        return error_response(400, "InvalidInput", "The request body is not valid JSON.")
    if not isinstance(body, dict) or "productType" not in body:
        return error_response(400, "InvalidInput", "productType is required.")
    quantity, issues = requested_quantity(body)
    if not issues and quantity is not None and marketplace.is_fba(listing):
        issues = [
            _issue("90220", "A DEFAULT quantity cannot be set on a listing fulfilled by Amazon.")
        ]
    submission = hashlib.md5(f"{sku}:{now}:{orjson.dumps(body).decode()}".encode()).hexdigest()  # noqa: S324
    status = (
        "INVALID"
        if issues
        else ("VALID" if request.query.get("mode") == "VALIDATION_PREVIEW" else "ACCEPTED")
    )
    accepted = status == "ACCEPTED" and quantity is not None
    if accepted and marketplace.world.set_displayed(listing, int(quantity or 0), now):
        request[METRICS].writes_applied += 1
    return reply({"sku": sku, "status": status, "submissionId": submission, "issues": issues})


def routes() -> list[web.RouteDef]:
    return [
        web.get(
            "/listings/2021-08-01/items/{seller_id}",
            search_listings_items,
            name="searchListingsItems",
        ),
        web.get(
            "/listings/2021-08-01/items/{seller_id}/{sku}",
            get_listings_item,
            name="getListingsItem",
        ),
        web.patch(
            "/listings/2021-08-01/items/{seller_id}/{sku}",
            patch_listings_item,
            name="patchListingsItem",
        ),
    ]
