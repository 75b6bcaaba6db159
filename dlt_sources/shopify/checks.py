"""What a Shopify row must hold to be loaded (anything else is quarantined)."""

from __future__ import annotations

from dlt_sources.common.checks import each, money, one_of, required, timestamp, whole_number

FINANCIAL = (
    "PENDING",
    "AUTHORIZED",
    "PARTIALLY_PAID",
    "PARTIALLY_REFUNDED",
    "VOIDED",
    "PAID",
    "REFUNDED",
    "EXPIRED",
)
FULFILLMENT = (
    "UNFULFILLED",
    "PARTIALLY_FULFILLED",
    "FULFILLED",
    "RESTOCKED",
    "PENDING_FULFILLMENT",
    "OPEN",
    "IN_PROGRESS",
    "ON_HOLD",
    "SCHEDULED",
    "REQUEST_DECLINED",
)

LINE_ITEM = [
    required("id"),
    whole_number("quantity"),
    money("originalUnitPriceSet.shopMoney.amount"),
]

ORDER = [
    required("id"),
    timestamp("updatedAt"),
    timestamp("createdAt"),
    money("totalPriceSet.shopMoney.amount"),
    one_of("displayFinancialStatus", FINANCIAL, optional=True),
    one_of("displayFulfillmentStatus", FULFILLMENT),
    each("lineItems", LINE_ITEM),
]

CUSTOMER = [required("id"), timestamp("updated_at")]
PRODUCT = [required("id"), each("variants", [required("id"), money("price")])]
LOCATION = [required("id")]
INVENTORY_ITEM = [required("id")]
INVENTORY_LEVEL = [required("inventory_item_id"), required("location_id")]
